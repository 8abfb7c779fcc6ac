"""The Reports page: preview, export and audit packs, all made off the GUI thread."""
from __future__ import annotations

import re

import keyring
import keyring.backends.fail
import pytest
from PySide6.QtCore import QPoint, Qt, QUrl
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import QAbstractSlider, QMessageBox

pytestmark = pytest.mark.slow


@pytest.fixture
def page(qtbot, community_db, copy_db):
    from workbench.ui.app import create_app
    from workbench.ui.context import AppContext
    from workbench.ui.pages.reports import ReportsPage

    create_app()
    ctx = AppContext()
    ctx.open_workspace(str(copy_db(community_db()[0])))
    p = ReportsPage(ctx)
    qtbot.addWidget(p)
    p.resize(1100, 800)
    with qtbot.waitSignal(p.form_ready, timeout=30000):
        p.show()
        # The period is read in the background; until then nothing can be made of it.
        assert not (p.preview_button.isEnabled() or p.export_button.isEnabled() or p.pack_button.isEnabled())
    qtbot.waitExposed(p)
    assert p.preview_button.isEnabled() and p.export_button.isEnabled()
    yield p
    ctx.wait_for_tasks(30000)
    if ctx.ws is not None:
        ctx.ws.close()


def test_the_preview_shows_the_report_with_its_charts(page, qtbot):
    assert page.start.date() < page.end.date()
    with qtbot.waitSignal(page.preview_ready, timeout=120000):
        page.preview()
        assert page.is_busy() and page.progress_row.isVisible()  # the window stays live meanwhile
    text = page.preview_text()
    assert "Community health report" in text and "Active people" in text and "Top helpers" in text
    image = page.browser.document().resource(QTextDocument.ResourceType.ImageResource, QUrl("chart:dau_wau_mau"))
    assert image is not None and not image.isNull() and image.width() > 300


def _meta(page) -> str:
    """The report's line under its title that names its period and filters."""
    return next((line for line in page.preview_text().splitlines() if "times in" in line), "")


def _laid_out(qtbot, bar) -> None:
    """Waits until the report shown is laid out whole: its scroll range still for half a second (a
    report is laid out in steps after it is shown, and the range moves with them)."""
    seen = [bar.maximum(), 0]

    def still() -> bool:
        if bar.maximum() != seen[0]:
            seen[:] = [bar.maximum(), 0]
        seen[1] += 1
        return seen[1] > 50
    qtbot.waitUntil(still, timeout=30000)  # asked every 10 ms


def test_the_preview_follows_the_choices_without_being_asked(page, qtbot):
    """Opened, the page shows the report of the period it read; a platform chosen, the report of
    that platform follows by itself, Preview not pressed."""
    qtbot.waitUntil(lambda: "Community health report" in page.preview_text(), timeout=120000)
    assert "Discord" not in _meta(page)
    bar = page.browser.verticalScrollBar()
    _laid_out(qtbot, bar)
    bar.setValue(bar.maximum() // 2)  # reading halfway down
    place = bar.value()
    page.platform.setCurrentIndex(page.platform.findData("discord"))
    qtbot.waitUntil(lambda: "Discord" in _meta(page), timeout=120000)
    assert not page.banner.isVisible()
    _laid_out(qtbot, bar)
    assert place > 0 and bar.value() == min(place, bar.maximum())  # still reading there


def test_a_preview_being_made_leaves_the_report_shown_where_it_is(page, qtbot):
    """A new preview's progress shows under the report being read: the report neither moves down the
    page nor scrolls while the next one is made (which happens a moment after every change)."""
    qtbot.waitUntil(lambda: "Community health report" in page.preview_text() and not page.is_busy(), timeout=120000)
    bar = page.browser.verticalScrollBar()
    # The report shown is still being laid out in steps, keeping the place the last preview was read
    # at: set by hand (as a person's scrolling is not), a place is taken once that is done.
    _laid_out(qtbot, bar)
    bar.setValue(bar.maximum() // 2)
    place, top = bar.value(), page.browser.mapTo(page, QPoint(0, 0)).y()
    with qtbot.waitSignal(page.preview_ready, timeout=120000):
        page.preview()
        page.layout().activate()
        assert page.progress_row.isVisible() and page.cancel_button.isVisible()
        assert page.browser.mapTo(page, QPoint(0, 0)).y() == top and bar.value() == place
        assert page.progress_row.mapTo(page, QPoint(0, 0)).y() >= top + page.browser.height()
    assert page.browser.mapTo(page, QPoint(0, 0)).y() == top


def test_a_new_preview_keeps_the_place_while_it_is_laid_out(page, qtbot):
    """A new report is laid out in steps after it is shown, and its scroll range grows with them: the
    place being read is reached as the range grows (not left where an early, shorter step put it),
    and once the person scrolls, their place is theirs."""
    qtbot.waitUntil(lambda: "Community health report" in page.preview_text() and not page.is_busy(), timeout=120000)
    bar = page.browser.verticalScrollBar()
    _laid_out(qtbot, bar)
    bar.setValue(bar.maximum() // 2)
    place = bar.value()
    with qtbot.waitSignal(page.preview_ready, timeout=120000):
        page.preview()
    _laid_out(qtbot, bar)
    assert bar.value() == place
    bar.triggerAction(QAbstractSlider.SliderAction.SliderSingleStepAdd)  # the person scrolls on
    moved = bar.value()
    bar.setRange(0, bar.maximum() + 100)
    assert place > 0 and moved > place and bar.value() == moved


def test_export_pressed_while_the_preview_is_made_is_not_refused_and_the_preview_follows(page, qtbot, tmp_path):
    """A preview made by itself gives way to Export pressed meanwhile (not "a report is already
    being made"), says nothing of being cancelled, and is made again after the export."""
    qtbot.waitUntil(lambda: "Community health report" in page.preview_text(), timeout=120000)
    page.platform.setCurrentIndex(page.platform.findData("discord"))
    qtbot.waitUntil(lambda: page.is_busy(), timeout=10000)  # the new preview is being made
    out = tmp_path / "report.html"
    with qtbot.waitSignal(page.export_finished, timeout=120000):
        page.export_to(str(out), "html")
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert page.banner.text() == f"The report was written to {out}."
    qtbot.waitUntil(lambda: "Discord" in _meta(page), timeout=120000)
    assert page.banner.text() == f"The report was written to {out}." and page.banner.isVisible()


def test_a_pseudonymized_preview_does_not_ask_for_a_key_by_itself(page, qtbot):
    """Without a keyring, the pseudonym key is asked for when Preview is pressed, not sprung on a
    person who only ticked the box."""
    qtbot.waitUntil(lambda: "Community health report" in page.preview_text(), timeout=120000)
    before = keyring.get_keyring()
    keyring.set_keyring(keyring.backends.fail.Keyring())
    try:
        page.pseudonymize.setChecked(True)
        qtbot.waitUntil(lambda: page.preview_text() == "", timeout=10000)
        assert page.key_dialog is None
        assert page.browser.placeholderText().startswith("Press Preview to choose a pseudonym key")
    finally:
        keyring.set_keyring(before)


def test_a_question_linked_in_the_preview_opens_in_the_browser(page, qtbot, browser):
    """The report links each unanswered question to where it was asked; clicked in the preview, the
    link goes to the browser, and the preview stays on the report."""
    from PySide6.QtGui import QTextCursor

    with qtbot.waitSignal(page.preview_ready, timeout=120000):
        page.preview()
    doc = page.browser.document()
    block, anchor = doc.begin(), None
    while block.isValid() and anchor is None:
        it = block.begin()
        while not it.atEnd():
            frag = it.fragment()
            if frag.charFormat().isAnchor() and frag.charFormat().anchorHref().startswith("https://"):
                anchor = frag
                break
            it += 1
        block = block.next()
    assert anchor is not None, "no linked question in the preview"
    href = anchor.charFormat().anchorHref()
    assert re.fullmatch(r"https://(discord\.com/channels|t\.me/c|slack\.com/app_redirect)\S+", href)
    cursor = QTextCursor(doc)
    cursor.setPosition(anchor.position() + 1)
    page.browser.setTextCursor(cursor)
    page.browser.ensureCursorVisible()
    at = page.browser.cursorRect(cursor).center()
    before = page.preview_text()
    qtbot.mouseClick(page.browser.viewport(), Qt.MouseButton.LeftButton, pos=at)
    qtbot.waitUntil(lambda: browser == [href])
    assert page.preview_text() == before


def test_the_platform_filter_shows_its_choices_whole(page, qtbot):
    """The platforms are read after the page is first shown; the box grows to fit them."""
    combo = page.platform
    texts = [combo.itemText(i) for i in range(combo.count())]
    assert texts[0] == "All platforms" and "Discord" in texts
    widest = max(combo.fontMetrics().horizontalAdvance(t) for t in texts)
    assert combo.width() >= widest + 20  # the text and the arrow beside it


def test_export_writes_the_chosen_format(page, qtbot, tmp_path):
    out = tmp_path / "report.html"
    with qtbot.waitSignal(page.export_finished, timeout=120000) as blocker:
        page.export_to(str(out), "html")
    assert blocker.args == [str(out)]
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert "written to" in page.banner.text()


def test_a_name_typed_without_its_ending_gets_it_and_a_name_of_another_format_is_refused(page, qtbot, tmp_path):
    with qtbot.waitSignal(page.export_finished, timeout=120000) as blocker:
        page.export_to(str(tmp_path / "q3-review"), "pdf")  # typed in the save dialog as it is
    assert blocker.args == [str(tmp_path / "q3-review.pdf")]
    assert (tmp_path / "q3-review.pdf").read_bytes().startswith(b"%PDF")
    page.export_to(str(tmp_path / "q3.html"), "pdf")  # a PDF under an HTML name would open as garbage
    assert page.banner.text() == ("q3.html is named for HTML, but the format chosen is PDF: change the format or "
                                  "the name.")
    qtbot.wait(200)
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("q3")) == ["q3-review.pdf"]


def test_the_format_and_pseudonyms_stay_as_last_chosen(page, qtbot):
    """Someone who always hands out pseudonymized PDFs finds the page set that way next time."""
    from workbench.ui.pages.reports import ReportsPage

    assert page.format.currentData() == "html" and not page.pseudonymize.isChecked()  # the first time
    page.format.setCurrentIndex(page.format.findData("pdf"))
    page.pseudonymize.setChecked(True)
    again = ReportsPage(page.ctx)
    qtbot.addWidget(again)
    assert again.format.currentData() == "pdf" and again.pseudonymize.isChecked()
    assert not again.with_workspace.isEnabled()  # never a copy of the workspace in a pseudonymized pack
    again.pseudonymize.setChecked(False)
    third = ReportsPage(page.ctx)
    qtbot.addWidget(third)
    assert not third.pseudonymize.isChecked() and third.with_workspace.isEnabled()


def test_without_a_keyring_a_one_off_key_is_offered(page, qtbot):
    before = keyring.get_keyring()
    keyring.set_keyring(keyring.backends.fail.Keyring())
    try:
        page.pseudonymize.setChecked(True)
        page.preview()
        qtbot.waitUntil(lambda: page.key_dialog is not None and page.key_dialog.isVisible(), timeout=10000)
        assert "No keyring is available" in page.key_dialog.text()
        one_off = next(b for b in page.key_dialog.buttons() if b.text() == "Use a one-off key")
        with qtbot.waitSignal(page.preview_ready, timeout=120000):
            one_off.click()
    finally:
        keyring.set_keyring(before)
    text = page.preview_text()
    assert text.count("Member ") >= 10 and "one-off key" in text


def test_an_audit_pack_without_a_workspace_opens_its_report(page, qtbot, tmp_path):
    pack = tmp_path / "audit.wbpack"
    with qtbot.waitSignal(page.export_finished, timeout=120000):
        page.create_pack(str(pack))
    page.browser.clear()
    with qtbot.waitSignal(page.pack_opened, timeout=60000):
        page.open_pack(str(pack))
    assert "Community health report" in page.preview_text()
    assert "every file matches its manifest" in page.banner.text()
    assert not page.ctx.ws.readonly  # the open workspace is still the user's own
    # The pack's own words: when it was made as people write a time, its runs counted in English.
    assert re.search(r"Audit pack made \d{4}-\d\d-\d\d \d\d:\d\d UTC by .*, 1 import run, \d+ source files\.",
                     page.banner.text()), page.banner.text()
    # The headline figures as the report wrote them, one line each (not label, value and change
    # stacked on three lines, the browser's cards without their style sheet).
    lines = page.preview_text().splitlines()
    active = next(line for line in lines if line.startswith("Active people"))
    assert re.fullmatch(r"Active people [\d,]+ [▲▼=] .* · previous [\d,]+", active), active
    # Each change in its colour, as in a browser: better green, worse red (the window's viewer drops
    # a style sheet that uses CSS variables, and drew them all black).
    from workbench.reports.render_html import BAD, GOOD, MUTED

    drawn = {}
    block = page.browser.document().begin()
    while block.isValid():
        it = block.begin()
        while not it.atEnd():
            frag = it.fragment()
            if frag.text()[:1] in "▲▼":
                drawn[frag.text()] = frag.charFormat().foreground().color().name()
            it += 1
        block = block.next()
    assert len(drawn) >= 5 and set(drawn.values()) <= {GOOD, BAD, MUTED} and GOOD in drawn.values(), drawn


def test_an_audit_pack_with_a_workspace_opens_it_read_only(page, qtbot, tmp_path):
    pack = tmp_path / "audit.wbpack"
    with qtbot.waitSignal(page.export_finished, timeout=120000):
        page.create_pack(str(pack), with_workspace=True)
    before = page.ctx.ws.counts()
    with qtbot.waitSignal(page.pack_opened, timeout=60000):
        page.open_pack(str(pack))
    assert page.ctx.ws.readonly and page.ctx.ws.counts() == before
    assert "wbpack-open-" in page.ctx.ws.location


def test_a_changed_pack_is_refused_naming_the_file(page, qtbot, tmp_path):
    import zipfile

    pack = tmp_path / "audit.wbpack"
    with qtbot.waitSignal(page.export_finished, timeout=120000):
        page.create_pack(str(pack))
    changed = tmp_path / "changed.wbpack"
    with zipfile.ZipFile(pack) as zin, zipfile.ZipFile(changed, "w") as zout:
        for info in zin.infolist():
            data = zin.read(info)
            zout.writestr(info.filename, data + b" " if info.filename == "tables/top_helpers.csv" else data)
    page.open_pack(str(changed))
    qtbot.waitUntil(lambda: page.banner.isVisible() and "fails its check" in page.banner.text(), timeout=60000)
    assert "tables/top_helpers.csv" in page.banner.text()
    assert not page.ctx.ws.readonly
    assert not [w for w in page.findChildren(QMessageBox) if w.isVisible()]


def test_the_platform_and_channel_filters_reach_the_report(page, qtbot, tmp_path):
    from openpyxl import load_workbook

    every = [page.channel.itemText(i) for i in range(1, page.channel.count())]
    assert "Slack #general" in every and "Discord #help" in every  # on every platform, each names its own
    page.platform.setCurrentIndex(page.platform.findData("discord"))
    labels = [page.channel.itemText(i) for i in range(page.channel.count())]
    assert labels[0] == "All channels" and "#help" in labels and not any("Slack" in x for x in labels)
    page.channel.setCurrentIndex(page.channel.findText("#help"))
    out = tmp_path / "help.xlsx"
    with qtbot.waitSignal(page.export_finished, timeout=120000):
        page.export_to(str(out), "xlsx")
    summary = [r for r in load_workbook(out)["Summary"].iter_rows(values_only=True)]
    assert any(r[0] == "Filters" and "Discord" in r[1] and "#help" in r[1] for r in summary)
    channels = {r[1] for r in list(load_workbook(out)["Activity by channel"].iter_rows(values_only=True))[1:]}
    assert channels == {"Discord #help"}


@pytest.fixture
def window(qtbot, community_db, copy_db):
    """The window on a copy of the community's workspace."""
    from workbench.ui.app import create_app, create_window

    create_app()
    w = create_window(str(copy_db(community_db()[0])))
    qtbot.addWidget(w, before_close_func=lambda w: w.ctx.wait_for_tasks(20000))
    w.show()
    qtbot.waitExposed(w)
    yield w
    w.ctx.wait_for_tasks(30000)
    w.ctx.ws.close()


def _open_own_pack(window, qtbot, pack) -> None:  # noqa: ANN001 - a MainWindow
    """An audit pack with a copy of the window's workspace made on the Reports page, and opened."""
    page = window.pages["ReportsPage"]
    with qtbot.waitSignal(page.form_ready, timeout=30000):
        window.show_page("ReportsPage")
    with qtbot.waitSignal(page.export_finished, timeout=120000):
        page.create_pack(str(pack), with_workspace=True)
    with qtbot.waitSignal(page.pack_opened, timeout=60000):
        page.open_pack(str(pack))


def test_the_window_opens_an_audit_pack_on_its_dashboard_read_only(qtbot, window, tmp_path):
    assert "Open audit &pack…" in [a.text() for a in window.file_menu.actions()]
    _open_own_pack(window, qtbot, tmp_path / "audit.wbpack")
    assert window.ctx.ws.readonly
    # The window names the pack the user opened, not the copy's file inside it.
    assert window.windowTitle() == "Community Workbench — Audit pack audit.wbpack (read-only)"
    qtbot.waitUntil(lambda: window.counts_label.text().startswith("Audit pack audit.wbpack, read-only · "))
    if "DashboardPage" in window.pages:
        assert window.current_page() is window.pages["DashboardPage"]


def test_in_an_audit_pack_nothing_offers_a_change_it_cannot_take(qtbot, window, tmp_path):
    """A client opening a consultant's pack finds no button that would change it: each is disabled and
    says why; a change asked another way (a drag on the board) is refused in a sentence naming the
    pack. Back in a workspace of one's own, every button works again."""
    from PySide6.QtWidgets import QDialogButtonBox

    from workbench.champions import programme
    from workbench.ui.settings_dialog import SettingsDialog

    own = window.ctx.ws.location
    champions, people, recognition = (window.pages[p] for p in ("ChampionsPage", "PeoplePage", "RecognitionPage"))
    board = champions.board
    changes = [people.staff_button, champions.add_candidate_button, champions.nominate_button,
               board.forward_button, board.back_button, board.remove_button, board.undo_button,
               recognition.add_button, recognition.edit_button, recognition.delete_button,
               window.pages["ImportsPage"].drop.button]
    assert all(b.isEnabled() for b in changes) and window.undo_action.isEnabled()
    _open_own_pack(window, qtbot, tmp_path / "audit.wbpack")

    why = "Audit pack audit.wbpack is open read-only: nothing in it can be changed."
    assert [b.text() for b in changes if b.isEnabled()] == []
    assert all(b.toolTip().startswith(why) for b in changes)
    assert not window.undo_action.isEnabled() and not window.import_action.isEnabled()
    assert window.pages["ImportsPage"].drop.label.text().startswith(why)
    settings = SettingsDialog(window.ctx, window)  # Workspace ▸ Settings…: the settings it was made with
    assert not settings.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Save).isEnabled()
    assert settings.error.text().startswith(why)
    settings.reject()
    with qtbot.waitSignal(champions.loaded, timeout=60000):
        window.show_page("ChampionsPage")
    assert not champions.weights.save_button.isEnabled()
    champions.weights.spins["answers"].setValue(5)  # a what-if is still open to anyone
    assert champions.weights.is_what_if() and not champions.weights.save_button.isEnabled()

    person = int(champions.model.frame()["person_id"].iloc[0])
    board.move_requested.emit([person], "nominated", "dragged")  # what a drop between columns asks
    qtbot.waitUntil(lambda: champions.banner.isVisible(), timeout=20000)
    assert champions.banner.text().startswith(why)
    assert programme.current_stages(window.ctx.ws).empty

    window.open_workspace(own)  # File ▸ Open recent: one's own workspace again
    assert not window.ctx.ws.readonly
    assert all(b.isEnabled() for b in changes) and window.undo_action.isEnabled()
    assert window.pages["ImportsPage"].drop.label.text().startswith("Drop export files")
    assert not any(b.toolTip().startswith(why) for b in changes)
    assert champions.weights.save_button.isEnabled() == champions.weights.is_what_if()


def test_an_audit_pack_opened_from_the_reports_page_is_what_it_then_previews(qtbot, window, tmp_path,
                                                                            monthly_newcomers):
    """A consultant's pack opened over one's own workspace: back on the Reports page, the preview is
    the pack's workspace, by the name it was made under, not the report that was shown before."""
    from sqlalchemy import select

    from workbench.metrics.filters import Filters
    from workbench.reports.build import prepare_report
    from workbench.reports.pack import write_pack
    from workbench.store.models import Channel
    from workbench.workspace import Workspace

    client = Workspace.open(tmp_path / "client.db")
    client.import_paths([monthly_newcomers(tmp_path / "general.json", 6)])
    pack = tmp_path / "audit.wbpack"
    write_pack(client, prepare_report(client, Filters.default_for(client)), pack, with_workspace=True)
    with client.connect() as conn:
        number = conn.execute(select(Channel.id)).scalar_one()  # its one channel, Discord #general
    client.close()

    page = window.pages["ReportsPage"]
    with qtbot.waitSignal(page.preview_ready, timeout=120000):
        window.show_page("ReportsPage")
    assert "copy-community.db · " in page.preview_text()
    page.channel.setCurrentIndex(page.channel.findData(number))  # another channel of that number here
    assert page.channel.currentText() not in ("All channels", "Discord #general")
    page.preview()  # a preview being made (the channel just chosen) when the pack is opened
    with qtbot.waitSignals([page.pack_opened, page.form_ready], timeout=60000):  # the pack's period, read
        page.open_pack(str(pack))
    assert window.current_page() is window.pages["DashboardPage"]
    assert page.preview_text().strip() == ""  # the report of before is not kept for later
    with qtbot.waitSignal(page.preview_ready, timeout=120000):
        window.show_page("ReportsPage")
    text = page.preview_text()
    assert "client.db · 2024-" in text and "copy-community.db" not in text
    assert "workspace.db" not in text  # the copy's file inside the pack is no one's name for it
    assert page.channel.currentText() == "All channels" and "all platforms; all channels" in text


def test_on_a_small_screen_every_control_shows_whole(page, qtbot):
    """At 1024 x 680 (the page gets about 850 x 600) no choice is cut short; the format sits by
    Export, and says more on hover."""
    page.resize(850, 600)
    qtbot.waitUntil(lambda: page.width() == 850)
    qtbot.wait(20)
    controls = [page.start, page.end, page.platform, page.channel, page.pseudonymize, page.preview_button,
                page.format, page.export_button, page.pack_button, page.with_workspace, page.open_pack_button]
    cut = [(c.objectName() or type(c).__name__, c.width(), c.sizeHint().width())
           for c in controls if c.width() < c.sizeHint().width()]
    assert not cut, cut
    assert [page.format.itemText(i) for i in range(page.format.count())] == ["HTML", "PDF", "Excel (XLSX)", "CSV"]
    assert "browser" in page.format.itemData(0, Qt.ItemDataRole.ToolTipRole)


def test_the_channel_list_names_a_direct_message_as_one(qtbot, page_on, dm_workspace):
    """As on the Dashboard: "Discord DM Jo" after the server's channels, "IRC #aihub" with one "#"."""
    from workbench.ui.pages.reports import ReportsPage

    p = page_on(ReportsPage, dm_workspace)
    with qtbot.waitSignal(p.form_ready, timeout=30000):
        p.show()
    assert [p.channel.itemText(i) for i in range(p.channel.count())] == [
        "All channels", "Discord #help", "Discord DM Jo", "Discord group DM Priyanka, Jo", "IRC #aihub"]
    assert [p.platform.itemText(i) for i in range(p.platform.count())] == ["All platforms", "Discord", "IRC"]


def test_a_pdf_export_says_which_characters_its_font_draws_as_boxes(page_on, qtbot, tmp_path, beyond_the_font):
    from workbench.ui.pages.reports import ReportsPage
    from workbench.workspace import Workspace

    path = tmp_path / "w.db"
    with Workspace.open(path) as ws:
        ws.import_paths([beyond_the_font(tmp_path / "ai.json")])
    page = page_on(ReportsPage, path)
    with qtbot.waitSignal(page.form_ready, timeout=30000):
        page.show()
    out = tmp_path / "r.pdf"
    with qtbot.waitSignal(page.export_finished, timeout=120000):
        page.export_to(str(out), "pdf")
    assert page.banner.text().startswith(f"The report was written to {out}. No font of this computer's has a "
                                         "glyph for 4 characters of the data, which the PDF draws as empty "
                                         "boxes: "), page.banner.text()
    assert "李 (U+674E)" in page.banner.text()
