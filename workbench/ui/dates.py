"""Dates and times in the window as the person's locale writes them.

The locale's short date with the year in full (9/2/2026, 02/09/2026, 02.09.2026, 2026/09/02) and
its short time (2:05 PM, 14:05). Without a locale preference (the C locale) dates read as ISO 8601,
2026-09-02. Values are only shown this way: they are stored, sorted, saved in settings and written
to files and reports as ISO dates in the reporting time zone, which is always named beside them.
"""
from __future__ import annotations

import datetime as dt

import pandas as pd
from PySide6.QtCore import QDate, QLocale, QTime

from ..metrics.activity import WEEKDAYS  # the rows of the hour-by-weekday figures, Monday first

ISO_DATE = "yyyy-MM-dd"


def _locale() -> QLocale:
    return QLocale()  # the default: the system's, unless the application set another


def date_format() -> str:
    """The Qt date format of the locale (for labels and date fields), the year written in full."""
    loc = _locale()
    if loc.language() == QLocale.Language.C:
        return ISO_DATE
    f = loc.dateFormat(QLocale.FormatType.ShortFormat)
    if "yyyy" not in f:
        f = f.replace("yy", "yyyy")
    return f


def time_format() -> str:
    loc = _locale()
    return "HH:mm" if loc.language() == QLocale.Language.C else loc.timeFormat(QLocale.FormatType.ShortFormat)


def _as_datetime(value: object) -> dt.datetime | dt.date | None:
    if value is None or value is pd.NaT:
        return None
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    if isinstance(value, (dt.datetime, dt.date)):
        return value
    if isinstance(value, str) and value:
        try:
            return dt.date.fromisoformat(value[:10])
        except ValueError:
            return None
    return None


def in_zone(value: object, tz: dt.tzinfo) -> object:
    """A moment (a datetime or Timestamp; naive is UTC) as it is in ``tz``, so that its day is that
    zone's day; a date or text as it is."""
    v = _as_datetime(value)
    if not isinstance(v, dt.datetime):
        return value
    return (v if v.tzinfo else v.replace(tzinfo=dt.timezone.utc)).astimezone(tz)


def day(value: object, tz: dt.tzinfo | None = None) -> str:
    """A day (a date, a datetime, a pandas Timestamp or an ISO string) in the locale's words; with
    ``tz`` (the reporting zone), a moment's day there (a naive moment is UTC)."""
    v = _as_datetime(value)
    if v is None:
        return "" if not isinstance(value, str) else value
    if tz is not None and isinstance(v, dt.datetime):
        v = in_zone(v, tz)
    return _locale().toString(QDate(v.year, v.month, v.day), date_format())


def period(start: object, end: object) -> str:
    """A period as its two days: '9/2/2026 to 11/30/2026'."""
    return f"{day(start)} to {day(end)}"


def moment(value: object, tz: dt.tzinfo | None = None, *, zone: bool = False) -> str:
    """A date and time: ``tz`` is the reporting time zone (a naive value is UTC); ``zone`` names it."""
    v = _as_datetime(value)
    if v is None:
        return "—" if zone else ""
    if not isinstance(v, dt.datetime):
        return day(v)
    if tz is not None or zone:
        if v.tzinfo is None:
            v = v.replace(tzinfo=dt.timezone.utc)
        v = v.astimezone(tz or dt.timezone.utc)
    text = f"{day(v)} {_locale().toString(QTime(v.hour, v.minute), time_format())}"
    if zone:
        text += f" {v.tzname() or tz}"
    return text


def month(value: object) -> str:
    """A calendar month ('2026-09', as the metrics name cohorts) in the locale's words: 'Sep 2026'
    in en_US, 'Sept. 2026' in de_DE; without a locale, as given."""
    loc = _locale()
    text = str(value)
    try:
        year, number = (int(part) for part in text.split("-"))
        first = QDate(year, number, 1)
    except ValueError:
        return text
    if loc.language() == QLocale.Language.C or not first.isValid():
        return text
    return loc.toString(first, "MMM yyyy")


def weekday(name: str) -> str:
    """A weekday's short name ('Mon' ... 'Sun', as the metrics name rows) in the locale's words:
    'Mo.' in de_DE; without a locale, as given."""
    loc = _locale()
    if loc.language() == QLocale.Language.C or name not in WEEKDAYS:
        return name
    return loc.dayName(WEEKDAYS.index(name) + 1, QLocale.FormatType.ShortFormat)
