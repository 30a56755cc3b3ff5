"""The RM's voice: tone learned from sent messages, the RM's own rules, personalization and drafting."""
