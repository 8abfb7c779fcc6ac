"""The CSV column mapping dialog, alone and from the Imports page, driven like a person would."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QDialogButtonBox
from sqlalchemy import text

from workbench.ui.csv_mapping import NONE, CsvMappingDialog

DATA = Path(__file__).resolve().parent.parent / "data" / "csv"
EXCEL = DATA / "members_excel.csv"


def click_save(qtbot, dialog) -> None:
    qtbot.mouseClick(dialog.buttons.button(QDialogButtonBox.StandardButton.Save), Qt.MouseButton.LeftButton)


def test_dialog_shows_the_first_rows_and_guesses_the_columns(qtbot):
    dialog = CsvMappingDialog(EXCEL)
    qtbot.addWidget(dialog)
    table = dialog.findChild(object, "preview")
    assert [table.horizontalHeaderItem(i).text() for i in range(table.columnCount())] == \
        ["Mitglieds-Nr", "Name", "E-Mail", "Beigetreten am", "Team"]
    assert table.rowCount() == 3 and table.item(2, 1).text() == "Smith; John"
    guessed = {f: c.currentText() for f, c in dialog.combos.items()}
    assert guessed["email"] == "E-Mail" and guessed["display_name"] == "Name"
    assert guessed["joined_at"] == "Beigetreten am" and guessed["is_bot"] == NONE


def test_save_hands_back_a_mapping_that_imports(qtbot, ws):
    dialog = CsvMappingDialog(EXCEL)
    qtbot.addWidget(dialog)
    dialog.platform.setText("meetup")
    dialog.select("external_id", "Mitglieds-Nr")
    dialog.select("is_staff", "Team")
    dialog.timezone.setCurrentText("Europe/Berlin")
    with qtbot.waitSignal(dialog.accepted):
        click_save(qtbot, dialog)
    mapping = dialog.result_mapping
    assert mapping["columns"]["external_id"] == "Mitglieds-Nr" and mapping["timezone"] == "Europe/Berlin"
    ws.import_paths([EXCEL], options={"csv": {"mapping": mapping}})
    with ws.connect() as conn:
        joined = conn.execute(text("select joined_at from account where external_id = 'M-001'")).scalar_one()
    assert str(joined).startswith("2025-11-23 13:05:00")


def test_save_refuses_a_mapping_without_a_required_field(qtbot):
    dialog = CsvMappingDialog(EXCEL)
    qtbot.addWidget(dialog)
    dialog.kind.setCurrentIndex(dialog.kind.findData("activities"))
    assert set(dialog.combos) >= {"account", "created_at", "text"}
    dialog.select("account", None)
    click_save(qtbot, dialog)
    assert dialog.result_mapping is None and "account" in dialog.message.text()
    assert dialog.message.text().startswith("the mapping leaves out account")


@pytest.fixture
def window(qtbot, ws_path):
    from workbench.ui.app import create_app, create_window

    create_app()
    w = create_window(str(ws_path))
    qtbot.addWidget(w, before_close_func=lambda window: window.ctx.wait_for_tasks(20000))
    w.show()
    qtbot.waitExposed(w)
    yield w
    w.ctx.wait_for_tasks(20000)
    if w.ctx.ws is not None:
        w.ctx.ws.close()


def import_answering(qtbot, page, paths: list[Path], answer) -> object:  # noqa: ANN001
    """Import ``paths`` on the Imports page as a person does when it asks: each mapping dialog is
    answered by ``answer(dialog)``, then saved. The run's result."""
    def when_asked() -> None:
        dialog = QApplication.activeModalWidget()
        if isinstance(dialog, CsvMappingDialog) and dialog.isVisible() and dialog.result_mapping is None:
            answer(dialog)
            click_save(qtbot, dialog)

    timer = QTimer()
    timer.timeout.connect(when_asked)
    timer.start(20)
    try:
        with qtbot.waitSignal(page.import_finished, timeout=30000) as finished:
            page.import_paths([str(p) for p in paths])
    finally:
        timer.stop()
    return finished.args[0]


def test_imports_page_asks_for_a_mapping_once_then_imports(window, qtbot, tmp_path):
    csv_file = tmp_path / "members_excel.csv"
    shutil.copy(EXCEL, csv_file)
    page = window.imports_page()
    seen: list[CsvMappingDialog] = []

    def answer(dialog: CsvMappingDialog) -> None:
        seen.append(dialog)
        dialog.platform.setText("meetup")
        dialog.select("external_id", "Mitglieds-Nr")
        dialog.timezone.setCurrentText("Europe/Berlin")

    result = import_answering(qtbot, page, [csv_file], answer)
    assert len(seen) == 1 and seen[0].path == csv_file
    assert result.by_kind["accounts"] == 3
    assert "Imported" in page.banner.text()
    ws = window.ctx.ws
    with ws.connect() as conn:
        saved = conn.execute(text("select mapping from csv_mapping")).scalar_one()
    assert json.loads(saved)["platform"] == "meetup"

    # The same columns again: no dialog, the saved mapping is used.
    with qtbot.waitSignal(page.import_finished, timeout=30000) as again:
        page.import_paths([str(csv_file)])
    assert again.args[0].added == 0 and len(seen) == 1


def test_two_new_csv_files_at_once_are_asked_about_one_by_one(window, qtbot, tmp_path):
    first, second = tmp_path / "members_excel.csv", tmp_path / "members_utf8.csv"
    shutil.copy(EXCEL, first)
    shutil.copy(DATA / "members_utf8.csv", second)
    page = window.imports_page()
    asked: list[str] = []

    def answer(dialog: CsvMappingDialog) -> None:
        asked.append(dialog.path.name)
        dialog.platform.setText("meetup")
        if dialog.path == first:
            dialog.select("external_id", "Mitglieds-Nr")

    result = import_answering(qtbot, page, [first, second], answer)
    assert asked == ["members_excel.csv", "members_utf8.csv"]
    assert result.by_kind["accounts"] == 4  # M-001 is in both files
    with window.ctx.ws.connect() as conn:
        assert conn.execute(text("select count(*) from csv_mapping")).scalar_one() == 2


def test_a_sheet_of_recognitions_thanks_the_members_it_names_on_any_platform(window, qtbot, tmp_path):
    """The dialog leaves the platform empty for recognitions (any platform); the sheet's names are the
    members already imported, whose recognition log then holds what the sheet says."""
    from workbench.champions.recognition import recognition_log

    ws = window.ctx.ws
    ws.import_paths([DATA / "members_utf8.csv"], options={"csv": {"mapping": {
        "kind": "members", "platform": "meetup",
        "columns": {"external_id": "member_id", "display_name": "display name", "email": "email"}}}})
    sheet = tmp_path / "thanks.csv"
    sheet.write_text("Who,What,When\nJürgen Weiß,swag,2025-03-02\nWei@Example.cn,shout-out,2025-03-04\n",
                     encoding="utf-8")
    page = window.imports_page()
    asked: list[tuple[str, str]] = []

    def answer(dialog: CsvMappingDialog) -> None:
        dialog.kind.setCurrentIndex(dialog.kind.findData("recognitions"))
        asked.append((dialog.platform.text(), dialog.platform.placeholderText()))
        dialog.select("account", "Who")
        dialog.select("kind", "What")
        dialog.select("given_at", "When")

    result = import_answering(qtbot, page, [sheet], answer)
    assert asked == [("", "any platform")]
    assert result.by_kind.get("recognitions") == 2 and not result.by_kind.get("accounts")
    log = recognition_log(ws).sort_values("given_at")
    assert list(zip(log["name"], log["kind"])) == [("Jürgen Weiß", "swag"), ("Chen Wei", "shout-out")]
    assert ws.counts()["people"] == 2
