"""Sub-commands of ``agentify`` that live in their own modules; each has ``register(subparsers)``."""
