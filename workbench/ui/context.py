"""What every page shares: the open workspace, the ``changed`` signal, background tasks, errors."""
from __future__ import annotations

import os
import traceback
from collections.abc import Callable

from PySide6.QtCore import QObject, QSettings, QThreadPool, QTimer, Signal
from PySide6.QtWidgets import QMessageBox, QWidget

from ..errors import WorkbenchError, WorkspaceError, file_error
from ..store.db import data_dir
from ..store.watch import ChangeWatch
from ..workspace import Workspace
from .tasks import Task, TaskFn, start

IMPORT_TITLE = "Import"  # the title of an import's task


def window_settings() -> QSettings:
    """Window preferences (last page, geometry, recent workspaces): the platform's usual place, or a
    ``settings.ini`` beside the data when ``WORKBENCH_HOME`` makes the install portable."""
    if os.environ.get("WORKBENCH_HOME"):
        return QSettings(str(data_dir() / "settings.ini"), QSettings.Format.IniFormat)
    return QSettings()


def _unless_closed(deliver: Callable) -> Callable:
    """``deliver``, except that a result arriving for a window, page or model that was closed and
    deleted while the work ran is dropped (Qt's object is gone; only its Python shell is left)."""
    def call(*args: object) -> None:
        try:
            deliver(*args)
        except RuntimeError as exc:
            if "already deleted" not in str(exc):
                raise
    return call


class AppContext(QObject):
    changed = Signal(str)  # after any committed write: "import", "merge", "recognition", ...
    workspace_opened = Signal()
    task_started = Signal(object)  # a Task
    notice = Signal(str)  # a passing word for the status bar
    changed_elsewhere = Signal()  # another program (a command, a teammate) committed a change
    person_asked = Signal(int)  # a page asks for a person's profile (a helper double-clicked): the People page shows it
    _notified = Signal(str)
    watch_interval_ms = 3000  # how often the window looks for changes made elsewhere

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.ws: Workspace | None = None
        # What the open workspace is to the user, when not its file or URL: an audit pack, or a
        # server's address as typed.
        self.shown_as: str | None = None
        self.settings = window_settings()
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(2)
        # The changes a person makes (a move, a recognition, a tag, a setting) run one at a time, in
        # the order asked, on a thread of their own: one that waits for an import to finish holds up
        # neither the window nor the pages' reads.
        self.write_pool = QThreadPool(self)
        self.write_pool.setMaxThreadCount(1)
        self.tasks: list[Task] = []
        # Workspace listeners may be called on a worker thread: hop to the GUI thread by signal.
        self._notified.connect(self.changed.emit)
        # Changes another program commits are looked for every few seconds, off the GUI thread.
        self._watch: ChangeWatch | None = None
        self._looking = False
        self._watch_timer = QTimer(self)
        self._watch_timer.timeout.connect(self._look_elsewhere)

    # -- workspace ----------------------------------------------------------------------------
    def open_workspace(self, location: str | None, *, readonly: bool = False, shown_as: str | None = None,
                       name: str | None = None) -> Workspace:
        """Open a workspace; ``shown_as`` names it for the title bar when its file is not what the
        user opened (the copy inside an audit pack), and ``name`` is the workspace's own name (the one
        it was copied from), for the reports made from it."""
        ws = Workspace.open(location, readonly=readonly, name=name)
        self.shown_as = shown_as
        self.set_workspace(ws)
        return ws

    def set_workspace(self, ws: Workspace) -> None:
        old = self.ws
        if old is not None:
            old.unsubscribe(self._notified.emit)
            old.close()
        self.ws = ws
        ws.subscribe(self._notified.emit)
        if not ws.readonly and "://" not in ws.location:
            self.remember_recent(ws.location)
        if not ws.readonly:  # an audit pack's copy changes for no one
            self._watch_timer.start(self.watch_interval_ms)
        else:
            self._watch_timer.stop()
        self.workspace_opened.emit()
        self.changed.emit("workspace")

    def writable(self) -> bool:
        """Whether the open workspace takes changes (an audit pack's copy, opened read-only, does not)."""
        return self.ws is not None and not self.ws.readonly

    def read_only_reason(self) -> str:
        """Why nothing can be changed, in a sentence naming what is open as the user opened it."""
        if self.ws is None:
            return "No workspace is open: open or create one (File ▸ Open workspace…, New workspace…)."
        what = self.shown_as or f"The workspace {self.ws.name}"
        return (f"{what} is open read-only: nothing in it can be changed. To make changes, open a workspace of "
                "your own (File ▸ Open workspace…).")

    # -- changes made elsewhere -----------------------------------------------------------------
    def _look_elsewhere(self) -> None:
        ws = self.ws
        if ws is None or self._looking:
            return
        self._looking = True

        def look(progress, cancel) -> bool:  # noqa: ANN001
            if self._watch is not None and self._watch.ws is not ws:
                self._watch.close()  # the workspace of before
                self._watch = None
            if self._watch is None:
                self._watch = ChangeWatch(ws)
            return self._watch.changed()

        def looked(found: bool) -> None:
            self._looking = False
            if found and ws is self.ws:
                self.changed_elsewhere.emit()

        def failed(exc: BaseException) -> None:  # a server out of reach: the pages say so when they read
            self._looking = False
            if ws is self.ws:
                self._watch_timer.stop()  # not again every few seconds, holding a reading thread

        self.run_task(look, "Looking for changes", reads_only=True, on_done=looked, on_error=failed)

    def stop_watching(self) -> None:
        """Stop looking for changes made elsewhere (the window closes)."""
        self._watch_timer.stop()
        self.pool.waitForDone(5000)
        if self._watch is not None:
            self._watch.close()
            self._watch = None

    def remember_recent(self, location: str, *, reopen: bool = True) -> None:
        """Put ``location`` first in File ▸ Open recent; ``reopen``: also open it at the next start
        (not a server, which is opened only when asked, in the background)."""
        recent = [r for r in self.recent_workspaces() if r != location]
        recent.insert(0, location)
        self.settings.setValue("recent_workspaces", recent[:8])
        if reopen:
            self.settings.setValue("last_workspace", location)

    def recent_workspaces(self) -> list[str]:
        value = self.settings.value("recent_workspaces", [])
        if isinstance(value, str):
            value = [value]
        return [str(v) for v in (value or [])]

    # -- background work ----------------------------------------------------------------------
    def run_task(self, fn: TaskFn, title: str, *, on_done: Callable | None = None,
                 on_error: Callable | None = None, parent: QWidget | None = None, reads_only: bool = False,
                 change: bool = False) -> Task:
        """Run ``fn(progress, cancel)`` off the GUI thread. Errors go to ``on_error`` or a dialog.

        ``reads_only``: the task only reads (a page loading its figures), so closing the window may
        cancel it without asking. ``change``: a change the person asked for, made after the ones
        asked before it; during an import it waits for the import, and the status bar says so."""
        if change and self.ws is not None and self.ws.readonly:
            # A shortcut or a drop asked for a change the page's buttons do not offer: say why, as
            # the task's failure, and touch nothing.
            reason = self.read_only_reason()

            def fn(progress, cancel) -> None:  # noqa: ANN001, ARG001
                raise WorkspaceError(reason)
        elif change and any(t.running and t.title == IMPORT_TITLE for t in self.tasks):
            self.notice.emit(f"{title} waits for the import to finish.")
        task = Task(fn, title, self)
        task.reads_only = reads_only
        if on_done is not None:
            task.finished.connect(_unless_closed(on_done))
        task.failed.connect(_unless_closed(on_error) if on_error is not None
                            else (lambda exc: self.show_error(parent, exc)))
        task.ended.connect(lambda: self.tasks.remove(task) if task in self.tasks else None)
        self.tasks.append(task)
        self.task_started.emit(task)
        return start(task, self.write_pool if change else self.pool)

    def wait_for_tasks(self, msecs: int = 30000) -> None:
        """Block until the reads and the changes under way have ended (closing, tests)."""
        self.pool.waitForDone(msecs)
        self.write_pool.waitForDone(msecs)

    # -- errors -------------------------------------------------------------------------------
    @staticmethod
    def error_text(exc: BaseException) -> tuple[str, str]:
        if isinstance(exc, WorkbenchError):
            return exc.message, exc.details
        if isinstance(exc, OSError) and exc.strerror:  # a file: its name and why, as the command line says it
            return file_error(exc), "".join(traceback.format_exception(exc))
        return (f"Something went wrong: {exc.__class__.__name__}: {exc}",
                "".join(traceback.format_exception(exc)))

    def show_error(self, parent: QWidget | None, exc: BaseException) -> None:
        """One sentence in a dialog, with the longer story under Details."""
        message, details = self.error_text(exc)
        box = QMessageBox(QMessageBox.Icon.Warning, "Community Workbench", message, QMessageBox.StandardButton.Ok,
                          parent)
        if details:
            box.setDetailedText(details)
        box.open()
