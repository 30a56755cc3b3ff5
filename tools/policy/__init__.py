"""The bank's rules: eligibility and suitability, the communication check."""
