"""Documents and reference sets: readers, raw-article ingest, sentences, tokens and stems."""
