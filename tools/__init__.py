"""The CRM API layer: how the agent reaches the bank, always as one signed-in RM."""
