"""Community health, measured exactly as ``DOMAIN.md`` defines it: one function per metric over a
workspace and ``Filters`` (period, platforms, channels, reporting time zone), DataFrames out.

The dashboard's names are loaded when first asked for: they bring pandas, which an import's
daily rollup (``metrics.rollup``, plain SQL) does not need."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .filters import Filters

if TYPE_CHECKING:
    from .dashboard import Dashboard, compute_dashboard, headline

__all__ = ["Dashboard", "Filters", "compute_dashboard", "headline"]


def __getattr__(name: str) -> Any:  # noqa: ANN401 - whichever of the dashboard's names is asked for
    if name in ("Dashboard", "compute_dashboard", "headline"):
        from . import dashboard

        return getattr(dashboard, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
