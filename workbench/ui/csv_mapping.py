"""The CSV column mapping dialog: what each column of a members, activities or recognitions CSV holds.

Shows the file's first rows, one combo per field (guessed from the column names, changeable), the
platform the rows belong to, the time zone and day/month order of dates written without a zone.
Save checks the mapping with the importer's own rules and hands it back; the import saves it in
the workspace under the file's header signature, so the same columns are never asked about again.
"""
from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ..errors import ImportFailed
from ..importers.csvfile import FIELDS, KINDS, check_mapping, preview
from .widgets import zone_combo

NONE = "(not in this file)"
KIND_LABELS = {"members": "Members", "activities": "Activities (messages, posts)",
               "recognitions": "Recognitions (shout-outs, badges, swag)"}
GUESSES = {
    "external_id": ("id", "member id", "member_id", "user id", "nr", "number", "mitglieds"),
    "handle": ("username", "user name", "handle", "login", "nick"),
    "display_name": ("name", "full name", "display name"),
    "email": ("email", "e-mail", "mail"),
    "joined_at": ("joined", "join", "created", "since", "registered", "beigetreten"),
    "is_bot": ("bot",), "is_staff": ("staff", "team", "admin"),
    "account": ("author", "member", "person", "user"), "account_name": ("author name", "name"),
    "created_at": ("date", "time", "posted", "created", "sent"), "channel": ("channel", "room", "category"),
    "title": ("title", "subject"), "text": ("text", "message", "body", "content"),
    "parent": ("reply", "parent"), "kind": ("kind", "type"), "reaction_count": ("reactions", "likes"),
    "given_at": ("date", "given"), "note": ("note", "comment", "why"), "given_by": ("given by", "by", "from"),
}


def _guess(field: str, headers: list[str], taken: set[str]) -> str | None:
    lowered = {h.lower().strip(): h for h in headers if h not in taken}
    for word in GUESSES.get(field, ()):
        if word in lowered:
            return lowered[word]
    for word in GUESSES.get(field, ()):
        for low, original in lowered.items():
            if word in low:
                return original
    return None


class CsvMappingDialog(QDialog):
    def __init__(self, path: Path, parent: QWidget | None = None, *, kind: str = "members") -> None:
        super().__init__(parent)
        self.path = Path(path)
        self.headers, sample = preview(self.path, rows=5)
        self.setWindowTitle(f"What does {self.path.name} hold?")
        self.combos: dict[str, QComboBox] = {}
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(f"The first rows of <b>{self.path.name}</b>. Choose what each field is read "
                                "from; the workbench remembers it for files with the same columns."))
        layout.addWidget(self._table(sample))
        top = QFormLayout()
        self.kind = QComboBox(objectName="kind")
        for k in KINDS:
            self.kind.addItem(KIND_LABELS[k], k)
        self.platform = QLineEdit("csv", objectName="platform")
        self.timezone = zone_combo()
        self.date_order = QComboBox(objectName="date_order")
        self.date_order.addItem("Day first (31.12.2025)", "DMY")
        self.date_order.addItem("Month first (12/31/2025)", "MDY")
        top.addRow("The file holds", self.kind)
        top.addRow("Platform", self.platform)
        top.addRow("Dates without a time zone are in", self.timezone)
        top.addRow("Dates like 01/02/2025 are", self.date_order)
        layout.addLayout(top)
        self.fields_box = QWidget()
        self.fields_form = QFormLayout(self.fields_box)
        layout.addWidget(self.fields_box)
        self.message = QLabel("", objectName="message")
        self.message.setWordWrap(True)
        self.message.setStyleSheet("color: #b00020")
        layout.addWidget(self.message)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self._save)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.kind.currentIndexChanged.connect(self._build_fields)
        self.kind.setCurrentIndex(KINDS.index(kind))
        self._build_fields()
        self.result_mapping: dict | None = None

    def _table(self, sample: list[list[str]]) -> QTableWidget:
        table = QTableWidget(len(sample), len(self.headers), objectName="preview")
        table.setHorizontalHeaderLabels(self.headers)
        for r, row in enumerate(sample):
            for c, value in enumerate(row[: len(self.headers)]):
                table.setItem(r, c, QTableWidgetItem(value))
        table.setMaximumHeight(180)
        return table

    def _build_fields(self) -> None:
        self._platform_for_kind()
        while self.fields_form.rowCount():
            self.fields_form.removeRow(0)
        self.combos.clear()
        taken: set[str] = set()
        for field, (label, required) in FIELDS[self.kind.currentData()].items():
            combo = QComboBox(objectName=f"field_{field}")
            combo.addItem(NONE, None)
            for h in self.headers:
                combo.addItem(h, h)
            guess = _guess(field, self.headers, taken)
            if guess is not None:
                taken.add(guess)
                combo.setCurrentIndex(combo.findData(guess))
            self.combos[field] = combo
            self.fields_form.addRow(label + (" *" if required else ""), combo)

    def _platform_for_kind(self) -> None:
        """Recognitions name people already in the workspace, on one platform or on any (the field
        left empty); members and activities are rows of a platform of their own ("csv" unless named)."""
        recognitions = self.kind.currentData() == "recognitions"
        if recognitions and self.platform.text().strip().lower() == "csv":
            self.platform.clear()
        elif not recognitions and not self.platform.text().strip():
            self.platform.setText("csv")
        self.platform.setPlaceholderText("any platform" if recognitions else "")
        self.platform.setToolTip(
            "The platform whose members the Person column names (discord, slack...), by member id, user "
            "name, e-mail or name; empty: any platform." if recognitions else
            "The platform the rows belong to (meetup, crm, luma...): member ids are unique within it.")

    def select(self, field: str, column: str | None) -> None:
        """Choose the column a field is read from (None: not in this file)."""
        combo = self.combos[field]
        combo.setCurrentIndex(combo.findData(column) if column is not None else 0)

    def mapping(self) -> dict:
        columns = {f: c.currentData() for f, c in self.combos.items() if c.currentData() is not None}
        return {"kind": self.kind.currentData(), "platform": self.platform.text().strip() or "csv",
                "columns": columns, "timezone": self.timezone.currentText().strip() or "UTC",
                "date_order": self.date_order.currentData()}

    def _save(self) -> None:
        mapping = self.mapping()
        try:
            check_mapping(mapping, self.headers, self.path.name)
        except ImportFailed as exc:
            self.message.setText(str(exc).split(": ", 1)[-1])
            return
        self.result_mapping = mapping
        self.accept()


def ask_csv_mapping(parent: QWidget | None, path: str | Path) -> dict | None:
    """Ask what a CSV's columns hold; the mapping, or None when the person cancels."""
    dialog = CsvMappingDialog(Path(path), parent)
    try:
        if dialog.exec() == QDialog.DialogCode.Accepted:
            return dialog.result_mapping
        return None
    finally:
        dialog.deleteLater()
