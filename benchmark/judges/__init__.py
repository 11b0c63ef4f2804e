"""Pairwise judges: components that read an article and two summaries and say which is better."""
