"""Retrieval over the bank's documents and client profiles (FAISS on disk)."""
