"""Numbers in the window read as the person's locale writes them, like its dates and number fields;
without a preference, as in English (the command line's and the reports' way)."""
from __future__ import annotations

import pandas as pd
import pytest
from PySide6.QtCore import QLocale
from PySide6.QtWidgets import QDoubleSpinBox

from workbench import fmt
from workbench.ui import figures
from workbench.ui.widgets import DataFrameModel


@pytest.mark.parametrize(("locale", "count", "decimal", "share", "replies"), [
    ("C", "29,358", "1,234.6", "68.4%", "1,200 replies"),
    ("en_US", "29,358", "1,234.6", "68.4%", "1,200 replies"),
    ("de_DE", "29.358", "1.234,6", "68,4%", "1.200 replies"),
    ("fr_FR", "29\u202f358", "1\u202f234,6", "68,4%", "1\u202f200 replies"),
    ("de_CH", "29’358", "1’234.6", "68.4%", "1’200 replies"),
    ("en_IN", "12,34,567", "1,234.6", "68.4%", "1,200 replies"),
])
def test_a_count_a_decimal_and_a_share_in_each_locale(locale, count, decimal, share, replies):
    QLocale.setDefault(QLocale(locale))
    n = 1234567 if locale == "en_IN" else 29358
    # Qt's locale data changes apostrophe and space characters between versions; the grouping is the point.
    def same(a: str, b: str) -> bool:
        return a.replace("’", "'").replace("\u202f", " ") == b.replace("’", "'").replace("\u202f", " ")
    assert same(figures.number(n), count)
    assert same(figures.number(1234.56, 1), decimal)
    assert same(figures.percent(0.684, 1), share)
    assert same(figures.plural(1200, "reply", "replies"), replies)
    assert figures.number(None) == "—" and figures.number(float("nan")) == "—"
    assert figures.plural(1, "account") == "1 account"


def test_the_window_writes_numbers_as_its_number_fields_do(qtbot):
    """A weight field (Qt's own) and a score beside it use the same decimal mark."""
    QLocale.setDefault(QLocale("de_DE"))
    field = QDoubleSpinBox()
    qtbot.addWidget(field)
    field.setDecimals(1)
    field.setValue(0.5)
    assert field.text() == "0,5" == figures.number(0.5, 1)
    assert figures.short(17.0) == "17" and figures.short(16.5) == "16,5"


def test_the_command_line_and_reports_keep_one_way_of_writing_numbers():
    QLocale.setDefault(QLocale("de_DE"))
    assert fmt.number(29358) == "29,358" and fmt.percent(0.684, 1) == "68.4%"


def test_tables_show_local_numbers_and_still_sort_by_value(qtbot):
    QLocale.setDefault(QLocale("de_DE"))
    frame = pd.DataFrame({"name": ["b", "a", "c"], "messages": [9000, 10, 200],
                          "stickiness": [0.25, 0.5, 0.1]})
    model = DataFrameModel(frame)
    assert [model.index(r, 1).data() for r in range(3)] == ["9.000", "10", "200"]
    assert [model.index(r, 2).data() for r in range(3)] == ["0,25", "0,50", "0,10"]
    model.sort(1)
    assert [model.index(r, 1).data() for r in range(3)] == ["10", "200", "9.000"]



def test_chart_axes_write_numbers_as_the_window_does(qtbot):
    """A chart of a large community ticks 1.000 and 2.000 in de_DE (1,000 without a locale), and a
    fraction with the locale's decimal mark."""
    from workbench.ui.charts import BarChart, TimeSeriesChart

    QLocale.setDefault(QLocale("de_DE"))
    chart = TimeSeriesChart()
    qtbot.addWidget(chart)
    left = chart.getPlotItem().getAxis("left")
    assert left.tickStrings([0, 1000, 2000], 1, 1000) == ["0", "1.000", "2.000"]
    assert left.tickStrings([0.5, 1.0], 1, 0.5) == ["0,5", "1,0"]
    bars = BarChart()
    qtbot.addWidget(bars)
    assert bars.getPlotItem().getAxis("bottom").tickStrings([1500], 1, 500) == ["1.500"]
    QLocale.setDefault(QLocale.c())
    assert left.tickStrings([0, 1000], 1, 1000) == ["0", "1,000"]


def test_month_and_weekday_names_in_the_locale(qtbot):
    """The date axis and the hour-by-weekday chart name months and days as the locale does."""
    import datetime as dt

    from pyqtgraph.graphicsItems.DateAxisItem import DAY_SPACING, MONTH_DAY_ZOOM_LEVEL, MONTH_SPACING

    from workbench.ui import dates
    from workbench.ui.charts import TimeSeriesChart

    chart = TimeSeriesChart()
    qtbot.addWidget(chart)
    axis = chart.getPlotItem().getAxis("bottom")
    axis.zoomLevel = MONTH_DAY_ZOOM_LEVEL  # months, then days: what a 90-day period shows
    october = dt.datetime(2026, 10, 1, tzinfo=dt.timezone.utc).timestamp()
    assert axis.tickStrings([october], 1, MONTH_SPACING) == ["Oct"]  # no locale: as before
    QLocale.setDefault(QLocale("de_DE"))
    assert axis.tickStrings([october], 1, MONTH_SPACING) == ["Okt."]
    assert axis.tickStrings([october + 2 * 86400], 1, DAY_SPACING) == ["03"]  # day numbers as they were
    assert [dates.weekday(d) for d in ("Mon", "Sun")] == ["Mo.", "So."]
    QLocale.setDefault(QLocale.c())
    assert dates.weekday("Mon") == "Mon"
