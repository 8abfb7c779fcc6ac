"""Whether another program changed the workspace: an import run in a terminal or by a nightly job
while the window is open, a teammate's merge on the team's server.

A SQLite file says so through ``PRAGMA data_version`` on a connection of the watch's own: its value
moves whenever another connection commits a change; the workspace's own writes (those it
announced with ``Workspace.notify``) are told apart by their count. On a database server every
write transaction sends a notice signed with its workspace's ``writer_id``
(``dialect.lock_for_writing``) and the watch ``LISTEN``s: its own notices are known by their
signature however late they arrive (a server across a network delivers them a round trip after
the commit, when the window may already have looked). Looking costs one small query or a look at the socket, so a window can look every few
seconds.
"""
from __future__ import annotations

import sqlite3
from pathlib import Path

from .dialect import CHANGE_CHANNEL


class ChangeWatch:
    """``changed()`` is True once for each look that found a change another program committed."""

    def __init__(self, ws) -> None:  # noqa: ANN001 - a Workspace
        self.ws = ws
        self._own = ws.notifications
        self._conn = None
        self._version: int | None = None
        if ws.dialect == "sqlite":
            if ws.engine.url.database in (None, "", ":memory:"):
                return  # a workspace in memory has no other program
            self._conn = sqlite3.connect(f"{Path(ws.engine.url.database).resolve().as_uri()}?mode=ro", uri=True,
                                         check_same_thread=False)
            self._version = self._data_version()
        else:
            import psycopg

            url = ws.engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
            self._conn = psycopg.connect(url, autocommit=True)
            self._conn.execute(f"LISTEN {CHANGE_CHANNEL}")

    def _data_version(self) -> int:
        return int(self._conn.execute("PRAGMA data_version").fetchone()[0])

    def changed(self) -> bool:
        if self._conn is None:
            return False
        if not isinstance(self._conn, sqlite3.Connection):
            signed = [n.payload for n in self._conn.notifies(timeout=0.0)]  # every notice that came
            return any(writer != self.ws.writer_id for writer in signed)
        version = self._data_version()
        moved, self._version = version != self._version, version
        own, self._own = self._own, self.ws.notifications
        # A change that came with one of the workspace's own writes was shown with it.
        return moved and own == self.ws.notifications

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None
