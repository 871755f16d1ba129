"""Continuous, incremental evaluation of the live service (watermarks, revisions)."""

from agilegov.monitor.core import Monitor, MonitorUpdate

__all__ = ["Monitor", "MonitorUpdate"]
