"""Dashboard: the community's health at a glance, for a period, platform and channel.

One filter bar drives the whole page (restored from the last session). The figures are computed
off the GUI thread by ``workbench.metrics.dashboard.compute_dashboard``; a newer request makes an
older answer moot, so the page always shows the last filters chosen.
"""
from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QDate, QRect, Qt, Signal
from PySide6.QtGui import QColor, QFontMetrics, QImage, QPainter, QPalette
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QFileDialog,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QScrollArea,
    QSizePolicy,
    QStyle,
    QTableView,
    QToolButton,
    QWidget,
)

from ... import fmt
from ...metrics.activity import OTHER_CHANNELS, retention_cut, retention_grid
from ...metrics.dashboard import Dashboard, compute_dashboard, headline_kind
from ...metrics.filters import Filters, last_activity_day, reporting_tz, zone
from ...metrics.network import HELPERS_DRAWN, TIES_EACH
from ...metrics.support import where_asked
from .. import dates, figures
from ..charts import BarChart, ChartBox, HeatmapChart, NetworkChart, TimeSeriesChart, day_seconds
from ..palette import MOVEMENT_COLOURS, OTHER_COLOUR, PLATFORM_COLOURS, platform_colour
from ..tasks import Newest
from ..widgets import (
    Banner,
    DataFrameModel,
    ElidedLabel,
    EmptyState,
    EmptyText,
    Page,
    RoomForText,
    RowLinks,
    make_copyable,
    opens_profiles,
    vbox,
    warn,
)

RETENTION_NOTE = "% of newcomers active k months later"
PERIODS = [("Last 30 days", 30), ("Last 90 days", 90), ("Last 365 days", 365), ("All time", 0), ("Custom", -1)]
CARDS = [  # key, title, format, lower is better
    ("active_people", "Active people", figures.number, False),
    ("new_people", "New people", figures.number, False),
    ("stickiness", "Stickiness", lambda v: figures.number(v, 2), False),
    ("ttfr_median_s", "Median first response", fmt.duration, True),
    ("response_rate_24h", "Answered in 24 h", figures.percent, False),
    ("absence_factor", "Absence factor", figures.number, False),
]
TIPS = {
    "active_people": "People (not bots) with at least one activity in the period.",
    "new_people": "People whose first activity or join falls in the period.",
    "stickiness": "Mean daily active people divided by mean monthly (28-day) active people.",
    "ttfr_median_s": "Median time from a question to the first reply by someone else.",
    "response_rate_24h": "Share of the period's questions answered within 24 hours.",
    "absence_factor": "The fewest people who together wrote half of the period's activity.",
}


class Card(QFrame):
    def __init__(self, title: str, tip: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("card")
        self.setStyleSheet("#card { border: 1px solid palette(midlight); border-radius: 6px; }")
        self.setToolTip(tip)
        lay = vbox(self, 8, 2)
        self.title = QLabel(title)
        self.title.setStyleSheet("color: palette(placeholder-text);")
        self.value = QLabel("—")
        self.value.setStyleSheet("font-size: 22px; font-weight: 600;")
        self.change = QLabel("")
        for w in (self.title, self.value, self.change):
            lay.addWidget(w)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

    def show_value(self, value: str, change: str, direction: int, lower_is_better: bool, previous: str) -> None:
        self.value.setText(value)
        good = direction * (-1 if lower_is_better else 1)
        colour = {1: "#009E73", -1: "#D55E00"}.get(good, "palette(placeholder-text)")
        self.change.setText(f"{change} vs {previous}" if change != "—" else "no earlier figure")
        self.change.setStyleSheet(f"color: {colour};")


class DashboardPage(Page):
    title = "Dashboard"
    shortcut_key = "1"
    updated = Signal(object)  # the Dashboard shown

    def __init__(self, ctx, parent: QWidget | None = None) -> None:  # noqa: ANN001
        super().__init__(ctx, parent)
        self._zone: dt.tzinfo = dt.timezone.utc
        lay = vbox(self, 10, 8)
        self.banner = Banner()
        lay.addWidget(self.banner)
        lay.addLayout(self._filter_bar())
        self.empty = EmptyState("No activity to measure yet. Drop a Slack export zip on the window, "
                                "or File ▸ Import… (Ctrl+I).")
        self.empty.hide()  # until the workspace is read and found empty: not while a large one is read
        lay.addWidget(self.empty)
        self.body = QWidget()
        body = vbox(self.body, 0, 8)
        self.cards_row = QWidget()
        cards = QHBoxLayout(self.cards_row)
        cards.setContentsMargins(0, 0, 0, 0)
        cards.setSpacing(8)
        self.cards: dict[str, Card] = {}
        for key, title, _, _ in CARDS:
            self.cards[key] = Card(title, TIPS[key])
            cards.addWidget(self.cards[key])
        body.addWidget(self.cards_row)
        scroll = self.charts_scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        grid_host = QWidget()
        self.grid = QGridLayout(grid_host)
        self.grid.setContentsMargins(0, 0, 4, 0)
        self.grid.setSpacing(8)
        for column in (0, 1):  # two columns of one width, whatever the length of a box's note
            self.grid.setColumnStretch(column, 1)
        self._build_charts()
        scroll.setWidget(grid_host)
        body.addWidget(scroll, 1)
        lay.addWidget(self.body, 1)
        self.dashboard: Dashboard | None = None
        self._newest = Newest()
        self._restoring = False
        self._restore_filters()

    # -- the filter bar -----------------------------------------------------------------------
    def _filter_bar(self) -> QHBoxLayout:
        bar = QHBoxLayout()
        bar.setSpacing(4)  # with the two icons at its end, "days in Pacific/Kiritimati" fits at 1,024 px
        self.period = QComboBox()
        for label, days in PERIODS:
            self.period.addItem(label, days)
        self.start = QDateEdit()
        self.end = QDateEdit()
        for d in (self.start, self.end):
            d.setCalendarPopup(True)
            d.setDisplayFormat(dates.date_format())
        self.platform = QComboBox()
        self.platform.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.platform.addItem("All platforms", "")
        self.channel = QComboBox()
        self.channel.addItem("All channels", 0)
        self.channel.setMinimumContentsLength(16)
        # The zone the days are counted in (the date fields beside it show the period's days);
        # shortened when the window is narrow, whole on hover.
        self.zone_label = ElidedLabel()
        self.zone_label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.zone_label.setStyleSheet("color: palette(placeholder-text);")
        self.refresh_button = QToolButton()  # an icon, which leaves the zone's name its room at 1,024 px
        self.refresh_button.setIcon(self.style().standardIcon(QStyle.StandardPixmap.SP_BrowserReload))
        self.refresh_button.setAccessibleName("Refresh")
        self.refresh_button.setToolTip("Refresh: compute the figures again (F5)")
        self.refresh_button.setShortcut("F5")
        self.refresh_button.clicked.connect(self.reload)
        self.save_button = QToolButton()  # an icon too, for the zone's name
        self.save_button.setIcon(self.style().standardIcon(QStyle.StandardPixmap.SP_DialogSaveButton))
        self.save_button.setAccessibleName("Save as PNG")
        self.save_button.setToolTip("Save the whole Dashboard as one PNG image: the period and filters, the "
                                    "figures and every chart")
        self.save_button.setEnabled(False)  # until there are figures to show
        self.save_button.clicked.connect(self.save_dialog)
        self.period.currentIndexChanged.connect(self._period_changed)
        self.start.dateChanged.connect(self._custom_dates)
        self.end.dateChanged.connect(self._custom_dates)
        self.platform.currentIndexChanged.connect(self._platform_changed)
        self.channel.currentIndexChanged.connect(self._filters_changed)
        for w in (self.period, self.start, QLabel("to"), self.end, self.platform, self.channel):
            bar.addWidget(w)
        bar.addStretch(1)
        bar.addWidget(self.zone_label)
        bar.addWidget(self.refresh_button)
        bar.addWidget(self.save_button)
        return bar

    def _restore_filters(self) -> None:
        s = self.ctx.settings
        self._restoring = True
        self.period.setCurrentIndex(max(0, min(int(s.value("dashboard/period", 1)), len(PERIODS) - 1)))
        for key, edit in (("dashboard/from", self.start), ("dashboard/to", self.end)):
            text = s.value(key, "")
            if text:
                edit.setDate(QDate.fromString(str(text), "yyyy-MM-dd"))
        self._saved_platform = str(s.value("dashboard/platform", "") or "")
        self._saved_channel = int(s.value("dashboard/channel", 0) or 0)
        self._saved_channel_of = str(s.value("dashboard/channel_of", "") or "")  # a number is one workspace's
        self._restoring = False
        self.ctx.workspace_opened.connect(self._workspace_opened)
        self._sync_date_edits()

    def _save_filters(self) -> None:
        s = self.ctx.settings
        s.setValue("dashboard/period", self.period.currentIndex())
        s.setValue("dashboard/from", self.start.date().toString("yyyy-MM-dd"))
        s.setValue("dashboard/to", self.end.date().toString("yyyy-MM-dd"))
        s.setValue("dashboard/platform", self.platform.currentData() or "")
        s.setValue("dashboard/channel", int(self.channel.currentData() or 0))
        s.setValue("dashboard/channel_of", self.ctx.ws.location if self.ctx.ws is not None else "")
        self._saved_channel = int(self.channel.currentData() or 0)
        self._saved_channel_of = self.ctx.ws.location if self.ctx.ws is not None else ""

    def _saved_channel_here(self) -> int:
        """The channel chosen last, when it was chosen in the open workspace (its number is another
        channel's, or none, in another)."""
        here = self.ctx.ws.location if self.ctx.ws is not None else None
        return self._saved_channel if self._saved_channel_of == here else 0

    def _workspace_opened(self) -> None:
        """Another workspace: its platforms and channels are read anew, and a channel chosen in the
        last one is not taken for the channel of the same number in this one."""
        self.dashboard = None
        self._restoring, was = True, self._restoring
        self.channel.clear()
        self.channel.addItem("All channels", 0)
        self._restoring = was

    def _sync_date_edits(self) -> None:
        custom = self.period.currentData() == -1
        self.start.setEnabled(custom)
        self.end.setEnabled(custom)

    def _period_changed(self) -> None:
        self._sync_date_edits()
        self._filters_changed()

    def _custom_dates(self) -> None:
        if self.period.currentData() == -1:
            self._filters_changed()

    def _platform_changed(self) -> None:
        self._fill_channels()
        self._filters_changed()

    def _filters_changed(self) -> None:
        if self._restoring:
            return
        self._save_filters()
        if self.ctx.ws is not None and self.isVisible():
            self.reload()
        else:
            self._stale = True

    def _fill_channels(self, channels=None) -> None:  # noqa: ANN001 - a DataFrame
        if channels is None:
            channels = self.dashboard.channels if self.dashboard is not None else None
        if channels is None:
            return
        current = int(self.channel.currentData() or self._saved_channel_here() or 0)
        plat = self.platform.currentData() or ""
        self._restoring, was = True, self._restoring
        self.channel.clear()
        self.channel.addItem("All channels", 0)
        rows = channels if not plat else channels[channels["platform"] == plat]
        for r in sorted(rows.itertuples(), key=lambda r: fmt.channel_order(r.platform, r.name, r.kind)):
            self.channel.addItem(fmt.channel_label(r.platform, r.name, r.kind, with_platform=not plat), int(r.channel_id))
        i = self.channel.findData(current)
        self.channel.setCurrentIndex(i if i >= 0 else 0)
        self._restoring = was

    def _fill_platforms(self, platforms: list[str]) -> None:
        current = self.platform.currentData() or self._saved_platform
        self._restoring, was = True, self._restoring
        self.platform.clear()
        self.platform.addItem("All platforms", "")
        for p in platforms:
            self.platform.addItem(fmt.platform_name(p), p)
        i = self.platform.findData(current)
        self.platform.setCurrentIndex(i if i >= 0 else 0)
        self._restoring = was

    def filters(self) -> tuple[int, Filters]:
        """The period choice (days; 0 all time; -1 custom) and the filters of the bar."""
        plat = self.platform.currentData() or ""
        chan = int(self.channel.currentData() or 0)
        if self.dashboard is None:  # the lists are not filled yet: the filters of the last session
            plat, chan = self._saved_platform, self._saved_channel_here()
        f = Filters(platforms=(plat,) if plat else (), channels=(chan,) if chan else ())
        days = int(self.period.currentData())
        if days == -1:
            f = dataclasses.replace(f, start=self.start.date().toPython(), end=self.end.date().toPython())
        return days, f

    # -- charts -------------------------------------------------------------------------------
    def _build_charts(self) -> None:
        self.active_chart = TimeSeriesChart(counts=True)
        self.platform_chart = TimeSeriesChart(stacked=True, counts=True, named=True)
        self.new_chart = TimeSeriesChart(bars=True, counts=True)
        self.channel_chart = TimeSeriesChart(stacked=True, counts=True, named=True)
        self.ttfr_chart = TimeSeriesChart(value_format=fmt.duration, unit=fmt.duration_unit, weekly=True)
        self.hours_chart = HeatmapChart(value_format=lambda v: f"{figures.number(v)} activities")
        self.retention_chart = HeatmapChart(value_format=lambda v: f"{figures.number(v)}% active")
        self.levels_chart = BarChart()
        self.network_chart = NetworkChart()
        self.network_chart.empty_label.setText("No one replied to someone else in this period.")
        self.ttfr_chart.empty_label.setText("No question had a reply from someone else in this period.")
        self.retention_chart.empty_label.setText("No one's first activity falls in this period.")
        self.unanswered_model = DataFrameModel(headers={"asked_at": "Asked", "waiting_days": "Waiting",
                                                        "where": "Where", "excerpt": "Question"},
                                               formatters={"asked_at": self._asked,
                                                           "waiting_days": lambda d: figures.plural(int(d), "day")},
                                               # Asked is the column a narrow table pushes out of view
                                               tips={"waiting_days": ("asked_at", lambda t: f"Asked {self._asked(t)}")})
        self.unanswered_view = self._table(self.unanswered_model, None)
        # Double-click (or Enter) opens the question where it was asked, to answer it there.
        self.question_links = RowLinks(self.unanswered_view, "unanswered-questions.csv", banner=self.banner)
        # What was asked comes first; where and who give up width before anything is pushed out of view.
        self.question_room = RoomForText(self.unanswered_view, "excerpt", shrink=("where", "author"))
        self.helpers_model = DataFrameModel(headers={"people_helped": "Helped", "newcomer_replies": "To newcomers",
                                                     "newcomers_helped": "Newcomers"}, hidden=("person_id",))
        self.helpers_view = self._table(self.helpers_model, "top-helpers.csv")
        # A helper's row opens their profile (double-click or Enter), as a dot of the network does.
        opens_profiles(self.helpers_view, self.ctx)
        self.network_chart.person_chosen.connect(self.ctx.person_asked)
        self.unanswered_empty = EmptyText(self.unanswered_view, "No unanswered questions in this period.")
        self.helpers_empty = EmptyText(self.helpers_view, "No one replied to someone else in this period.")
        self.boxes = {
            "active": ChartBox("Active people", self.active_chart, note="daily, weekly (7 days), monthly (28 days)"),
            "platform": ChartBox("Activity by platform", self.platform_chart),
            "new": ChartBox("New people", self.new_chart),
            "channel": ChartBox("Activity by channel", self.channel_chart, note="the busiest channels"),
            "ttfr": ChartBox("Time to first response", self.ttfr_chart, note="per week: median and 90th percentile"),
            "hours": ChartBox("When people are active", self.hours_chart),
            "retention": ChartBox("Retention by cohort", self.retention_chart, note=RETENTION_NOTE),
            "levels": ChartBox("Level movement", self.levels_chart, note="from the day before the period to its end"),
            "unanswered": ChartBox("Unanswered questions", self.unanswered_view, note="the oldest first"),
            "helpers": ChartBox("Top helpers", self.helpers_view,
                                note="who replies to the most people; double-click for the profile"),
            "network": ChartBox("Who helps whom", self.network_chart,
                                note=f"the {HELPERS_DRAWN} top helpers and the {TIES_EACH} people each replied to "
                                     "most, an arrow from helper to helped; orange: mostly replies to a newcomer; "
                                     "double-click a person for the profile"),
        }
        order = ["active", "platform", "new", "channel", "ttfr", "hours", "retention", "levels", "unanswered", "helpers"]
        for i, key in enumerate(order):
            box = self.boxes[key]
            box.setMinimumHeight(250 if key not in ("unanswered", "helpers") else 280)
            self.grid.addWidget(box, i // 2, i % 2)
        # The network is drawn across both columns: its people need the room to stand apart.
        self.boxes["network"].setMinimumHeight(420)
        self.grid.addWidget(self.boxes["network"], len(order) // 2 + len(order) % 2, 0, 1, 2)

    @staticmethod
    def _table(model: DataFrameModel, file_name: str | None) -> QTableView:
        view = QTableView()
        view.setModel(model)
        view.verticalHeader().hide()
        view.setAlternatingRowColors(True)
        view.setSortingEnabled(True)
        view.setWordWrap(False)
        view.horizontalHeader().setStretchLastSection(True)
        view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        if file_name is not None:  # None: made copyable by the caller, with what its rows offer
            make_copyable(view, file_name)
        return view

    # -- computing ----------------------------------------------------------------------------
    def reload(self) -> None:
        ws = self.ctx.ws
        if ws is None:
            return
        only = self._newest.next()
        days, base_filters = self.filters()

        def work(progress, cancel):  # noqa: ANN001 - runs on a worker thread
            tz = reporting_tz(ws)
            f = dataclasses.replace(base_filters, tz=tz)
            if days >= 0:
                end = last_activity_day(ws, tz)
                if end is None:
                    return None
                start = end - dt.timedelta(days=days - 1) if days else None
                f = dataclasses.replace(f, start=start, end=end if days else None)
            progress(0.1, "Computing the dashboard")
            d = compute_dashboard(ws, f)
            d.helper_layout()  # the network's drawing is worked out here, off the window's thread
            return d

        self.zone_label.setText("computing…")
        self.ctx.run_task(work, "Dashboard", on_done=only(self._show), on_error=only(self._failed), reads_only=True)

    def _asked(self, t) -> str:  # noqa: ANN001 - a Timestamp
        return dates.moment(t, self._zone, zone=True)

    def _failed(self, exc: BaseException) -> None:
        self.zone_label.setText("")
        self.banner.show_error(exc)

    def _show(self, d: Dashboard | None) -> None:
        self.banner.hide()
        has = d is not None and not d.empty
        first_time = self.dashboard is None
        self.empty.setVisible(d is None)
        self.body.setVisible(d is not None)
        self.save_button.setEnabled(d is not None)
        if d is None:
            self.zone_label.setText("")
            days = int(self.period.currentData())
            if days > 0:  # nothing imported yet: the chosen period as it would run up to today
                self._restoring, was = True, self._restoring
                today = dt.date.today()
                self.start.setDate(QDate(today - dt.timedelta(days=days - 1)))
                self.end.setDate(QDate(today))
                self._restoring = was
            return
        self.dashboard = d
        if first_time or self.platform.count() - 1 != len(d.platforms):
            self._fill_platforms(d.platforms)
        self._fill_channels(d.channels)
        f = d.filters
        bar = self.filters()[1]
        if (bar.platforms, bar.channels) != (f.platforms, f.channels):
            # A platform or channel of the last session, or of the last workspace, that this one does
            # not have: the bar says all of them, and the figures follow it.
            self.reload()
            return
        self._restoring = True
        if self.period.currentData() != -1 and f.start is not None and f.end is not None:
            self.start.setDate(QDate(f.start))
            self.end.setDate(QDate(f.end))
        self._restoring = False
        self.zone_label.setText(f"days in {f.tz}")
        self.zone_label.setToolTip(f"{dates.day(f.start)} – {dates.day(f.end)}: days from midnight to midnight in "
                                   f"{f.tz}, the reporting time zone (Workspace ▸ Settings…)")
        self._zone = zone(f.tz)  # the unanswered questions' times are shown in the reporting zone too
        self._show_cards(d)
        self._show_charts(d)
        if not has:
            self.banner.show_message("No activity in this period under these filters.", kind="info")
        self.updated.emit(d)

    # -- the page as one picture -------------------------------------------------------------
    def heading(self) -> str:
        """What the figures are of, as the picture's first line: the workspace, the period, the
        platform and channel, and the zone whose days are counted."""
        f = self.dashboard.filters
        period = (f"{dates.day(f.start)} – {dates.day(f.end)}" if f.start and f.end else
                  f"up to {dates.day(f.end)}" if f.end else "all time")
        return (f"{self.ctx.ws.name} · {period} · {self.platform.currentText()} · {self.channel.currentText()} · "
                f"days in {f.tz}")

    def page_image(self) -> QImage:
        """The Dashboard as one picture to pass around: the heading, the figures and every chart,
        those scrolled out of sight too, in the window's colours."""
        host = self.charts_scroll.widget()
        with contextlib.ExitStack() as stack:
            for box in self.boxes.values():  # no buttons or scroll bars: nothing in a picture clicks
                stack.enter_context(box.as_picture())
            # A chart scrolled out of sight has not been painted yet, and an axis learns how wide its
            # labels are when it is painted: draw once, let the axes take their width, then draw.
            host.grab()
            for plot in host.findChildren(pg.PlotWidget):
                plot.getPlotItem().layout.activate()
            cards, charts = self.cards_row.grab(), host.grab()
        ratio = charts.devicePixelRatio()
        font = self.font()
        font.setBold(True)
        metrics = QFontMetrics(font)
        line = metrics.height()
        margin, gap = 12, 8
        width = margin * 2 + max(cards.deviceIndependentSize().width(), charts.deviceIndependentSize().width())
        height = margin * 2 + line + gap * 2 + cards.deviceIndependentSize().height() + \
            charts.deviceIndependentSize().height()
        image = QImage(round(width * ratio), round(height * ratio), QImage.Format.Format_ARGB32_Premultiplied)
        image.setDevicePixelRatio(ratio)
        image.fill(self.palette().color(QPalette.ColorRole.Window))
        painter = QPainter(image)
        painter.setFont(font)
        painter.setPen(self.palette().color(QPalette.ColorRole.WindowText))
        room = round(width) - 2 * margin
        painter.drawText(QRect(margin, margin, room, line), Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                         metrics.elidedText(self.heading(), Qt.TextElideMode.ElideRight, room))
        y = margin + line + gap
        painter.drawPixmap(margin, y, cards)
        painter.drawPixmap(margin, y + round(cards.deviceIndependentSize().height()) + gap, charts)
        painter.end()
        return image

    def save_png(self, path: str) -> bool:
        return self.dashboard is not None and self.page_image().save(path, "PNG")

    def save_dialog(self) -> None:
        if self.dashboard is None:
            return
        f = self.dashboard.filters
        name = "dashboard" + (f"-{f.start.isoformat()}" if f.start else "") + (f"-{f.end.isoformat()}" if f.end else "")
        path, _ = QFileDialog.getSaveFileName(self, "Save the dashboard", name + ".png", "PNG images (*.png)")
        if path and not self.save_png(path):
            warn(self, f"The dashboard cannot be saved to {path} (is the folder writable, with room on its disk?).")

    def _show_cards(self, d: Dashboard) -> None:
        for key, _, show, lower in CARDS:
            value, previous = d.headline.get(key), d.previous.get(key)
            change, direction = fmt.change(value, previous, headline_kind(key))
            self.cards[key].show_value(show(value), change, direction, lower, show(previous))

    def _show_charts(self, d: Dashboard) -> None:
        a = d.dau_wau_mau
        self.active_chart.set_series(day_seconds(a["date"]), {"DAU": a["dau"], "WAU": a["wau"], "MAU": a["mau"]})
        n = d.new_people
        self.new_chart.set_series(day_seconds(n["date"]), {"New people": n["new_people"]})
        by_platform = d.activity_by_platform
        named = by_platform.assign(platform=by_platform["platform"].map(fmt.platform_name)) if len(by_platform) \
            else by_platform
        self._per_group(self.platform_chart, named, "platform",
                        {fmt.platform_name(p): platform_colour(p) for p in [*PLATFORM_COLOURS, *d.platforms]})
        self._per_group(self.channel_chart, d.activity_by_channel, "channel", {OTHER_CHANNELS: OTHER_COLOUR})
        t = d.ttfr_weekly
        self.ttfr_chart.set_series(day_seconds(t["week"]) if len(t) else np.zeros(0),
                                   {"median": t["median_s"].to_numpy(dtype=float) if len(t) else np.zeros(0),
                                    "90th percentile": t["p90_s"].to_numpy(dtype=float) if len(t) else np.zeros(0)},
                                   dashed=("90th percentile",))
        hw = d.hour_weekday
        self.boxes["hours"].title.setText(f"When people are active ({d.filters.tz})")
        self.hours_chart.set_grid(hw.to_numpy(), [dates.weekday(str(r)) for r in hw.index], [f"{h:02d}" for h in hw.columns],
                                  column_step=3)
        r = d.retention
        cut = retention_cut(r)  # over years, the newest cohorts only: every one would be a smear of cells
        self.boxes["retention"].set_note(RETENTION_NOTE + (f": {' and '.join(cut)}" if cut else ""))
        if len(r):
            grid = retention_grid(r)
            rows = [f"{dates.month(c)} ({figures.number(n)})" for c, n in zip(grid["cohort"], grid["size"])]
            self.retention_chart.set_grid(grid.drop(columns=["cohort", "size"]).to_numpy(dtype=float), rows,
                                          list(grid.columns[2:]), cell_text=True, text_format=figures.number)
        else:
            self.retention_chart.set_grid(np.zeros((0, 0)), [], [])
        lm = d.level_movement
        self.levels_chart.set_bars(list(lm["level"]), {"moved up": lm["moved_up"], "held": lm["held"],
                                                       "moved down": lm["moved_down"]},
                                   colours={k: QColor(v) for k, v in MOVEMENT_COLOURS.items()})
        un = d.unanswered.assign(where=where_asked(d.unanswered, d.channels))
        # In the order a person reads them: what, how long it waits, where, who, when.
        self.unanswered_model.set_frame(un[["excerpt", "waiting_days", "where", "author", "asked_at", "link",
                                            "platform"]])
        total = d.unanswered.attrs.get("total", len(d.unanswered))
        linked = (un["link"] != "").any()  # "where it was asked", on its platform
        self.boxes["unanswered"].set_note(f"{figures.number(total)}, the oldest first; double-click to open" if linked
                                          else f"{figures.number(total)} in the period, the oldest first")
        self.helpers_model.set_frame(d.top_helpers)
        self.network_chart.set_network(d.who_helps_whom, d.helper_layout())
        # The arrow shows the order the rows come in: the oldest question first, the biggest helper first.
        for view, column, order in ((self.unanswered_view, "asked_at", Qt.SortOrder.AscendingOrder),
                                    (self.helpers_view, "people_helped", Qt.SortOrder.DescendingOrder)):
            if (c := view.model().column(column)) >= 0:
                view.horizontalHeader().setSortIndicator(c, order)  # sorts the rows by it too
            view.resizeColumnsToContents()
        self.question_room.fit()

    @staticmethod
    def _per_group(chart: TimeSeriesChart, frame, column: str, colours) -> None:  # noqa: ANN001
        if not len(frame):
            chart.set_series(np.zeros(0), {})
            return
        wide = frame.pivot_table(index="date", columns=column, values="activities", aggfunc="sum", fill_value=0,
                                 sort=False)
        totals = frame.groupby(column, sort=False)["activities"].sum().sort_values(ascending=False)
        order = [c for c in totals.index if c != OTHER_CHANNELS] + [c for c in totals.index if c == OTHER_CHANNELS]
        wide = wide[[c for c in order if c in wide.columns]].sort_index()
        chart.set_series(day_seconds(wide.index), {str(c): wide[c].to_numpy() for c in wide.columns}, colours=colours)
