"""What is happening to clients: the bank's thresholds, triggers, nightly events, client profiles."""
