"""The Recognition page: the gap, recognizing several people at once, the log and the impact."""
from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QItemSelectionModel, Qt

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "champions"))
from champion_helpers import account, day_series, person_of, write  # noqa: E402

from workbench.champions.recognition import add_recognition, recognition_log  # noqa: E402
from workbench.ui import dates  # noqa: E402
from workbench.workspace import Workspace  # noqa: E402

PEOPLE = [f"p{i:02d}" for i in range(1, 13)]


@pytest.fixture
def ctx(qtbot, ws_path, request):
    """p01..p12 active on 1..12 days of February 2024; p12 got a swag on 5 January, a day of the
    reporting zone (UTC, or the fixture's parameter)."""
    from workbench.ui.app import create_app
    from workbench.ui.context import AppContext

    ws = Workspace.open(ws_path)
    recs = [account(p) for p in PEOPLE]
    for i, p in enumerate(PEOPLE, start=1):
        recs += day_series(p, "2024-02-01", i)
    recs += day_series("p12", "2023-12-01", 10)
    write(ws, recs)
    ws.set_setting("reporting.timezone", getattr(request, "param", "UTC"))
    add_recognition(ws, [person_of(ws, "p12")], kind="swag", note="Hoodie", given_at=dt.date(2024, 1, 5))
    ws.close()
    create_app()
    c = AppContext()
    c.open_workspace(str(ws_path))
    yield c
    c.wait_for_tasks(30000)
    c.ws.close()


def test_gap_log_and_impact_then_recognize_from_the_gap(qtbot, ctx):
    from workbench.ui.pages.recognition import RecognitionPage

    page = RecognitionPage(ctx)
    qtbot.addWidget(page)
    page.resize(1100, 700)
    with qtbot.waitSignal(page.loaded, timeout=30000):
        page.show()
    # The top tenth of 12 people is p12 and p11; p12 was thanked in January, so only p11 is left.
    gap = page.gap_model.frame()
    assert list(gap["name"]) == ["P11"] and "1 of the 2 people" in page.gap_label.text()
    shown = [page.gap_model.headerData(c, Qt.Orientation.Horizontal) for c in range(page.gap_model.columnCount())
             if not page.gap_view.isColumnHidden(c)]
    assert shown == ["Name", "Platforms", "Champion score", "Last active", "Last recognized"]
    # p11 was last active on 11 February: still around, and never thanked.
    assert [page.gap_model.index(0, c).data() for c in (3, 4)] == [dates.day(dt.date(2024, 2, 11)), "never"]
    # The name takes the room left; the dates keep to their headings' width, beside the score.
    widths = [page.gap_view.columnWidth(c) for c in range(5)]
    assert widths[0] == max(widths) and widths[4] < 200, widths
    assert page.gap_model.index(0, 1).data() == "Slack"
    assert page.log_model.rowCount() == 1 and page.log_model.index(0, 3).data() == "swag"
    assert page.log_model.index(0, 2).data() == "Slack"  # whose: two people of one name tell apart
    assert page.log_model.index(0, 6).data() == "by hand"  # where it came from, in words ("manual" is stored)
    # Impact: p12's swag, 10 activities in December before, 12 in February after (+20%).
    assert [page.impact_model.index(0, c).data() for c in (1, 2, 6)] == ["P12", "Slack", "+20%"]
    assert page.kind_model.index(0, 0).data() == "swag"
    # A recognition added elsewhere shows up in the log by itself.
    add_recognition(ctx.ws, [person_of(ctx.ws, "p12")], kind="x")
    qtbot.waitUntil(lambda: page.log_model.rowCount() == 2, timeout=10000)
    page.gap_view.selectAll()
    qtbot.mouseClick(page.recognize_button, Qt.MouseButton.LeftButton)
    dlg = page.dialog
    assert dlg is not None and dlg.isVisible() and "P11" in dlg.windowTitle()
    dlg.kind.setCurrentText("badge")
    dlg.note.setText("Helper of the month")
    dlg.given_by.setText("Kim")
    with qtbot.waitSignal(page.loaded, timeout=30000):
        dlg.accept()
    log = recognition_log(ctx.ws)
    assert sorted(log["kind"]) == ["badge", "swag", "x"]
    assert "Recorded 1 recognition: badge." in page.banner.text()
    assert page.gap_model.rowCount() == 0 and not page.gap_view.isVisible()


def test_recognize_several_people_at_once(qtbot, ws_path):
    from workbench.ui.app import create_app
    from workbench.ui.context import AppContext
    from workbench.ui.pages.recognition import RecognitionPage

    ws = Workspace.open(ws_path)
    recs = [account(f"m{i:02d}") for i in range(30)]
    for i in range(30):
        recs += day_series(f"m{i:02d}", "2024-02-01", i + 1)
    write(ws, recs)
    ws.close()
    create_app()
    ctx = AppContext()
    ctx.open_workspace(str(ws_path))
    try:
        page = RecognitionPage(ctx)
        qtbot.addWidget(page)
        with qtbot.waitSignal(page.loaded, timeout=30000):
            page.show()
        assert list(page.gap_model.frame()["name"]) == ["M29", "M28", "M27"]
        page.gap_view.selectAll()
        qtbot.mouseClick(page.recognize_button, Qt.MouseButton.LeftButton)
        assert page.dialog.windowTitle() == "Recognize 3 people"
        page.dialog.kind.setCurrentText("shout-out")
        with qtbot.waitSignal(page.loaded, timeout=30000):
            page.dialog.accept()
        log = recognition_log(ctx.ws)
        assert sorted(log["name"]) == ["M27", "M28", "M29"] and set(log["kind"]) == {"shout-out"}
        assert page.log_model.rowCount() == 3 and page.gap_model.rowCount() == 0
    finally:
        ctx.wait_for_tasks(30000)
        ctx.ws.close()


def test_a_long_note_takes_the_room_and_shows_whole_on_hover(qtbot, ctx):
    """The note is the log's free text: it gets the width the other columns leave, and where it is
    still cut short, pointing at it shows all of it."""
    from PySide6.QtWidgets import QHeaderView

    from workbench.ui.pages.recognition import RecognitionPage

    note = "Ran the spring hackathon's help desk for three weekends and wrote the onboarding guide " * 3
    add_recognition(ctx.ws, [person_of(ctx.ws, "p11")], kind="shout-out", note=note.strip())
    page = RecognitionPage(ctx)
    qtbot.addWidget(page)
    page.resize(1100, 700)
    with qtbot.waitSignal(page.loaded, timeout=30000):
        page.show()
    page.tabs.setCurrentIndex(1)
    view, model = page.log_view, page.log_model
    columns = list(model.frame().columns)
    n, k = columns.index("note"), columns.index("kind")
    assert view.horizontalHeader().sectionResizeMode(n) == QHeaderView.ResizeMode.Stretch
    assert not view.horizontalHeader().stretchLastSection()
    row = next(r for r in range(model.rowCount()) if model.index(r, k).data() == "shout-out")
    assert model.index(row, n).data(Qt.ItemDataRole.ToolTipRole) == note.strip()
    assert model.index(row, k).data(Qt.ItemDataRole.ToolTipRole) is None  # short texts need no tip
    # The figures of the impact sit beside their headings: the person's name takes the room.
    impact = list(page.impact_model.frame().columns)
    assert page.impact_view.horizontalHeader().sectionResizeMode(impact.index("name")) == QHeaderView.ResizeMode.Stretch


@pytest.mark.parametrize("ctx", ["Pacific/Kiritimati"], indirect=True)
def test_the_days_typed_are_the_days_shown_in_the_reporting_zone(qtbot, ctx):
    """In Kiritimati (UTC+14) a swag given on 5 January reads 5 January in the log and the impact,
    opens for editing on 5 January, and a day typed there is the day the log shows."""
    from zoneinfo import ZoneInfo

    from PySide6.QtCore import QDate

    from workbench.ui.pages.recognition import RecognitionPage

    page = RecognitionPage(ctx)
    qtbot.addWidget(page)
    with qtbot.waitSignal(page.loaded, timeout=30000):
        page.show()
    jan5 = dates.day(dt.date(2024, 1, 5))
    assert page.log_model.index(0, 0).data() == jan5
    assert page.impact_model.index(0, 0).data() == jan5
    page.log_view.selectRow(0)
    qtbot.mouseClick(page.edit_button, Qt.MouseButton.LeftButton)
    dlg = page.dialog
    assert dlg.date.date() == QDate(2024, 1, 5)
    dlg.date.setDate(QDate(2024, 1, 20))
    with qtbot.waitSignal(page.loaded, timeout=30000):
        dlg.accept()
    assert page.log_model.index(0, 0).data() == dates.day(dt.date(2024, 1, 20))
    given = recognition_log(ctx.ws)["given_at"].iloc[0].tz_convert("Pacific/Kiritimati")
    assert (given.date(), given.hour) == (dt.date(2024, 1, 20), 12)
    # A new recognition starts on today's date there, whatever the computer's own zone.
    page.add_one()
    today = dt.datetime.now(ZoneInfo("Pacific/Kiritimati")).date()
    assert page.dialog.date.date().toPython() == today
    # and goes no further: a recognition is logged once it is given
    page.dialog.date.setDate(QDate(today + dt.timedelta(days=1)))
    assert page.dialog.date.date().toPython() == today and page.dialog.date.maximumDate().toPython() == today
    page.dialog.reject()


def test_the_log_narrows_to_what_is_searched(qtbot, ctx):
    """Words typed in the log's search keep the recognitions whose person, kind, note or giver
    hold them all; the count says how many of the log are shown, and a change elsewhere keeps
    the search."""
    from workbench.ui.pages.recognition import RecognitionPage

    add_recognition(ctx.ws, [person_of(ctx.ws, "p11")], kind="speaker slot", note="Meetup talk", given_by="Kim",
                    given_at=dt.date(2024, 2, 20))
    add_recognition(ctx.ws, [person_of(ctx.ws, "p10")], kind="shout-out", note="Answers on the forum",
                    given_at=dt.date(2024, 2, 21))
    page = RecognitionPage(ctx)
    qtbot.addWidget(page)
    with qtbot.waitSignal(page.loaded, timeout=30000):
        page.show()

    def kinds() -> list[str]:
        frame = page.log_model.frame()
        return list(frame["kind"]) if len(frame) else []

    assert page.log_count.text() == "3 recognitions" and len(kinds()) == 3

    def search(words: str, count: str, found: list[str]) -> None:
        page.log_search.setText(words)
        qtbot.waitUntil(lambda: (page.log_count.text(), kinds()) == (count, found), timeout=5000)

    search("HOOD", "1 of 3 recognitions", ["swag"])
    search("kim talk", "1 of 3 recognitions", ["speaker slot"])  # a word of the giver and one of the note
    search("p10 forum", "1 of 3 recognitions", ["shout-out"])
    search("nobody said this", "0 of 3 recognitions", [])
    assert not page.log_empty.isVisible()  # the log is not empty: the search found nothing
    search("slot", "1 of 3 recognitions", ["speaker slot"])
    add_recognition(ctx.ws, [person_of(ctx.ws, "p09")], kind="speaker slot", note="Webinar")
    qtbot.waitUntil(lambda: page.log_count.text() == "2 of 4 recognitions", timeout=10000)
    assert kinds() == ["speaker slot", "speaker slot"]
    search("", "4 recognitions", list(recognition_log(ctx.ws)["kind"]))
    page.tabs.setCurrentIndex(0)
    page.focus_search()
    assert page.tabs.currentIndex() == 1


def test_a_gap_of_one_strong_contributor_says_person(qtbot, ws_path):
    """Five people: the top tenth is one person, not "1 of the 1 people"."""
    from workbench.ui.app import create_app
    from workbench.ui.context import AppContext
    from workbench.ui.pages.recognition import RecognitionPage

    ws = Workspace.open(ws_path)
    recs = [account(p) for p in PEOPLE[:5]]
    for i, p in enumerate(PEOPLE[:5], start=1):
        recs += day_series(p, "2024-02-01", i)
    write(ws, recs)
    ws.close()
    create_app()
    c = AppContext()
    c.open_workspace(str(ws_path))
    page = RecognitionPage(c)
    qtbot.addWidget(page)
    with qtbot.waitSignal(page.loaded, timeout=30000):
        page.show()
    assert list(page.gap_model.frame()["name"]) == ["P05"]
    assert page.gap_label.text().startswith("Strong contributors not thanked in 180 days: 1 of the 1 person in the top "
                                            "tenth by champion score"), page.gap_label.text()
    c.wait_for_tasks(30000)
    c.ws.close()


def test_the_gap_up_to_a_day_in_the_past_counts_the_recognitions_given_by_then(qtbot, ctx):
    """On 4 January p12 had carried December and nobody had thanked them yet: the swag came on the
    5th. Back at the latest day, the swag counts again."""
    from PySide6.QtCore import QDate

    from workbench.ui.pages.recognition import RecognitionPage

    page = RecognitionPage(ctx)
    qtbot.addWidget(page)
    page.resize(1100, 700)
    with qtbot.waitSignal(page.loaded, timeout=30000):
        page.show()
    assert list(page.gap_model.frame()["name"]) == ["P11"]
    assert page.gap_as_of.edit.date().toPython() == dt.date(2024, 2, 12)
    with qtbot.waitSignal(page.loaded, timeout=30000):
        page.gap_as_of.edit.setDate(QDate(2024, 1, 4))
    assert list(page.gap_model.frame()["name"]) == ["P12"]
    assert page.gap_model.index(0, 4).data() == "never"
    assert page.gap_label.text().startswith(
        "Strong contributors not thanked in the 180 days up to 2024-01-04: 1 of the 1 person in the top tenth"), \
        page.gap_label.text()
    with qtbot.waitSignal(page.loaded, timeout=30000):
        qtbot.mouseClick(page.gap_as_of.latest_button, Qt.MouseButton.LeftButton)
    assert list(page.gap_model.frame()["name"]) == ["P11"] and not page.gap_as_of.latest_button.isEnabled()
    assert page.gap_label.text().startswith("Strong contributors not thanked in 180 days:")


def test_a_deleted_recognition_is_brought_back_by_undo(qtbot, ctx):
    """Delete (the button or the key) removed a line of the log for good: one click on the wrong line
    lost a recognition. Edit ▸ Undo (Ctrl+Z) on the page now brings it back, as the window's other
    pages undo."""
    from workbench.ui.app import create_window

    path = ctx.ws.location  # the fixture's workspace, in the window a person opens
    ctx.wait_for_tasks(30000)
    w = create_window(path)
    qtbot.addWidget(w, before_close_func=lambda window: window.ctx.wait_for_tasks(20000))
    w.resize(1280, 800)
    w.show()
    w.show_page("RecognitionPage")
    page = w.pages["RecognitionPage"]
    page.tabs.setCurrentIndex(1)
    qtbot.waitUntil(lambda: len(page.log_model.frame()) == 1, timeout=30000)
    page.log_view.selectRow(0)
    page.log_view.setFocus()
    qtbot.keyClick(page.log_view, Qt.Key.Key_Delete)  # as the Delete button
    qtbot.waitUntil(lambda: page.log_model.frame().empty, timeout=30000)
    assert page.banner.text() == "Deleted the swag of P12 (Edit ▸ Undo brings it back)."
    assert page.can_undo()

    w.undo_action.trigger()  # Edit ▸ Undo, as Ctrl+Z
    qtbot.waitUntil(lambda: len(page.log_model.frame()) == 1, timeout=30000)
    assert page.banner.text() == "Brought back the swag of P12."
    back = page.log_model.frame().iloc[0]
    assert (back["name"], back["kind"], back["note"]) == ("P12", "swag", "Hoodie")
    assert dates.in_zone(back["given_at"], dt.timezone.utc).date() == dt.date(2024, 1, 5)
    w.undo_action.trigger()
    qtbot.waitUntil(lambda: page.banner.text().startswith("No recognition was deleted"), timeout=30000)

    # Lines of a mistaken sheet: several deleted at once, brought back together by one undo.
    add_recognition(w.ctx.ws, [person_of(w.ctx.ws, "p11"), person_of(w.ctx.ws, "p10")], kind="badge",
                    given_at=dt.date(2024, 2, 20))
    qtbot.waitUntil(lambda: len(page.log_model.frame()) == 3, timeout=30000)
    page.log_view.selectRow(0)
    flags = QItemSelectionModel.SelectionFlag
    page.log_view.selectionModel().select(page.log_model.index(1, 0), flags.Select | flags.Rows)  # Ctrl+click
    page.delete_button.click()
    qtbot.waitUntil(lambda: len(page.log_model.frame()) == 1, timeout=30000)
    assert page.banner.text() == "Deleted 2 recognitions (Edit ▸ Undo brings them back)."
    assert list(page.log_model.frame()["name"]) == ["P12"]
    w.undo_action.trigger()
    qtbot.waitUntil(lambda: len(page.log_model.frame()) == 3, timeout=30000)
    assert page.banner.text() in ("Brought back the badge of P11 and the badge of P10.",
                                  "Brought back the badge of P10 and the badge of P11.")
    w.ctx.wait_for_tasks(30000)
    w.ctx.ws.close()
