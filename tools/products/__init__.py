"""The product catalog's terms."""
