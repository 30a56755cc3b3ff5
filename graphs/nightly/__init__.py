"""The nightly catch-up graph: scan → waves of per-event drafts (Send) → drafts store → run summary."""
