"""Starting the window: ``workbench gui`` and ``make run`` land here."""
from __future__ import annotations

import gc
import os
import sys
from pathlib import Path

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication

from .. import APP_NAME, __version__
from .context import AppContext
from .main_window import MainWindow


def create_app(argv: list[str] | None = None) -> QApplication:
    QCoreApplication.setOrganizationName("CommunityWorkbench")
    QCoreApplication.setApplicationName("Community Workbench")
    QCoreApplication.setApplicationVersion(__version__)
    app = QApplication.instance() or QApplication(argv or [sys.argv[0]])
    app.setApplicationDisplayName(APP_NAME)
    icon = Path(__file__).resolve().parents[2] / "resources" / "icon.svg"
    if icon.exists():
        app.setWindowIcon(QIcon(str(icon)))
    return app


def create_window(workspace: str | None = None) -> MainWindow:
    """The window on a workspace: the one given, else the last one used, else the default one."""
    ctx = AppContext()
    window = MainWindow(ctx)
    location = workspace or ctx.settings.value("last_workspace") or None
    if not window.open_workspace(location) and location is not None and workspace is None:
        window.open_workspace(None)
    return window


def settle_heap() -> None:
    """Moves what is alive once the window is built (the libraries' modules and tables, the window
    and its pages: some 130,000 objects that live as long as the window) out of the garbage
    collector's sight. A full collection, which Python runs on its own whenever a task creates many
    objects (tens of thousands of rows read for the champion scores), otherwise walks them all
    while every thread waits: 80-110 ms a time, four times in one reading of the scores, and the
    window held up each time. Objects made later are collected as before."""
    gc.collect()
    gc.freeze()


def _display_problem() -> str | None:
    """A sentence when the window cannot appear (no display on Linux), else None."""
    if not sys.platform.startswith("linux"):
        return None
    if os.environ.get("QT_QPA_PLATFORM") or os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"):
        return None
    return ("No display was found, so the window cannot open. Run the workbench in a desktop session, "
            "or use the command line (workbench --help); QT_QPA_PLATFORM=offscreen runs the window invisibly.")


def main(workspace: str | None = None) -> int:
    problem = _display_problem()
    if problem:
        print(f"workbench: {problem}", file=sys.stderr)
        return 2
    app = create_app()
    window = create_window(workspace)
    window.show()
    settle_heap()
    code = app.exec()
    # Tear the window down while Qt and Python are both alive: left to interpreter shutdown, the
    # order in which wrappers and widgets die is undefined and can crash on exit.
    window.close()
    window.deleteLater()
    app.processEvents()
    del window
    gc.collect()
    return code
