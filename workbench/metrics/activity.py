"""Activity metrics: active people (DAU, WAU, MAU, stickiness), new people, activity by platform
and channel, the hour-of-day by weekday heatmap, retention cohorts, and the contributor absence
factor. Days are calendar days in the filters' time zone; bots are left out (see ``base``)."""
from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from .. import fmt
from .base import DAY, Base, base, day_number, day_of, local_seconds
from .filters import Filters

SHIFT = 1 << 21  # day numbers stay below this (year 7700)
WEEKDAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
WEEKLY_AFTER_DAYS = 120  # longer periods are charted by week


# -- shared building blocks ------------------------------------------------------------------------
def resolve(b: Base, f: Filters) -> Filters:
    """The filters with an open start or end set to the first or last day of data."""
    if f.start is not None and f.end is not None:
        return f
    d = b.days("ts", f.tz)
    if not len(d):
        today = dt.date.today()
        return f.with_period(f.start or today, f.end or today)
    return f.with_period(f.start or day_of(d.min()), f.end or day_of(d.max()))


def period(f: Filters) -> tuple[int, int]:
    assert f.start is not None and f.end is not None
    return day_number(f.start), day_number(f.end)


def person_days(b: Base, f: Filters) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every (person, day) with activity, all time, under the platform and channel filters, sorted
    by person then day, with the number of activities: (person, day, count)."""
    key = ("person_days", f.tz, f.platforms, f.channels)
    with b._lock:
        cached = b._day_cache.get(key)
    if cached is not None:
        return cached
    m = b.mask("", f, period=False)
    day = b.days("ts", f.tz)
    k = b.person[m] * SHIFT + day[m] if not m.all() else b.person * SHIFT + day
    uniq, counts = np.unique(k, return_counts=True)
    out = (uniq // SHIFT, uniq % SHIFT, counts)
    with b._lock:
        b._day_cache[key] = out
    return out


def first_days(b: Base, f: Filters, *, with_joins: bool = False) -> pd.Series:
    """Each person's first day of activity (or join, with ``with_joins``) under the platform and
    channel filters, all time; indexed by person id."""
    return b.memo(("first_days", f.tz, f.platforms, f.channels, with_joins),
                  lambda: _first_days(b, f, with_joins))


def _first_days(b: Base, f: Filters, with_joins: bool) -> pd.Series:
    person, day, _ = person_days(b, f)
    lead = np.ones(len(person), dtype=bool)
    lead[1:] = person[1:] != person[:-1]
    first = pd.Series(day[lead], index=person[lead])
    if with_joins and len(b.j_ts):
        m = b.mask("j_", f, period=False)
        jd = pd.Series(b.days("j_ts", f.tz)[m]).groupby(b.j_person[m]).min()
        first = pd.concat([first, jd]).groupby(level=0).min()
    return first


def distinct_sorted(values: np.ndarray) -> int:
    """The number of distinct values of a sorted array."""
    return int(len(values) and 1 + np.count_nonzero(values[1:] != values[:-1]))


def _dates(lo: int, hi: int) -> pd.DatetimeIndex:
    return pd.to_datetime(np.arange(lo, hi + 1), unit="D")


# -- active people ---------------------------------------------------------------------------------
def _window_counts(person: np.ndarray, day: np.ndarray, lo: int, hi: int, w: int) -> np.ndarray:
    """Distinct people active in the ``w`` days ending each day ``lo..hi`` (pairs sorted, distinct)."""
    m = (day >= lo - w + 1) & (day <= hi)
    p, d = person[m], day[m]
    end = d + w - 1
    start = d.copy()
    if len(p) > 1:
        same = p[1:] == p[:-1]
        start[1:] = np.where(same, np.maximum(d[1:], end[:-1] + 1), d[1:])
    base_day = lo - w + 1
    n = hi - base_day + w + 2
    diff = np.bincount(start - base_day, minlength=n)[:n] - np.bincount(end + 1 - base_day, minlength=n)[:n]
    running = np.cumsum(diff)
    return running[lo - base_day: hi - base_day + 1]


def dau_wau_mau_b(b: Base, f: Filters) -> pd.DataFrame:
    f = resolve(b, f)
    return b.memo(("dau_wau_mau", f), lambda: _dau_wau_mau(b, f))


def _dau_wau_mau(b: Base, f: Filters) -> pd.DataFrame:
    lo, hi = period(f)
    person, day, _ = person_days(b, f)
    m = (day >= lo - 27) & (day <= hi)
    person, day = person[m], day[m]
    return pd.DataFrame({"date": _dates(lo, hi),
                         "dau": _window_counts(person, day, lo, hi, 1),
                         "wau": _window_counts(person, day, lo, hi, 7),
                         "mau": _window_counts(person, day, lo, hi, 28)})


def dau_wau_mau(ws, filters: Filters) -> pd.DataFrame:  # noqa: ANN001
    """DAU, WAU and MAU on each day of the period: columns date, dau, wau, mau."""
    return dau_wau_mau_b(base(ws), filters)


def stickiness_of(frame: pd.DataFrame) -> float | None:
    mean_mau = frame["mau"].mean() if len(frame) else 0
    return float(frame["dau"].mean() / mean_mau) if mean_mau else None


def active_people_b(b: Base, f: Filters) -> int:
    f = resolve(b, f)
    lo, hi = period(f)
    person, day, _ = person_days(b, f)
    return distinct_sorted(person[(day >= lo) & (day <= hi)])


def activities_b(b: Base, f: Filters) -> int:
    f = resolve(b, f)
    lo, hi = period(f)
    _, day, counts = person_days(b, f)
    return int(counts[(day >= lo) & (day <= hi)].sum())


# -- new people ------------------------------------------------------------------------------------
def new_people_b(b: Base, f: Filters) -> pd.DataFrame:
    """New people per day (or per week for long periods): columns date, new_people."""
    f = resolve(b, f)
    lo, hi = period(f)
    first = first_days(b, f, with_joins=True).to_numpy()
    first = first[(first >= lo) & (first <= hi)]
    counts = np.bincount(first - lo, minlength=hi - lo + 1)
    frame = pd.DataFrame({"date": _dates(lo, hi), "new_people": counts})
    return _weekly(frame, hi - lo + 1, {"new_people": "sum"})


def new_people_count_b(b: Base, f: Filters) -> int:
    f = resolve(b, f)
    lo, hi = period(f)
    first = first_days(b, f, with_joins=True).to_numpy()
    return int(((first >= lo) & (first <= hi)).sum())


def new_people(ws, filters: Filters) -> pd.DataFrame:  # noqa: ANN001
    return new_people_b(base(ws), filters)


def _weekly(frame: pd.DataFrame, days: int, how: dict) -> pd.DataFrame:
    """Daily rows summed into ISO weeks (dated by their Monday) when the period is long."""
    if days <= WEEKLY_AFTER_DAYS:
        return frame
    week = (frame["date"] - pd.to_timedelta(frame["date"].dt.day_of_week, unit="D")).to_numpy()
    out = frame.drop(columns="date").groupby(week).agg(how)
    out.index.name = "date"
    return out.reset_index()


# -- activity by platform and channel --------------------------------------------------------------
def _by(b: Base, f: Filters, codes: np.ndarray, names: list[str], column: str) -> pd.DataFrame:
    f = resolve(b, f)
    lo, hi = period(f)
    m = b.mask("", f, lo=lo, hi=hi)
    d = b.days("ts", f.tz)[m] - lo
    if hi - lo + 1 > WEEKLY_AFTER_DAYS:
        monday = lo - ((lo + 3) % 7)
        d = (d + lo - monday) // 7
        dates = pd.to_datetime(monday + 7 * np.arange((hi - monday) // 7 + 1), unit="D")
    else:
        dates = _dates(lo, hi)
    c = codes[m]
    n = len(dates)
    grid = np.bincount(c * n + d, minlength=len(names) * n).reshape(len(names), n)
    frame = pd.DataFrame({"date": np.tile(dates, len(names)), column: np.repeat(names, n),
                          "activities": grid.ravel()})
    keep = frame.groupby(column)["activities"].transform("sum") > 0
    return frame[keep].reset_index(drop=True)


def activity_by_platform_b(b: Base, f: Filters) -> pd.DataFrame:
    """Activities per day (per week for long periods) and platform: columns date, platform, activities."""
    return _by(b, f, b.platform.astype(np.int64), b.platforms, "platform")


def activity_by_platform(ws, filters: Filters) -> pd.DataFrame:  # noqa: ANN001
    return activity_by_platform_b(base(ws), filters)


OTHER_CHANNELS = "other channels"  # the channels after the busiest, together


def activity_by_channel_b(b: Base, f: Filters, top: int = 6) -> pd.DataFrame:
    """Activities per day (or week) for the busiest ``top`` channels of the period, the rest as
    "other channels": columns date, channel, channel_id, activities."""
    f = resolve(b, f)
    lo, hi = period(f)
    m = b.mask("", f, lo=lo, hi=hi)
    ids, counts = np.unique(b.channel[m], return_counts=True)
    order = np.argsort(-counts, kind="stable")
    chosen = ids[order[:top]]
    ch = b.channels.set_index("channel_id")
    names = [fmt.channel_label(ch.at[c, "platform"], ch.at[c, "name"], ch.at[c, "kind"]) if c in ch.index
             else "(no channel)" for c in chosen]
    code = np.full(int(max(b.channel.max(initial=0), 0)) + 1, len(chosen), dtype=np.int64)
    code[chosen] = np.arange(len(chosen))
    extra = [OTHER_CHANNELS] if len(ids) > len(chosen) else []
    frame = _by(b, f, code[b.channel], names + extra, "channel")
    ids_by_name = dict(zip(names, chosen.tolist()))
    frame["channel_id"] = frame["channel"].map(ids_by_name).astype("Int64")
    return frame[["date", "channel", "channel_id", "activities"]]


def activity_by_channel(ws, filters: Filters) -> pd.DataFrame:  # noqa: ANN001
    return activity_by_channel_b(base(ws), filters)


# -- when people are active ------------------------------------------------------------------------
def hour_weekday_b(b: Base, f: Filters) -> pd.DataFrame:
    """Activities by weekday (Mon..Sun) and hour (0..23) in the filters' time zone: a 7 x 24 frame
    indexed by weekday name."""
    f = resolve(b, f)
    lo, hi = period(f)
    m = b.mask("", f, lo=lo, hi=hi)
    local = local_seconds(b.ts[m], f.tz)
    hour = (local // 3600) % 24
    weekday = ((local // DAY) + 3) % 7  # 1970-01-01 was a Thursday; Monday is 0
    grid = np.bincount(weekday * 24 + hour, minlength=7 * 24).reshape(7, 24)
    return pd.DataFrame(grid, index=WEEKDAYS, columns=list(range(24)))


def hour_weekday(ws, filters: Filters) -> pd.DataFrame:  # noqa: ANN001
    return hour_weekday_b(base(ws), filters)


# -- retention -------------------------------------------------------------------------------------
def month_index(days: np.ndarray) -> np.ndarray:
    """Months since 1970-01 of day numbers."""
    d = days.astype("datetime64[D]")
    return d.astype("datetime64[M]").astype(np.int64)


def retention_b(b: Base, f: Filters) -> pd.DataFrame:
    """Cohorts by month of first activity (cohorts starting in the period); retained in month k when
    active in cohort month + k, up to the period's end. Columns cohort (YYYY-MM), size, month (k),
    retained, percent."""
    f = resolve(b, f)
    lo, hi = period(f)
    person, day, _ = person_days(b, f)
    months = month_index(day)
    lead = np.ones(len(person), dtype=bool)
    lead[1:] = person[1:] != person[:-1]
    cohort = months[lead][np.cumsum(lead) - 1]  # pairs are sorted by person, then day
    lo_m, hi_m = month_index(np.array([lo, hi]))
    m = (cohort >= lo_m) & (cohort <= hi_m) & (months <= hi_m)
    p, mo, co = person[m], months[m], cohort[m]
    first = np.ones(len(p), dtype=bool)  # one row per person and month
    first[1:] = (p[1:] != p[:-1]) | (mo[1:] != mo[:-1])
    pairs = pd.DataFrame({"cohort": co[first], "month": (mo - co)[first]})
    counted = pairs.groupby(["cohort", "month"]).size()
    # Every month a cohort has lived through up to the period's end, zeros included.
    cells = [(c, k) for c in sorted(set(pairs["cohort"].tolist())) for k in range(int(hi_m - c) + 1)]
    index = pd.MultiIndex.from_tuples(cells, names=["cohort", "month"])
    table = counted.reindex(index, fill_value=0).rename("retained").reset_index()
    sizes = table[table["month"] == 0].set_index("cohort")["retained"]
    table["size"] = table["cohort"].map(sizes).astype(np.int64)
    table["percent"] = table["retained"] / table["size"] * 100.0
    table["cohort"] = [f"{1970 + int(c) // 12}-{int(c) % 12 + 1:02d}" for c in table["cohort"]]
    return table.sort_values(["cohort", "month"]).reset_index(drop=True)[
        ["cohort", "size", "month", "retained", "percent"]]


def retention(ws, filters: Filters) -> pd.DataFrame:  # noqa: ANN001
    return retention_b(base(ws), filters)


# The cohorts shown as a grid (the Dashboard's, a report's): the newest (a year of newcomers), each
# up to a year after its month. Over years, every cohort and month would be a smear of cells.
RETENTION_COHORTS = 13
RETENTION_MONTHS = 12


def retention_grid(long: pd.DataFrame) -> pd.DataFrame:
    """The retention cohorts as a reader takes them in: a cohort a row, the oldest first, with its
    size, and a column for each month after it (+0, +1...: percent of the cohort active in that
    month; empty where the period ends first), for the newest ``RETENTION_COHORTS`` cohorts and up
    to ``RETENTION_MONTHS`` months after. ``long``: ``retention``'s rows (cohort, size, month,
    retained, percent), one for each cohort and month."""
    if long is None or long.empty or not {"cohort", "size", "month", "percent"} <= set(long.columns):
        return long
    grid = long.pivot(index="cohort", columns="month", values="percent").sort_index()
    grid = grid.iloc[-RETENTION_COHORTS:, : RETENTION_MONTHS + 1]
    grid.columns = [f"+{int(k)}" for k in grid.columns]
    sizes = long.drop_duplicates("cohort").set_index("cohort")["size"]
    out = grid.reset_index()
    out.insert(1, "size", out["cohort"].map(sizes).astype("int64"))
    return out


def retention_cut(long: pd.DataFrame) -> list[str]:
    """What ``retention_grid`` leaves out of ``long``, in words: [] when nothing, or parts such as
    'the 13 newest of 99 cohorts', 'months +0 to +12 (of +0 to +286)'."""
    if long is None or long.empty or not {"cohort", "month"} <= set(long.columns):
        return []
    cohorts, last = long["cohort"].nunique(), int(long["month"].max())
    cut = []
    if cohorts > RETENTION_COHORTS:
        cut.append(f"the {RETENTION_COHORTS} newest of {cohorts:,} cohorts")
    if last > RETENTION_MONTHS:
        cut.append(f"months +0 to +{RETENTION_MONTHS} (of +0 to +{last:,})")
    return cut


# -- absence factor --------------------------------------------------------------------------------
def absence_factor_b(b: Base, f: Filters) -> int | None:
    """The smallest number of people who together wrote at least half of the period's activity."""
    f = resolve(b, f)
    lo, hi = period(f)
    person, day, counts = person_days(b, f)
    m = (day >= lo) & (day <= hi)
    if not m.any():
        return None
    p, c = person[m], counts[m]
    starts = np.flatnonzero(np.r_[True, p[1:] != p[:-1]])  # pairs are sorted by person
    per = np.sort(np.add.reduceat(c, starts))[::-1]
    total = per.sum()
    return int(np.searchsorted(np.cumsum(per) * 2, total, side="left") + 1)


def absence_factor(ws, filters: Filters) -> int | None:  # noqa: ANN001
    return absence_factor_b(base(ws), filters)
