"""Example domains: realistic rulebooks for the five Society 5.0 fields and seeded simulators."""
