"""The window: pages, menus, status bar counts, imports in the background with progress and cancel."""
from __future__ import annotations

import hashlib
import json
import re
from contextlib import contextmanager
from pathlib import Path
from types import SimpleNamespace

import pytest
from PySide6.QtCore import QLocale, QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent
from PySide6.QtWidgets import QStyleOptionViewItem

from workbench.demo import build_demo
from workbench.workspace import Workspace


def open_window(qtbot, path):  # noqa: ANN001, ANN201 - a MainWindow
    """The window on the workspace at ``path``, 1280 x 800, shown, as a person starts it."""
    from workbench.ui.app import create_app, create_window

    create_app()
    w = create_window(str(path))
    # A test that fails with an import under way leaves it to finish first: closing the window
    # would ask whether to cancel it, and wait for an answer that nobody gives.
    qtbot.addWidget(w, before_close_func=lambda window: window.ctx.wait_for_tasks(20000))
    w.resize(1280, 800)
    w.show()
    qtbot.waitExposed(w)
    return w


@contextmanager
def zone_answered(answer):  # noqa: ANN001, ANN201
    """While in it, each question of the Imports page about a Telegram export's time zone is answered
    by ``answer(dialog)``; yields the questions' texts as they were asked."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QLabel

    from workbench.ui.zone_dialog import ZoneDialog

    asked: list[str] = []

    def when_asked() -> None:
        dialog = QApplication.activeModalWidget()
        if isinstance(dialog, ZoneDialog) and dialog.isVisible() and dialog.result_zone is None:
            asked.append(dialog.findChild(QLabel, "about").text())
            answer(dialog)

    timer = QTimer()
    timer.timeout.connect(when_asked)
    timer.start(20)
    try:
        yield asked
    finally:
        timer.stop()


@pytest.fixture
def window(qtbot, ws_path):
    w = open_window(qtbot, ws_path)
    yield w
    w.ctx.wait_for_tasks(20000)
    if w.ctx.ws is not None:
        w.ctx.ws.close()


@pytest.fixture(scope="module")
def slack_zip(tmp_path_factory):
    """A real Slack export zip of a small community, written by the demo generator."""
    import datetime as dt
    import random

    from workbench.demo import _members, _messages, _write_slack

    rng = random.Random(3)
    start = dt.datetime(2024, 1, 1, tzinfo=dt.timezone.utc)
    members = _members(rng, 80, 120)
    msgs = _messages(rng, members, 120, start)
    path = tmp_path_factory.mktemp("slack") / "team-export.zip"
    _write_slack(path, rng, members, msgs, start)
    return path


def test_window_opens_on_the_workspace_with_its_pages(window, ws_path, qtbot):
    assert ws_path.name in window.windowTitle()
    titles = [window.sidebar.item(i).text() for i in range(window.sidebar.count())]
    assert "Imports" in titles
    qtbot.waitUntil(lambda: window.counts_label.text().startswith("0 sources · 0 accounts · 0 people · 0 activities"))
    menus = [a.text() for a in window.menuBar().actions()]
    assert menus[:3] == ["&File", "&Edit", "&View"]
    assert window.import_action.shortcut().toString() == "Ctrl+I"


def test_the_sidebar_shows_every_page_name_whole_and_leaves_the_rest_to_the_page(window):
    """On a 1024 px screen every pixel counts: the sidebar is as wide as its longest name needs."""
    from PySide6.QtGui import QFont, QFontMetrics

    bar = window.sidebar
    font = QFont(bar.font())
    font.setPixelSize(14)  # the sidebar's size
    for i in range(bar.count()):
        item = bar.item(i)
        assert bar.visualItemRect(item).width() >= QFontMetrics(font).horizontalAdvance(item.text()) + 20
    assert bar.width() <= 150  # it was 170 px, 60 more than "Recognition" and its padding take
    window.resize(1024, 680)
    assert window.stack.width() >= 1024 - 150


def test_import_runs_in_the_background_with_progress(window, qtbot, slack_zip):
    page = window.imports_page()
    fractions = []
    window.import_paths([str(slack_zip)])
    assert page.running.isVisible() and page.is_importing()
    page.task.progress.connect(lambda f, m: fractions.append(f))
    with qtbot.waitSignal(page.import_finished, timeout=60000) as blocker:
        pass
    result = blocker.args[0]
    assert result.added > 0
    assert fractions and fractions[-1] == pytest.approx(1.0)
    assert not page.running.isVisible()
    counts = window.ctx.ws.counts()
    assert counts["import_runs"] == 1 and counts["activities"] > 0
    qtbot.waitUntil(lambda: f"{counts['activities']:,} activities" in window.counts_label.text())
    assert counts["sources"] == 1 and window.counts_label.text().startswith("1 source · ")
    assert page.runs.rowCount() == 1
    assert page.runs.item(0, 2).text() == slack_zip.name
    # Selected, the run says what it did in words, and over which span of time.
    assert page.run_state.text().startswith(f"Import run 1: 1 file; added 1 source, {result.by_kind['channels']} "
                                            "channels, "), page.run_state.text()
    assert re.search(r"; updated 0\. Activity from \S+ \d\d:\d\d to \S+ \d\d:\d\d UTC\.$", page.run_state.text())
    # The format by its name, the importer's own name and version on hover.
    assert page.runs.item(0, 3).text() == "Slack workspace export"
    assert page.files.item(0, 2).text() == "Slack workspace export"
    assert page.files.item(0, 2).toolTip().startswith("slack ")
    added = page.runs.item(0, 5)
    kinds = result.by_kind
    assert added.text() == f"{result.added:,}" and result.added == kinds["accounts"] + kinds["activities"]
    # On hover, what Added is made of and what came with it.
    assert added.toolTip().startswith(f"Added {kinds['accounts']:,} accounts, {kinds['activities']:,} activities; "
                                      f"with them 1 source, {kinds['channels']:,} channels")
    # The banner lists every kind in the same words: one source in the singular, the containers first.
    banner = page.banner.text()
    assert banner.startswith(f"Imported {result.read:,} records: added 1 source, ")
    phrase = banner.split("added ", 1)[1].split(";")[0]
    assert [phrase.index(k) for k in ("channels", "accounts", "activities")] == \
        sorted(phrase.index(k) for k in ("channels", "accounts", "activities"))


def test_the_progress_bar_keeps_its_place_whatever_the_step_says(window, qtbot):
    """A channel file's long name, then a short step: the bar does not jump or shrink, and the
    long words end in "…", whole on hover."""
    page = window.imports_page()
    window.resize(800, 600)
    window.show_page("ImportsPage")
    page._show_progress("Checking channels")
    places = []
    long_name = "Reading discord/AI Builders - Text Channels - general [1100000000000000100].json"
    for message in ("Checking channels", long_name, "Counting the activity of each day"):
        page._progress(0.5, message)
        qtbot.wait(50)
        places.append(page.progress.geometry())
    assert places[0] == places[1] == places[2] and places[0].width() > 150, places
    assert page.progress_label.toolTip() == "Counting the activity of each day"
    page._progress(0.5, long_name)
    qtbot.wait(50)
    shown = page.progress_label.shown_text()
    assert shown.startswith("Reading discord/") and shown.endswith("…")
    assert page.progress_label.toolTip() == long_name
    page._finish()


def test_an_import_under_way_shows_in_the_drop_zone_and_moves_nothing(window, qtbot, slack_zip):
    """The progress and Cancel take the place of the drop zone's invitation while an import runs, so
    the history below stays where it is when an import starts."""
    from PySide6.QtCore import QEvent, QPoint
    from PySide6.QtWidgets import QApplication

    page = window.imports_page()
    window.show_page("ImportsPage")
    qtbot.waitUntil(lambda: page.runs.isVisible() or page.empty.isVisible())

    def history_top() -> int:
        return page.split.mapTo(page, QPoint(0, 0)).y()

    before, height = history_top(), page.drop.height()
    window.import_paths([str(slack_zip)])
    # The layout settles (its pending requests only: the import's own events wait, so it cannot
    # have ended and said so in a banner before the page is measured).
    QApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)
    assert (history_top(), page.drop.height()) == (before, height)
    assert page.progress.isVisible() and page.cancel_button.isVisible() and not page.drop.button.isVisible()
    assert page.drop.isAncestorOf(page.progress) and page.drop.isAncestorOf(page.cancel_button)
    with qtbot.waitSignal(page.import_finished, timeout=60000):
        pass
    assert page.drop.button.isVisible() and page.drop.label.isVisible() and not page.progress.isVisible()
    qtbot.waitUntil(lambda: page.drop.height() == height)  # the invitation's two lines again


def test_a_runs_files_and_formats_share_a_narrow_window_on_one_line(window, qtbot, slack_zip, tmp_path):
    """On a narrow window the files and formats of a run end in "…" (whole on hover) rather than
    wrap or push the figures out of view."""
    page = window.imports_page()
    users = tmp_path / "users.json"
    users.write_text('[{"id": "U9", "name": "nine", "real_name": "Nine"}]', encoding="utf-8")
    with qtbot.waitSignal(page.import_finished, timeout=60000):
        window.import_paths([str(slack_zip), str(users)])
    t = page.runs
    files, formats = t.item(0, 2), t.item(0, 3)
    assert ", " in formats.text() and "and 1 more" in files.text()
    for width in (1280, 900):
        window.resize(width, 700)
        qtbot.waitUntil(lambda: abs(sum(t.columnWidth(c) for c in range(t.columnCount())) - t.viewport().width()) <= 1)
        assert not t.horizontalScrollBar().isVisible() and not t.wordWrap()
        assert t.columnWidth(2) >= 60 and t.columnWidth(3) >= 60
        assert t.columnWidth(1) >= t.sizeHintForColumn(1) and t.columnWidth(8) >= t.sizeHintForColumn(8)  # kept whole
    assert t.columnWidth(3) < t.fontMetrics().horizontalAdvance(formats.text())  # at 900 px it gives way
    assert formats.toolTip() and files.toolTip()


def test_the_newest_run_and_its_files_show_after_each_import(window, qtbot, slack_zip, tmp_path):
    page = window.imports_page()
    users = tmp_path / "users.json"
    users.write_text('[{"id": "U9", "name": "nine", "real_name": "Nine"}]', encoding="utf-8")
    for path in (slack_zip, users):
        with qtbot.waitSignal(page.import_finished, timeout=60000):
            window.import_paths([str(path)])
    assert [page.runs.item(r, 2).text() for r in range(page.runs.rowCount())] == ["users.json", slack_zip.name]
    assert page.files.rowCount() == 1 and page.files.item(0, 0).text() == "users.json"
    with qtbot.waitSignal(page.import_finished, timeout=60000):
        window.import_paths([str(users)])  # the same file again: nothing new, no run
    assert page.runs.rowCount() == 2 and page.banner.text().startswith("Nothing new")
    # The zip again beside a new file: the new one is read, the zip is said to be left alone, and
    # nothing speaks of problems or skipped records.
    more = tmp_path / "more" / "users.json"
    more.parent.mkdir()
    more.write_text('[{"id": "U10", "name": "ten", "real_name": "Ten"}]', encoding="utf-8")
    with qtbot.waitSignal(page.import_finished, timeout=60000):
        window.import_paths([str(slack_zip), str(more)])
    banner = page.banner.text()
    assert banner.startswith("Imported 1 record: added 1 account;")
    assert f"{slack_zip.name}: identical to the file imported in run 1; nothing new to read." in banner
    assert "problem" not in banner and "skipped" not in banner
    qtbot.waitUntil(lambda: page.runs.rowCount() == 3, timeout=30000)
    assert page.runs.item(0, 8).text() == "0"  # the new run's Problems
    # The run's files are the one it read: the zip stays the first run's.
    qtbot.waitUntil(lambda: page.files.rowCount() == 1, timeout=30000)
    assert page.files.item(0, 0).text() == "users.json"


def test_what_an_import_changed_in_earlier_imports_is_said_by_kind(window, qtbot, tmp_path):
    """A later member list that renames a member: the banner says what was updated (an account),
    not only how many rows, and so does the run's Updated cell."""
    page = window.imports_page()
    first, later = tmp_path / "first" / "users.json", tmp_path / "later" / "users.json"
    for path, name in ((first, "Nine"), (later, "Nine Okafor")):
        path.parent.mkdir()
        path.write_text(f'[{{"id": "U9", "name": "nine", "real_name": "{name}"}}, '
                        '{"id": "U10", "name": "ten", "real_name": "Ten"}]', encoding="utf-8")
        with qtbot.waitSignal(page.import_finished, timeout=60000):
            window.import_paths([str(path)])
    assert page.banner.text().startswith("Imported 2 records: added nothing new; updated 1 account."), \
        page.banner.text()
    qtbot.waitUntil(lambda: page.runs.rowCount() == 2, timeout=30000)
    assert page.runs.item(0, 6).text() == "1"
    assert page.runs.item(0, 6).toolTip() == "Changed in what earlier imports brought: 1 account"
    assert page.runs.item(1, 6).toolTip() == ""  # the first run changed nothing that was there before
    page.runs.selectRow(0)
    assert page.run_state.text() == "Import run 2: 1 file; added nothing new; updated 1 account."


def test_what_was_left_alone_is_said_apart_from_the_problems(window, qtbot, exports_folder, chat_message):
    """A folder with a file that is no export, a saved list of bare member ids, and a Telegram
    chat with one time that has no UTC instant: one problem (the time, kept and read as UTC, not
    a record skipped); the two files left alone are said as such, and are not problems."""
    page = window.imports_page()
    folder = exports_folder({"README.txt": "Exported for the audit.\n",
                             "members.json": '{"ok": true, "members": ["U1", "U2"]}'},
                            [chat_message(0, "Nia", "hello"), chat_message(1, "Omar", "hi", utc=False)])
    with zone_answered(lambda dialog: dialog.timezone.setCurrentText("UTC") or dialog.accept()) as asked, \
            qtbot.waitSignal(page.import_finished, timeout=60000):
        window.import_paths([str(folder)])
    assert len(asked) == 1  # Omar's time has no instant: the exporting computer's zone is asked
    banner = page.banner.text()
    assert banner.startswith("Imported "), banner
    assert "1 problem: see Problems." in banner
    assert "skipped (see" not in banner and "had problems" not in banner
    assert "exports/README.txt: not an export format the workbench knows; skipped." in banner
    assert "members.json: a member list of 2 ids without names or dates; nothing to import from it." in banner
    qtbot.waitUntil(lambda: page.runs.rowCount() == 1, timeout=30000)
    assert page.runs.item(0, 8).text() == "1"  # the run's Problems: the time, not the files left alone
    assert window.ctx.ws.counts()["activities"] == 2  # nothing was skipped
    assert not page.banner.details_button.isVisible()  # all said in the banner
    # The run keeps them: its Left alone tab says them after the banner is gone.
    page.runs.selectRow(0)
    assert [page.detail.tabText(i) for i in range(3)] == ["Files", "Problems (1)", "Left alone (2)"]
    left = [(page.left_alone.item(r, 0).text(), page.left_alone.item(r, 2).text())
            for r in range(page.left_alone.rowCount())]
    assert ("exports/README.txt", "not an export format the workbench knows; skipped.") in left
    assert [f for f, _ in left] == ["exports/README.txt", "members.json"]
    assert page.problems.rowCount() == 1
    # Too long for its column, what was said keeps its start and a path its end (the file's name).
    for table in (page.left_alone, page.problems):
        option, index = QStyleOptionViewItem(), table.model().index(0, 2)
        table.itemDelegateForColumn(2).initStyleOption(option, index)
        assert option.textElideMode == Qt.TextElideMode.ElideRight and option.text == table.item(0, 2).text()
        assert table.textElideMode() == Qt.TextElideMode.ElideLeft and table.itemDelegateForColumn(0) is None
    # Many files left alone: three are named, and all of them are under Details, where the rest
    # are kept (they are no problems of the run).
    edited = chat_message(1, "Omar", "hi again", utc=False) | {"edited_unixtime": "1709337000"}
    exports_folder({f"notes-{n}.txt": "x\n" for n in range(4)}, [chat_message(0, "Nia", "hello"), edited])
    with zone_answered(lambda dialog: dialog.accept()), qtbot.waitSignal(page.import_finished, timeout=60000):
        window.import_paths([str(folder)])
    banner = page.banner.text()
    assert banner.count("not an export format the workbench knows") == 3
    assert banner.endswith("And 3 more (see Details)."), banner
    assert page.banner.details_button.isVisible()
    details = page.banner._details.splitlines()
    assert len(details) == 6 and "exports/notes-3.txt, whole file: not an export format the workbench knows; skipped." in details
    qtbot.waitUntil(lambda: page.runs.rowCount() == 2, timeout=30000)
    page.runs.selectRow(0)
    assert page.detail.tabText(2) == "Left alone (6)" and page.left_alone.rowCount() == 6


def test_a_long_file_name_shows_whole_beside_its_digest(window, qtbot, slack_zip, tmp_path):
    import shutil

    page = window.imports_page()
    long_name = tmp_path / "AI Builders community - Slack export Jan 1 2024 - Nov 30 2026.zip"
    shutil.copy(slack_zip, long_name)
    with qtbot.waitSignal(page.import_finished, timeout=60000):
        window.import_paths([str(long_name)])
    window.show_page("ImportsPage")
    qtbot.waitUntil(lambda: page.files.rowCount() == 1)
    name, digest = page.files.item(0, 0).text(), page.files.item(0, 3).text()
    assert name == long_name.name and len(digest) == 64
    metrics = page.files.fontMetrics()
    assert page.files.columnWidth(0) >= metrics.horizontalAdvance(name)
    assert page.files.columnWidth(3) >= metrics.horizontalAdvance(digest)
    # On a small screen the digest gives way (it ends in "…", whole on hover and when copied).
    window.resize(1024, 680)
    qtbot.waitUntil(lambda: page.files.columnWidth(3) < metrics.horizontalAdvance(digest))
    assert page.files.columnWidth(3) >= page.files.viewport().width() // 3
    assert page.files.columnWidth(0) > page.files.columnWidth(3)
    assert page.files.item(0, 3).toolTip() == digest
    from workbench.ui.widgets import table_text

    page.files.selectRow(0)
    assert digest in table_text(page.files)


def test_cancel_leaves_nothing_behind(window, qtbot, slack_zip):
    page = window.imports_page()
    window.import_paths([str(slack_zip)])
    page.cancel_import()
    with qtbot.waitSignal(page.import_cancelled, timeout=60000):
        pass
    assert window.ctx.ws.counts() == {"sources": 0, "accounts": 0, "people": 0, "activities": 0, "import_runs": 0}
    assert "cancelled" in page.banner.text()
    assert page.cancel_button.isEnabled() and not page.is_importing()


def test_a_cancel_that_comes_after_the_import_finished_says_it_was_imported(window, qtbot, slack_zip, monkeypatch):
    """Cancel pressed as the import commits: the data is in the workspace, and the page said "The
    import was cancelled; the workspace is as it was." It now says what was imported."""
    page = window.imports_page()
    ws = window.ctx.ws
    real = ws.import_paths

    def committed_then_cancelled(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        result = real(*args, **kwargs)
        page.task.cancel()  # too late: the import is committed
        return result

    monkeypatch.setattr(ws, "import_paths", committed_then_cancelled)
    with qtbot.waitSignal(page.import_finished, timeout=60000) as finished:
        window.import_paths([str(slack_zip)])
    assert finished.args[0].added > 0 and ws.counts()["import_runs"] == 1
    assert page.banner.text().startswith("Imported ") and "cancelled" not in page.banner.text()
    assert not page.is_importing()


def test_a_dropped_file_is_imported(window, qtbot, slack_zip):
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(slack_zip))])
    event = QDropEvent(QPointF(300, 300), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                       Qt.KeyboardModifier.NoModifier)
    page = window.imports_page()
    window.dropEvent(event)
    assert event.isAccepted()
    with qtbot.waitSignal(page.import_finished, timeout=60000):
        pass
    assert window.ctx.ws.counts()["activities"] > 0
    assert window.current_page() is page


def test_a_dropped_discordchatexporter_page_is_imported_as_one(window, qtbot, tmp_path):
    """The exporter's default format, dropped on the window as a person has it: read, and said so."""
    page_file = Path(__file__).resolve().parent.parent / "data" / "discord" / "html" / \
        "Makers - Chat - help [900000000000000300].html"
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(page_file))])
    event = QDropEvent(QPointF(300, 300), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                       Qt.KeyboardModifier.NoModifier)
    page = window.imports_page()
    with qtbot.waitSignal(page.import_finished, timeout=60000):
        window.dropEvent(event)
    assert [page.runs.item(0, c).text() for c in (2, 3, 8)] == [page_file.name, "DiscordChatExporter HTML", "0"]
    assert window.ctx.ws.counts()["activities"] == 6


def test_a_bad_file_shows_one_sentence_and_changes_nothing(window, qtbot, tmp_path):
    bad = tmp_path / "holiday.txt"
    bad.write_text("not an export")
    page = window.imports_page()
    window.import_paths([str(bad)])
    with qtbot.waitSignal(page.import_failed, timeout=30000):
        pass
    assert page.banner.isVisible()
    assert page.banner.text() == f"{bad}: not an export format the workbench knows."
    assert window.ctx.ws.counts()["import_runs"] == 0


def test_an_audit_pack_dropped_or_opened_as_a_workspace_opens_as_a_pack(window, qtbot, slack_zip, tmp_path):
    """A pack dropped on the window, as one drops an export, opens read-only; so does one chosen with
    File ▸ Open workspace; nothing is imported into the workspace that was open."""
    from workbench.metrics.filters import Filters
    from workbench.reports.build import prepare_report
    from workbench.reports.pack import write_pack

    client = Workspace.open(tmp_path / "client.db")
    client.import_paths([slack_zip])
    pack = tmp_path / "audit.wbpack"
    write_pack(client, prepare_report(client, Filters.default_for(client)), pack, with_workspace=True)
    client.close()
    own = window.ctx.ws.location
    reports = window.pages["ReportsPage"]
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(pack))])
    event = QDropEvent(QPointF(300, 300), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                       Qt.KeyboardModifier.NoModifier)
    with qtbot.waitSignal(reports.pack_opened, timeout=60000):
        window.dropEvent(event)
    assert event.isAccepted()
    assert window.ctx.ws.readonly and window.windowTitle() == "Community Workbench — Audit pack audit.wbpack (read-only)"
    assert window.ctx.ws.counts()["activities"] > 0
    own_ws = Workspace.open(own)
    assert own_ws.counts()["import_runs"] == 0  # not imported into the workspace open before
    own_ws.close()

    assert window.open_workspace(own)
    assert not window.ctx.ws.readonly
    renamed = tmp_path / "from-the-consultant.zip"  # whatever it is called
    renamed.write_bytes(pack.read_bytes())
    with qtbot.waitSignal(reports.pack_opened, timeout=60000):
        assert window.open_workspace(str(renamed))  # File ▸ Open workspace…
    assert window.ctx.ws.readonly and "Audit pack from-the-consultant.zip" in window.windowTitle()


@pytest.mark.parametrize(("locale", "group"), [("C", ","), ("de_DE", ".")])
def test_demo_workspace_window_shows_its_counts(qtbot, tmp_path, locale, group):
    """In the person's locale: 6,525 activities, or 6.525 in Germany."""
    from PySide6.QtCore import QLocale

    path = tmp_path / "demo.db"
    ws = Workspace.open(path)
    build_demo(ws, members=120)
    counts = ws.counts()
    ws.close()
    assert counts["activities"] >= 1000  # so that the count is grouped
    QLocale.setDefault(QLocale(locale))
    w = open_window(qtbot, path)
    qtbot.waitUntil(lambda: "activities" in w.counts_label.text())
    text = w.counts_label.text()
    assert f"{counts['activities']:,} activities".replace(",", group) in text
    assert f"{counts['people']:,} people".replace(",", group) in text
    w.grab().save(str(tmp_path / "window.png"))
    assert (tmp_path / "window.png").stat().st_size > 10000
    w.ctx.ws.close()


def test_recent_workspaces_are_remembered(window, tmp_path):
    other = tmp_path / "other.db"
    assert window.open_workspace(str(other))
    recent = window.ctx.recent_workspaces()
    assert recent[0] == str(other)
    assert "other.db" in window.windowTitle()


def test_workspace_settings_are_saved_in_the_workspace(window, qtbot):
    from workbench.ui.settings_dialog import SettingsDialog

    heard = []
    window.ctx.changed.connect(heard.append)
    dlg = SettingsDialog(window.ctx, window)
    dlg.timezone.setCurrentText("Mars/Olympus")
    dlg.save()
    assert "not a time zone" in dlg.error.text()
    assert window.ctx.ws.get_setting("reporting.timezone") is None
    dlg.timezone.setCurrentText("Asia/Bangkok")
    dlg.marker.setText("¿")
    dlg.save()
    assert dlg.result() == dlg.DialogCode.Accepted
    qtbot.waitUntil(lambda: window.ctx.ws.get_setting("reporting.timezone") == "Asia/Bangkok", timeout=10000)
    assert window.ctx.ws.get_setting("questions.marker") == "¿"
    qtbot.waitUntil(lambda: "settings" in heard)


def test_the_settings_dialog_puts_each_hint_under_its_field_and_fits_its_rows(window, qtbot):
    """Each field's hint sits right under it (the label beside the field), wrapped whole, and the
    dialog is as tall as its rows: no empty band under Save and Cancel."""
    from PySide6.QtWidgets import QDialogButtonBox, QLabel

    from workbench.ui.settings_dialog import SettingsDialog

    dlg = SettingsDialog(window.ctx, window)
    qtbot.addWidget(dlg)
    dlg.show()
    qtbot.waitExposed(dlg)
    assert 700 <= dlg.width() <= 800
    for key, field in dlg.fields.items():
        top_left = field.mapTo(dlg, field.rect().topLeft())
        bottom = top_left.y() + field.height()
        about = dlg.settings[key].about
        hint = next(w for w in dlg.findChildren(QLabel) if w.text() == about[:1].upper() + about[1:] + ".")
        at = hint.mapTo(dlg, hint.rect().topLeft())
        assert at.x() == top_left.x() and 0 <= at.y() - bottom <= 4, key  # right under its field
        # Every line of it shown, with no band of its own above or below the text.
        assert hint.heightForWidth(hint.width()) <= hint.height() <= hint.heightForWidth(hint.width()) + 2, key
        label = dlg.layout().labelForField(field.parentWidget())
        middle = label.mapTo(dlg, label.rect().center()).y()
        assert abs(middle - (top_left.y() + field.height() // 2)) <= 2, key  # beside the field, not the pair
    buttons = dlg.findChild(QDialogButtonBox)
    assert dlg.height() - (buttons.mapTo(dlg, buttons.rect().bottomLeft()).y()) <= 16


def test_a_slack_workspaces_address_given_in_the_settings_opens_its_questions_at_their_message(
        window, qtbot, slack_zip):
    """A Slack export names its workspace by id only: given its address once (checked, as the
    command line checks it), a Slack question's link opens at its message, not in its channel."""
    from sqlalchemy import select

    from workbench.metrics import Filters
    from workbench.metrics.support import unanswered
    from workbench.store.models import Source
    from workbench.ui.settings_dialog import SettingsDialog

    window.ctx.ws.import_paths([slack_zip])
    with window.ctx.ws.connect() as conn:
        team = conn.execute(select(Source.external_id).where(Source.platform == "slack")).scalar_one()
    before = unanswered(window.ctx.ws, Filters())["link"]
    assert len(before) and before.str.startswith("https://slack.com/app_redirect?channel=").all()
    dlg = SettingsDialog(window.ctx, window)
    field = dlg.fields[f"slack.address.{team}"]
    assert field.placeholderText() == "acme.slack.com" and field.text() == ""
    field.setText("evil.example")
    dlg.save()
    assert "not a Slack workspace's address" in dlg.error.text() and dlg.result() != dlg.DialogCode.Accepted
    field.setText("https://Builders.slack.com/")
    dlg.save()
    assert dlg.result() == dlg.DialogCode.Accepted
    qtbot.waitUntil(lambda: window.ctx.ws.get_setting(f"slack.address.{team}") == "builders.slack.com", timeout=10000)
    after = unanswered(window.ctx.ws, Filters())
    assert after["link"].str.match(r"https://builders\.slack\.com/archives/C[A-Z0-9]+/p\d{16}$").all()
    assert SettingsDialog(window.ctx, window).fields[f"slack.address.{team}"].text() == "builders.slack.com"


def test_the_settings_show_the_slack_address_found_in_the_export_and_leave_it_unset(window, qtbot, tmp_path):
    """An address a shared file's page showed is offered, not written: the field stays empty with
    the found address as its placeholder, and saving leaves it found rather than given."""
    import json
    import shutil

    from PySide6.QtWidgets import QLabel

    from workbench.ui.settings_dialog import SettingsDialog

    export = tmp_path / "export"
    shutil.copytree(Path(__file__).resolve().parent.parent / "data" / "slack" / "export", export)
    (export / "help" / "2024-01-03.json").write_text(json.dumps([
        {"type": "message", "user": "U01ADMIN", "text": "the sheet", "ts": "1704290100.000200",
         "files": [{"id": "F0ABC", "url_private": "https://files.slack.com/files-pri/T0TEST-F0ABC/gpus.png",
                    "permalink": "https://builders.slack.com/files/U01ADMIN/F0ABC/gpus.png"}]}]))
    window.ctx.ws.import_paths([export])
    dlg = SettingsDialog(window.ctx, window)
    field = dlg.fields["slack.address.T0TEST"]
    assert field.text() == "" and field.placeholderText() == "builders.slack.com (found in the export)"
    labels = [w.text() for w in dlg.findChildren(QLabel)]
    assert any(t.startswith("Found in the export's shared files") for t in labels), labels
    dlg.save()
    assert dlg.result() == dlg.DialogCode.Accepted
    window.ctx.wait_for_tasks()
    assert window.ctx.ws.get_setting("slack.address.T0TEST", None) is None


def test_closing_while_a_page_loads_quits_without_asking_but_an_import_asks(qtbot, tmp_path, slack_zip, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    from workbench.ui.app import create_app, create_window

    path = tmp_path / "w.db"
    ws = Workspace.open(path)
    ws.import_paths([slack_zip])
    ws.close()
    asked = []
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: asked.append(a[2]) or QMessageBox.StandardButton.No)
    create_app()
    w = create_window(str(path))
    qtbot.addWidget(w)
    w.show()
    w.show_page("DashboardPage")  # starts reading the figures in the background
    assert any(t.running and t.reads_only for t in w.ctx.tasks)
    assert w.close() and asked == []
    w.ctx.wait_for_tasks(20000)
    w.ctx.ws.close()

    w2 = create_window(str(tmp_path / "other.db"))
    qtbot.addWidget(w2)
    w2.show()
    w2.show_page("ImportsPage")
    w2.page("ImportsPage").import_paths([str(slack_zip)])
    assert not w2.close() and asked and "Import is still running" in asked[0]  # "No": the window stays
    w2.page("ImportsPage").task.cancel()
    w2.ctx.wait_for_tasks(20000)
    w2.ctx.ws.close()


def test_an_empty_workspace_shows_what_to_do_and_no_odd_figures(window, qtbot):
    import datetime as dt

    dash = window.pages["DashboardPage"]
    window.show_page("DashboardPage")
    qtbot.waitUntil(lambda: dash.empty.isVisible(), timeout=30000)
    # The disabled period fields show the chosen period up to today, not Qt's default of 2000-01-01.
    today = dt.date.today()
    assert (dash.start.date().toPython(), dash.end.date().toPython()) == (today - dt.timedelta(days=89), today)

    rec = window.pages["RecognitionPage"]
    with qtbot.waitSignal(rec.loaded, timeout=30000):
        window.show_page("RecognitionPage")
    assert rec.gap_empty.isVisible() and rec.gap_empty.text().startswith("No contributors in the period yet.")
    assert not rec.gap_label.isVisible()  # no "0 of the 0 people" sentence above it
    assert not rec.select_all_button.isEnabled() and not rec.recognize_button.isEnabled()


def test_a_result_for_something_closed_meanwhile_is_dropped(qtbot):
    """Work that ends after the page it was for was closed and deleted: its result is dropped,
    not an error in the window (pytest-qt fails a test on any error raised in Qt's event loop)."""
    import threading

    import shiboken6
    from PySide6.QtWidgets import QLabel

    from workbench.ui.app import create_app
    from workbench.ui.context import AppContext

    create_app()
    ctx = AppContext()
    label = QLabel()
    gate, ended = threading.Event(), []
    task = ctx.run_task(lambda progress, cancel: "read" if gate.wait(10) else "late", "Reading",
                        on_done=lambda text: label.setText(text), reads_only=True)
    task.ended.connect(lambda: ended.append(True))
    label.deleteLater()
    qtbot.waitUntil(lambda: not shiboken6.isValid(label))
    gate.set()
    qtbot.waitUntil(lambda: bool(ended), timeout=10000)  # the result was handed over, and dropped
    ctx.wait_for_tasks(10000)


def _drag(qtbot, splitter, by: int) -> list[int]:
    """Drag the splitter's first handle with the mouse, as a person does; the sizes after."""
    from PySide6.QtCore import QPoint

    handle = splitter.handle(1)
    start = handle.rect().center()
    step = QPoint(by, 0) if splitter.orientation() == Qt.Orientation.Horizontal else QPoint(0, by)
    before = splitter.sizes()
    qtbot.mousePress(handle, Qt.MouseButton.LeftButton, pos=start)
    qtbot.mouseMove(handle, start + step)
    qtbot.mouseRelease(handle, Qt.MouseButton.LeftButton, pos=start + step)
    after = splitter.sizes()
    assert abs(after[0] - before[0] - by) <= 2, (before, after)  # the drag moved the handle
    return after


def test_the_panes_open_next_time_where_they_were_dragged(qtbot, tmp_path):
    """A person who widens the People table or gives the import problems more room finds the panes
    as they left them in the next session, on every page with a movable divider."""
    from workbench.ui.app import create_app

    create_app()
    path = tmp_path / "demo.db"
    with Workspace.open(path) as ws:
        build_demo(ws, members=40, seed=3)

    def splitters(w):
        w.page("RecognitionPage").tabs.setCurrentIndex(2)  # the impact tables share their tab's height
        return {"people": (w.page("PeoplePage"), w.page("PeoplePage").split),
                "candidates": (w.page("ChampionsPage"), w.page("ChampionsPage").split),
                "weights": (w.page("ChampionsPage"), w.page("ChampionsPage").weights_split),
                "imports": (w.page("ImportsPage"), w.page("ImportsPage").split),
                "impact": (w.page("RecognitionPage"),
                           w.page("RecognitionPage").tabs.widget(2).findChild(QSplitter))}

    from PySide6.QtWidgets import QSplitter

    def open_a_profile(page) -> None:  # the People page's divider is there while a profile is open
        qtbot.waitUntil(lambda: page.model.rowCount() > 0, timeout=30_000)
        page.select_row(0)
        qtbot.waitUntil(lambda: page.profile.isVisible() and page.split.sizes()[1] > 0)

    first = open_window(qtbot, path)
    dragged = {}
    for name, (page, splitter) in splitters(first).items():
        first.show_page(type(page).__name__)
        qtbot.waitUntil(splitter.isVisible)
        if name == "people":
            open_a_profile(page)
        dragged[name] = _drag(qtbot, splitter, -90 if name != "weights" else 60)
    first.ctx.wait_for_tasks(20000)
    first.close()
    first.ctx.ws.close()

    again = open_window(qtbot, path)
    for name, (page, splitter) in splitters(again).items():
        again.show_page(type(page).__name__)
        qtbot.waitUntil(splitter.isVisible)
        if name == "people":
            open_a_profile(page)
        assert splitter.sizes() == dragged[name], name
    again.ctx.wait_for_tasks(20000)
    again.ctx.ws.close()


def test_changes_made_during_an_import_wait_for_it_without_freezing_the_window(qtbot, tmp_path, community):
    """Thanking someone or moving them in the programme while a large import runs: the window
    answers at once, the status bar says the change waits for the import, and it is made after."""
    from PySide6.QtCore import QElapsedTimer

    from workbench.champions import programme
    from workbench.champions.recognition import recognition_log
    from workbench.ui.app import create_app

    create_app()
    path = tmp_path / "demo.db"
    with Workspace.open(path) as ws:
        build_demo(ws, members=40, seed=3)
    w = open_window(qtbot, path)
    folder = community(messages=20000, members=800)
    imports = w.imports_page()
    w.import_paths([str(folder / "slack_export.zip"), str(folder / "discord"), str(folder / "telegram")])
    # The import reports progress: it is under way. (A connection that lives as long as the task:
    # waiting on this signal, which another thread emits many times a second, with a blocker that
    # is gone once the wait ends, could crash the test process on a late queued emission.)
    reported = []
    imports.task.progress.connect(lambda fraction, message: reported.append(fraction))
    qtbot.waitUntil(lambda: bool(reported), timeout=30000)
    person = 1
    clock = QElapsedTimer()
    clock.start()
    w.page("RecognitionPage")._add([person], {"kind": "shout-out", "note": "for the tutorial", "given_at": None,
                                              "given_by": "Ana"})
    w.page("ChampionsPage").move_people([person], "nominated", "helps everyone")
    took = clock.elapsed()
    assert imports.is_importing(), "the import ended before the changes were asked: nothing was tested"
    assert took < 500, f"the window was blocked for {took} ms"
    assert w.statusBar().currentMessage() == "Moving people in the programme waits for the import to finish."
    with qtbot.waitSignal(imports.import_finished, timeout=120000):
        pass
    qtbot.waitUntil(lambda: "Recorded 1 recognition" in w.page("RecognitionPage").banner.text(), timeout=30000)
    w.ctx.wait_for_tasks(30000)
    log = recognition_log(w.ctx.ws)
    assert list(log.loc[log["person_id"] == person, "note"]) == ["for the tutorial"]
    stages = programme.current_stages(w.ctx.ws).set_index("person_id")["stage"]
    assert stages[person] == "nominated"
    assert w.ctx.ws.counts()["import_runs"] == 2  # the demo's and this one
    w.ctx.ws.close()


def test_a_file_error_is_said_by_the_files_name_not_as_something_went_wrong():
    from workbench.ui.context import AppContext

    message, details = AppContext.error_text(FileNotFoundError(2, "No such file or directory", "/exports/general.json"))
    assert message == "/exports/general.json: No such file or directory." and "FileNotFoundError" in details


def test_years_of_import_history_are_read_in_the_background(qtbot, tmp_path):
    """A team that imports every day has a thousand runs after three years: the Imports page reads
    them off the window's thread, says nothing of "no imports yet" meanwhile, then shows them all,
    the newest first with its files and problems."""
    import sqlite3

    from workbench.ui.app import create_app

    create_app()
    path = tmp_path / "team.db"
    Workspace.open(path).close()
    with sqlite3.connect(path) as conn:
        conn.executemany("INSERT INTO import_run (id, started_at, finished_at, status, app_version, read, added, "
                         "updated, unchanged, skipped, counts) VALUES (?, '2026-01-01 06:00:00', "
                         "'2026-01-01 06:01:00', 'done', '0.1.0', 10, 5, 0, 5, 0, '{}')", [(i,) for i in range(1, 1001)])
        conn.executemany("INSERT INTO import_file (run_id, path, name, size, sha256, importer, importer_version) "
                         "VALUES (?, ?, ?, 100, ?, 'slack', '1')",
                         [(i, f"/exports/{i}/day{j}.json", f"day{j}.json", "ab" * 32) for i in range(1, 1001)
                          for j in range(30)])
        conn.executemany("INSERT INTO import_problem (run_id, file, position, message) VALUES (1000, ?, 'line 1', "
                         "'not a message')", [(f"day{j}.json",) for j in range(3)])
    conn.close()
    w = open_window(qtbot, path)
    page = w.imports_page()
    with qtbot.waitSignal(page.history_loaded, timeout=60000):
        w.show_page("ImportsPage")
        assert page.runs.rowCount() == 0 and not page.empty.isVisible()  # still reading, off this thread
    assert page.runs.rowCount() == 1000 and page.runs.item(0, 0).text() == "1000"
    assert page.files.rowCount() == 30 and page.problems.rowCount() == 3
    assert page.detail.tabText(1) == "Problems (3)" and not page.empty.isVisible()
    w.ctx.wait_for_tasks(30000)
    w.ctx.ws.close()


def test_an_import_made_in_a_terminal_shows_in_the_open_window(qtbot, tmp_path, cli):
    """A `workbench import` into the workspace the window has open (a nightly job, a colleague's
    terminal): the status bar's counts follow within seconds and offer to refresh the pages; the
    pages do not move under the person's hands until asked."""
    data = Path(__file__).resolve().parent.parent / "data" / "irc"
    path = tmp_path / "team.db"
    assert cli("import", "--workspace", path, data / "ChannelLogger").code == 0
    w = open_window(qtbot, path)
    w.ctx._watch_timer.setInterval(200)
    w.show_page("ImportsPage")
    imports = w.imports_page()
    qtbot.waitUntil(lambda: imports.runs.rowCount() == 1, timeout=30000)
    qtbot.waitUntil(lambda: " · 9 activities" in w.counts_label.text(), timeout=30000)
    qtbot.wait(600)  # several looks: nothing has changed yet
    assert not w.elsewhere_button.isVisible()

    assert cli("import", "--workspace", path, data / "2024-05-03.log").code == 0
    qtbot.waitUntil(w.elsewhere_button.isVisible, timeout=10000)
    qtbot.waitUntil(lambda: " · 10 activities" in w.counts_label.text(), timeout=10000)
    assert imports.runs.rowCount() == 1  # the page stays as it was until asked
    qtbot.mouseClick(w.elsewhere_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: imports.runs.rowCount() == 2, timeout=30000)
    assert not w.elsewhere_button.isVisible()

    w.show_page("PeoplePage")  # the platform as people write it, in the filters
    people = w.page("PeoplePage")
    qtbot.waitUntil(lambda: "irc" in people.platform_chips, timeout=30000)
    assert people.platform_chips["irc"].text() == "IRC"

    w.page("RecognitionPage")._add([1], {"kind": "shout-out", "note": "", "given_at": None, "given_by": "Ana"})
    w.ctx.wait_for_tasks(30000)
    qtbot.wait(600)  # the window's own change is not someone else's
    assert not w.elsewhere_button.isVisible()
    w.ctx.ws.close()


def test_a_run_of_many_formats_keeps_its_counts_in_sight(window, qtbot, tmp_path):
    """A consultant drops a folder of everything: the run's row names two formats and says how many
    more (all of them on hover), and its Read to Problems columns stay on screen."""
    import shutil

    DATA = Path(__file__).resolve().parent.parent / "data"

    folder = tmp_path / "client"
    folder.mkdir()
    for name in ("telegram/result.json", "gitter/messages.json", "discord/dm.json"):
        shutil.copy(DATA / name, folder / name.replace("/", "-"))
    shutil.copytree(DATA / "mbox", folder / "mbox")
    page = window.imports_page()
    window.resize(1280, 800)
    window.show_page("ImportsPage")
    with qtbot.waitSignal(page.import_finished, timeout=60000):
        window.import_paths([str(folder)])
    qtbot.waitUntil(lambda: page.runs.rowCount() == 1)
    formats = page.runs.item(0, 3)
    names = formats.toolTip().split("\n")
    assert len(names) >= 4 and "DiscordChatExporter JSON" in names and "Gitter messages or rooms" in names
    assert formats.text() == f"{names[0]} and {len(names) - 1} more"
    header = page.runs.horizontalHeader()
    right = header.sectionViewportPosition(8) + header.sectionSize(8)
    assert right <= page.runs.viewport().width(), "the Problems column is scrolled out of sight"
    assert page.runs.item(0, 2).toolTip().split("\n")[0] == page.runs.item(0, 2).text().split(" and ")[0]


def test_an_older_telegram_export_is_imported_in_the_zone_its_computer_was_in(window, qtbot, exports_folder,
                                                                             chat_message):
    """Telegram Desktop once wrote only the exporting computer's clock times. The Imports page asks in
    which zone that computer was (it read them as UTC, and only the command line could say otherwise):
    a zone it does not know is said in the dialog, Cancel imports nothing, the zone given is used."""
    from PySide6.QtWidgets import QDialogButtonBox

    from workbench.ui.zone_dialog import ZoneDialog, system_zone

    page = window.imports_page()

    def cancel(dialog: ZoneDialog) -> None:
        assert dialog.timezone.currentText() == system_zone()
        dialog.reject()

    folder = exports_folder(messages=[chat_message(0, "Nia", "hello", utc=False)])  # 01:30 on 2 March 2024
    with zone_answered(cancel) as asked, qtbot.waitSignal(page.import_failed, timeout=30000) as failed:
        page.import_paths([str(folder)])
    assert len(asked) == 1 and asked[0].startswith("result.json was exported by an older Telegram Desktop")
    assert "nothing was imported" in str(failed.args[0]) and "nothing was imported" in page.banner.text()
    assert window.ctx.ws.counts()["activities"] == 0 and window.ctx.ws.counts()["import_runs"] == 0

    said: list[str] = []

    def athens(dialog: ZoneDialog) -> None:
        dialog.timezone.setCurrentText("Europe/Athen")
        dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok).click()
        said.append(dialog.message.text())
        assert dialog.isVisible()
        dialog.timezone.setCurrentText("Europe/Athens")
        said.append(dialog.example.text())
        dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok).click()

    with zone_answered(athens) as asked, qtbot.waitSignal(page.import_finished, timeout=30000) as finished:
        page.import_paths([str(folder)])
    result = finished.args[0]
    assert len(asked) == 1 and said[0].startswith("“Europe/Athen” is not a time zone the workbench knows")
    assert said[1] == "Its first time, 2024-03-02 01:30 on that clock, is read as 2024-03-01 23:30 UTC."
    assert result.problems[0].message == ("1 time had only the exporter's local wall-clock time (no date_unixtime); "
                                          "they were read as Europe/Athens.")
    with window.ctx.ws.connect() as conn:  # 01:30 in Athens (UTC+2 in March) is 23:30 UTC the day before
        assert str(conn.exec_driver_sql("select created_at from activity").scalar_one())[:16] == "2024-03-01 23:30"

    # The next older export (another chat of that computer) is asked about with the zone given last.
    folder = exports_folder(messages=[chat_message(2, "Omar", "later", utc=False)])
    with zone_answered(lambda dialog: said.append(dialog.timezone.currentText()) or dialog.accept()), \
            qtbot.waitSignal(page.import_finished, timeout=30000):
        page.import_paths([str(folder)])
    assert said[-1] == "Europe/Athens"

    # An export with its UTC instants is not asked about.
    folder = exports_folder(messages=[chat_message(1, "Nia", "again")])
    with zone_answered(athens) as asked, qtbot.waitSignal(page.import_finished, timeout=30000) as finished:
        page.import_paths([str(folder)])
    assert asked == [] and finished.args[0].by_kind.get("activities") == 1


def test_removing_a_later_export_puts_back_what_it_edited_and_undo_brings_it_back(window, qtbot, exports_folder,
                                                                        chat_message, tmp_path, monkeypatch):
    """A chat's later export that edited a message and renamed a member, taken back out from the
    Imports page: the question says those rows get back what they held, the banner says they did,
    and the People page's name is the earlier one again; Edit ▸ Undo brings the export back."""
    from PySide6.QtWidgets import QMessageBox

    page = window.imports_page()
    window.show_page("ImportsPage")
    first = [chat_message(1, "Nia", "How do I batch?"), chat_message(2, "Omar", "Use the batch endpoint.")]
    with qtbot.waitSignal(page.import_finished, timeout=60000):
        window.import_paths([str(exports_folder(messages=first))])
    before = window.ctx.ws.counts()
    later = tmp_path / "later" / "result.json"
    later.parent.mkdir()
    edited = {**first[0], "text": "How do I batch in v2?", "edited_unixtime": "1712048400"}
    renamed = {**first[1], "from": "Omar Haddad"}
    later.write_text(json.dumps({"name": "Builders", "type": "public_supergroup", "id": 42,
                                 "messages": [edited, renamed]}), encoding="utf-8")
    with qtbot.waitSignal(page.import_finished, timeout=60000) as finished:
        window.import_paths([str(later)])
    assert finished.args[0].updated == 2 and "Omar Haddad" in names_of(window.ctx.ws)
    qtbot.waitUntil(lambda: page.runs.rowCount() == 2)
    page.runs.selectRow(0)

    asked: list[str] = []
    monkeypatch.setattr(QMessageBox, "question",
                        lambda *a, **k: asked.append(a[2]) or QMessageBox.StandardButton.Yes)
    with qtbot.waitSignal(page.run_removed, timeout=60000):
        page.remove_button.click()
    assert ("What it changed in earlier imports' rows (1 account, 1 activity) is put back as it was. The run stays "
            "in the history") in asked[0]
    assert page.banner.text() == ("Removed import run 2: it had added nothing. It had changed 2 rows of earlier "
                                  "imports (1 account, 1 activity); they were put back as they were.")
    assert window.ctx.ws.counts() == before and names_of(window.ctx.ws) == {"Nia", "Omar"}
    qtbot.waitUntil(lambda: page.runs.item(0, 1).text().endswith(" · removed"))
    assert page.runs.item(0, 1).toolTip().endswith(": 2 rows put back.")
    with window.ctx.ws.connect() as conn:
        assert conn.exec_driver_sql("SELECT text FROM activity ORDER BY id").scalars().all() == [
            "How do I batch?", "Use the batch endpoint."]

    # The removed run offers to come back, and Edit ▸ Undo brings it back: the later export again.
    page.runs.selectRow(0)
    assert page.bring_back_button.isVisible() and page.bring_back_button.isEnabled()
    assert not page.remove_button.isVisible()
    with qtbot.waitSignal(page.import_finished, timeout=60000) as again:
        window.undo_action.trigger()
    assert again.args[0].run_id == 3 and again.args[0].updated == 2
    assert "Omar Haddad" in names_of(window.ctx.ws) and window.ctx.ws.counts()["activities"] == 2
    qtbot.waitUntil(lambda: page.runs.rowCount() == 3)
    page.runs.selectRow(1)  # run 2, removed and brought back: said so, and not offered again
    assert page.run_state.text().endswith(": 2 rows put back. Brought back as run 3.")
    assert not page.bring_back_button.isEnabled()
    window.undo_action.trigger()
    assert page.banner.text() == "There is no removal of an import to undo."


def test_bringing_back_a_folder_that_gained_a_file_is_refused_and_leaves_the_run_removed(window, qtbot, tmp_path,
                                                                                         monkeypatch):
    """A channel exported since into the folder of a removed import: Bring back reads the folder,
    finds a file the run did not read, and refuses before anything is committed; the banner says
    which file, and the run stays removed, still offered to bring back."""
    import shutil

    from PySide6.QtWidgets import QMessageBox

    guild = tmp_path / "guild"
    shutil.copytree(Path(__file__).resolve().parent.parent / "data" / "discord" / "guild", guild)
    from workbench.importers import digest
    hashed = []  # each file's digest taken (its bytes read through SHA-256)
    monkeypatch.setattr(digest, "hashlib", SimpleNamespace(sha256=lambda: hashed.append(1) or hashlib.sha256()))
    page = window.imports_page()
    window.show_page("ImportsPage")
    with qtbot.waitSignal(page.import_finished, timeout=60000):
        window.import_paths([str(guild)])
    imported_files = len(hashed)
    qtbot.waitUntil(lambda: page.runs.rowCount() == 1)
    page.runs.selectRow(0)
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    with qtbot.waitSignal(page.run_removed, timeout=60000):
        page.remove_button.click()
    removed = window.ctx.ws.counts()
    doc = json.loads((guild / "Makers - Chat - general [900000000000000100].json").read_text(encoding="utf-8"))
    doc["channel"] = {**doc["channel"], "id": "900000000000000300", "name": "showcase"}
    doc["messages"] = [{**m, "id": str(int(m["id"]) + 7)} for m in doc["messages"]]
    later = guild / "Makers - Chat - showcase [900000000000000300].json"
    later.write_text(json.dumps(doc), encoding="utf-8")

    qtbot.waitUntil(lambda: page.runs.item(0, 1).text().endswith(" · removed"))
    page.runs.selectRow(0)
    with qtbot.waitSignal(page.import_failed, timeout=60000):
        page.bring_back_button.click()
    assert page.banner.text() == ("Import run 1 cannot be brought back as it was: 1 file beside the ones it read was "
                                  f"added since and would be imported with them: {later}. Nothing was imported; "
                                  "import the folder again if that is what you want.")
    assert window.ctx.ws.counts() == removed and page.runs.rowCount() == 1
    page.runs.selectRow(0)
    assert page.bring_back_button.isVisible() and page.bring_back_button.isEnabled()

    # Without that file: the check of the run's files shows as an import's reading does, and
    # Cancel stops it with nothing imported; asked again, the run comes back.
    later.unlink()
    page.bring_back_button.click()
    assert page.progress_label.text() == "Checking the files of import run 1…" and page.cancel_button.isEnabled()
    page.cancel_import()
    qtbot.waitUntil(lambda: not page.is_importing())
    assert page.banner.text() == "The check of import run 1 was cancelled; nothing was imported."
    assert window.ctx.ws.counts() == removed and page.cancel_button.isEnabled()
    # The check reads each file once for its digest, and the import that follows takes the digests
    # from it rather than reading every file a second time.
    hashed.clear()
    page.runs.selectRow(0)
    with qtbot.waitSignal(page.import_finished, timeout=60000) as back:
        page.bring_back_button.click()
    assert back.args[0].run_id == 2 and window.ctx.ws.counts()["activities"] == 5
    assert len(hashed) == imported_files == 2, hashed


def names_of(ws) -> set[str]:  # noqa: ANN001
    with ws.connect() as conn:
        return set(conn.exec_driver_sql("SELECT display_name FROM person WHERE merged_into_id IS NULL").scalars())


def test_an_import_is_removed_from_the_imports_page_after_asking(window, qtbot, slack_zip, tmp_path, monkeypatch):
    """The wrong export imported: the Imports page takes its run back out (after asking, in the
    background), shows the run as removed and what left, and the counts are those before it."""
    from PySide6.QtWidgets import QMessageBox

    page = window.imports_page()
    window.show_page("ImportsPage")
    with qtbot.waitSignal(page.import_finished, timeout=60000):
        window.import_paths([str(slack_zip)])
    before = window.ctx.ws.counts()
    users = tmp_path / "users.json"  # another client's member list, dropped here by mistake
    users.write_text('[{"id": "U9", "name": "nine", "real_name": "Nine"}, {"id": "U10", "name": "ten"}]',
                     encoding="utf-8")
    with qtbot.waitSignal(page.import_finished, timeout=60000):
        window.import_paths([str(users)])
    qtbot.waitUntil(lambda: page.runs.rowCount() == 2)
    page.runs.selectRow(0)
    assert page.remove_button.isEnabled() and page.run_state.text() == \
        "Import run 2: 1 file; added 2 accounts; updated 0."  # a member list: no activity, so no span

    asked: list[str] = []
    answers = [QMessageBox.StandardButton.Cancel, QMessageBox.StandardButton.Yes]
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: asked.append(a[2]) or answers.pop(0))
    page.runs.setFocus()
    qtbot.keyClick(page.runs, Qt.Key.Key_Delete)  # as the button does; Cancel: nothing happens
    qtbot.waitUntil(lambda: bool(asked))
    assert asked[0].startswith("Remove import run 2 (users.json) from the workspace?\n\nWhat it brought (2 accounts)")
    assert window.ctx.ws.counts()["accounts"] == before["accounts"] + 2 and page.task is None
    with qtbot.waitSignal(page.run_removed, timeout=60000) as removed:
        page.remove_button.click()
    assert removed.args[0].sentence() == "Removed import run 2: 2 accounts, 2 people."
    assert page.banner.text() == "Removed import run 2: 2 accounts, 2 people."
    assert window.ctx.ws.counts() == before
    qtbot.waitUntil(lambda: f"{before['accounts']:,} accounts" in window.counts_label.text())
    # Still in the history, greyed, with what left; it cannot be removed twice.
    assert page.runs.item(0, 1).text().endswith(" · removed")
    assert page.runs.item(0, 1).toolTip().endswith(": 2 accounts, 2 people.")
    page.runs.selectRow(0)
    assert page.run_state.text().startswith("Removed ") and not page.remove_button.isEnabled()
    # Its time as the page writes times, in the person's locale, as the When column does.
    QLocale.setDefault(QLocale("de_DE"))
    with qtbot.waitSignal(page.history_loaded, timeout=30000):
        page.reload()
    page.runs.selectRow(0)
    assert re.fullmatch(r"Removed \d\d\.\d\d\.\d{4} \d\d:\d\d UTC: 2 accounts, 2 people\.", page.run_state.text())
    assert re.fullmatch(r"\d\d\.\d\d\.\d{4} \d\d:\d\d UTC · removed", page.runs.item(0, 1).text())
    page.runs.selectRow(1)
    assert page.remove_button.isEnabled()
    window.resize(1100, 700)

    # The Slack export, with a later Slack import after it: that one must go first; said, not asked.
    with qtbot.waitSignal(page.import_finished, timeout=60000):
        window.import_paths([str(users)])
    qtbot.waitUntil(lambda: page.runs.rowCount() == 3)
    page.runs.selectRow(2)
    with qtbot.waitSignal(page.run_refused, timeout=30000) as refused:
        page.remove_button.click()
    assert refused.args[0].startswith("Import run 1 cannot be removed before run 3, imported after it from Slack "
                                      "too") and page.banner.text() == refused.args[0]
    assert len(asked) == 2 and window.ctx.ws.counts()["import_runs"] == 2
    page.runs.selectRow(0)
    qtbot.wait(50)
    window.grab().save(str(tmp_path / "removed.png"))
