"""The signed-in RM's door to the bank: the CRM API, sign-in tokens, client resolution, note reading."""
