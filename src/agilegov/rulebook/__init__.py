"""The rulebook format: model, durations, YAML loading and checks."""
