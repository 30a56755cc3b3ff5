"""The HTTP API's route modules; ``agentify.app.create_app`` assembles them."""
