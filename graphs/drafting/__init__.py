"""Draft one message to one client about one event, in the signed-in RM's voice."""
