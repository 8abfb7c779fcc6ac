"""The recognition dialog: kind, date, note and giver, for one person or several at once, or to
edit a recognition of the log."""
from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from ..champions.recognition import KINDS
from . import dates, figures


class RecognitionDialog(QDialog):
    """``values()`` after acceptance: kind, given_at (a date, a day of the reporting zone ``tz``,
    which is also where "today", the date it starts with, is taken), note, given_by.

    With ``ask_person`` the dialog also has a person field (id, platform:account id, or a user name,
    e-mail or name only one person has) for a recognition added straight to the log.
    """

    def __init__(self, names: list[str], *, kinds: list[str] | None = None, given_by: str = "",
                 ask_person: bool = False, initial: dict | None = None, title: str = "Recognize",
                 tz: dt.tzinfo = dt.timezone.utc, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setMinimumWidth(460)
        lay = QVBoxLayout(self)
        form = QFormLayout()
        self.person = QLineEdit()
        self.person.setPlaceholderText("person id, platform:account id, user name, e-mail or name")
        if ask_person:
            form.addRow("&Person:", self.person)
        elif names:
            shown = ", ".join(names[:8]) + (f" and {figures.number(len(names) - 8)} more" if len(names) > 8 else "")
            who = QLabel(f"{figures.number(len(names))} people: {shown}" if len(names) > 1 else shown)
            who.setWordWrap(True)
            form.addRow("For:", who)
        self.kind = QComboBox()
        self.kind.setEditable(True)
        self.kind.addItems(kinds or list(KINDS))
        self.kind.setToolTip("Choose a kind or type your own")
        form.addRow("&Kind:", self.kind)
        today = dt.datetime.now(tz).date()
        self.date = QDateEdit(QDate(today))
        # a recognition is logged once given: no day after today (one a file brought stays as it is)
        given = (initial or {}).get("given_at")
        self.date.setMaximumDate(QDate(max(today, given.date() if isinstance(given, dt.datetime) else given or today)))
        self.date.setCalendarPopup(True)
        self.date.setDisplayFormat(dates.date_format())
        form.addRow("&Date:", self.date)
        self.note = QLineEdit()
        self.note.setPlaceholderText("What it was for")
        form.addRow("&Note:", self.note)
        self.given_by = QLineEdit(given_by)
        form.addRow("Given &by:", self.given_by)
        lay.addLayout(form)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Save" if initial else "Recognize")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        lay.addWidget(buttons)
        if initial:
            self.kind.setCurrentText(initial.get("kind", ""))
            when = initial.get("given_at")
            if when is not None:
                self.date.setDate(QDate(when.year, when.month, when.day))
            self.note.setText(initial.get("note", "") or "")
            self.given_by.setText(initial.get("given_by", "") or "")
        self.kind.setFocus()

    def values(self) -> dict:
        d = self.date.date()
        return {"kind": self.kind.currentText().strip(), "given_at": dt.date(d.year(), d.month(), d.day()),
                "note": self.note.text().strip(), "given_by": self.given_by.text().strip()}
