"""The window's tests read dates as ISO 8601 whatever the machine's locale (the C locale's way);
a test that looks at another locale sets it and puts it back."""
from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _c_locale():
    from PySide6.QtCore import QLocale

    before = QLocale()
    QLocale.setDefault(QLocale.c())
    yield
    QLocale.setDefault(before)


@pytest.fixture(autouse=True)
def _no_key_left_held():
    """A test that types Ctrl+→ on a shortcut can leave Qt believing Ctrl is still held (the key's
    release went to the shortcut, not to a widget); the next test's clicks and selections would
    then toggle. Let the key go after every test, as a person's keyboard does."""
    yield
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication, QWidget

    if QApplication.instance() is None or QApplication.keyboardModifiers() == Qt.KeyboardModifier.NoModifier:
        return
    w = QWidget()
    w.show()
    for key in (Qt.Key.Key_Control, Qt.Key.Key_Shift, Qt.Key.Key_Alt, Qt.Key.Key_Meta):
        QTest.keyRelease(w, key)
    w.close()
    w.deleteLater()
    assert QApplication.keyboardModifiers() == Qt.KeyboardModifier.NoModifier


@pytest.fixture
def page_on(qtbot):
    """``page_on(PageClass, path, size)``: one page of the window on the workspace at ``path``,
    built as the window builds its pages (the heap settled after, as ``ui.app.main`` does), not
    shown yet. The workspace is closed after the test, once the page's tasks are done."""
    from workbench.ui.app import create_app, settle_heap
    from workbench.ui.context import AppContext
    from workbench.workspace import Workspace

    create_app()
    ctx = AppContext()

    def make(page_class, path, size=(1280, 760)):
        ctx.set_workspace(Workspace.open(path))
        page = page_class(ctx)
        qtbot.addWidget(page)
        page.resize(*size)
        settle_heap()
        return page
    yield make
    ctx.wait_for_tasks(60000)
    if ctx.ws is not None:
        ctx.ws.close()


@pytest.fixture
def browser():
    """What the system's browser is handed while the test runs: the https links the window opens
    (Qt's own hook for a scheme's handler), in order; no browser is started."""
    from PySide6.QtCore import QObject, QUrl, Slot
    from PySide6.QtGui import QDesktopServices

    class Browser(QObject):
        def __init__(self) -> None:
            super().__init__()
            self.urls: list[str] = []

        @Slot(QUrl)
        def open(self, url: QUrl) -> None:
            self.urls.append(url.toString())

    handler = Browser()
    QDesktopServices.setUrlHandler("https", handler, "open")
    yield handler.urls
    QDesktopServices.unsetUrlHandler("https")


@pytest.fixture
def dm_workspace(tmp_path):
    """A workspace of a Discord server's #help, a DM with Jo and a group DM of Priyanka and Jo (as
    DiscordChatExporter names their files), each with one message of 2024-04-30 (the DMs' two are
    questions nobody answered), and an IRC channel, #aihub, whose name holds its "#"."""
    import json
    from pathlib import Path

    from workbench.workspace import Workspace

    def channel(guild: dict, chan: dict, mid: str, who: str, text: str) -> dict:
        return {"guild": guild, "channel": chan, "messages": [{
            "id": mid, "type": "Default", "timestamp": "2024-04-30T10:00:00+00:00", "content": text,
            "author": {"id": f"7000{sum(map(ord, who))}", "name": who, "isBot": False}}]}

    exports = tmp_path / "exports"
    exports.mkdir()
    dms = {"id": "0", "name": "Direct Messages"}
    for name, content in {
        "help.json": channel({"id": "900", "name": "Builders"}, {"id": "901", "type": "GuildTextChat", "name": "help"},
                             "9011", "ana", "welcome, everyone"),
        "Direct Messages - Private - Jo [801].json": channel(
            dms, {"id": "801", "type": "DirectTextChat", "name": "Jo"}, "8011", "jo", "can you look at my config?"),
        "Direct Messages - Group - Priyanka, Jo [802].json": channel(
            dms, {"id": "802", "type": "DirectGroupTextChat", "name": "Priyanka, Jo"}, "8021", "priyanka", "slides?"),
    }.items():
        (exports / name).write_text(json.dumps(content), encoding="utf-8")
    path = tmp_path / "dms.db"
    with Workspace.open(path) as ws:
        ws.import_paths([exports, Path(__file__).resolve().parent.parent / "data" / "irc" / "ChannelLogger"])
    return path
