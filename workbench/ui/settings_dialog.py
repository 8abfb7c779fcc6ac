"""Workspace settings that change what the numbers mean (the reporting time zone, the question rule)
and where a question opens (a Slack workspace's address); checked as `workbench settings` checks them."""
from __future__ import annotations


from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from ..errors import WorkbenchError
from ..settings import TIMEZONE, Known, known
from ..store.views import QUESTION_MARKER_SETTING
from .widgets import zone_combo


class SettingsDialog(QDialog):
    def __init__(self, ctx, parent: QWidget | None = None) -> None:  # noqa: ANN001 - AppContext
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle("Workspace settings")
        self.setMinimumWidth(700)  # the hints under the fields wrap, in two lines at the most
        form = QFormLayout(self)
        with ctx.ws.connect() as conn:
            self.settings: dict[str, Known] = {k.key: k for k in known(conn)}
        self.fields: dict[str, QComboBox | QLineEdit] = {}
        for key, k in self.settings.items():
            value = ctx.ws.get_setting(key, None) or ("" if k.optional else k.default)
            if key == TIMEZONE:
                field = self.timezone = zone_combo(value)
            else:
                field = QLineEdit(value)
                if key == QUESTION_MARKER_SETTING:
                    self.marker = field
                    field.setMaxLength(8)
                else:  # left empty, the address found in the export applies
                    field.setPlaceholderText(f"{k.default} ({k.default_is})" if k.default else "acme.slack.com")
            self.fields[key] = field
            hint = QLabel(k.about[:1].upper() + k.about[1:] + ".")
            hint.setStyleSheet("color: palette(placeholder-text);")
            hint.setWordWrap(True)
            # The hint right under its field, and the label beside the field rather than the pair.
            pair = QWidget()
            column = QVBoxLayout(pair)
            column.setContentsMargins(0, 0, 0, 6)
            column.setSpacing(2)
            column.addWidget(field)
            column.addWidget(hint)
            label = QLabel(f"{k.label}:")
            label.setBuddy(field)
            label.setFixedHeight(field.sizeHint().height())
            form.addRow(label, pair)
        self.error = QLabel()  # red when it says what is wrong with a value (not that the pack is read-only)
        self.error.setWordWrap(True)
        form.addRow(self.error)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        if not ctx.writable():  # an audit pack's copy: its settings are shown, as they were used
            buttons.button(QDialogButtonBox.StandardButton.Save).setEnabled(False)
            self.error.setText(ctx.read_only_reason())
        # A dialog is sized by its layout's hint, which counts the wrapped hints as if narrow: as tall
        # as its rows are at its width instead, with no empty band under the buttons.
        width = max(self.minimumWidth(), self.sizeHint().width())
        self.resize(width, form.heightForWidth(width) if form.hasHeightForWidth() else self.sizeHint().height())

    def _text(self, key: str) -> str:
        field = self.fields[key]
        return field.currentText() if isinstance(field, QComboBox) else field.text()

    def save(self) -> None:
        values = {}
        for key, k in self.settings.items():
            text = self._text(key)
            if k.optional and not text.strip():
                values[key] = None  # left empty: none given
                continue
            try:
                values[key] = k.check(text)
            except WorkbenchError as exc:
                self.error.setStyleSheet("color: #b2182b;")
                self.error.setText(str(exc))
                self.fields[key].setFocus()
                return
        ws = self.ctx.ws
        # Written in the background (after an import under way, if there is one); a failure is
        # said in a dialog over the window.
        self.ctx.run_task(lambda progress, cancel: ws.set_settings(values), "Saving the settings", change=True,
                          parent=self.parentWidget())
        self.accept()
