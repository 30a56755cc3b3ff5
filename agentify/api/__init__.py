"""The HTTP API's route modules; ``agentify.server.create_app`` assembles them."""
