"""The Dashboard on the demo workspace: figures computed in the background, one filter bar that
changes every chart, filters restored next time, charts saved as PNG."""
from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QFontMetrics, QImage

from workbench import fmt
from workbench.demo import build_demo
from workbench.metrics import Filters, headline
from workbench.metrics.activity import dau_wau_mau
from workbench.palette import OTHER_HEX
from workbench.ui.widgets import RoomForText
from workbench.workspace import Workspace

KEYS = ("period", "from", "to", "platform", "channel", "channel_of")


@pytest.fixture(scope="module")
def demo_path(tmp_path_factory):
    path = tmp_path_factory.mktemp("demo") / "demo.db"
    ws = Workspace.open(path)
    build_demo(ws)
    ws.close()
    return path


@pytest.fixture
def ctx(qtbot, demo_path):
    from workbench.ui.app import create_app
    from workbench.ui.context import AppContext

    create_app()
    c = AppContext()
    for key in KEYS:
        c.settings.remove(f"dashboard/{key}")
    c.open_workspace(str(demo_path))
    yield c
    c.wait_for_tasks(30000)
    c.ws.close()


def open_page(qtbot, ctx):
    from workbench.ui.pages.dashboard import DashboardPage

    page = DashboardPage(ctx)
    qtbot.addWidget(page)
    page.resize(1110, 760)
    with qtbot.waitSignal(page.updated, timeout=60000):
        page.show()
    return page


def test_dashboard_shows_the_figures_and_follows_the_filter(qtbot, ctx, tmp_path):
    page = open_page(qtbot, ctx)
    ws = ctx.ws
    d = page.dashboard
    f = d.filters
    assert (f.end - f.start).days == 89 and f.tz == "UTC"
    assert page.zone_label.text().endswith("days in UTC")
    assert page.cards["active_people"].value.text() == fmt.number(headline(ws, f)["active_people"])
    # A count changes by a share of the earlier figure, a rate by points, stickiness by its difference.
    now, before = headline(ws, f), headline(ws, f.previous())
    assert before["response_rate_24h"] and before["stickiness"]
    # Points and differences add up with the two figures the card shows (84% and "vs 82%": 2 points).
    shown = int(page.cards["response_rate_24h"].value.text().rstrip("%"))
    shown_before = round(before["response_rate_24h"] * 100)
    points = shown - shown_before
    assert page.cards["response_rate_24h"].change.text() == (
        f"{'▲' if points > 0 else '▼'} {abs(points)} point{'s' if abs(points) != 1 else ''} vs {shown_before}%"
        if points else f"= 0 points vs {shown_before}%")
    shown, shown_before = float(page.cards["stickiness"].value.text()), float(f"{before['stickiness']:.2f}")
    diff = round(shown - shown_before, 2)
    assert page.cards["stickiness"].change.text() == (
        f"{'▲' if diff > 0 else '▼'} {abs(diff):.2f} vs {shown_before:.2f}" if diff else f"= 0.00 vs {shown_before:.2f}")
    assert page.cards["active_people"].change.text().split()[1].endswith("%")
    # A busy period: no chart or list says it has nothing.
    assert not any(c.empty_label.isVisible() for c in (page.active_chart, page.ttfr_chart, page.retention_chart))
    assert not page.unanswered_empty.label.isVisible() and not page.helpers_empty.label.isVisible()
    assert set(page.platform_chart.series) == {"Slack", "Discord"}
    # "other channels", the rest together, is grey beside the named ones, as in the report.
    colours = page.channel_chart.colours
    assert colours["other channels"].name() == OTHER_HEX
    assert all(c.name() != OTHER_HEX for name, c in colours.items() if name != "other channels")
    all_dau = page.active_chart.series["DAU"][1].copy()
    assert np.array_equal(all_dau, dau_wau_mau(ws, f)["dau"].to_numpy())

    with qtbot.waitSignal(page.updated, timeout=60000):
        page.platform.setCurrentIndex(page.platform.findData("discord"))
    discord = dataclasses.replace(f, platforms=("discord",))
    assert page.dashboard.filters.platforms == ("discord",)
    assert set(page.platform_chart.series) == {"Discord"}
    dau = page.active_chart.series["DAU"][1]
    assert np.array_equal(dau, dau_wau_mau(ws, discord)["dau"].to_numpy())
    assert (dau <= all_dau).all() and (dau < all_dau).any()
    assert page.cards["active_people"].value.text() == fmt.number(headline(ws, discord)["active_people"])
    channels = [page.channel.itemText(i) for i in range(1, page.channel.count())]
    assert channels and all(c.startswith("#") for c in channels)
    assert all(name.startswith("Discord #") or name == "other channels" for name in page.channel_chart.series)
    assert set(page.unanswered_model.frame()["where"].str.split(" ").str[0]) <= {"Discord"}

    # Pointing at a day shows that day's values in the chart's header.
    chart = page.active_chart
    x = chart.series["DAU"][0]
    vb = chart.getPlotItem().vb
    chart.scene().sigMouseMoved.emit(vb.mapViewToScene(QPointF(x[3], float(dau[3]))))
    day = (f.start + dt.timedelta(days=3)).isoformat()
    assert page.boxes["active"].hover.text().startswith(f"{day}: DAU {int(dau[3]):,} · WAU ")

    png = tmp_path / "active.png"
    assert page.boxes["active"].save_png(str(png))
    image = QImage(str(png))
    assert not image.isNull() and image.width() > 300

    # The next time the Dashboard opens, the last filters are back.
    again = open_page(qtbot, ctx)
    assert again.platform.currentData() == "discord"
    assert again.dashboard.filters.platforms == ("discord",)


def test_the_whole_dashboard_is_saved_as_one_picture(qtbot, ctx, tmp_path):
    """PNG beside the filters saves the figures and every chart, those scrolled out of sight too,
    under a line naming the workspace, the period, the filters and the zone. The charts at the
    bottom, never painted on screen, have their axis labels (the level names) in it."""
    page = open_page(qtbot, ctx)
    assert page.save_button.isEnabled()
    f = page.dashboard.filters
    assert page.heading() == f"demo.db · {f.start} – {f.end} · All platforms · All channels · days in UTC"
    host, viewport = page.charts_scroll.widget(), page.charts_scroll.viewport()
    assert host.height() > viewport.height() + 250  # the level movement chart is out of sight
    axis = page.levels_chart.getPlotItem().getAxis("left")
    font = QFontMetrics(axis.style["tickFont"] or page.font())
    labels = max(font.horizontalAdvance(name) for name in ("Leading", "Contributing", "Inactive"))
    path = tmp_path / "dashboard.png"
    assert page.save_png(str(path))
    image = QImage(str(path))
    assert image.width() >= host.width() and image.height() >= host.height() + page.cards_row.height()
    assert axis.width() >= labels  # the picture was drawn once the axis had room for "Contributing"
    # The picture's bottom rows are charts and tables, not an empty background.
    bottom = image.copy(0, image.height() - 400, image.width(), 380)
    colours = {bottom.pixel(x, y) for x in range(0, bottom.width(), 7) for y in range(0, bottom.height(), 7)}
    assert len(colours) > 20


def test_a_picture_has_no_buttons_or_scroll_bars_and_gives_their_room_to_the_notes(qtbot, ctx, tmp_path):
    """Nothing in a picture can be clicked: a chart's picture, and the whole page's, leave out the
    CSV and PNG buttons and the tables' scroll bars. The note the buttons cut short is whole in the
    picture; the page on screen keeps its buttons and scrolls as before."""
    page = open_page(qtbot, ctx)
    page.resize(880, 700)  # the page of a window 1,024 px wide
    qtbot.wait(50)
    platform, active, unanswered = page.boxes["platform"], page.boxes["active"], page.boxes["unanswered"]
    buttons = platform.data_button.geometry().united(platform.save_button.geometry()).adjusted(1, 1, -1, -1)
    path = tmp_path / "platform.png"
    assert platform.save_png(str(path))
    image = QImage(str(path))
    assert image.size() == platform.size()
    # Where the buttons are on screen, the picture has the box's background only ("Activity by
    # platform" has no note to take the room).
    ratio = image.devicePixelRatio()
    colours = {image.pixel(round(x * ratio), round(y * ratio))
               for x in range(buttons.left(), buttons.right()) for y in range(buttons.top(), buttons.bottom())}
    assert len(colours) == 1
    assert active.hover.shown_text().endswith("…")  # on screen the buttons leave the note no room
    with active.as_picture():
        assert active.hover.shown_text() == "daily, weekly (7 days), monthly (28 days)"
    view = page.unanswered_view
    with unanswered.as_picture():
        unanswered.grab()
        assert not view.verticalScrollBar().isVisible() and not view.horizontalScrollBar().isVisible()
    assert page.save_png(str(tmp_path / "dashboard.png"))
    qtbot.wait(50)
    for box in page.boxes.values():  # the page on screen is as it was
        assert box.save_button.isVisible() and box.data_button.isVisible()
    assert active.hover.shown_text().endswith("…")
    assert view.verticalScrollBarPolicy() == Qt.ScrollBarPolicy.ScrollBarAsNeeded
    page.charts_scroll.ensureWidgetVisible(unanswered)
    qtbot.waitUntil(lambda: view.verticalScrollBar().isVisible())  # 49 questions: the table scrolls


def test_who_helps_whom_is_drawn_across_the_page_with_its_figures(qtbot, ctx, tmp_path, monkeypatch):
    """Below the tables, who helps whom: the top helpers (as Top helpers ranks them) and the people
    each replied to most: a dot for each person, an arrow for each tie, the people with the most
    replies named, spread over the box's width; the hover says what a person gave and got; the CSV
    button saves the ties."""
    import csv

    import pyqtgraph as pg
    from PySide6.QtWidgets import QFileDialog

    page = open_page(qtbot, ctx)
    chart, box = page.network_chart, page.boxes["network"]
    ties = page.dashboard.who_helps_whom
    top = page.dashboard.top_helpers["person_id"].head(8).tolist()
    assert ties["helper_person_id"].drop_duplicates().tolist() == top
    assert len(ties) == 40 and (ties.groupby("helper_person_id").size() == 5).all()
    for _, own in ties.groupby("helper_person_id"):
        assert own["replies"].is_monotonic_decreasing  # the people each replied to most
    assert box.width() > page.boxes["unanswered"].width() * 1.8  # across both columns
    items = chart.getPlotItem().items
    dots = [i for i in items if isinstance(i, pg.ScatterPlotItem) and i is not chart.ring]  # the ring: the keys'
    people = set(ties["helper_person_id"]) | set(ties["helped_person_id"])
    assert len(dots) == 1 and len(dots[0].data) == len(people)
    assert len([i for i in items if isinstance(i, pg.ArrowItem)]) == len(ties)
    named = {i.toPlainText() for i in items if isinstance(i, pg.TextItem)}
    helped = ties[~ties["helped_person_id"].isin(top)].groupby("helped")["replies"].sum().sort_values(ascending=False)
    assert len(named) == 10 and set(ties["helper"]) <= named  # every helper, then the people most helped
    assert named - set(ties["helper"]) <= set(helped.index[:4])
    x = dots[0].data["x"]
    assert x.max() - x.min() >= 1.8  # the drawing fills the box's width (-1..1)

    top = chart.people.iloc[0]
    given = ties[ties["helper_person_id"] == top["person_id"]]
    vb = chart.getPlotItem().vb
    chart.scene().sigMouseMoved.emit(vb.mapViewToScene(pg.Point(top["x"], top["y"])))
    assert box.hover.text().startswith(f"{top['name']}: replied {int(given['replies'].sum())} times to "
                                       f"{len(given)} people")
    chart.scene().sigMouseMoved.emit(vb.mapViewToScene(pg.Point(1.1, -1.28)))  # a corner, nobody there
    assert box.hover.text() == box.note

    rows = chart.rows()
    assert rows[0] == ["Helper", "Helped", "Replies", "To a newcomer"]
    assert [r[:3] for r in rows[1:]] == [[t.helper, t.helped, str(t.replies)] for t in ties.itertuples()]
    saved = tmp_path / "who-helps-whom.csv"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(saved), "CSV files (*.csv)"))
    qtbot.mouseClick(box.data_button, Qt.MouseButton.LeftButton)
    with open(saved, encoding="utf-8-sig", newline="") as fh:
        assert list(csv.reader(fh)) == rows


def test_a_helper_opens_their_profile_on_the_people_page(qtbot, copy_db, demo_path):
    """Who is this helper? A row of Top helpers (sorted any way, Enter or a double-click) and a dot
    of Who helps whom (a double-click, or Enter on the person the arrow keys ring) open the person's
    profile on the People page; so do a champion candidate and a strong contributor of the
    recognition gap."""
    import pyqtgraph as pg

    from workbench.ui.app import create_app, create_window

    create_app()
    win = create_window(str(copy_db(demo_path)))
    qtbot.addWidget(win, before_close_func=lambda w: w.ctx.wait_for_tasks(20000))
    win.resize(1280, 800)
    win.show()
    win.show_page("DashboardPage")
    page, people = win.page("DashboardPage"), win.page("PeoplePage")
    qtbot.waitUntil(lambda: page.dashboard is not None and page.helpers_model.rowCount() > 5, timeout=60_000)
    model, view = page.helpers_model, page.helpers_view
    headers = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
    assert headers[0] == "Name" and "Person id" not in headers  # the id is kept, not shown
    # listed as ranked, by the people each helped (they came by replies to newcomers, the arrow on
    # "To newcomers": the column after "Helped", as the hidden id shifts the columns by one)
    assert [model.index(r, 0).data() for r in range(model.rowCount())] == page.dashboard.top_helpers["name"].tolist()
    assert headers[view.horizontalHeader().sortIndicatorSection()] == "Helped"
    view.sortByColumn(0, Qt.SortOrder.DescendingOrder)  # by name, Z first
    name = model.index(0, 0).data()
    helpers = page.dashboard.top_helpers
    assert name == max(helpers["name"])
    pid = int(helpers.loc[helpers["name"] == name, "person_id"].iat[0])
    view.setCurrentIndex(model.index(0, 0))
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_Return)
    assert win.current_page() is people and people.profile.isVisible()
    qtbot.waitUntil(lambda: people.profile.current is not None and people.profile.current.person_id == pid,
                    timeout=30_000)
    assert people.profile.name.text() == name

    win.show_page("DashboardPage")
    chart, box = page.network_chart, page.boxes["network"]
    page.charts_scroll.ensureWidgetVisible(box)
    qtbot.wait(50)
    dot = chart.people.iloc[0]
    at = chart.mapFromScene(chart.getPlotItem().vb.mapViewToScene(pg.Point(dot["x"], dot["y"])))
    # What a mouse sends for a double-click: press and release, then the double-click and its release.
    qtbot.mouseClick(chart.viewport(), Qt.MouseButton.LeftButton, pos=at)
    assert win.current_page() is page  # one click only
    qtbot.mouseDClick(chart.viewport(), Qt.MouseButton.LeftButton, pos=at)
    qtbot.mouseRelease(chart.viewport(), Qt.MouseButton.LeftButton, pos=at)
    assert win.current_page() is people
    qtbot.waitUntil(lambda: people.profile.current is not None
                    and people.profile.current.person_id == int(dot["person_id"]), timeout=30_000)
    assert people.profile.name.text() == dot["name"]

    # With the keys alone: Tab from Top helpers reaches the drawing, which rings its top helper and
    # says who they are; the arrows go from person to person, helpers first; Enter opens the profile.
    win.show_page("DashboardPage")
    win.activateWindow()
    page.helpers_view.setFocus(Qt.FocusReason.OtherFocusReason)
    for _ in range(30):
        if chart.hasFocus():
            break
        qtbot.keyClick(win.focusWidget(), Qt.Key.Key_Tab)
    assert chart.hasFocus()
    ring = chart.ring
    first = chart.people.iloc[chart.order[0]]
    assert int(first["person_id"]) == int(page.dashboard.top_helpers["person_id"].iat[0])
    assert list(ring.data["x"]) == [first["x"]] and list(ring.data["y"]) == [first["y"]]
    assert box.hover.text().startswith(f"{first['name']}: replied ")
    with box.as_picture():  # a picture has neither the ring nor the words on the person ringed
        assert not ring.isVisible() and box.hover.text() == box.note
    assert ring.isVisible() and box.hover.text().startswith(f"{first['name']}: replied ")
    walked = [int(chart.people["person_id"].iat[chart.current])]
    for _ in range(7):
        qtbot.keyClick(chart, Qt.Key.Key_Right)
        walked.append(int(chart.people["person_id"].iat[chart.current]))
    assert walked == page.dashboard.top_helpers["person_id"].head(8).tolist()  # the helpers as ranked
    qtbot.keyClick(chart, Qt.Key.Key_End)
    last = chart.people.iloc[chart.current]
    assert last["given"] == 0 and box.hover.text().startswith(f"{last['name']}: got ")
    qtbot.keyClick(chart, Qt.Key.Key_Right)  # round to the first again
    assert chart.current == chart.order[0]
    qtbot.keyClick(chart, Qt.Key.Key_Left)
    qtbot.keyClick(chart, Qt.Key.Key_Return)
    assert win.current_page() is people
    qtbot.waitUntil(lambda: people.profile.current is not None
                    and people.profile.current.person_id == int(last["person_id"]), timeout=30_000)
    win.show_page("DashboardPage")
    qtbot.waitUntil(lambda: chart.current is None)  # the drawing left, the ring and its words go
    assert len(ring.data) == 0 and box.hover.text() == box.note

    for name, view in (("ChampionsPage", lambda p: p.table), ("RecognitionPage", lambda p: p.gap_view)):
        win.show_page(name)
        other = win.page(name)
        qtbot.waitUntil(lambda: view(other).model().rowCount() > 1, timeout=60_000)  # noqa: B023
        table = view(other)
        frame = table.model().frame()
        at = table.visualRect(table.model().index(1, 1)).center()
        qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=at)
        qtbot.mouseDClick(table.viewport(), Qt.MouseButton.LeftButton, pos=at)
        assert win.current_page() is people, name
        qtbot.waitUntil(lambda: people.profile.current is not None  # noqa: B023
                        and people.profile.current.person_id == int(frame["person_id"].iat[1]), timeout=30_000)
        assert people.profile.name.text() == frame["name"].iat[1]


def test_a_custom_period_and_a_channel(qtbot, ctx):
    page = open_page(qtbot, ctx)
    end = page.dashboard.filters.end
    with qtbot.waitSignal(page.updated, timeout=60000):
        page.period.setCurrentIndex(page.period.findData(-1))
    with qtbot.waitSignal(page.updated, timeout=60000):
        page.start.setDate(end.replace(day=1))
    f = page.dashboard.filters
    assert (f.start, f.end) == (end.replace(day=1), end)
    assert len(page.active_chart.series["DAU"][0]) == (f.end - f.start).days + 1
    help_id = next(page.channel.itemData(i) for i in range(page.channel.count())
                   if page.channel.itemText(i).endswith("#help"))
    with qtbot.waitSignal(page.updated, timeout=60000):
        page.channel.setCurrentIndex(page.channel.findData(help_id))
    assert page.dashboard.filters.channels == (help_id,)
    assert len(page.channel_chart.series) == 1
    expected = headline(ctx.ws, Filters(start=f.start, end=f.end, channels=(help_id,)))
    assert page.cards["active_people"].value.text() == fmt.number(expected["active_people"])


def test_a_workspace_being_read_is_never_called_empty(qtbot, ctx, copy_db, demo_path):
    """While the figures of a workspace with activity are computed, the page does not say "No
    activity to measure yet"; only a workspace read and found empty does."""
    from workbench.ui.pages.dashboard import DashboardPage

    ctx.open_workspace(str(copy_db(demo_path)))
    page = DashboardPage(ctx)
    qtbot.addWidget(page)
    with qtbot.waitSignal(page.updated, timeout=60000):
        page.show()
        assert not page.empty.isVisible()  # shown, and still computing
    assert not page.empty.isVisible() and page.body.isVisible()


def test_the_unanswered_questions_are_timed_in_the_reporting_zone(qtbot, ctx, copy_db, demo_path):
    path = copy_db(demo_path)
    ctx.open_workspace(str(path))
    ctx.ws.set_setting("reporting.timezone", "Asia/Tokyo")
    page = open_page(qtbot, ctx)
    model = page.unanswered_model
    assert model.rowCount() > 0
    first = model.data(model.index(0, list(model.frame().columns).index("asked_at")))
    asked = page.dashboard.unanswered["asked_at"].iloc[0].tz_convert("Asia/Tokyo")
    assert first == f"{asked:%Y-%m-%d %H:%M} JST"
    # On a narrow table the Asked column is out of view: how long a question waits says it on hover.
    waiting = model.index(0, list(model.frame().columns).index("waiting_days"))
    assert waiting.data(Qt.ItemDataRole.ToolTipRole) == f"Asked {asked:%Y-%m-%d %H:%M} JST"


def test_a_narrow_window_still_names_the_zone_the_days_are_counted_in(qtbot, ctx, copy_db, demo_path):
    """At 850 px (a 1,024 px screen) the bar beside the filters says whose days these are, whole:
    the date fields already show the period, which the label gives on hover."""
    path = copy_db(demo_path)
    ctx.open_workspace(str(path))
    ctx.ws.set_setting("reporting.timezone", "Pacific/Kiritimati")
    page = open_page(qtbot, ctx)
    page.resize(850, 600)
    qtbot.waitUntil(lambda: page.width() == 850)
    label, f = page.zone_label, page.dashboard.filters
    assert label.text() == "days in Pacific/Kiritimati"
    assert label.shown_text() == label.text()
    assert label.toolTip().startswith(f"{f.start:%Y-%m-%d} – {f.end:%Y-%m-%d}: ")
    assert (page.start.date().toPython(), page.end.date().toPython()) == (f.start, f.end)


def test_the_unanswered_questions_show_what_was_asked_first(qtbot, ctx, copy_db, demo_path):
    """The question is what a person reads: it comes first and keeps its room however narrow the
    table, and whole on hover; how long it waits follows, in view, then where and who, which give
    up width (eliding, whole on hover) before it is pushed out of view."""
    ctx.open_workspace(str(copy_db(demo_path)))
    page = open_page(qtbot, ctx)
    model, view = page.unanswered_model, page.unanswered_view
    assert model.rowCount() > 0
    headers = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())
               if not view.isColumnHidden(c)]
    assert headers == ["Question", "Waiting", "Where", "Author", "Asked"]  # the link is opened, not shown
    waiting = model.index(0, 1).data()
    assert waiting.endswith(" days") or waiting == "1 day"
    for width in (1280, 900):  # a wide and a small window
        page.resize(width, 700)
        qtbot.waitUntil(lambda: page.width() == width)
        qtbot.waitUntil(lambda: view.columnWidth(0) >= 0.45 * view.viewport().width() - 1)
        assert view.columnViewportPosition(0) == 0
        assert view.columnViewportPosition(1) + view.columnWidth(1) <= view.viewport().width()  # Waiting, whole
        assert view.columnWidth(1) >= view.sizeHintForColumn(1)
        for c in (2, 3):  # Where, Author: narrower when need be, never to nothing
            assert view.columnWidth(c) >= min(RoomForText.SHRUNK, view.sizeHintForColumn(c))
        if width == 1280:  # beside the Top helpers: who asked is in view too
            assert view.columnViewportPosition(3) + view.columnWidth(3) <= view.viewport().width()
    page.resize(1920, 700)  # a wide screen: every column whole, side by side
    qtbot.waitUntil(lambda: page.width() == 1920)
    last = max(c for c in range(model.columnCount()) if not view.isColumnHidden(c))
    qtbot.waitUntil(lambda: view.columnViewportPosition(last) + view.columnWidth(last) <= view.viewport().width())
    assert all(view.columnWidth(c) >= view.sizeHintForColumn(c) for c in range(1, last + 1))
    text = page.dashboard.unanswered["excerpt"].iloc[0]
    if len(text) > 30:
        assert model.index(0, 0).data(Qt.ItemDataRole.ToolTipRole) == text


def test_an_unanswered_question_opens_where_it_was_asked(qtbot, ctx, copy_db, demo_path, browser):
    """To answer a question one goes where it was asked: double-click or Enter opens its Discord
    message in the browser (Slack's, its channel: an export holds no workspace address), and the
    row's menu says where it leads."""
    from sqlalchemy import text

    path = copy_db(demo_path)
    ctx.open_workspace(str(path))
    page = open_page(qtbot, ctx)
    model, view = page.unanswered_model, page.unanswered_view
    frame = page.dashboard.unanswered
    with ctx.ws.engine.connect() as conn:
        ids = {qid: conn.execute(text(
            "SELECT a.external_id, c.external_id, s.external_id FROM activity a JOIN channel c ON c.id = a.channel_id "
            "JOIN source s ON s.id = c.source_id WHERE a.id = :q"), {"q": qid}).one()
            for qid in frame["question_id"]}
    message, channel, guild = ids[int(frame.loc[frame["platform"] == "discord", "question_id"].iat[0])]
    _, slack_channel, team = ids[int(frame.loc[frame["platform"] == "slack", "question_id"].iat[0])]
    assert page.boxes["unanswered"].note.endswith("the oldest first; double-click to open")

    columns = list(model.frame().columns)
    rows = {p: next(r for r in range(model.rowCount()) if model.frame()["platform"].iat[r] == p)
            for p in ("discord", "slack")}
    index = model.index(rows["discord"], columns.index("excerpt"))
    view.scrollTo(index)
    at = view.visualRect(index).center()
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=at)  # a double-click's first press
    assert browser == []  # one click only chooses the row
    qtbot.mouseDClick(view.viewport(), Qt.MouseButton.LeftButton, pos=at)
    assert browser == [f"https://discord.com/channels/{guild}/{channel}/{message}"]
    view.setCurrentIndex(model.index(rows["slack"], columns.index("excerpt")))
    view.setFocus()
    assert not page.banner.isVisible()
    qtbot.keyClick(view, Qt.Key.Key_Return)
    assert browser[1] == f"https://slack.com/app_redirect?channel={slack_channel}&team={team}"
    # Slack opened the channel only: the page says how its messages would open
    assert page.banner.isVisible() and "Slack workspace's address once (Workspace ▸ Settings…)" in page.banner.text()
    for platform, offered in (("discord", "Open in Discord"), ("slack", "Open the channel in Slack")):
        rect = view.visualRect(model.index(rows[platform], columns.index("excerpt")))
        view.customContextMenuRequested.emit(rect.center())
        titles = [a.text() for a in view.context_menu.actions()]
        assert titles[0] == offered and "Copy whole table" in titles
        view.context_menu.actions()[0].trigger()
    assert browser[2:] == browser[:2]


def test_chart_legends_follow_a_dark_theme(qtbot):
    from PySide6.QtGui import QColor, QPalette

    from workbench.ui.charts import TimeSeriesChart

    chart = TimeSeriesChart()
    qtbot.addWidget(chart)
    chart.set_series(np.arange(3, dtype=float) * 86400, {"DAU": np.array([1.0, 2.0, 3.0])})
    dark = QPalette(chart.palette())
    dark.setColor(QPalette.ColorRole.Window, QColor("#202020"))
    dark.setColor(QPalette.ColorRole.WindowText, QColor("#eeeeee"))
    chart.setPalette(dark)
    legend = chart.legend
    text = legend.items[0][1].opts.get("color")
    assert QColor(legend.opts["labelTextColor"]).name() == "#eeeeee"
    assert legend.opts["brush"].color().name() == "#202020"
    assert QColor(text).name() == "#eeeeee"  # the label already shown changes too


def test_numbers_in_the_tables_read_as_numbers(qtbot, ctx):
    """The tables' cells come from DataFrames (numpy numbers): right-aligned, with thousands separators."""
    import pandas as pd
    from PySide6.QtCore import Qt

    from workbench.ui.widgets import DataFrameModel

    page = open_page(qtbot, ctx)
    helpers = page.helpers_model
    assert helpers.rowCount() > 0
    replies = helpers.column("replies")
    right = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    assert helpers.data(helpers.index(0, replies), Qt.ItemDataRole.TextAlignmentRole) == right
    assert helpers.data(helpers.index(0, 0), Qt.ItemDataRole.TextAlignmentRole) is None  # the name

    frame = pd.DataFrame({"name": ["Ann", "Bo"], "replies": [12345, 7], "share": [0.5, float("nan")],
                          "staff": [True, False], "seen": [pd.Timestamp("2024-03-01 09:30"), pd.NaT]})
    model = DataFrameModel(frame)
    shown = [[model.data(model.index(r, c)) for c in range(5)] for r in range(2)]
    assert shown == [["Ann", "12,345", "0.50", "True", "2024-03-01 09:30"], ["Bo", "7", "", "False", ""]]
    aligned = [model.data(model.index(0, c), Qt.ItemDataRole.TextAlignmentRole) for c in range(5)]
    assert aligned == [None, right, right, None, None]


def test_a_small_window_shows_both_columns_of_charts_whole(qtbot, ctx):
    """On a 1024 x 680 screen (the page gets about 850 x 600): nothing scrolls sideways, a long note
    gives way rather than widen its chart, and every legend entry is inside its chart."""
    page = open_page(qtbot, ctx)
    assert page.boxes["channel"].chart.legend.columnCount == 3  # 1110 px wide
    assert page.boxes["retention"].hover.shown_text() == page.boxes["retention"].note  # whole, as at 1,280 px
    page.resize(850, 600)
    qtbot.waitUntil(lambda: page.width() == 850 and page.boxes["channel"].chart.legend.columnCount < 3)
    scroll = page.charts_scroll
    assert not scroll.horizontalScrollBar().isVisible()
    grid = scroll.widget()
    assert grid.width() <= scroll.viewport().width()
    right_column = page.boxes["channel"]
    assert right_column.geometry().right() <= scroll.viewport().width()
    retention = page.boxes["retention"]
    assert retention.hover.shown_text().endswith("…") and retention.hover.toolTip() == retention.note
    for key in ("active", "channel", "platform"):
        chart = page.boxes[key].chart
        legend = chart.legend
        assert legend.isVisible()
        edge = legend.mapRectToScene(legend.boundingRect()).right()
        assert edge <= chart.width(), (key, edge, chart.width())
    # Wide again: the channels' legend goes back to three columns.
    page.resize(1400, 760)
    qtbot.waitUntil(lambda: page.boxes["channel"].chart.legend.columnCount == 3)


def test_every_chart_gives_its_figures_to_copy_or_save(qtbot, ctx, tmp_path, monkeypatch):
    """Behind each chart are figures a person may want in a slide or a spreadsheet: the chart's
    context menu copies them, Ctrl+C on a clicked chart too, and its CSV button saves them."""
    import csv

    from PySide6.QtCore import QPoint
    from PySide6.QtWidgets import QApplication, QFileDialog

    page = open_page(qtbot, ctx)
    f = page.dashboard.filters
    active = page.active_chart
    QApplication.clipboard().clear()
    active.customContextMenuRequested.emit(QPoint(40, 40))  # a right-click on the chart
    menu = active.context_menu
    assert [a.text() for a in menu.actions() if a.text()] == ["Copy the figures", "Export the figures as CSV…",
                                                               "Save as PNG…"]
    menu.actions()[0].trigger()
    rows = [line.split("\t") for line in QApplication.clipboard().text().splitlines()]
    assert rows[0] == ["Day", "DAU", "WAU", "MAU"]
    assert len(rows) - 1 == (f.end - f.start).days + 1 and rows[1][0] == f.start.isoformat()
    core = dau_wau_mau(ctx.ws, f)
    assert [int(r[1].replace(",", "")) for r in rows[1:]] == core["dau"].tolist()
    assert [int(r[3].replace(",", "")) for r in rows[1:]] == core["mau"].tolist()

    QApplication.clipboard().clear()
    qtbot.mouseClick(active.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(60, 60))
    qtbot.keyClick(active.viewport(), Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    assert QApplication.clipboard().text().splitlines()[0] == "Day\tDAU\tWAU\tMAU"

    ttfr = page.ttfr_chart.rows()  # weekly, in the axis' hours rather than seconds
    median = page.ttfr_chart.series["median"][1]
    assert ttfr[0] == ["Week from", "median (hours)", "90th percentile (hours)"]
    first = next(i for i, v in enumerate(median) if np.isfinite(v))
    assert float(ttfr[first + 1][1]) == pytest.approx(median[first] / 3600, abs=0.005)
    assert all(r[1] == "" for r in ttfr[1:first + 1])  # a week without a first response: empty, not 0
    cells = [c for r in ttfr[1:] for c in r[1:] if "." in c]
    assert cells and not any(c.endswith("0") for c in cells)  # 2.5 hours, not 2.50
    retention = page.retention_chart.rows()
    assert retention[0][:2] == ["", "+0"] and retention[1][1] == "100"
    levels = page.levels_chart.rows()
    assert levels[0] == ["", "moved up", "held", "moved down"]
    assert [r[0] for r in levels[1:]] == ["Leading", "Contributing", "Participating", "Exploring", "Inactive"]

    saved = tmp_path / "active-people.csv"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(saved), "CSV files (*.csv)"))
    qtbot.mouseClick(page.boxes["active"].data_button, Qt.MouseButton.LeftButton)
    with open(saved, encoding="utf-8-sig", newline="") as fh:
        assert list(csv.reader(fh)) == rows
    # The tables' boxes save their rows the same way.
    offered = []

    def save_as(parent, caption, name, filters):  # noqa: ANN001 - the dialog, answered as a person would
        offered.append(name)
        return str(tmp_path / name), filters
    monkeypatch.setattr(QFileDialog, "getSaveFileName", save_as)
    qtbot.mouseClick(page.boxes["helpers"].data_button, Qt.MouseButton.LeftButton)
    assert offered == ["top-helpers.csv"]  # named after the box, not "table.csv"
    assert (tmp_path / "top-helpers.csv").read_text(encoding="utf-8-sig").startswith("Name,Replies,Helped")
    # A place that cannot be written to is said, in a box over the window, not passed over.
    from PySide6.QtWidgets import QMessageBox

    nowhere = tmp_path / "gone" / "active-people"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (f"{nowhere}.csv", ""))
    qtbot.mouseClick(page.boxes["active"].data_button, Qt.MouseButton.LeftButton)
    box = active.findChild(QMessageBox)
    assert box is not None and box.text() == f"{nowhere}.csv cannot be written: no such file or directory."
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (f"{nowhere}.png", ""))
    qtbot.mouseClick(page.boxes["active"].save_button, Qt.MouseButton.LeftButton)
    box = page.boxes["active"].findChild(QMessageBox)
    assert box is not None and box.text().startswith(f"The chart cannot be saved to {nowhere}.png")


def test_answers_within_minutes_are_charted_in_minutes_and_a_lone_week_shows(qtbot, ctx, tmp_path):
    """An IRC channel answers in minutes: the time-to-first-response axis says minutes (not hours
    with a "x0.001" beside its ticks), and its one week of answers is a visible point in a week of
    dates, not an empty chart spanning a second."""
    import pyqtgraph as pg

    from workbench.metrics.support import ttfr_weekly

    path = tmp_path / "irc.db"
    with Workspace.open(path) as ws:
        ws.import_paths([Path(__file__).resolve().parent.parent / "data" / "irc" / "ChannelLogger"])
    ctx.open_workspace(str(path))
    page = open_page(qtbot, ctx)
    chart = page.ttfr_chart
    axis = chart.getPlotItem().getAxis("left")
    assert axis.labelText == "minutes" and not axis.autoSIPrefix
    rows = chart.rows()
    assert rows[0] == ["Week from", "median (minutes)", "90th percentile (minutes)"]
    weekly = ttfr_weekly(ctx.ws, page.dashboard.filters)
    assert len(rows) == 2 and rows[1][0] == "2024-04-29"
    assert float(rows[1][1]) == pytest.approx(weekly["median_s"].iloc[0] / 60, abs=0.005)
    dots = [i for i in chart.getPlotItem().items if isinstance(i, pg.ScatterPlotItem) and len(i.data) == 1]
    assert len(dots) == 2  # the median and the 90th percentile
    low, high = chart.getPlotItem().viewRange()[0]
    assert 6 * 86400 <= high - low <= 8 * 86400


def test_a_quiet_period_reads_as_quiet_not_as_broken(qtbot, ctx, tmp_path):
    """Three messages and no question in the period: people are counted in whole numbers, the one
    platform is named, and the charts and lists with nothing in them say so in a sentence instead
    of drawing empty axes ("00.250" on a date axis) or blank tables."""
    from sqlalchemy import insert

    from workbench.records import ActivityRec
    from workbench.store.models import ImportRun
    from workbench.store.writer import Writer

    path = tmp_path / "quiet.db"
    with Workspace.open(path) as ws:
        with ws.write_conn("import") as conn:
            run = conn.execute(insert(ImportRun.__table__).values(status="done", counts={})).inserted_primary_key[0]
            w = Writer(conn, run)
            w.add_all([ActivityRec("discord", f"m{i}", who, dt.datetime(2024, 3, day, 12, tzinfo=dt.timezone.utc),
                                   channel_external_id="general", text="thanks, all good")
                       for i, (who, day) in enumerate([("ana", 1), ("ana", 2), ("ben", 2)])])
            w.flush()
    ctx.open_workspace(str(path))
    page = open_page(qtbot, ctx)
    assert page.cards["active_people"].value.text() == "2"

    for chart in (page.active_chart, page.new_chart, page.platform_chart, page.channel_chart):
        axis = chart.getPlotItem().getAxis("left")
        low, high = chart.getPlotItem().viewRange()[1]
        steps = [step for step, values in axis.tickValues(low, high, 200) if len(values)]
        assert steps and min(steps) >= 1, f"{chart}: ticks between whole people ({steps})"
        assert not chart.empty_label.isVisible()
    # One platform, one channel: still named.
    assert page.platform_chart.legend.isVisible() and [label.text for _, label in page.platform_chart.legend.items] \
        == ["Discord"]
    assert [label.text for _, label in page.channel_chart.legend.items] == ["Discord #general"]

    ttfr = page.ttfr_chart
    assert ttfr.empty_label.isVisible()
    assert ttfr.empty_label.text() == "No question had a reply from someone else in this period."
    assert not ttfr.getPlotItem().getAxis("bottom").isVisible() and not ttfr.legend.isVisible()
    assert page.unanswered_model.rowCount() == 0 and page.unanswered_empty.label.isVisible()
    assert page.unanswered_empty.label.text() == "No unanswered questions in this period."
    assert page.helpers_empty.label.isVisible()
    assert page.network_chart.empty_label.isVisible()
    assert page.network_chart.empty_label.text() == "No one replied to someone else in this period."
    assert "Person id" not in [page.helpers_model.headerData(i, Qt.Orientation.Horizontal)
                               for i in range(page.helpers_model.columnCount())]


def test_a_heatmap_of_many_cohorts_labels_the_rows_it_has_room_for(qtbot):
    """270 monthly cohorts (a workspace spanning 24 years) printed their labels over each other."""
    from workbench.ui.charts import HeatmapChart

    chart = HeatmapChart()
    qtbot.addWidget(chart)
    rows = [f"{2002 + i // 12}-{i % 12 + 1:02d}" for i in range(270)]
    chart.set_grid(np.full((270, 277), 50.0), rows, [f"+{k}" for k in range(277)])
    left = chart.getPlotItem().getAxis("left")._tickLevels[0]
    bottom = chart.getPlotItem().getAxis("bottom")._tickLevels[0]
    assert 8 <= len(left) <= 12 and left[0][1] == "2002-01"
    assert len(bottom) <= 16 and bottom[0][1] == "+0"
    assert chart.describe(QPointF(100.5, 200.5)) == "2018-09, +100: 50"  # every cell still named on hover
    chart.set_grid(np.full((7, 24), 1.0), ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"],
                   [f"{h:02d}" for h in range(24)], column_step=3)
    assert [t for _, t in chart.getPlotItem().getAxis("left")._tickLevels[0]] == \
        ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
    assert len(chart.getPlotItem().getAxis("bottom")._tickLevels[0]) == 8


def test_over_years_the_retention_grid_shows_the_newest_cohorts_and_says_so(qtbot, tmp_path, monthly_newcomers):
    """All time over years drew every cohort and month (99 cohorts by 287 months on the real
    samples): a smear of cells. The grid shows the 13 newest cohorts up to +12, as a report does,
    and the box's note says what it leaves out."""
    from workbench.ui.app import create_app
    from workbench.ui.context import AppContext

    path = tmp_path / "years.db"
    with Workspace.open(path) as ws:
        ws.import_paths([monthly_newcomers(tmp_path / "general.json", 20)])
    create_app()
    c = AppContext()
    for key in KEYS:
        c.settings.remove(f"dashboard/{key}")
    c.open_workspace(str(path))
    try:
        page = open_page(qtbot, c)
        with qtbot.waitSignal(page.updated, timeout=60000):
            page.period.setCurrentIndex(page.period.findData(0))  # All time
        rows = page.retention_chart.rows()
        assert rows[0] == [""] + [f"+{k}" for k in range(13)]
        assert [r[0] for r in rows[1:]] == [f"{2024 + k // 12}-{k % 12 + 1:02d} (1)" for k in range(7, 20)]
        assert rows[1][1:3] == ["100", "100"] and rows[-1][1:] == ["100"] + [""] * 12
        assert page.boxes["retention"].note == ("% of newcomers active k months later: the 13 newest of 20 cohorts "
                                                "and months +0 to +12 (of +0 to +19)")
        with qtbot.waitSignal(page.updated, timeout=60000):
            page.period.setCurrentIndex(page.period.findData(90))
        assert page.boxes["retention"].note == "% of newcomers active k months later"
    finally:
        c.wait_for_tasks(30000)
        c.ws.close()


def test_the_retention_cohorts_are_named_as_the_locale_names_months(qtbot, ctx):
    """A cohort is a calendar month: 'Sep 2026 (37)' for a person whose locale is en_US, as its
    dates read '9/2/2026'."""
    import re

    from PySide6.QtCore import QLocale

    QLocale.setDefault(QLocale("en_US"))
    page = open_page(qtbot, ctx)
    labels = page.retention_chart.row_labels
    assert labels and all(re.fullmatch(r"[A-Z][a-z]{2} 20\d\d \(\d+\)", label) for label in labels), labels
    first = page.dashboard.retention.sort_values("cohort").iloc[0]
    month = dt.date.fromisoformat(f"{first['cohort']}-01")
    assert labels[0] == f"{month:%b %Y} ({first['size']})"


def test_another_workspace_opens_on_its_own_platforms_and_channels(qtbot, ctx, tmp_path, monthly_newcomers):
    """The platform and channel chosen were the last workspace's: in another, the channel of the same
    number (another channel) is not chosen for the person, a platform it does not have gives way to
    all of its platforms, and the figures are of what the bar says."""
    from sqlalchemy import select

    from workbench.store.models import Channel

    other_path = tmp_path / "other.db"
    other = Workspace.open(other_path)
    other.import_paths([monthly_newcomers(tmp_path / "general.json", 6)])  # Discord #general alone
    with other.connect() as conn:
        number = conn.execute(select(Channel.id)).scalar_one()
    other.close()

    page = open_page(qtbot, ctx)
    with qtbot.waitSignal(page.updated, timeout=60000):
        page.platform.setCurrentIndex(page.platform.findData("slack"))
    with qtbot.waitSignal(page.updated, timeout=60000):
        page.channel.setCurrentIndex(page.channel.findData(number))
    assert page.channel.currentText() == "#general" and page.dashboard.filters.channels == (number,)

    with qtbot.waitSignal(page.updated, timeout=60000):
        ctx.open_workspace(str(other_path))
    qtbot.waitUntil(lambda: page.dashboard.filters.platforms == () and page.dashboard.filters.channels == (),
                    timeout=60000)
    ctx.wait_for_tasks(30000)
    qtbot.wait(50)
    assert [page.platform.itemText(i) for i in range(page.platform.count())] == ["All platforms", "Discord"]
    assert page.platform.currentText() == "All platforms" and page.channel.currentText() == "All channels"
    assert page.dashboard.filters.platforms == () and page.dashboard.filters.channels == ()
    assert page.cards["active_people"].value.text() == "4"  # who wrote in its last 90 days: April to June
    assert headline(ctx.ws, page.dashboard.filters)["active_people"] == 4
    assert not page.banner.isVisible()


def test_a_direct_message_is_listed_as_one_and_an_irc_channel_with_one_hash(qtbot, ctx, dm_workspace):
    """Discord names a DM after the other person and a group DM after its members; listed as
    "Discord #Jo" they read as channels. They are "Discord DM Jo" and "Discord group DM ...", after
    the platform's channels, in the filter and where an unanswered question was asked; an IRC
    channel, whose name holds its "#", is "IRC #aihub", not "IRC ##aihub"."""
    path = dm_workspace
    ctx.open_workspace(str(path))
    page = open_page(qtbot, ctx)
    listed = [page.channel.itemText(i) for i in range(page.channel.count())]
    assert listed == ["All channels", "Discord #help", "Discord DM Jo", "Discord group DM Priyanka, Jo", "IRC #aihub"]
    where = page.unanswered_model.frame()["where"].tolist()
    assert {"Discord DM Jo", "Discord group DM Priyanka, Jo"} <= set(where)
    page.platform.setCurrentIndex(page.platform.findData("discord"))
    assert [page.channel.itemText(i) for i in range(page.channel.count())] == [
        "All channels", "#help", "DM Jo", "group DM Priyanka, Jo"]
