"""Dates in the window read as the person's locale writes them; without a preference, ISO 8601."""
from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from PySide6.QtCore import QLocale

from workbench.ui import dates
from workbench.ui.widgets import DataFrameModel

DAY = dt.date(2026, 9, 2)
AT = dt.datetime(2026, 9, 2, 14, 5, tzinfo=dt.timezone.utc)


@pytest.mark.parametrize(("locale", "day", "moment"), [
    ("C", "2026-09-02", "2026-09-02 14:05 UTC"),
    ("de_DE", "02.09.2026", "02.09.2026 14:05 UTC"),
    ("en_GB", "02/09/2026", "02/09/2026 14:05 UTC"),
    ("en_US", "9/2/2026", "9/2/2026 2:05\u202fPM UTC"),
    ("ja_JP", "2026/09/02", "2026/09/02 14:05 UTC"),
])
def test_a_day_and_a_moment_in_each_locale(locale, day, moment):
    QLocale.setDefault(QLocale(locale))
    assert dates.day(DAY) == day
    assert dates.day(pd.Timestamp("2026-09-02 23:59")) == day
    assert dates.day("2026-09-02") == day
    got = dates.moment(AT, zone=True)
    assert got.replace("\u202f", " ") == moment.replace("\u202f", " ")  # some Qt versions put a narrow space before PM
    # In another reporting zone the day can change, and the zone is named.
    assert dates.moment(AT, dt.timezone(dt.timedelta(hours=10)), zone=True).endswith("UTC+10:00")


@pytest.mark.parametrize(("locale", "month"), [("C", "2026-09"), ("en_US", "Sep 2026")])
def test_a_cohorts_month_in_each_locale(locale, month):
    QLocale.setDefault(QLocale(locale))
    assert dates.month("2026-09") == month
    assert dates.month("2026-13") == "2026-13" and dates.month("not a month") == "not a month"


def test_tables_show_local_dates_and_still_sort_by_time(qtbot):
    QLocale.setDefault(QLocale("de_DE"))
    frame = pd.DataFrame({"name": ["b", "a", "c"],
                          "last_seen": [dt.date(2026, 1, 10), dt.date(2025, 12, 31), dt.date(2026, 2, 1)]})
    model = DataFrameModel(frame)
    assert [model.index(r, 1).data() for r in range(3)] == ["10.01.2026", "31.12.2025", "01.02.2026"]
    model.sort(1)
    assert [model.index(r, 1).data() for r in range(3)] == ["31.12.2025", "10.01.2026", "01.02.2026"]
