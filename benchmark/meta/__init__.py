"""Meta-evaluation: human judgments, correlations, and how well metrics agree with people."""
