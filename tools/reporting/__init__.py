"""Performance reporting: the semantic layer, the query guard (all SQL safety) and how answers read."""
