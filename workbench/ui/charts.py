"""Chart widgets on pyqtgraph: time series with a date axis, stacked areas, heatmaps, bars.

Every chart is given data that is already aggregated (a day, a week, a cell: never a message), plots
with automatic peak downsampling and clipping to the view, shows the values under the pointer in
its header, and can be saved as a PNG. ``series`` keeps what was last plotted, by name, so a view
can be checked against its numbers.
"""
from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, nullcontext

import numpy as np
import pandas as pd
import pyqtgraph as pg
from PySide6.QtCore import QEvent, QLocale, QPointF, Qt, Signal
from PySide6.QtGui import QColor, QFont, QPalette, QPixmap
from PySide6.QtWidgets import (
    QAbstractScrollArea,
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from ..metrics.network import named_on_drawing
from ..palette import NETWORK_COLOURS
from . import dates, figures
from .palette import series_colour
from .widgets import ElidedLabel, copy_menu, overlay_note, warn

DAY_S = 86400

# pyqtgraph's own clean-up at interpreter exit collects Qt objects after Qt has gone and crashes
# the process on quit; the window deletes its widgets itself.
pg.setConfigOptions(exitCleanup=False, antialias=True)


def _pen(colour: QColor, width: float = 2.0, dashed: bool = False) -> pg.mkPen:
    pen = pg.mkPen(colour, width=width)
    if dashed:
        pen.setStyle(Qt.PenStyle.DashLine)
    return pen


def _tool_button(text: str, tip: str, slot: Callable[[], None]) -> QToolButton:
    button = QToolButton()
    button.setText(text)
    button.setToolTip(tip)
    button.setAutoRaise(True)
    button.clicked.connect(slot)
    return button


class ChartBox(QFrame):
    """A titled frame around one chart: the title, the values under the pointer, Save as PNG."""

    saved = Signal(str)

    def __init__(self, title: str, chart: QWidget, *, note: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("chartbox")
        self.setStyleSheet("#chartbox { border: 1px solid palette(midlight); border-radius: 6px; }")
        self.chart = chart
        lay = QVBoxLayout(self)
        lay.setContentsMargins(8, 6, 8, 6)
        lay.setSpacing(2)
        head = QHBoxLayout()
        self.title = QLabel(title)
        font = self.title.font()
        font.setBold(True)
        self.title.setFont(font)
        self.hover = ElidedLabel(note)
        self.hover.setStyleSheet("color: palette(placeholder-text);")
        self.note = note
        self.save_button = _tool_button("PNG", f"Save “{title}” as a PNG image", self.save_dialog)
        head.addWidget(self.title)
        head.addWidget(self.hover, 1)
        if hasattr(chart, "rows"):  # the figures behind the chart: copied, or saved for a spreadsheet
            name = self.file_stem(title)
            copy_menu(chart, lambda _selection: chart.rows(), selected=None, whole="Copy the figures",
                      export_as="Export the figures as CSV…", file_name=f"{name}.csv",
                      more=[("Save as PNG…", self.save_dialog)])
            # Clicked, Ctrl+C copies its figures; a chart that can be walked with the keys is a Tab stop.
            chart.setFocusPolicy(getattr(chart, "FOCUS", Qt.FocusPolicy.ClickFocus))
        if hasattr(chart, "export_rows"):  # a chart's figures, or a table made copyable
            self.data_button = _tool_button("CSV", f"Save the figures of “{title}” as a CSV file (right-click to "
                                            "copy them)", chart.export_rows)
            head.addWidget(self.data_button)
        head.addWidget(self.save_button)
        lay.addLayout(head)
        lay.addWidget(chart, 1)
        if hasattr(chart, "hovered"):
            chart.hovered.connect(lambda text: self.hover.setText(text or self.note))

    def set_note(self, note: str) -> None:
        """The note beside the title (what the box shows), shown at once."""
        self.note = note
        self.hover.setText(note)

    @contextmanager
    def as_picture(self) -> Iterator[None]:
        """While it lasts, the box looks as a picture of it should: without its CSV and PNG buttons,
        whose room goes to the title's note (not what the pointer is on), a table without its scroll
        bars, and the chart as its own ``as_picture`` has it (a drawing without the ring the keys
        put on a person)."""
        buttons = [b for b in (getattr(self, "data_button", None), self.save_button)
                   if b is not None and not b.isHidden()]
        said = self.hover.text()  # what the pointer or the keys are on: the picture gives the note
        scrolled = self.chart if isinstance(self.chart, QAbstractScrollArea) else None
        policies = (scrolled.horizontalScrollBarPolicy(), scrolled.verticalScrollBarPolicy()) if scrolled else None
        # The row keeps the height the buttons gave it: the chart is where it is on screen.
        row = self.hover.minimumHeight()
        self.hover.setMinimumHeight(max([row, *(b.height() for b in buttons)]))
        with getattr(self.chart, "as_picture", nullcontext)():
            self.hover.setText(self.note)
            for button in buttons:
                button.hide()
            if scrolled is not None:
                scrolled.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
                scrolled.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
            self.layout().activate()
            try:
                yield
            finally:
                self.hover.setMinimumHeight(row)
                for button in buttons:
                    button.show()
                self.hover.setText(said)
                if scrolled is not None and policies is not None:
                    scrolled.setHorizontalScrollBarPolicy(policies[0])
                    scrolled.setVerticalScrollBarPolicy(policies[1])
                self.layout().activate()

    def picture(self) -> QPixmap:
        """The box as a picture: its title, note and chart."""
        with self.as_picture():
            return self.grab()

    def save_png(self, path: str) -> bool:
        ok = self.picture().save(path, "PNG")
        if ok:
            self.saved.emit(path)
        return ok

    @staticmethod
    def file_stem(title: str) -> str:
        return title.lower().replace(" ", "-").replace("/", "-")

    def save_dialog(self) -> None:
        name = self.file_stem(self.title.text()) + ".png"
        path, _ = QFileDialog.getSaveFileName(self, "Save chart", name, "PNG images (*.png)")
        if path and not self.save_png(path):
            warn(self, f"The chart cannot be saved to {path} (is the folder writable, with room on its disk?).")


class _NumberAxis(pg.AxisItem):
    """Tick labels written as the window writes numbers: 1,000 (1.000 in de_DE), with as many
    decimals as the ticks' spacing needs. An axis given ticks of its own (categories) shows those."""

    def __init__(self, orientation: str) -> None:
        super().__init__(orientation=orientation)
        self.enableAutoSIPrefix(False)  # 40 and "(x0.001)" beside it read as 40; the ticks say 0.04
        self.whole = False  # counts (people, messages): no tick between 0 and 1 person

    def tickSpacing(self, minVal, maxVal, size):  # noqa: ANN001, ANN201, N802, N803 - pyqtgraph's names
        levels = super().tickSpacing(minVal, maxVal, size)
        if not self.whole:
            return levels
        return [(step, offset) for step, offset in levels if step >= 1] or [(1.0, 0.0)]

    def tickStrings(self, values, scale, spacing):  # noqa: ANN001, ANN201, N802 - pyqtgraph's name
        step = spacing * scale
        places = max(0, math.ceil(-math.log10(step))) if step > 0 else 0
        return [figures.number(v * scale, places) for v in values]


class _DateAxis(pg.DateAxisItem):
    """Days in UTC, with month and weekday names as the person's locale writes them ("Okt.", "Mo."
    in de_DE); without a locale, as pyqtgraph writes them ("Oct", "Mon")."""

    def __init__(self) -> None:
        super().__init__(orientation="bottom", utcOffset=0)

    def tickStrings(self, values, scale, spacing):  # noqa: ANN001, ANN201, N802 - pyqtgraph's name
        strings = super().tickStrings(values, scale, spacing)
        spec = next((s for s in self.zoomLevel.tickSpecs if s.spacing == spacing), None)
        loc = QLocale()
        if spec is None or loc.language() == QLocale.Language.C or ("%b" not in spec.format and "%a" not in spec.format):
            return strings
        short = QLocale.FormatType.ShortFormat
        out = []
        for value, plain in zip(values, strings):
            try:
                day = dt.datetime.fromtimestamp(value, dt.timezone.utc)
            except (OverflowError, ValueError, OSError):
                out.append(plain)
                continue
            names = spec.format.replace("%b", loc.monthName(day.month, short).replace("%", "%%"))
            names = names.replace("%a", loc.dayName(day.isoweekday(), short).replace("%", "%%"))
            out.append(day.strftime(names))
        return out


class _Plot(pg.PlotWidget):
    hovered = Signal(str)

    def __init__(self, *, date_axis: bool = False, parent: QWidget | None = None) -> None:
        axes = {"left": _NumberAxis(orientation="left"),
                "bottom": _DateAxis() if date_axis else _NumberAxis(orientation="bottom")}
        super().__init__(parent=parent, axisItems=axes, background=None)
        self.series: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        self.colours: dict[str, QColor] = {}  # each series' colour, as drawn
        item = self.getPlotItem()
        item.setDownsampling(auto=True, mode="peak")
        item.setClipToView(True)
        item.showGrid(x=False, y=True, alpha=0.15)
        item.setMenuEnabled(False)
        item.hideButtons()
        self.setMouseEnabled(x=False, y=False)
        self.setMinimumHeight(190)
        self.scene().sigMouseMoved.connect(self._moved)
        self._fmt: Callable[[float], str] = figures.number
        # Said over an empty plot, whose axes are hidden (an empty date axis reads "00.250").
        self.empty_label = overlay_note("Nothing to show for this period.", self)
        self.empty_label.hide()

    def show_empty(self, empty: bool) -> None:
        """The empty label instead of axes when there is nothing to plot."""
        item = self.getPlotItem()
        for side in ("left", "bottom"):
            item.showAxis(side, not empty)
        self.empty_label.setGeometry(self.rect())
        self.empty_label.setVisible(empty)

    def resizeEvent(self, event) -> None:  # noqa: ANN001, N802
        super().resizeEvent(event)
        if "empty_label" in self.__dict__:  # not while the base class is being built
            self.empty_label.setGeometry(self.rect())

    def style_legend(self) -> None:
        """The legend in the window's colours (light or dark theme): a translucent box of the
        window's background with its text colour."""
        legend = getattr(self, "legend", None)
        if legend is None:
            return
        back = QColor(self.palette().color(QPalette.ColorRole.Window))
        back.setAlpha(200)
        legend.setBrush(pg.mkBrush(back))
        legend.setLabelTextColor(self.palette().color(QPalette.ColorRole.WindowText))

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange:
            self.style_legend()

    def _moved(self, pos: QPointF) -> None:
        vb = self.getPlotItem().vb
        if not self.sceneBoundingRect().contains(pos) or not self.series:
            self.hovered.emit("")
            return
        self.hovered.emit(self.describe(vb.mapSceneToView(pos)))

    def describe(self, point: QPointF) -> str:  # noqa: ARG002
        return ""


LEGEND_COLUMNS = 3


def _figure(v: float) -> str:
    """A value of a chart's table: whole numbers as such, others with up to two decimals (68.4,
    2.25); a missing one empty."""
    if not np.isfinite(v):
        return ""
    v = round(float(v), 2)
    if v.is_integer():
        return figures.number(int(v))
    return figures.number(v, 1 if round(v, 1) == v else 2)


def _isolated(y: np.ndarray) -> np.ndarray:
    """Where a value stands between two gaps (or the ends): a line through it draws nothing."""
    ok = np.isfinite(y)
    before = np.concatenate([[False], ok[:-1]])
    after = np.concatenate([ok[1:], [False]])
    return ok & ~before & ~after


class TimeSeriesChart(_Plot):
    """Lines over dates (x: UTC seconds of each day or week)."""

    def __init__(self, *, value_format: Callable[[float], str] | None = None, stacked: bool = False,
                 bars: bool = False, scale: float = 1.0, y_label: str = "",
                 unit: Callable[[float], tuple[str, float]] | None = None, weekly: bool | None = None,
                 counts: bool = False, named: bool = False, parent: QWidget | None = None) -> None:
        """``counts``: whole numbers, ticked as such; ``named``: a lone series is named in the legend
        too (the one platform or channel a chart of them shows)."""
        super().__init__(date_axis=True, parent=parent)
        self.getPlotItem().getAxis("left").whole = counts
        self.named = named
        self.weekly = weekly  # a value per week; None: told by the spacing of the dates
        self.stacked = stacked
        self.bars = bars
        self.scale = scale  # plotted value = value / scale (hover shows the value)
        self.unit = unit  # the axis' (label, scale) for the highest value, chosen for each set of data
        if value_format is not None:
            self._fmt = value_format
        if y_label:
            self.getPlotItem().setLabel("left", y_label)
        self.legend = self.getPlotItem().addLegend(offset=(4, 2), labelTextSize="8pt", colCount=LEGEND_COLUMNS)
        self.style_legend()
        self._top = 0.0

    def set_series(self, x: np.ndarray, series: dict[str, np.ndarray], *, colours: dict[str, QColor] | None = None,
                   dashed: Sequence[str] = ()) -> None:
        item = self.getPlotItem()
        item.clear()
        self.legend.clear()
        self.series, self.colours = {}, {}
        if self.unit is not None:
            top = max((float(np.nanmax(y)) for y in map(np.asarray, series.values()) if np.isfinite(y).any()),
                      default=0.0)
            label, self.scale = self.unit(top)
            item.setLabel("left", label)
        x = np.asarray(x, dtype=np.float64)
        below = np.zeros(len(x))
        previous = None
        for i, (name, y) in enumerate(series.items()):
            y = np.asarray(y, dtype=np.float64)
            colour = (colours or {}).get(name, series_colour(i))
            self.series[name] = (x, y)
            self.colours[name] = QColor(colour)
            if self.bars:
                width = (x[1] - x[0]) * 0.8 if len(x) > 1 else DAY_S * 0.8
                item.addItem(pg.BarGraphItem(x=x, height=np.nan_to_num(y) / self.scale, width=width, brush=colour,
                                             pen=pg.mkPen(None)))
            elif self.stacked:
                top = below + np.nan_to_num(y) / self.scale
                curve = pg.PlotDataItem(x, top, pen=_pen(colour, 1.2), name=name)
                fill = QColor(colour)
                fill.setAlpha(150)
                base_curve = previous or pg.PlotCurveItem(x, below, pen=pg.mkPen(0, 0, 0, 0))
                if previous is None:
                    item.addItem(base_curve)
                item.addItem(curve)
                item.addItem(pg.FillBetweenItem(base_curve, curve, brush=fill))
                previous, below = curve, top
            else:
                curve = pg.PlotDataItem(x, y / self.scale, pen=_pen(colour, 2.0, name in dashed), name=name,
                                        connect="finite")
                item.addItem(curve)
                alone = _isolated(y)
                if alone.any():  # a value with no neighbour draws no line: a dot shows it
                    item.addItem(pg.ScatterPlotItem(x[alone], y[alone] / self.scale, size=7, brush=colour,
                                                    pen=pg.mkPen(None)))
        if len(x) > 1:
            item.setXRange(x[0], x[-1], padding=0.02)
        elif len(x):  # one day or week: a week around it, not seconds
            item.setXRange(x[0] - 3.5 * DAY_S, x[0] + 3.5 * DAY_S, padding=0)
        empty = not any(len(y) and np.isfinite(y).any() for _, y in self.series.values())
        self.show_empty(empty)
        self.legend.setVisible(not empty and (len(series) > 1 or (self.named and len(series) == 1)))
        tops = [np.nanmax(v) / self.scale for _, v in self.series.values() if len(v) and np.isfinite(v).any()]
        self._top = float(below.max()) if self.stacked and len(below) else max(tops, default=0.0)
        self._fit_legend(force=True)

    def _fit_legend(self, *, force: bool = False) -> None:
        """As many legend columns (up to three) as the chart's width holds, and head room above
        the data for the legend's rows."""
        entries = [sample.boundingRect().width() + label.item.boundingRect().width() + 12
                   for sample, label in self.legend.items]
        if entries:
            room = self.width() - 60  # less the value axis

            def width(n: int) -> float:  # the legend fills its rows left to right
                return sum(max(entries[j::n]) for j in range(min(n, len(entries))))
            fit = next((n for n in range(LEGEND_COLUMNS, 1, -1) if width(n) <= room), 1)
            if fit != self.legend.columnCount:
                self.legend.setColumnCount(fit)
                force = True
        if force:
            rows = 0 if not self.legend.isVisible() else -(-len(self.series) // self.legend.columnCount)
            top = self._top
            self.getPlotItem().setYRange(0, max(top, 1e-9) * (1.12 + 0.2 * rows) if top > 0 else 1, padding=0)

    def resizeEvent(self, event) -> None:  # noqa: ANN001, N802
        super().resizeEvent(event)
        if "legend" in self.__dict__:  # not while the base class is being built
            self._fit_legend()

    def rows(self) -> list[list[str]]:
        """The figures plotted: a row per day (or week), a column per series, headers first; in
        the axis' unit (hours, not seconds), each series its own value, not stacked."""
        if not self.series:
            return []
        x = next(iter(self.series.values()))[0]
        weekly = self.weekly if self.weekly is not None else len(x) > 1 and x[1] - x[0] >= 7 * DAY_S
        unit = self.getPlotItem().getAxis("left").labelText
        head = ["Week from" if weekly else "Day"] + [f"{name} ({unit})" if unit else name for name in self.series]
        days = np.asarray(x, dtype=np.int64).astype("datetime64[s]").astype("datetime64[D]")
        return [head] + [[dates.day(str(day))] + [_figure(y[i] / self.scale) for _, y in self.series.values()]
                         for i, day in enumerate(days)]

    def describe(self, point: QPointF) -> str:
        x0 = next(iter(self.series.values()))[0]
        if not len(x0):
            return ""
        i = int(np.clip(np.searchsorted(x0, point.x() - (x0[1] - x0[0]) / 2 if len(x0) > 1 else point.x()),
                        0, len(x0) - 1))
        day = np.datetime64(int(x0[i]), "s").astype("datetime64[D]")
        parts = []
        for name, (_, y) in self.series.items():
            v = y[i]
            parts.append(f"{name} {'—' if np.isnan(v) else self._fmt(v)}")
        return f"{dates.day(str(day))}: " + " · ".join(parts)


class HeatmapChart(_Plot):
    """A grid of values (rows top to bottom) with labelled rows and columns."""

    def __init__(self, *, value_format: Callable[[float], str] | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent=parent)
        if value_format is not None:
            self._fmt = value_format
        self.image = pg.ImageItem()
        self.getPlotItem().addItem(self.image)
        self.getPlotItem().invertY(True)
        self.getPlotItem().showGrid(x=False, y=False)
        self.colour_map = pg.colormap.get("viridis")
        self.values = np.zeros((0, 0))
        self.row_labels: list[str] = []
        self.columns: list[str] = []
        self._labels: list[pg.TextItem] = []

    def set_grid(self, values: np.ndarray, rows: Sequence[str], columns: Sequence[str], *,
                 column_step: int = 1, cell_text: bool = False, text_format: Callable[[float], str] | None = None) -> None:
        values = np.asarray(values, dtype=np.float64)
        self.values, self.row_labels, self.columns = values, list(rows), list(columns)
        self.series = {"values": (np.arange(values.size, dtype=np.float64), values.ravel())}
        for t in self._labels:
            self.getPlotItem().removeItem(t)
        self._labels = []
        self.show_empty(not values.size)
        if not values.size:
            self.image.clear()
            return
        finite = values[np.isfinite(values)]
        top = float(finite.max()) if finite.size and finite.max() > 0 else 1.0
        self.image.setImage(values.T, levels=(0, top))  # NaN cells stay empty
        self.image.setColorMap(self.colour_map)
        self.image.setRect(0, 0, values.shape[1], values.shape[0])
        item = self.getPlotItem()
        # As many labels as fit (270 monthly cohorts printed theirs over each other): every row up
        # to a dozen, then every k-th; the hover names any cell.
        row_step = -(-len(self.row_labels) // 12)
        column_step = max(column_step, -(-len(self.columns) // 16))
        item.getAxis("left").setTicks([[(i + 0.5, r) for i, r in enumerate(self.row_labels) if i % row_step == 0]])
        item.getAxis("bottom").setTicks([[(j + 0.5, c) for j, c in enumerate(self.columns) if j % column_step == 0]])
        item.setXRange(0, values.shape[1], padding=0)
        item.setYRange(0, values.shape[0], padding=0)
        if cell_text and values.shape[0] * values.shape[1] <= 400:
            show = text_format or self._fmt
            font = QFont()
            font.setPointSize(7)
            for i in range(values.shape[0]):
                for j in range(values.shape[1]):
                    if np.isfinite(values[i, j]):
                        light = values[i, j] < top * 0.6
                        t = pg.TextItem(show(values[i, j]), color="w" if light else "k", anchor=(0.5, 0.5))
                        t.setFont(font)
                        t.setPos(j + 0.5, i + 0.5)
                        item.addItem(t)
                        self._labels.append(t)

    def rows(self) -> list[list[str]]:
        """The grid: a row per row label, a column per column label, headers first; empty cells empty."""
        if not self.values.size:
            return []
        return [[""] + self.columns] + [[label] + [_figure(v) for v in self.values[i]]
                                         for i, label in enumerate(self.row_labels)]

    def describe(self, point: QPointF) -> str:
        i, j = int(np.floor(point.y())), int(np.floor(point.x()))
        if not (0 <= i < self.values.shape[0] and 0 <= j < self.values.shape[1]):
            return ""
        v = self.values[i, j]
        return f"{self.row_labels[i]}, {self.columns[j]}: {'—' if np.isnan(v) else self._fmt(v)}"


class BarChart(_Plot):
    """Horizontal stacked bars: one row per category, one colour per part."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent=parent)
        self.getPlotItem().invertY(True)
        self.legend = self.getPlotItem().addLegend(offset=(-8, 4), labelTextSize="8pt")
        self.style_legend()
        self.categories: list[str] = []
        self.parts: dict[str, np.ndarray] = {}

    def set_bars(self, categories: Sequence[str], parts: dict[str, np.ndarray],
                 colours: dict[str, QColor] | None = None) -> None:
        item = self.getPlotItem()
        item.clear()
        self.legend.clear()
        self.categories = list(categories)
        self.parts = {k: np.asarray(v, dtype=np.float64) for k, v in parts.items()}
        self.series = {k: (np.arange(len(categories), dtype=np.float64), v) for k, v in self.parts.items()}
        left = np.zeros(len(categories))
        for i, (name, width) in enumerate(self.parts.items()):
            colour = (colours or {}).get(name, series_colour(i))
            bars = pg.BarGraphItem(x0=left, y=np.arange(len(categories)), height=0.6, width=width,
                                   brush=colour, pen=pg.mkPen(None), name=name)
            item.addItem(bars)  # named items join the legend by themselves
            left = left + width
        item.getAxis("left").setTicks([[(i, c) for i, c in enumerate(categories)]])
        item.getAxis("bottom").whole = True  # people
        item.setYRange(-0.5, len(categories) - 0.5, padding=0.05)
        item.setXRange(0, max(float(left.max()) if len(left) else 1.0, 1.0) * 1.3, padding=0.02)

    def rows(self) -> list[list[str]]:
        """A row per category, a column per part, headers first."""
        if not self.categories:
            return []
        return [[""] + list(self.parts)] + [[c] + [_figure(v[i]) for v in self.parts.values()]
                                            for i, c in enumerate(self.categories)]

    def describe(self, point: QPointF) -> str:
        i = int(round(point.y()))
        if not 0 <= i < len(self.categories):
            return ""
        return f"{self.categories[i]}: " + " · ".join(f"{k} {self._fmt(v[i])}" for k, v in self.parts.items())


def day_seconds(dates) -> np.ndarray:  # noqa: ANN001 - a datetime-like Series or array
    """Calendar dates as the UTC seconds of their midnight (the x of a date axis shown in UTC)."""
    return np.asarray(np.asarray(dates, dtype="datetime64[D]").astype("datetime64[s]").astype(np.int64), dtype=np.float64)


class NetworkChart(_Plot):
    """Who helps whom: each person a dot (the larger, the more replies they gave or got; blue for
    those who help), an arrow from a helper to each person helped (the thicker, the more replies;
    orange where most of them welcomed a newcomer), the helpers and then those most helped named;
    the hover says anyone's replies given and received.

    With the keyboard: Tab reaches it, the arrow keys (Home, End) go from person to person, helpers
    first, each ringed and described as the hover describes them, and Enter opens their profile."""

    FOCUS = Qt.FocusPolicy.StrongFocus
    person_chosen = Signal(int)  # a person's dot double-clicked, or Enter on the person ringed

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent=parent)
        self.scene().sigMouseClicked.connect(self._clicked)
        item = self.getPlotItem()
        item.hideAxis("left")
        item.hideAxis("bottom")
        item.showGrid(x=False, y=False)
        self.ties = pd.DataFrame()
        self.people = pd.DataFrame()
        self.order: list[int] = []  # rows of ``people`` as the keys walk them
        self.current: int | None = None  # the row the keys are on
        self.ring: pg.ScatterPlotItem | None = None  # around the person the keys are on
        self._sizes = np.empty(0)

    def set_network(self, ties: pd.DataFrame, people: pd.DataFrame) -> None:
        """``ties`` as ``who_helps_whom`` gives them; ``people`` placed by ``ties_layout``."""
        item = self.getPlotItem()
        item.clear()
        people = people.reset_index(drop=True)
        self.ties, self.people = ties.reset_index(drop=True), people
        self.order, self.current, self.ring = [], None, None
        self.series = {"people": (people["x"].to_numpy(dtype=np.float64), people["y"].to_numpy(dtype=np.float64))} \
            if len(people) else {}
        self.show_empty(people.empty)
        for side in ("left", "bottom"):  # a drawing, not a plot: no axes even when there is something
            item.hideAxis(side)
        if people.empty:
            return
        at = {int(p): (x, y) for p, x, y in people[["person_id", "x", "y"]].itertuples(index=False)}
        top = max(int(ties["replies"].max()), 1)
        for helper, helped, replies, newcomer in ties[["helper_person_id", "helped_person_id", "replies",
                                                       "newcomer_replies"]].itertuples(index=False):
            (x0, y0), (x1, y1) = at[int(helper)], at[int(helped)]
            welcoming = 2 * newcomer >= replies
            colour = QColor(NETWORK_COLOURS["newcomer tie" if welcoming else "tie"])
            colour.setAlpha(230 if welcoming else 170)
            width = 1.0 + 3.0 * replies / top
            item.addItem(pg.PlotCurveItem([x0, x1], [y0, y1], pen=_pen(colour, width)))
            # The arrow's head halfway, pointing at the person helped (its tip at the midpoint).
            angle = math.degrees(math.atan2(y1 - y0, x1 - x0))
            item.addItem(pg.ArrowItem(pos=((x0 + x1) / 2, (y0 + y1) / 2), angle=180 - angle, headLen=6 + 2 * width,
                                      tipAngle=40, pen=pg.mkPen(None), brush=colour))
        load = (people["given"] + people["received"]).to_numpy(dtype=np.float64)
        sizes = 7 + 17 * np.sqrt(load / max(load.max(), 1))
        brushes = [pg.mkBrush(NETWORK_COLOURS["helper" if g else "helped"]) for g in people["given"]]
        outline = pg.mkPen(self.palette().color(QPalette.ColorRole.Window), width=1.2)
        item.addItem(pg.ScatterPlotItem(self.series["people"][0], self.series["people"][1], size=sizes,
                                        brush=brushes, pen=outline))
        text = self.palette().color(QPalette.ColorRole.WindowText)
        back = QColor(self.palette().color(QPalette.ColorRole.Window))
        back.setAlpha(190)  # a name stays readable over the lines it crosses
        font = QFont()
        font.setPointSize(8)
        named = set(named_on_drawing(people["given"], people["received"]))
        # The keys go through the helpers as Top helpers ranks them (the ties' order), then through
        # the people helped, the most replies first.
        row = {int(p): i for i, p in enumerate(people["person_id"])}
        ranked = [row[int(p)] for p in dict.fromkeys(ties["helper_person_id"])]
        helpers = set(ranked)
        self.order = ranked + [i for i in np.argsort(-load, kind="stable").tolist() if i not in helpers]
        self._sizes = sizes
        ring = QColor(self.palette().color(QPalette.ColorRole.Highlight))
        self.ring = pg.ScatterPlotItem(pen=pg.mkPen(ring, width=2.5), brush=pg.mkBrush(None))
        self.ring.setZValue(5)
        item.addItem(self.ring)
        for i, (name, x, y, size) in enumerate(zip(people["name"], people["x"], people["y"], sizes)):
            if i not in named or not name:
                continue
            label = pg.TextItem(name, color=text, fill=back)
            label.setFont(font)
            height = max(label.textItem.boundingRect().height(), 1.0)
            label.setAnchor((0.5, -size / 2 / height))  # under the dot, not over it
            label.setPos(x, y)
            item.addItem(label)
        # ties_layout fills -1 to 1 each way: the drawing is as wide as its box, with room under the
        # lowest dot for its name.
        item.setXRange(-1.12, 1.12, padding=0)
        item.setYRange(-1.3, 1.12, padding=0)

    def rows(self) -> list[list[str]]:
        """A row per tie, the strongest first: helper, person helped, replies, of which to a newcomer."""
        if self.ties.empty:
            return []
        return [["Helper", "Helped", "Replies", "To a newcomer"]] + [
            [helper, helped, figures.number(int(n)), figures.number(int(k))]
            for helper, helped, n, k in self.ties[["helper", "helped", "replies", "newcomer_replies"]]
            .itertuples(index=False)]

    def person_at(self, point: QPointF) -> int | None:
        """The row of ``people`` whose dot is at ``point`` (in the drawing's coordinates), if any."""
        if self.people.empty:
            return None
        x, y = self.series["people"]
        d = np.hypot(x - point.x(), y - point.y())
        i = int(np.argmin(d))
        return i if d[i] <= 0.08 else None

    def _clicked(self, event) -> None:  # noqa: ANN001 - pyqtgraph's MouseClickEvent
        if event.double() and event.button() == Qt.MouseButton.LeftButton:
            i = self.person_at(self.getPlotItem().vb.mapSceneToView(event.scenePos()))
            if i is not None:
                self.person_chosen.emit(int(self.people["person_id"].iat[i]))

    @contextmanager
    def as_picture(self) -> Iterator[None]:
        """While it lasts, the drawing is without the ring the keys put on a person (a picture is
        passed around, not walked with the keys)."""
        ringed = self.ring is not None and self.ring.isVisible()
        if ringed:
            self.ring.hide()
        try:
            yield
        finally:
            if ringed:
                self.ring.show()

    def point_at_person(self, i: int | None) -> None:
        """Ring the person of row ``i`` (None: no one) and say who they are, as the hover does."""
        self.current = i
        if self.ring is None:
            return
        if i is None:
            self.ring.setData([], [])
            self.hovered.emit("")
            return
        x, y = self.series["people"]
        self.ring.setData([x[i]], [y[i]], size=float(self._sizes[i]) + 9)
        said = self.describe_person(i)
        self.setAccessibleDescription(said)
        self.hovered.emit(said)

    def keyPressEvent(self, event) -> None:  # noqa: ANN001, N802
        key, n = event.key(), len(self.order)
        if n and event.modifiers() in (Qt.KeyboardModifier.NoModifier, Qt.KeyboardModifier.KeypadModifier):
            at = self.order.index(self.current) if self.current in self.order else None
            step = {Qt.Key.Key_Right: 1, Qt.Key.Key_Down: 1, Qt.Key.Key_Left: -1, Qt.Key.Key_Up: -1}.get(key)
            goes_to = {Qt.Key.Key_Home: 0, Qt.Key.Key_End: n - 1}.get(key)
            if step is not None:
                goes_to = 0 if at is None else (at + step) % n
            if goes_to is not None:
                self.point_at_person(self.order[goes_to])
                event.accept()
                return
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.current is not None:
                self.person_chosen.emit(int(self.people["person_id"].iat[self.current]))
                event.accept()
                return
            if key == Qt.Key.Key_Escape and self.current is not None:
                self.point_at_person(None)
                event.accept()
                return
        super().keyPressEvent(event)

    def focusInEvent(self, event) -> None:  # noqa: ANN001, N802
        super().focusInEvent(event)
        if self.order and event.reason() in (Qt.FocusReason.TabFocusReason, Qt.FocusReason.BacktabFocusReason):
            self.point_at_person(self.current if self.current is not None else self.order[0])

    def focusOutEvent(self, event) -> None:  # noqa: ANN001, N802
        super().focusOutEvent(event)
        if event.reason() != Qt.FocusReason.PopupFocusReason:  # its own menu keeps the ring
            self.point_at_person(None)

    def describe(self, point: QPointF) -> str:
        i = self.person_at(point)
        return "" if i is None else self.describe_person(i)

    def describe_person(self, i: int) -> str:
        """Who the person of row ``i`` is on the drawing: their name, the replies they gave and got."""
        p = self.people.iloc[i]
        pid = int(p["person_id"])
        out = self.ties[self.ties["helper_person_id"] == pid]
        into = self.ties[self.ties["helped_person_id"] == pid]
        parts = []
        if len(out):
            parts.append(f"replied {figures.plural(int(out['replies'].sum()), 'time')} to "
                         f"{figures.plural(len(out), 'person', 'people')}")
        if len(into):
            parts.append(f"got {figures.plural(int(into['replies'].sum()), 'reply', 'replies')} from "
                         f"{figures.plural(len(into), 'person', 'people')}")
        return f"{p['name'] or 'Person ' + str(pid)}: " + "; ".join(parts)
