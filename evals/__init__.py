"""Evaluation suites and their runner (``python -m evals run SUITE``)."""
