"""The morning inbox of drafts and the e-mail outbox."""
