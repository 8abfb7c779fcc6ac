"""The ``Workspace``: the one object the command line, the GUI and the tests use for storage.

- ``Workspace.open(location)`` opens (or creates) a workspace file or database URL and applies
  migrations inside a transaction.
- Reads: ``with ws.session() as s: ...`` (a fresh ORM session; sessions never cross threads) or
  ``with ws.connect() as conn: ...`` for Core queries and pandas.
- Writes go through one writer: ``with ws.write() as s:`` (ORM) or ``with ws.write_conn() as conn:``
  (Core). Both hold the workspace's write lock and commit at the end, or roll back on error.
- ``ws.import_paths(paths, progress=..., cancel=...)`` runs a whole import as one transaction.
- ``ws.subscribe(fn)`` is told after every committed write (``fn(what)``), so views refresh
  themselves; the GUI turns it into a Qt signal.
"""
from __future__ import annotations

import os
import threading
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.engine import Connection, Engine, make_url
from sqlalchemy.orm import Session

from . import collector, fmt
from .errors import ImportFailed, KeyringUnavailable, WorkbenchError, WorkspaceError
from .importers.base import CancelFn, ProgressFn
from .secrets import set_secret
from .store import db
from .store.dialect import broken_references, bulk_write, lock_for_writing
from .store.models import Account, Activity, ImportRun, Person, Setting, Source

Listener = Callable[[str], None]


class Workspace:
    def __init__(self, engine: Engine, *, location: str, readonly: bool = False, name: str | None = None) -> None:
        self.engine = engine
        self.location = location
        self.readonly = readonly
        self._name = name  # what it is called when not its file's name (an audit pack's copy of one)
        self._write_lock = threading.RLock()
        self._listeners: list[Listener] = []
        self.notifications = 0  # how many writes this workspace object has announced (see store/watch.py)
        self.writer_id = uuid.uuid4().hex  # what its writes on a server are signed with (see store/watch.py)

    # -- opening ------------------------------------------------------------------------------
    @classmethod
    def open(cls, location: str | os.PathLike | None = None, *, readonly: bool = False,
             create: bool = True, name: str | None = None) -> Workspace:
        """Open the workspace at a path or SQLAlchemy URL (the default workspace when None);
        ``name``: what reports call it, when not its file's name (an audit pack's copy of one)."""
        url = db.to_url(location, readonly=readonly)
        if url.startswith("sqlite"):
            path = Path(url.split("sqlite:///", 1)[1].split("?", 1)[0].removeprefix("file:"))
            if not path.exists() and (readonly or not create):
                raise WorkspaceError(f"There is no workspace at {path}.")
            if path.exists() and path.is_dir():
                raise WorkspaceError(f"{path} is a folder, not a workspace file.")
            if not readonly:
                try:
                    path.parent.mkdir(parents=True, exist_ok=True)
                except OSError as exc:
                    raise WorkspaceError(f"The folder for the workspace {path} cannot be created: {exc.strerror}.") from exc
                if path.exists() and path.stat().st_size and not _looks_like_sqlite(path):
                    from .reports.pack import is_audit_pack, not_a_pack_here

                    raise WorkspaceError(not_a_pack_here(path, "a workspace") if is_audit_pack(path) else
                                         f"{path} is not a workspace file (it is not an SQLite database).")
            display = str(path)
        else:
            display = db.make_engine(url).url.render_as_string(hide_password=True)
        engine = db.make_engine(db.with_kept_password(url), readonly=readonly)
        if readonly:
            current = db.current_revision(engine)
            if current is None:
                raise db.not_a_workspace(display)
            if db.is_newer(current):
                raise db.newer_version(display)
            if current != db.head_revision():
                raise WorkspaceError(f"The workspace {display} was written by an older version of the workbench; open "
                                     "it once in the window or with `workbench status` to bring it up to date.")
        else:
            db.upgrade(engine, display)
        return cls(engine, location=display, readonly=readonly, name=name)

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Workspace:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    @property
    def name(self) -> str:
        if self._name:
            return self._name
        return Path(self.location).name if "://" not in self.location else self.location

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    # -- reading ------------------------------------------------------------------------------
    @contextmanager
    def session(self) -> Iterator[Session]:
        with Session(self.engine, expire_on_commit=False) as s:
            yield s

    @contextmanager
    def connect(self) -> Iterator[Connection]:
        with self.engine.connect() as conn:
            yield conn

    # -- writing (one writer) -----------------------------------------------------------------
    def _check_writable(self) -> None:
        if self.readonly:
            raise WorkspaceError(f"The workspace {self.name} is open read-only.")

    @contextmanager
    def write(self, what: str = "data") -> Iterator[Session]:
        """An ORM session for one write transaction; listeners hear ``what`` after the commit."""
        self._check_writable()
        with self._write_lock:
            with Session(self.engine, expire_on_commit=False) as s, s.begin():
                lock_for_writing(s.connection(), self.writer_id)
                yield s
        self.notify(what)

    @contextmanager
    def write_conn(self, what: str = "data") -> Iterator[Connection]:
        """A Core connection for one write transaction."""
        self._check_writable()
        with self._write_lock:
            with self.engine.begin() as conn:
                lock_for_writing(conn, self.writer_id)
                yield conn
        self.notify(what)

    # -- change broadcast ---------------------------------------------------------------------
    def subscribe(self, fn: Listener) -> None:
        self._listeners.append(fn)

    def unsubscribe(self, fn: Listener) -> None:
        if fn in self._listeners:
            self._listeners.remove(fn)

    def notify(self, what: str) -> None:
        self.notifications += 1
        for fn in list(self._listeners):
            fn(what)

    # -- settings -----------------------------------------------------------------------------
    def get_setting(self, key: str, default=None):
        with self.session() as s:
            row = s.get(Setting, key)
            return default if row is None else row.value

    def set_setting(self, key: str, value, *, what: str = "settings") -> None:
        self.set_settings({key: value}, what=what)

    def set_settings(self, values: dict, *, what: str = "settings") -> None:
        """Several settings in one transaction: all of them or none. A new reporting time zone takes
        the recognitions given for a day with it (they stay on the day that was typed). Listeners
        hear ``what`` (the champion weights say "weights": no figure but the ranking changes)."""
        from .champions.recognition import move_days
        from .metrics.filters import TZ_SETTING, zone

        def zone_or_none(name: object):  # noqa: ANN202 - a tzinfo, or None for a zone the workbench does not know
            try:
                return zone(str(name or "UTC"))
            except WorkbenchError:  # a zone no day was typed in (nothing reads in it), or none to move to
                return None

        with self.write(what) as s:
            if TZ_SETTING in values:
                before = s.get(Setting, TZ_SETTING)
                old, new = zone_or_none(before.value if before else None), zone_or_none(values[TZ_SETTING])
                if old is not None and new is not None:
                    move_days(s.connection(), old, new)
            for key, value in values.items():
                row = s.get(Setting, key)
                if row is None:
                    s.add(Setting(key=key, value=value))
                else:
                    row.value = value

    # -- common queries -----------------------------------------------------------------------
    def counts(self) -> dict[str, int]:
        """The figures of ``workbench status``: sources, accounts, people, activities, import runs."""
        with self.connect() as conn:
            def n(q):
                return int(conn.execute(q).scalar_one())
            return {
                "sources": n(select(func.count()).select_from(Source)),
                "accounts": n(select(func.count()).select_from(Account)),
                "people": n(select(func.count()).select_from(Person).where(Person.merged_into_id.is_(None))),
                "activities": n(select(func.count()).select_from(Activity)),
                "import_runs": n(select(func.count()).select_from(ImportRun).where(ImportRun.status != "removed")),
            }

    def last_import_at(self):
        with self.connect() as conn:
            return conn.execute(select(func.max(ImportRun.finished_at))
                                .where(ImportRun.status != "removed")).scalar_one()

    # -- importing ----------------------------------------------------------------------------
    def import_paths(self, paths: list[str | os.PathLike], *, progress: ProgressFn | None = None,
                     cancel: CancelFn | None = None, options: dict[str, dict] | None = None,
                     before_commit: Callable[[Connection, Any], None] | None = None, digests: dict | None = None):
        """Import files, folders and zips as one run; all or nothing. Returns an ``ImportResult``.

        ``options`` maps an importer name to its options (see ``Importer.prepare``);
        ``before_commit(conn, result)`` may refuse the import it has read, by raising, before
        anything is committed; ``digests`` holds files' SHA-256 taken just before (by
        ``removing.to_bring_back``, on this thread or another), which the import takes rather than
        reading those files again.
        """
        from .importers.digest import remembered
        from .importing import plan, run_import

        self._check_writable()
        planned, notes = plan(paths)
        with self.bulk_write_conn("this import") as conn, remembered(digests):
            result = run_import(conn, planned, notes=notes, progress=progress, cancel=cancel, options=options)
            if before_commit is not None:
                before_commit(conn, result)
        if progress is not None and result.run_id is not None:
            progress(1.0, "Import finished")
        return result

    @contextmanager
    def bulk_write_conn(self, doing: str, what: str = "import") -> Iterator[Connection]:
        """One large write transaction (an import, a removal of one) without SQLite's per-row
        foreign-key checks; what they would have found refuses the whole of it before the commit.
        ``doing`` names the work in that refusal."""
        self._check_writable()
        with self._write_lock, collector.bulk_work(), self.engine.connect() as conn, bulk_write(conn):
            with conn.begin():
                lock_for_writing(conn, self.writer_id)
                yield conn
                broken = broken_references(conn)
                if broken:
                    table, rowid, parent = broken[0]
                    raise ImportFailed(f"After {doing} the workspace would hold "
                                       f"{fmt.plural(len(broken), 'broken reference')} (first: {table} row {rowid} names a missing {parent}); "
                                       "nothing was written.")
        self.notify(what)


def _looks_like_sqlite(path: Path) -> bool:
    try:
        with open(path, "rb") as f:
            return f.read(16) == b"SQLite format 3\x00"
    except OSError:
        return False


CONNECT_TIMEOUT_S = 10  # seconds a server has to answer before opening it is given up


def open_server(address: str, password: str = "", keep: bool = False) -> tuple[Workspace, str]:
    """Open the workspace at a server ``address`` (with ``password`` when given, else the one kept in
    the keyring, else the driver's own ways) and keep the password when asked. Returns the
    workspace and a sentence on the password ("" when there is nothing to say). No Qt: runs in a
    worker thread (File ▸ Open server workspace)."""
    url = make_url(db.to_url(address.strip()))
    if url.get_backend_name() == "sqlite":
        raise WorkbenchError("That is a workspace file: open it with File ▸ Open workspace.")
    if password:
        url = url.set(password=password)
    if "connect_timeout" not in url.query:  # a server that does not answer is an error, not a wait
        url = url.update_query_dict({"connect_timeout": str(CONNECT_TIMEOUT_S)})
    ws = Workspace.open(url.render_as_string(hide_password=False))
    if not (password and keep):
        return ws, ""
    try:
        set_secret(db.password_name(url), password)
    except KeyringUnavailable as exc:
        return ws, f"{exc.message} The password was used for now and not kept."
    return ws, "The password is kept in the system keyring."
