"""The main window: sidebar of pages, menus, drag and drop of exports, status bar with counts."""
from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import QByteArray, QSize, Qt
from PySide6.QtGui import QAction, QCloseEvent, QDragEnterEvent, QDropEvent, QFont, QFontMetrics, QKeySequence
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMessageBox,
    QStackedWidget,
    QStyle,
    QToolButton,
    QWidget,
)

from .. import APP_NAME, __version__
from ..store.db import default_workspace_path
from . import dates, figures
from .context import AppContext
from .pages import page_classes
from .tasks import Newest


class MainWindow(QMainWindow):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setAcceptDrops(True)
        self.setMinimumSize(QSize(960, 600))

        self.sidebar = QListWidget()
        self.sidebar.setObjectName("sidebar")
        self.sidebar.setStyleSheet("#sidebar { font-size: 14px; } #sidebar::item { padding: 8px 10px; }")
        self.stack = QStackedWidget()
        self.pages: dict[str, QWidget] = {}
        for cls in page_classes():
            page = cls(ctx)
            self.pages[cls.__name__] = page
            self.stack.addWidget(page)
            QListWidgetItem(cls.title, self.sidebar)
        self.sidebar.currentRowChanged.connect(self.stack.setCurrentIndex)
        self.sidebar.setFixedWidth(self._sidebar_width())
        central = QWidget()
        row = QHBoxLayout(central)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(0)
        row.addWidget(self.sidebar)
        row.addWidget(self.stack, 1)
        self.setCentralWidget(central)

        self.counts_label = QLabel()
        self._newest_count = Newest()
        # Shown when another program (a command in a terminal, a teammate on the server) changed the
        # workspace: the counts follow at once, the pages when asked, so nothing moves under a
        # person's hands.
        self.elsewhere_button = QToolButton()
        self.elsewhere_button.setText("Changed elsewhere: Refresh")
        self.elsewhere_button.setToolTip("Another program (a workbench command, a teammate) changed the workspace. "
                                         "Show the changes on every page (F5).")
        self.elsewhere_button.setIcon(self.style().standardIcon(QStyle.StandardPixmap.SP_BrowserReload))
        self.elsewhere_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.elsewhere_button.hide()
        self.elsewhere_button.clicked.connect(lambda: self.ctx.changed.emit("refresh"))
        self.statusBar().addPermanentWidget(self.elsewhere_button)
        self.statusBar().addPermanentWidget(self.counts_label)
        self._build_menus()
        ctx.changed.connect(self._update_status)
        ctx.changed.connect(lambda what: self.elsewhere_button.hide())  # every page reads afresh from now
        ctx.changed_elsewhere.connect(self._changed_elsewhere)
        ctx.workspace_opened.connect(self._update_title)
        ctx.notice.connect(lambda text: self.statusBar().showMessage(text, 10000))
        ctx.person_asked.connect(self.show_person)
        self._restore()

    def _sidebar_width(self) -> int:
        """As wide as the longest page's name (14 px, 10 px padding each side) and a little air, so
        the pages get the rest of a small screen."""
        font = QFont(self.sidebar.font())
        font.setPixelSize(14)
        metrics = QFontMetrics(font)
        widest = max(metrics.horizontalAdvance(self.sidebar.item(i).text()) for i in range(self.sidebar.count()))
        return widest + 2 * 10 + 2 * self.sidebar.frameWidth() + 28

    # -- menus --------------------------------------------------------------------------------
    def _action(self, menu, text: str, slot, shortcut=None) -> QAction:  # noqa: ANN001
        act = QAction(text, self)
        if shortcut is not None:
            act.setShortcut(QKeySequence(shortcut))
        act.triggered.connect(slot)
        menu.addAction(act)
        return act

    def _build_menus(self) -> None:
        bar = self.menuBar()
        file = bar.addMenu("&File")
        self._action(file, "&New workspace…", self.new_workspace, QKeySequence.StandardKey.New)
        self._action(file, "&Open workspace…", self.open_workspace_dialog, QKeySequence.StandardKey.Open)
        self._action(file, "Open &server workspace…", lambda: self.open_server_dialog())
        self.recent_menu = file.addMenu("Open &recent")
        self.recent_menu.aboutToShow.connect(self._fill_recent)
        self._action(file, "Open audit &pack…", self.open_audit_pack)
        file.addSeparator()
        self.import_action = self._action(file, "&Import…", self.import_dialog, "Ctrl+I")
        self.file_menu = file
        file.addSeparator()
        self._action(file, "&Quit", self.close, QKeySequence.StandardKey.Quit)

        edit = bar.addMenu("&Edit")
        self.undo_action = self._action(edit, "&Undo", self.undo, QKeySequence.StandardKey.Undo)
        self._action(edit, "&Find…", self.find, QKeySequence.StandardKey.Find)

        view = bar.addMenu("&View")
        for i, page in enumerate(self.pages.values()):
            self._action(view, page.title, lambda _=False, i=i: self.show_page(i), f"Ctrl+{i + 1}")
        self.workspace_menu = bar.addMenu("&Workspace")
        self._action(self.workspace_menu, "&Refresh", lambda: self.ctx.changed.emit("refresh"), QKeySequence.StandardKey.Refresh)
        self._action(self.workspace_menu, "&Settings…", self.workspace_settings, "Ctrl+,")

        help_ = bar.addMenu("&Help")
        self._action(help_, "&About", self.about)

    def open_audit_pack(self) -> None:
        from .pages.reports import open_audit_pack_dialog

        open_audit_pack_dialog(self)

    def workspace_settings(self) -> None:
        from .settings_dialog import SettingsDialog

        if self.ctx.ws is not None:
            SettingsDialog(self.ctx, self).open()

    def _fill_recent(self) -> None:
        self.recent_menu.clear()
        recent = self.ctx.recent_workspaces()
        if not recent:
            act = self.recent_menu.addAction("No recent workspaces")
            act.setEnabled(False)
        for path in recent:
            self.recent_menu.addAction(path, lambda p=path: self.open_server_dialog(p) if "://" in p
                                       else self.open_workspace(p))

    # -- pages --------------------------------------------------------------------------------
    def page(self, name: str) -> QWidget:
        return self.pages[name]

    def show_page(self, index_or_name: int | str) -> None:
        if isinstance(index_or_name, str):
            index_or_name = list(self.pages).index(index_or_name)
        self.sidebar.setCurrentRow(index_or_name)

    def show_person(self, person_id: int) -> None:
        """The People page, with this person's profile open beside the directory."""
        self.show_page("PeoplePage")
        self.pages["PeoplePage"].open_person(person_id)

    def current_page(self) -> QWidget:
        return self.stack.currentWidget()

    def undo(self) -> None:
        page = self.current_page()
        if hasattr(page, "undo"):
            page.undo()

    def find(self) -> None:
        page = self.current_page()
        if hasattr(page, "focus_search"):
            page.focus_search()

    # -- workspaces ---------------------------------------------------------------------------
    def open_workspace(self, location: str, *, readonly: bool = False) -> bool:
        if self._opened_as_pack([location]):
            return True
        try:
            self.ctx.open_workspace(location, readonly=readonly)
        except Exception as exc:  # noqa: BLE001 - shown as one sentence
            self.ctx.show_error(self, exc)
            return False
        return True

    def open_server_dialog(self, address: str | None = None) -> None:
        """A team's workspace on a PostgreSQL server, opened in the background."""
        from .server_dialog import ServerDialog

        dlg = ServerDialog(self.ctx, address if address is not None else
                           str(self.ctx.settings.value("last_server", "") or ""), self)
        dlg.opened.connect(self._server_opened)
        self.server_dialog = dlg
        dlg.open()

    def _server_opened(self, ws, address: str, said: str) -> None:  # noqa: ANN001 - a Workspace
        from sqlalchemy.engine import make_url

        self.ctx.shown_as = address  # the address as typed, not with the connect timeout added
        self.ctx.set_workspace(ws)
        if make_url(address).password is None:  # an address with a password is remembered nowhere
            self.ctx.remember_recent(address, reopen=False)
            self.ctx.settings.setValue("last_server", address)
        if said:
            self.statusBar().showMessage(said, 10000)

    def open_workspace_dialog(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Open workspace", str(Path(self.ctx.ws.location).parent)
                                              if self.ctx.ws else "", "Workspaces (*.db *.sqlite);;All files (*)")
        if path:
            self.open_workspace(path)

    def new_workspace(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "New workspace", str(default_workspace_path().parent / "community.db"),
                                              "Workspaces (*.db)")
        if path:
            if not path.endswith((".db", ".sqlite")):
                path += ".db"
            if os.path.exists(path):
                QMessageBox.warning(self, APP_NAME, f"{path} already exists; open it with File ▸ Open workspace.")
                return
            self.open_workspace(path)

    def _update_title(self) -> None:
        ws = self.ctx.ws
        suffix = " (read-only)" if ws and ws.readonly else ""
        self.setWindowTitle(f"{APP_NAME} — {self.ctx.shown_as or ws.name}{suffix}" if ws else APP_NAME)
        for action in (self.import_action, self.undo_action):  # an audit pack's copy takes no changes
            action.setEnabled(self.ctx.writable())

    def _changed_elsewhere(self) -> None:
        self.elsewhere_button.show()
        self._update_status()

    def _update_status(self, *_args) -> None:
        """The workspace's counts, read in the background (round trips, on a server)."""
        ws = self.ctx.ws
        if ws is None:
            self.counts_label.setText("")
            return
        only = self._newest_count.next()
        self.ctx.run_task(lambda progress, cancel: (ws.counts(), ws.last_import_at()), "Counting", reads_only=True,
                          on_done=only(lambda got: self._show_status(ws, *got)),
                          on_error=lambda exc: None)  # the pages say what is wrong with the workspace

    def _show_status(self, ws, c: dict, last) -> None:  # noqa: ANN001 - a Workspace, a datetime
        if ws is not self.ctx.ws:  # counted in a workspace closed since
            return
        text = " · ".join([figures.plural(c["sources"], "source"), figures.plural(c["accounts"], "account"),
                           figures.plural(c["people"], "person", "people"),
                           figures.plural(c["activities"], "activity", "activities")])
        if last:
            text += f" · last import {dates.moment(last, zone=True)}"
        if self.ctx.shown_as and ws.readonly:  # an audit pack's copy of a workspace
            text = f"{self.ctx.shown_as}, read-only · {text}"
        self.counts_label.setText(text)

    # -- importing ----------------------------------------------------------------------------
    def imports_page(self):  # noqa: ANN201
        return self.pages.get("ImportsPage")

    def import_dialog(self) -> None:
        self.show_page("ImportsPage")
        self.imports_page().choose_files()

    def _opened_as_pack(self, paths: list[str]) -> bool:
        """An audit pack chosen or dropped as one would a workspace or an export is opened as a pack."""
        from ..reports.pack import is_audit_pack

        if len(paths) != 1 or "://" in paths[0] or not Path(paths[0]).is_file() or not is_audit_pack(paths[0]):
            return False
        page = self.pages.get("ReportsPage")
        if page is None:
            return False
        self.show_page("ReportsPage")  # where it is checked, and where it says what is wrong with it
        page.open_pack(paths[0])
        return True

    def import_paths(self, paths: list[str]) -> None:
        if self._opened_as_pack(paths):
            return
        if not self.ctx.writable():
            QMessageBox.information(self, APP_NAME, self.ctx.read_only_reason())
            return
        self.show_page("ImportsPage")
        self.imports_page().import_paths(paths)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802
        if event.mimeData().hasUrls() and all(u.isLocalFile() for u in event.mimeData().urls()):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802
        paths = [u.toLocalFile() for u in event.mimeData().urls() if u.isLocalFile()]
        if paths:
            event.acceptProposedAction()
            self.import_paths(paths)

    # -- lifecycle ----------------------------------------------------------------------------
    def about(self) -> None:
        QMessageBox.about(self, APP_NAME, f"<b>{APP_NAME}</b> {__version__}<br>Community health, identities, "
                                          "champions and recognition, from your communities' own export files, "
                                          "on your own machine.")

    def _restore(self) -> None:
        geometry = self.ctx.settings.value("window/geometry")
        if isinstance(geometry, QByteArray) and not geometry.isEmpty():
            self.restoreGeometry(geometry)
        else:
            self.resize(1280, 800)
        page = self.ctx.settings.value("window/page", 0)
        try:
            self.show_page(int(page))
        except (TypeError, ValueError, IndexError):
            self.show_page(0)
        if self.sidebar.currentRow() < 0:
            self.show_page(0)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        running = [t for t in self.ctx.tasks if t.running]
        writing = [t for t in running if not t.reads_only]
        if writing:
            answer = QMessageBox.question(self, APP_NAME, f"{writing[0].title} is still running. Cancel it and quit? "
                                                          "Nothing it did so far will be kept.")
            if answer != QMessageBox.StandardButton.Yes:
                event.ignore()
                return
        if running:
            for t in running:
                t.cancel()
            self.ctx.wait_for_tasks(10000)
        self.ctx.stop_watching()
        self.ctx.settings.setValue("window/geometry", self.saveGeometry())
        self.ctx.settings.setValue("window/page", self.sidebar.currentRow())
        super().closeEvent(event)
