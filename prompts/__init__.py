"""Prompts as data. Imports nothing else of this project."""
