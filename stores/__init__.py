"""The bank's data: the CRM schema, its engines, fixtures and the demo bank.

The bottom layer: nothing here imports any other package of this project.
"""
