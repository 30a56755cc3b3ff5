"""The product catalog: its terms, and which product a request names."""
