"""A run as data (RunConfig) and its engine: summarize and score through the cache on an executor."""
