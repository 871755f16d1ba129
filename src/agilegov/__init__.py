"""agilegov: agile governance for cyber-physical systems."""

__version__ = "0.1.0"
