"""Results: typed metadata and long-form tables, the versioned JSON schema and its readers, merging runs."""
