"""The RM's co-pilot: one chat thread that routes each message to the use case it asks for."""
