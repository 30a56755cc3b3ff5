"""The customer inquiry bot (seed 001): its classifier, knowledge base and escalation."""
