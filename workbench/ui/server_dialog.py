"""File ▸ Open server workspace…: a team's workspace on a PostgreSQL server.

The address names the user (``postgresql+psycopg://user@host/database``). A password, when the
server asks for one and none is kept, is typed here and may be kept in the system keyring (never
in a file, the settings or the address), as ``workbench password`` keeps it. Connecting runs off
the GUI thread, bounded by a timeout, and Cancel leaves the window on the workspace it had.
"""
from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from ..secrets import keyring_available
from ..workspace import Workspace, open_server


class ServerDialog(QDialog):
    """The address, a password when needed, and whether to keep it; Open connects in the
    background and the dialog closes when the workspace is open."""

    opened = Signal(object, str, str)  # the Workspace, the address as typed, a sentence on the password

    def __init__(self, ctx, address: str = "", parent: QWidget | None = None) -> None:  # noqa: ANN001 - AppContext
        super().__init__(parent)
        self.ctx = ctx
        self.task = None
        self.setWindowTitle("Open server workspace")
        self.address = QLineEdit(address)
        self.address.setPlaceholderText("postgresql+psycopg://user@host/database")
        self.address.setMinimumWidth(420)
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setPlaceholderText("only if the server asks for one and none is kept")
        self.keep = QCheckBox("Keep the password in the system keyring")
        self.keep.setChecked(True)
        self.has_keyring = keyring_available()  # asked once: a keyring backend can be slow to answer
        if not self.has_keyring:
            self.keep.setChecked(False)
            self.keep.setEnabled(False)
            self.keep.setToolTip("No keyring is available on this machine: the password is used for now only.")
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Open | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.connect_to_server)
        self.buttons.rejected.connect(self.reject)
        self.address.textChanged.connect(self._sync)
        form = QFormLayout()
        form.addRow("Address:", self.address)
        form.addRow("Password:", self.password)
        form.addRow("", self.keep)
        lay = QVBoxLayout(self)
        lay.addWidget(QLabel("A workspace a team shares on a PostgreSQL server (the database must exist; the "
                             "workbench creates its tables)."))
        lay.addLayout(form)
        lay.addWidget(self.status)
        lay.addWidget(self.buttons)
        self._sync()

    def _sync(self) -> None:
        busy = self.task is not None
        self.buttons.button(QDialogButtonBox.StandardButton.Open).setEnabled(bool(self.address.text().strip()) and not busy)
        for w in (self.address, self.password, self.keep):
            w.setEnabled(not busy and (w is not self.keep or self.has_keyring))

    def connect_to_server(self) -> None:
        address, password, keep = self.address.text().strip(), self.password.text(), self.keep.isChecked()
        self.status.setStyleSheet("")
        self.status.setText("Connecting…")
        task = self.ctx.run_task(lambda progress, cancel: open_server(address, password, keep),
                                 "Opening the server workspace", on_done=lambda result: self._done(task, address, result),
                                 on_error=lambda exc: self._failed(task, exc), reads_only=True)
        self.task = task
        self._sync()

    def _done(self, task, address: str, result: tuple[Workspace, str]) -> None:  # noqa: ANN001 - a Task
        ws, said = result
        if task is not self.task:  # given up on with Cancel: not wanted any more
            ws.close()
            return
        self.task = None
        self.opened.emit(ws, address, said)
        self.accept()

    def _failed(self, task, exc: BaseException) -> None:  # noqa: ANN001 - a Task
        if task is not self.task:
            return
        self.task = None
        message, _ = self.ctx.error_text(exc)
        self.status.setToolTip(message)  # the server's own words
        if "password" in message:
            message = ("The server wants a password it was not given, or did not take the one given: "
                       "type it above, then Open.")
        self.status.setStyleSheet("color: #D55E00;")
        self.status.setText(message)
        self._sync()

    def reject(self) -> None:
        self.task = None  # a connection still on its way is closed when it arrives
        super().reject()
