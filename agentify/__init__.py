"""Agentify's entry points: the HTTP server for the CRM API and the command line."""
