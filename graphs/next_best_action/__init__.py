"""Next best action: one client in, the action to take, why, and a ready-to-send message out."""
