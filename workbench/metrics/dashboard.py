"""Everything the Dashboard shows, computed in one pass over the workspace's columns (no Qt)."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pandas as pd

from . import activity as act
from .base import Base, base
from .filters import Filters
from .levels import level_movement_b
from .network import ties_layout, top_helpers_b, who_helps_whom_b
from .support import support_figures_b, ttfr_weekly_b, unanswered_b

HEADLINE_KEYS = ["active_people", "new_people", "stickiness", "ttfr_median_s", "ttfr_p90_s", "response_rate_24h",
                 "response_rate_ever", "absence_factor", "questions", "unanswered", "activities"]
# What each figure is, for showing it and its change (fmt.change): the rest are counts.
HEADLINE_KINDS = {"stickiness": "ratio", "ttfr_median_s": "duration", "ttfr_p90_s": "duration",
                  "response_rate_24h": "percent", "response_rate_ever": "percent"}


def headline_kind(key: str) -> str:
    """'count', 'ratio', 'duration' or 'percent' (a share kept as 0-1)."""
    return HEADLINE_KINDS.get(key, "count")


def headline_b(b: Base, f: Filters) -> dict:
    f = act.resolve(b, f)
    return dict(b.memo(("headline", f), lambda: _headline(b, f)))


def _headline(b: Base, f: Filters) -> dict:
    out = {
        "active_people": act.active_people_b(b, f),
        "new_people": act.new_people_count_b(b, f),
        "stickiness": act.stickiness_of(act.dau_wau_mau_b(b, f)),
        "absence_factor": act.absence_factor_b(b, f),
        "activities": act.activities_b(b, f),
    }
    out.update(support_figures_b(b, f))
    return {k: out[k] for k in HEADLINE_KEYS}


def headline(ws, filters: Filters) -> dict:  # noqa: ANN001
    """The headline figures of the period (each a number, or None where there is nothing to measure)."""
    return headline_b(base(ws), filters)


@dataclass
class Dashboard:
    filters: Filters  # with the period resolved
    headline: dict
    previous: dict
    dau_wau_mau: pd.DataFrame
    new_people: pd.DataFrame
    activity_by_platform: pd.DataFrame
    activity_by_channel: pd.DataFrame
    ttfr_weekly: pd.DataFrame
    retention: pd.DataFrame
    hour_weekday: pd.DataFrame
    level_movement: pd.DataFrame
    top_helpers: pd.DataFrame
    unanswered: pd.DataFrame
    platforms: list[str] = field(default_factory=list)
    channels: pd.DataFrame = field(default_factory=pd.DataFrame)  # channel_id, platform, name, kind
    who_helps_whom: pd.DataFrame = field(default_factory=pd.DataFrame)  # the top helpers' ties (who_helps_whom_b)

    def helper_layout(self) -> pd.DataFrame:
        """Where each person of ``who_helps_whom`` sits in a drawing of it (``ties_layout``):
        computed when first asked, as only a drawing needs it."""
        if self._layout is None:
            self._layout = ties_layout(self.who_helps_whom)
        return self._layout

    _layout: pd.DataFrame | None = field(default=None, repr=False, compare=False)

    @property
    def empty(self) -> bool:
        return not self.headline.get("activities")


def compute_dashboard(ws, filters: Filters) -> Dashboard:  # noqa: ANN001
    b = base(ws)
    f = act.resolve(b, filters)
    prev = f.previous()
    helpers = top_helpers_b(b, f)
    return Dashboard(
        filters=f,
        headline=headline_b(b, f),
        previous=headline_b(b, prev),
        dau_wau_mau=act.dau_wau_mau_b(b, f),
        new_people=act.new_people_b(b, f),
        activity_by_platform=act.activity_by_platform_b(b, f),
        activity_by_channel=act.activity_by_channel_b(b, f),
        ttfr_weekly=ttfr_weekly_b(b, f),
        retention=act.retention_b(b, f),
        hour_weekday=act.hour_weekday_b(b, f),
        level_movement=level_movement_b(b, f, f.start - dt.timedelta(days=1), f.end),
        top_helpers=helpers,
        unanswered=unanswered_b(ws, b, f),
        platforms=list(b.platforms),
        channels=b.channels.copy(),
        who_helps_whom=who_helps_whom_b(b, f, top_helpers=helpers),
    )
