"""The model setting, structured model calls, the embedded local model and the embeddings."""
