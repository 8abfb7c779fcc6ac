"""Community health, measured exactly as ``DOMAIN.md`` defines it: one function per metric over a
workspace and ``Filters`` (period, platforms, channels, reporting time zone), DataFrames out."""
from __future__ import annotations

from .dashboard import Dashboard, compute_dashboard, headline
from .filters import Filters

__all__ = ["Dashboard", "Filters", "compute_dashboard", "headline"]
