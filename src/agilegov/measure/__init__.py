"""The measure language: grammar, syntax tree, type checks, SQL compilation."""
