"""Which use case a chat message asks for."""
