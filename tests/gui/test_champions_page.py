"""The Champions page: candidates with their score in parts, the live what-if re-rank, the board."""
from __future__ import annotations

import sys
from contextlib import contextmanager
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "champions"))
from champion_helpers import account, at, day_series, msg, person_of, write  # noqa: E402

from workbench.champions import programme  # noqa: E402
from workbench.champions.score import COMPONENTS, DEFAULT_WEIGHTS, load_weights  # noqa: E402
from workbench.workspace import Workspace  # noqa: E402


@contextmanager
def _window_on(ws_path, recs):
    """The window's context on a workspace of ``recs``, closed after its tasks are done."""
    from workbench.ui.app import create_app
    from workbench.ui.context import AppContext

    ws = Workspace.open(ws_path)
    write(ws, recs)
    ws.close()
    create_app()
    c = AppContext()
    c.open_workspace(str(ws_path))
    try:
        yield c
    finally:
        c.wait_for_tasks(30000)
        c.ws.close()


@pytest.fixture
def ctx(qtbot, ws_path):
    """Helen answers three newcomers' questions; Rex is around on 20 days and helps nobody."""
    recs = [account("helen"), account("rex"), account("n1"), account("n2"), account("n3")]
    for i, n in enumerate(("n1", "n2", "n3"), start=1):
        recs += [msg(n, at(f"2024-03-0{i}", "09:00"), text="How do I start?", ext=f"q{i}"),
                 msg("helen", at(f"2024-03-0{i}", "10:00"), text=f"Start with the tutorial {i}", parent=f"q{i}")]
    recs += day_series("rex", "2024-02-01", 20)
    with _window_on(ws_path, recs) as c:
        yield c


def open_page(qtbot, ctx):
    from workbench.ui.pages.champions import ChampionsPage

    page = ChampionsPage(ctx)
    qtbot.addWidget(page)
    page.resize(1200, 760)
    with qtbot.waitSignal(page.loaded, timeout=30000):
        page.show()
    return page


def test_candidates_show_the_score_in_parts_and_rerank_live(qtbot, ctx):
    page = open_page(qtbot, ctx)
    assert page.candidate_names()[:2] == ["Helen", "Rex"]
    # Each row names the platforms of the person's accounts, as the People page does.
    assert page.model.headerData(2, Qt.Orientation.Horizontal) == "Platforms"
    assert page.model.index(0, 2).data() == "Slack"
    # Headings on two lines on screen are one line when the table is copied.
    from workbench.ui.widgets import table_rows
    assert table_rows(page.table, selection_only=False)[0] == [
        "#", "Name", "Platforms", "Score", "Answers", "Newcomer replies", "People helped", "Reactions", "Active days"]
    assert page.person_label.text() == "Helen — score 22.5, rank 1"  # 3×3 + 3×2 + 3×2 + 0 + 3×0.5
    assert [page.parts.item(r, 3).text() for r in range(5)] == ["9", "6", "6", "0", "1.5"]
    qtbot.waitUntil(lambda: page.replies.rowCount() == 3, timeout=10000)
    why = page.replies.item(0, 2)
    assert why.text() == "answer · newcomer" and why.toolTip() == "An answer to a question; a reply to a newcomer"
    # The chosen reply reads in full under the table.
    assert page.reply_text.text() == f"To {page.replies.item(0, 1).text()}: {page.replies.item(0, 3).text()}"
    assert page.reply_text.text() == "To N3: Start with the tutorial 3  ↳ to “How do I start?”"
    page.replies.setCurrentCell(2, 0)
    assert page.reply_text.text().endswith(page.replies.item(2, 3).text())
    # What-if: only active days count -> Rex leads; nothing saved yet.
    with qtbot.waitSignal(page.reranked):
        page.weights.spins["answers"].setValue(0)
    for c in ("newcomer_replies", "people_helped"):
        page.weights.spins[c].setValue(0)
    assert page.candidate_names()[:2] == ["Rex", "Helen"]
    assert "not saved" in page.weights.state.text()
    assert load_weights(ctx.ws) == DEFAULT_WEIGHTS
    qtbot.mouseClick(page.weights.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "Saved the weights" in page.banner.text(), timeout=10000)
    assert load_weights(ctx.ws)["answers"] == 0
    # The slider moves the spin box and ranks again.
    with qtbot.waitSignal(page.reranked):
        page.weights.sliders["answers"].setValue(10 * 20)
    assert page.weights.spins["answers"].value() == 10 and page.candidate_names()[0] == "Helen"


def test_the_scores_are_read_up_to_another_day_and_back_to_the_latest(qtbot, ctx):
    """Who carried the community up to a day in the past, as `champions candidates --as-of` says it."""
    import datetime as dt

    from PySide6.QtCore import QDate

    page = open_page(qtbot, ctx)
    edit = page.as_of.edit
    assert edit.date().toPython() == dt.date(2024, 3, 3) and not page.as_of.latest_button.isEnabled()
    # The days of data are the days to choose from.
    assert (edit.minimumDate().toPython(), edit.maximumDate().toPython()) == (dt.date(2024, 2, 1), dt.date(2024, 3, 3))
    with qtbot.waitSignal(page.loaded, timeout=30000):
        edit.setDate(QDate(2024, 2, 20))  # before Helen answered anyone
    assert page.candidate_names() == ["Rex"]
    assert "over 2023-11-23 to 2024-02-20 (UTC)" in page.period_label.text(), page.period_label.text()
    assert page.person_label.text().startswith("Rex — score") and page.as_of.latest_button.isEnabled()
    assert [page.parts.item(r, 1).text() for r in range(5)] == ["0", "0", "0", "0", "20"]
    with qtbot.waitSignal(page.loaded, timeout=30000):
        qtbot.mouseClick(page.as_of.latest_button, Qt.MouseButton.LeftButton)
    assert page.candidate_names()[:2] == ["Helen", "Rex"]
    assert edit.date().toPython() == dt.date(2024, 3, 3) and not page.as_of.latest_button.isEnabled()
    # With every weight at zero nobody scores: the page says so for the period, not "import something".
    for c in COMPONENTS:
        page.weights.spins[c].setValue(0)
    assert page.empty.isVisibleTo(page) and page.empty.text().startswith(
        "No candidates in the 90 days up to 2024-03-03: nobody outside staff"), page.empty.text()
    # and Helen's score and evidence, shown a moment ago, go with her.
    assert (page.person_label.text(), page.parts.rowCount(), page.replies.rowCount(), page.reply_text.text()) == \
        ("", 0, 0, "")


def test_the_scores_are_read_again_when_what_a_question_contains_changes(qtbot, ctx):
    """Helen's answers are answers to questions: once a question must contain "help?", hers are
    replies like any other, and the page says so without waiting for the next import."""
    page = open_page(qtbot, ctx)
    assert page.person_label.text() == "Helen — score 22.5, rank 1"
    with qtbot.waitSignal(page.loaded, timeout=30000):
        ctx.ws.set_settings({"questions.marker": "help?"})
    assert page.person_label.text().startswith("Helen — score 13.5"), page.person_label.text()  # 22.5 - 3×3
    assert [page.parts.item(r, 1).text() for r in range(5)] == ["0", "3", "3", "0", "3"]


def test_moving_people_on_the_board_records_history_and_undo(qtbot, ctx):
    page = open_page(qtbot, ctx)
    ws = ctx.ws
    helen = person_of(ws, "helen")
    page.tabs.setCurrentIndex(0)
    page.table.selectRow(0)
    with qtbot.waitSignal(page.loaded, timeout=10000):
        qtbot.mouseClick(page.add_candidate_button, Qt.MouseButton.LeftButton)
    assert page.board.names("candidate") == ["Helen"]
    page.tabs.setCurrentIndex(1)
    assert page.board.select(helen)
    page.board.reason.setText("answers every newcomer")
    with qtbot.waitSignal(page.loaded, timeout=10000):
        qtbot.mouseClick(page.board.forward_button, Qt.MouseButton.LeftButton)
    assert page.board.names("nominated") == ["Helen"] and page.board.names("candidate") == []
    # From the keyboard: Ctrl+Right on the selected person.
    assert page.board.select(helen)
    page.activateWindow()
    with qtbot.waitSignal(page.loaded, timeout=10000):
        qtbot.keyClick(page.board.lists["nominated"], Qt.Key.Key_Right, Qt.KeyboardModifier.ControlModifier)
    assert page.board.names("champion") == ["Helen"]
    assert "Rex" not in page.board.names("champion") and "Helen" not in page.candidate_names()
    h = programme.history(ws, helen)
    assert [(r["previous_stage"], r["stage"]) for r in h] == [("nominated", "champion"), ("candidate", "nominated"),
                                                             (None, "candidate")]
    assert h[1]["reason"] == "answers every newcomer"
    assert "nominated → champion" in page.board.history.text()
    # Ctrl+Z: the last move is taken back.
    with qtbot.waitSignal(page.loaded, timeout=10000):
        page.undo()
    assert page.board.names("nominated") == ["Helen"] and "back to nominated" in page.banner.text()
    assert len(programme.history(ws, helen)) == 2


def test_two_people_of_one_name_on_the_board_say_their_platforms(qtbot, ctx):
    """Helen's Discord account, not joined to her Slack one, is a second Helen: on the board each
    card says which; a name nobody else bears stays as it is."""
    ws = ctx.ws
    write(ws, [account("helen", platform="discord", name="Helen"),
               msg("helen", at("2024-03-02", "12:00"), platform="discord")])
    slack, discord, rex = person_of(ws, "helen"), person_of(ws, "helen", "discord"), person_of(ws, "rex")
    for p in (slack, discord, rex):
        programme.move(ws, p, "candidate", reason="seen helping")
    page = open_page(qtbot, ctx)
    assert sorted(page.board.names("candidate")) == ["Helen (Discord)", "Helen (Slack)", "Rex"]
    item = page.board.lists["candidate"].item(page.board.names("candidate").index("Helen (Discord)"))
    assert item.toolTip().startswith(f"Person {discord} (Discord); candidate since")


def test_an_empty_workspace_says_what_to_do(qtbot, ws_path, tmp_path):
    from workbench.ui.app import create_app
    from workbench.ui.context import AppContext
    from workbench.ui.pages.champions import ChampionsPage
    from workbench.ui.pages.recognition import RecognitionPage

    create_app()
    c = AppContext()
    c.open_workspace(str(tmp_path / "empty.db"))
    try:
        page, rec = ChampionsPage(c), RecognitionPage(c)
        qtbot.addWidget(page)
        qtbot.addWidget(rec)
        with qtbot.waitSignal(page.loaded, timeout=30000):
            page.show()
        assert page.empty.isVisible() and "Import" in page.empty.text() and not page.table.isVisible()
        with qtbot.waitSignal(rec.loaded, timeout=30000):
            rec.show()
        assert rec.gap_empty.isVisible() and "No contributors" in rec.gap_empty.text()
        assert not rec.recognize_button.isEnabled()
    finally:
        c.wait_for_tasks(30000)
        c.ws.close()


def test_on_a_small_screen_the_evidence_keeps_its_room(qtbot, ctx):
    """A 1024 x 680 window gives the page about 850 x 600: the score's five parts show without
    scrolling, the three replies of the evidence show at once, and the weights scroll instead."""
    page = open_page(qtbot, ctx)
    holder = page.right_split.widget(0)  # the weights, in their scroll area
    assert not holder.verticalScrollBar().isVisible()  # 760 px high: room for everything
    page.resize(850, 600)
    qtbot.waitUntil(lambda: page.replies.rowCount() == 3, timeout=10000)
    qtbot.waitUntil(lambda: page.height() == 600 and holder.verticalScrollBar().isVisible())
    parts, replies = page.parts, page.replies
    assert parts.rowCount() == 5
    # (the layout settles over a few turns of the event loop: on a busy machine, after the resize is seen)
    qtbot.waitUntil(lambda: not parts.verticalScrollBar().isVisible()
                    and parts.viewport().height() >= sum(parts.rowHeight(r) for r in range(5)), timeout=5000)
    qtbot.waitUntil(lambda: not replies.verticalScrollBar().isVisible()
                    and replies.viewport().height() >= 3 * replies.rowHeight(0), timeout=5000)
    # The names keep what they need (up to a quarter of the table); the figures scroll sideways instead.
    table = page.table
    qtbot.waitUntil(lambda: table.columnWidth(1) >= min(table.viewport().width() // 4, table.sizeHintForColumn(1)))
    assert table.columnWidth(1) >= table.sizeHintForColumn(1)
    assert [table.model().index(r, 1).data() for r in range(2)] == ["Helen", "Rex"]
    # Dragging the handle is the person's choice, and the page keeps it.
    page.right_split.moveSplitter(0, 1)  # fold the weights away
    page.resize(850, 620)
    qtbot.waitUntil(lambda: page.height() == 620)
    qtbot.wait(20)
    assert page.right_split.sizes()[0] == 0


def _inked(image, rect) -> bool:
    """Whether anything but the background is drawn in ``rect`` of ``image`` (text, say)."""
    background = image.pixelColor(rect.right(), rect.bottom()).rgb()
    return any(image.pixelColor(x, y).rgb() != background
               for x in range(rect.left(), rect.right()) for y in range(rect.top(), rect.bottom()))


def test_the_board_shows_since_when_and_what_an_empty_column_is_for(qtbot, ctx):
    """A nomination that waits for months shows at a glance: each person's day of entering the
    stage is written on the right of their row. An empty column says how people get there."""
    from PySide6.QtCore import QRect

    from workbench.ui import dates
    from workbench.ui.champions_board import SINCE

    page = open_page(qtbot, ctx)
    helen = person_of(ctx.ws, "helen")
    with qtbot.waitSignal(page.loaded, timeout=10000):
        page.move_people([helen], "candidate")
    page.tabs.setCurrentIndex(1)
    candidates, alumni = page.board.lists["candidate"], page.board.lists["alumni"]
    qtbot.waitUntil(lambda: candidates.isVisible() and candidates.count() == 1)
    entered = programme.history(ctx.ws, helen)[0]["changed_at"]
    assert candidates.item(0).data(SINCE) == dates.day(entered)
    row = candidates.visualItemRect(candidates.item(0))
    assert row.height() >= 24
    shot = candidates.viewport().grab().toImage()
    right = QRect(row.right() - row.width() // 3, row.top() + 2, row.width() // 3 - 4, row.height() - 4)
    assert _inked(shot, right)  # the day, on the right
    assert alumni.count() == 0 and "Champions who step back" in alumni.empty_text
    top = alumni.viewport().grab().toImage()
    assert _inked(top, QRect(10, 8, alumni.viewport().width() - 20, 30))  # its hint, at the top


def test_the_programme_can_be_copied_and_exported(qtbot, ctx, tmp_path):
    from PySide6.QtWidgets import QApplication

    from workbench.ui.champions_board import SINCE
    from workbench.ui.widgets import write_rows_csv

    page = open_page(qtbot, ctx)
    helen, rex = person_of(ctx.ws, "helen"), person_of(ctx.ws, "rex")
    with qtbot.waitSignal(page.loaded, timeout=10000):
        page.move_people([helen, rex], "candidate")
    with qtbot.waitSignal(page.loaded, timeout=10000):
        page.move_people([rex], "nominated")
    page.tabs.setCurrentIndex(1)
    candidates = page.board.lists["candidate"]
    qtbot.waitUntil(lambda: candidates.isVisible() and candidates.count() == 1)
    day = candidates.item(0).data(SINCE)
    assert page.board.select(helen)
    candidates.setFocus()
    QApplication.clipboard().clear()
    qtbot.keyClick(candidates, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    assert QApplication.clipboard().text() == f"Stage\tPerson\tSince\tPerson id\ncandidate\tHelen\t{day}\t{helen}\n"
    rows = page.board.programme_rows()
    assert [r[:2] for r in rows] == [["Stage", "Person"], ["candidate", "Helen"], ["nominated", "Rex"]]
    write_rows_csv(rows, str(tmp_path / "programme.csv"))
    assert (tmp_path / "programme.csv").read_text(encoding="utf-8-sig").splitlines()[2].startswith("nominated,Rex,")
    write_rows_csv([["Person"], ["=HYPERLINK(\"http://x\")"]], str(tmp_path / "named.csv"))  # a name is data, not a formula
    assert (tmp_path / "named.csv").read_text(encoding="utf-8-sig").splitlines()[1] == '"\'=HYPERLINK(""http://x"")"'


def test_the_evidence_is_dated_in_the_reporting_time_zone(qtbot, ctx):
    """Helen's replies at 10:00 UTC are on the next day in Kiritimati (UTC+14), where the
    workspace reports: the evidence says that day, as the period and the Dashboard do."""
    ctx.ws.set_setting("reporting.timezone", "Pacific/Kiritimati")
    page = open_page(qtbot, ctx)
    assert "(Pacific/Kiritimati)" in page.period_label.text()
    page.table.selectRow(page.candidate_names().index("Helen"))
    qtbot.waitUntil(lambda: page.replies.rowCount() == 3, timeout=10000)
    assert [page.replies.item(r, 0).text() for r in range(3)] == ["2024-03-04", "2024-03-03", "2024-03-02"]
    # A move made now is dated with today's day there, on the board and in the person's history.
    import datetime as dt
    from zoneinfo import ZoneInfo

    from workbench.ui import dates
    from workbench.ui.champions_board import SINCE

    helen = person_of(ctx.ws, "helen")
    with qtbot.waitSignal(page.loaded, timeout=10000):
        page.move_people([helen], "candidate")
    today = dates.day(dt.datetime.now(ZoneInfo("Pacific/Kiritimati")).date())
    assert page.board.lists["candidate"].item(0).data(SINCE) == today
    assert page.board.history.text() == f"History: {today}: outside → candidate"


def test_a_reply_of_the_evidence_opens_where_it_was_written(qtbot, ws_path, browser):
    """On Discord, the replies a score rests on open at their message (double-click, Enter, or the
    row's menu), to read them whole where they were written."""
    from workbench.records import ChannelRec, SourceRec

    recs = [SourceRec("discord", "900", "AI Builders"), ChannelRec("discord", "901", "help", source_external_id="900"),
            account("helen", platform="discord"), account("n1", platform="discord"), account("n2", platform="discord")]
    for i, n in enumerate(("n1", "n2"), start=1):
        recs += [msg(n, at(f"2024-03-0{i}", "09:00"), text="How do I start?", ext=f"10{i}", platform="discord",
                     channel="901"),
                 msg("helen", at(f"2024-03-0{i}", "10:00"), text=f"Start with the tutorial {i}", parent=f"10{i}",
                     ext=f"20{i}", platform="discord", channel="901")]
    with _window_on(ws_path, recs) as ctx:
        page = open_page(qtbot, ctx)
        page.table.selectRow(0)
        qtbot.waitUntil(lambda: page.replies.rowCount() == 2, timeout=10000)
        replies = page.replies
        wrote = {replies.item(r, 3).text(): r for r in range(2)}
        first = wrote["Start with the tutorial 1  ↳ to “How do I start?”"]
        rect = replies.visualItemRect(replies.item(first, 3))
        qtbot.mouseClick(replies.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
        qtbot.mouseDClick(replies.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
        assert browser == ["https://discord.com/channels/900/901/201"]
        replies.setCurrentCell(1 - first, 3)
        replies.setFocus()
        qtbot.keyClick(replies, Qt.Key.Key_Return)
        assert browser[1] == "https://discord.com/channels/900/901/202"
        replies.customContextMenuRequested.emit(rect.center())
        assert replies.context_menu.actions()[0].text() == "Open in Discord"


def test_the_evidence_of_one_person_helped_says_person(qtbot, ws_path):
    recs = [account("helen"), account("n1"), msg("n1", at("2024-03-01", "09:00"), text="How do I start?", ext="q1"),
            msg("helen", at("2024-03-01", "10:00"), text="Start with the tutorial", parent="q1")]
    with _window_on(ws_path, recs) as c:
        page = open_page(qtbot, c)
        assert page.candidate_names()[0] == "Helen"
        qtbot.waitUntil(lambda: page.replies.rowCount() == 1, timeout=10000)
        assert page.evidence_label.text() == "Helped 1 person: N1 (1)."


def test_the_evidence_is_read_again_when_the_data_changes_or_another_workspace_opens(qtbot, ctx, tmp_path):
    """The evidence under the scores is the selected person's in the workspace as it is now: an import
    that adds an answer of theirs shows in it, and another workspace's first candidate, though their
    person number is the same, shows their own."""
    page = open_page(qtbot, ctx)
    assert page.person_label.text().startswith("Helen")
    qtbot.waitUntil(lambda: page.replies.rowCount() == 3, timeout=10000)
    with qtbot.waitSignal(page.loaded, timeout=30000):  # an import adds Helen's answer to a fourth newcomer
        write(ctx.ws, [account("n4"), msg("n4", at("2024-03-04", "09:00"), text="Where are the docs?", ext="q4"),
                       msg("helen", at("2024-03-04", "10:00"), text="Here are the docs", parent="q4")])
    assert page.person_label.text().startswith("Helen")
    qtbot.waitUntil(lambda: page.replies.rowCount() == 4, timeout=10000)
    assert page.evidence_label.text().startswith("Helped 4 people: ")
    assert page.reply_text.text() == "To N4: Here are the docs  ↳ to “Where are the docs?”"

    other = Workspace.open(tmp_path / "other.db")
    write(other, [account("bea"), account("m1"), msg("m1", at("2025-05-01", "09:00"), text="Any GPU tips?", ext="g1"),
                  msg("bea", at("2025-05-01", "09:30"), text="Use a smaller batch", parent="g1")])
    bea, m1 = person_of(other, "bea"), person_of(other, "m1")
    other.close()
    assert bea == person_of(ctx.ws, "helen")  # the same number, another human
    assert m1 == person_of(ctx.ws, "rex")
    page._select_ids([m1])  # Rex chosen here; in the other workspace his number is M1's
    assert page.person_label.text().startswith("Rex")
    with qtbot.waitSignal(page.loaded, timeout=30000):
        ctx.open_workspace(str(tmp_path / "other.db"))
    assert page.candidate_names()[:2] == ["Bea", "M1"]
    assert page.person_label.text().startswith("Bea")  # the first candidate, not the number chosen before
    qtbot.waitUntil(lambda: page.evidence_label.text() == "Helped 1 person: M1 (1).", timeout=10000)
    assert page.replies.rowCount() == 1 and page.reply_text.text() == "To M1: Use a smaller batch  ↳ to “Any GPU tips?”"
