"""What every stage uses and that uses nothing of sumbench: errors and exit codes, hashing,
atomic writes, safe text, progress, output paths."""
