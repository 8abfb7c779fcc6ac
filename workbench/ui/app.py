"""Starting the window: ``workbench gui`` and ``make run`` land here."""
from __future__ import annotations

import sys

from PySide6.QtCore import QCoreApplication
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
    return app


def create_window(workspace: str | None = None) -> MainWindow:
    """The window on a workspace: the one given, else the last one used, else the default one."""
    ctx = AppContext()
    window = MainWindow(ctx)
    location = workspace or ctx.settings.value("last_workspace") or None
    if not window.open_workspace(location) and location is not None and workspace is None:
        window.open_workspace(None)
    return window


def main(workspace: str | None = None) -> int:
    app = create_app()
    window = create_window(workspace)
    window.show()
    return app.exec()
