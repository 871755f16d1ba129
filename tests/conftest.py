"""Suite-wide settings: Hypothesis never judges by time (speed is measured in bench/)."""

from __future__ import annotations

from hypothesis import HealthCheck, settings

settings.register_profile(
    "agilegov",
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    print_blob=True,
)
settings.load_profile("agilegov")
