"""Instant performance reporting: an RM's question in plain language → one read-only, RM-scoped query → an answer."""
