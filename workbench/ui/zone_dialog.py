"""The question an older Telegram export asks: in which time zone was the computer that exported it.

Telegram Desktop wrote each message's time only as the exporting computer's clock showed it
(``date``) before it added ``date_unixtime``. Read as UTC, a chat exported in Athens would put its
evening messages on the next day. The Imports page asks for the zone once, when the import meets
such a file, then imports again with it (``workbench import --timezone ZONE`` on the command line).
"""
from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt, QTimeZone
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLabel, QVBoxLayout, QWidget

from ..errors import ImportFailed
from ..importers.textio import zone
from . import dates
from .widgets import zone_combo


def system_zone() -> str:
    """This computer's time zone by IANA name, or UTC when it has none the workbench knows."""
    name = bytes(QTimeZone.systemTimeZoneId().data()).decode("ascii", errors="replace")
    try:
        zone(name)
    except ImportFailed:
        return "UTC"
    return name or "UTC"


class ZoneDialog(QDialog):
    """``result_zone`` after acceptance: the zone's name as typed or picked, one the workbench knows."""

    def __init__(self, file: str, parent: QWidget | None = None, *, first: dt.datetime | None = None,
                 last: str = "") -> None:
        super().__init__(parent)
        self.first = first
        self.setWindowTitle("Time zone of a Telegram export")
        self.result_zone: str | None = None
        layout = QVBoxLayout(self)
        about = QLabel(f"{file} was exported by an older Telegram Desktop, which wrote each message's time as "
                       "the exporting computer's clock showed it, without its time zone. In which time zone "
                       "was that computer?", objectName="about")
        about.setTextFormat(Qt.TextFormat.PlainText)
        about.setWordWrap(True)
        layout.addWidget(about)
        form = QFormLayout()
        self.timezone = zone_combo(last or system_zone())  # the zone given last time, else this computer's
        form.addRow("Time zone", self.timezone)
        self.example = QLabel("", objectName="example")  # the first time as it will be read, as the zone changes
        self.example.setWordWrap(True)
        form.addRow("", self.example)
        self.timezone.currentTextChanged.connect(self._show_example)
        layout.addLayout(form)
        suggested = "The zone given last time" if last else "This computer's zone"
        hint = QLabel(f"{suggested} is suggested. Every Telegram export of this import written this way is "
                      "read in the zone chosen, its times kept as UTC; Cancel imports nothing.")
        hint.setStyleSheet("color: palette(placeholder-text);")
        hint.setWordWrap(True)
        layout.addWidget(hint)
        self.message = QLabel("", objectName="message")
        self.message.setWordWrap(True)
        self.message.setStyleSheet("color: #b00020")
        self.message.hide()
        self._show_example(self.timezone.currentText())
        layout.addWidget(self.message)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Import")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.setMinimumWidth(520)

    def _show_example(self, name: str) -> None:
        try:
            tz = zone(name.strip() or None)
        except ImportFailed:
            self.example.setText("")
            return
        self.message.hide()  # what was said of a zone typed before
        if self.first is None:
            self.example.hide()
            return
        utc = self.first.replace(tzinfo=tz).astimezone(dt.timezone.utc)
        self.example.setText(f"Its first time, {dates.moment(self.first)} on that clock, is read as "
                             f"{dates.moment(utc, dt.timezone.utc, zone=True)}.")

    def accept(self) -> None:
        name = self.timezone.currentText().strip()
        try:
            zone(name or None)
        except ImportFailed as exc:
            self.message.setText(str(exc))
            self.message.show()
            return
        self.result_zone = name or "UTC"
        super().accept()


def ask_zone(parent: QWidget | None, file: str, first: dt.datetime | None = None, last: str = "") -> str | None:
    """Ask in which zone ``file``'s local times were written (``first`` the first of them; ``last``
    the zone given last time, suggested); the zone, or None when the person cancels."""
    dialog = ZoneDialog(file, parent, first=first, last=last)
    try:
        if dialog.exec() == QDialog.DialogCode.Accepted:
            return dialog.result_zone
        return None
    finally:
        dialog.deleteLater()
