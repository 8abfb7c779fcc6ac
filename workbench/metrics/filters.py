"""What a metric is computed over: a period of calendar days in the reporting time zone, and the
platforms and channels to look at (empty means all)."""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, replace
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import func, select

from .. import fmt
from ..errors import WorkbenchError
from ..store.models import Activity, Channel

TZ_SETTING = "reporting.timezone"
DEFAULT_DAYS = 90


def zone(name: str) -> dt.tzinfo:
    """The time zone called ``name`` (IANA name, or "UTC"); one sentence when it is unknown."""
    if not name or name.upper() == "UTC":
        return dt.timezone.utc
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise WorkbenchError(f"The reporting time zone {name!r} is not a time zone the workbench knows "
                             "(use a name like Europe/Berlin or UTC).") from exc


def reporting_tz(ws) -> str:  # noqa: ANN001 - a Workspace
    name = ws.get_setting(TZ_SETTING, "UTC") or "UTC"
    zone(str(name))
    return str(name)


@dataclass(frozen=True)
class Filters:
    start: dt.date | None = None
    end: dt.date | None = None  # inclusive
    platforms: tuple[str, ...] = ()
    channels: tuple[int, ...] = ()
    tz: str = "UTC"

    @property
    def zone(self) -> dt.tzinfo:
        return zone(self.tz)

    @property
    def days(self) -> int | None:
        if self.start is None or self.end is None:
            return None
        return (self.end - self.start).days + 1

    def previous(self) -> Filters:
        """The period of the same length just before this one (same platforms, channels, zone)."""
        if self.start is None or self.end is None:
            raise WorkbenchError("The previous period needs a period with a start and an end.")
        n = self.days or 1
        return replace(self, start=self.start - dt.timedelta(days=n), end=self.start - dt.timedelta(days=1))

    def with_period(self, start: dt.date | None, end: dt.date | None) -> Filters:
        return replace(self, start=start, end=end)

    def as_dict(self) -> dict:
        return {"from": self.start.isoformat() if self.start else None,
                "to": self.end.isoformat() if self.end else None,
                "platforms": list(self.platforms), "channels": list(self.channels), "timezone": self.tz}

    @classmethod
    def default_for(cls, ws, days: int = DEFAULT_DAYS) -> Filters:  # noqa: ANN001 - a Workspace
        """The last ``days`` days of data (ending on the day of the latest activity), zone from the setting."""
        tz = reporting_tz(ws)
        last = last_activity_day(ws, tz)
        if last is None:
            return cls(tz=tz)
        return cls(start=last - dt.timedelta(days=days - 1), end=last, tz=tz)


def last_activity_day(ws, tz: str = "UTC") -> dt.date | None:  # noqa: ANN001
    with ws.connect() as conn:  # min and max asked apart: each alone is one step down the index
        return _day_of(conn.execute(select(func.max(Activity.created_at))).scalar_one(), tz)


def first_activity_day(ws, tz: str = "UTC") -> dt.date | None:  # noqa: ANN001
    with ws.connect() as conn:
        return _day_of(conn.execute(select(func.min(Activity.created_at))).scalar_one(), tz)


def activity_days(ws, tz: str = "UTC") -> tuple[dt.date | None, dt.date | None]:  # noqa: ANN001
    """The days of the first and the last activity in ``tz`` (None, None: no activity yet)."""
    return first_activity_day(ws, tz), last_activity_day(ws, tz)


def _day_of(t: dt.datetime | str | None, tz: str) -> dt.date | None:
    if t is None:
        return None
    if isinstance(t, str):
        t = dt.datetime.fromisoformat(t)
    if t.tzinfo is None:
        t = t.replace(tzinfo=dt.timezone.utc)
    return t.astimezone(zone(tz)).date()


def scope_parts(ws, f: Filters, channel_name: Callable[[str], str] | None = None) -> list[str]:  # noqa: ANN001
    """Where the figures come from, as a person reads it: ["Discord", "channels #help"], ["Discord,
    Slack", "channels Discord #help, Slack #help"], or ["all platforms", "all channels"]; each
    chosen channel's label ("Slack #help", "Discord DM Jo") as ``channel_name`` renames it, when given."""
    parts = [fmt.platform_names(f.platforms) if f.platforms else "all platforms"]
    if f.channels:
        with ws.connect() as conn:
            chosen = conn.execute(select(Channel.platform, Channel.name, Channel.kind)
                                  .where(Channel.id.in_(list(f.channels)))).all()
        several = len({p for p, _, _ in chosen}) > 1  # "#help" on two platforms names two channels
        name = channel_name or str
        parts.append("channels " + ", ".join(sorted(name(fmt.channel_label(p, n, k, with_platform=several))
                                                    for p, n, k in chosen)))
    else:
        parts.append("all channels")
    return parts
