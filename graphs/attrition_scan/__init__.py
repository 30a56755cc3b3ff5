"""Attrition scan: which of the RM's clients are about to leave, why, and what to do."""
