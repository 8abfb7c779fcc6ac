"""Workspace settings that change what the numbers mean: the reporting time zone and the question rule."""
from __future__ import annotations

import zoneinfo

from PySide6.QtWidgets import QComboBox, QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QWidget

from ..store.views import DEFAULT_QUESTION_MARKER, QUESTION_MARKER_SETTING

TIMEZONE_SETTING = "reporting.timezone"


class SettingsDialog(QDialog):
    def __init__(self, ctx, parent: QWidget | None = None) -> None:  # noqa: ANN001 - AppContext
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle("Workspace settings")
        form = QFormLayout(self)
        self.timezone = QComboBox()
        self.timezone.setEditable(True)
        zones = sorted(zoneinfo.available_timezones() - {"UTC"})
        self.timezone.addItems(["UTC", *zones])
        self.timezone.setCurrentText(ctx.ws.get_setting(TIMEZONE_SETTING, "UTC") or "UTC")
        form.addRow("Reporting time zone:", self.timezone)
        form.addRow("", QLabel("Days, weeks and months in charts and reports are counted in this zone."))
        self.marker = QLineEdit(ctx.ws.get_setting(QUESTION_MARKER_SETTING, DEFAULT_QUESTION_MARKER) or "?")
        self.marker.setMaxLength(8)
        form.addRow("A question contains:", self.marker)
        form.addRow("", QLabel("Top-level messages containing this text count as questions "
                               "(forum topics and Q&A sites say so themselves)."))
        self.error = QLabel()
        self.error.setStyleSheet("color: #b2182b;")
        form.addRow(self.error)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        buttons.button(QDialogButtonBox.StandardButton.Save).setEnabled(not ctx.ws.readonly)

    def save(self) -> None:
        zone = self.timezone.currentText().strip()
        try:
            zoneinfo.ZoneInfo(zone)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            self.error.setText(f"“{zone}” is not a time zone the workbench knows (try Europe/Berlin or UTC).")
            return
        marker = self.marker.text()
        if not marker.strip():
            self.error.setText("The question marker cannot be empty.")
            return
        ws, values = self.ctx.ws, {TIMEZONE_SETTING: zone, QUESTION_MARKER_SETTING: marker}
        # Written in the background (after an import under way, if there is one); a failure is
        # said in a dialog over the window.
        self.ctx.run_task(lambda progress, cancel: ws.set_settings(values), "Saving the settings", change=True,
                          parent=self.parentWidget())
        self.accept()
