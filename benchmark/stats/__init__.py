"""Statistics: resampling (CIs, tests), a run's analysis, comparing two runs, gates."""
