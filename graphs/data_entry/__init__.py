"""Painless CRM data entry: a note in, a confirmed interaction log and tasks out."""
