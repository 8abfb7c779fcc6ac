"""Engagement levels (after the Orbit model's presence milestones) and how people move between them.

Over the 90 days ending the report date: *Leading*: active on 30 or more days; *Contributing*: 7 or
more active days in the last 30; *Participating*: at least 2 active days in some ISO week of the last
30 days; *Exploring*: any activity in the 90 days; *Inactive*: none. People are those whose first
activity is on or before the date; days are calendar days in the reporting time zone.
"""
from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from .activity import person_days
from .base import Base, base, day_number, day_of
from .filters import Filters, reporting_tz

LEVELS = ["Inactive", "Exploring", "Participating", "Contributing", "Leading"]  # low to high
WINDOW_DAYS = 90
RECENT_DAYS = 30
LEADING_DAYS = 30
CONTRIBUTING_DAYS = 7
PARTICIPATING_DAYS_IN_WEEK = 2


def levels_b(b: Base, f: Filters, as_of: dt.date) -> pd.DataFrame:
    """Columns person_id, level, rank (0 Inactive .. 4 Leading), active_days_90, active_days_30."""
    person, day, _ = person_days(b, f)
    a = day_number(as_of)
    known = day <= a
    kp = person[known]
    people = kp[np.r_[True, kp[1:] != kp[:-1]]] if len(kp) else kp  # pairs are sorted by person
    in90 = known & (day > a - WINDOW_DAYS)
    in30 = known & (day > a - RECENT_DAYS)
    idx90 = np.searchsorted(people, person[in90])
    idx30 = np.searchsorted(people, person[in30])
    days90 = np.bincount(idx90, minlength=len(people))
    days30 = np.bincount(idx30, minlength=len(people))
    week = (day[in30] + 3) // 7  # ISO weeks: day 4 (1970-01-05) was a Monday
    if len(week):
        wk = idx30.astype(np.int64) * 1_000_000 + week
        uniq, counts = np.unique(wk, return_counts=True)
        busy = np.zeros(len(people), dtype=bool)
        busy[(uniq[counts >= PARTICIPATING_DAYS_IN_WEEK] // 1_000_000)] = True
    else:
        busy = np.zeros(len(people), dtype=bool)
    rank = np.where(days90 >= LEADING_DAYS, 4,
                    np.where(days30 >= CONTRIBUTING_DAYS, 3,
                             np.where(busy, 2, np.where(days90 > 0, 1, 0))))
    return pd.DataFrame({"person_id": people, "level": np.asarray(LEVELS, dtype=object)[rank], "rank": rank,
                         "active_days_90": days90, "active_days_30": days30})


def _as_of(b: Base, f: Filters, as_of: dt.date | None) -> dt.date:
    if as_of is not None:
        return as_of
    if f.end is not None:
        return f.end
    d = b.days("ts", f.tz)
    return day_of(d.max()) if len(d) else dt.date.today()


def engagement_levels(ws, as_of: dt.date | None = None, filters: Filters | None = None) -> pd.DataFrame:  # noqa: ANN001
    """Each person's level on ``as_of`` (default: the last day of data): columns person_id, level
    (and rank, active_days_90, active_days_30)."""
    f = filters or Filters(tz=reporting_tz(ws))
    b = base(ws)
    return levels_b(b, f, _as_of(b, f, as_of))


def level_movement_b(b: Base, f: Filters, start: dt.date, end: dt.date) -> pd.DataFrame:
    """Per level on ``start``: people, moved_up, held, moved_down by ``end`` (people first seen
    after ``start`` start as Inactive). Rows in level order, high to low."""
    before = levels_b(b, f, start).set_index("person_id")["rank"]
    after = levels_b(b, f, end).set_index("person_id")["rank"]
    before = before.reindex(after.index.union(before.index), fill_value=0)
    after = after.reindex(before.index, fill_value=0)
    frame = pd.DataFrame({"from": before.to_numpy(), "to": after.to_numpy()})
    rows = []
    for rank in range(len(LEVELS) - 1, -1, -1):
        sub = frame[frame["from"] == rank]
        rows.append({"level": LEVELS[rank], "people": len(sub), "moved_up": int((sub["to"] > rank).sum()),
                     "held": int((sub["to"] == rank).sum()), "moved_down": int((sub["to"] < rank).sum())})
    return pd.DataFrame(rows, columns=["level", "people", "moved_up", "held", "moved_down"])


def level_movement(ws, start: dt.date, end: dt.date, filters: Filters | None = None) -> pd.DataFrame:  # noqa: ANN001
    """How people moved between levels from ``start`` to ``end``: columns level (on ``start``),
    people, moved_up, held, moved_down."""
    f = filters or Filters(tz=reporting_tz(ws))
    return level_movement_b(base(ws), f, start, end)
