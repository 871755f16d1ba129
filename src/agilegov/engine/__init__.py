"""Evaluation: instants, windows, the DuckDB engine, the reference evaluator, responses."""
