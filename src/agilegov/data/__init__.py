"""Reading reported data files: CSV, JSONL, Parquet; row validation; quarantine."""
