"""The one place that knows which database is underneath.

Everything else in the workbench speaks portable SQLAlchemy. What differs between SQLite and
PostgreSQL (connection pragmas, ``INSERT ... ON CONFLICT``, epoch seconds and calendar days of a
stored time) lives here.
"""
from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import BigInteger, Date, Table, cast, event, func, text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.sql.elements import ColumnElement

from ..errors import WorkspaceBusy, WorkspaceFull
from ..fmt import plural

# How long a write waits for another program's write to the same SQLite file before it gives up.
BUSY_TIMEOUT_S = 30

# unixepoch() arrived in SQLite 3.38; strftime('%s') is the same number on older libraries.
_HAS_UNIXEPOCH = sqlite3.sqlite_version_info >= (3, 38)


def busy(name: str | None) -> WorkspaceBusy:
    """What is said when another program's write kept this one waiting too long, file or server."""
    return WorkspaceBusy(f"The workspace {name} is busy: another program (a workbench window or command) has been "
                         f"writing to it for over {plural(BUSY_TIMEOUT_S, 'second')}. Nothing was changed; try "
                         "again when it has finished.")


def is_sqlite(bind: Engine | Connection) -> bool:
    return bind.dialect.name == "sqlite"


def install_sqlite_pragmas(engine: Engine, *, readonly: bool = False) -> None:
    """WAL journal, foreign keys on, and a busy timeout, on every new SQLite connection."""
    if not is_sqlite(engine):
        return

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record):  # noqa: ANN001 - DB-API objects
        cur = dbapi_conn.cursor()
        if not readonly:
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_S * 1000}")
        cur.execute("PRAGMA cache_size=-65536")
        cur.close()

    @event.listens_for(engine, "handle_error")
    def _on_error(context) -> None:  # noqa: ANN001 - an ExceptionContext
        # SQLite's "database is locked" or "database or disk is full": a sentence that says what
        # happened, not the statement.
        orig = context.original_exception
        name = (engine.url.database or "").removeprefix("file:") or "in memory"
        if isinstance(orig, sqlite3.OperationalError) and "database or disk is full" in str(orig):
            raise WorkspaceFull(f"The workspace {name} cannot grow: its disk is full. Nothing was changed; free some "
                                "space and try again.") from orig
        if isinstance(orig, sqlite3.OperationalError) and "locked" in str(orig):
            raise busy(name) from orig


# The key of the advisory lock that makes writers to a workspace on a database server take turns,
# and the channel its write transactions notify when they commit (``watch.ChangeWatch`` listens).
WRITE_LOCK_KEY = 0x57424E43
CHANGE_CHANNEL = "workbench_changes"


def lock_for_writing(conn: Connection, writer: str = "") -> None:
    """One writer at a time, as a SQLite file has it. On a database server, a transaction that
    writes takes the workspace's write lock first and holds it until it commits or rolls back, so
    that two teammates importing the same export at once take turns rather than collide; it waits
    up to ``BUSY_TIMEOUT_S`` for another program's write, then says the workspace is busy. Its
    commit is announced to those watching (``store/watch.py``), signed ``writer``."""
    if is_sqlite(conn):
        return  # SQLite locks the file for the first writer, and waits busy_timeout for it
    conn.exec_driver_sql(f"SET LOCAL lock_timeout = '{BUSY_TIMEOUT_S}s'")
    conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({WRITE_LOCK_KEY})")
    # Sent when (and only if) the transaction commits.
    conn.execute(text("SELECT pg_notify(:channel, :writer)"), {"channel": CHANGE_CHANNEL, "writer": writer})


def install_server_errors(engine: Engine) -> None:
    """On a database server, a write that waited too long for another program's says so in a
    sentence, as on SQLite."""
    if is_sqlite(engine):
        return

    @event.listens_for(engine, "handle_error")
    def _on_error(context) -> None:  # noqa: ANN001 - an ExceptionContext
        if getattr(context.original_exception, "sqlstate", None) == "55P03":  # lock_not_available
            raise busy(engine.url.database) from context.original_exception


@contextmanager
def bulk_write(conn: Connection) -> Iterator[None]:
    """A large write (an import) without SQLite's per-row foreign-key lookups.

    Enter it outside a transaction and open the transaction inside. Updating a self-referencing
    key (a reply's parent) costs SQLite about 40 µs a row with the checks on, which made linking a
    million messages take seconds; the writer only ever stores ids it has just read or made in the
    same transaction. Call ``check_foreign_keys`` before the transaction commits: it finds what a
    per-row check would have found. Other databases keep their checks.
    """
    if not is_sqlite(conn):
        yield
        return
    conn.exec_driver_sql("PRAGMA foreign_keys=OFF")
    conn.commit()
    try:
        yield
    finally:
        if conn.in_transaction():
            conn.rollback()
        conn.exec_driver_sql("PRAGMA foreign_keys=ON")
        conn.commit()


def broken_references(conn: Connection) -> list[tuple]:
    """Rows whose foreign key points at nothing: ``(table, rowid, parent table)`` (SQLite; elsewhere the
    database has already refused them)."""
    if not is_sqlite(conn):
        return []
    return [(r[0], r[1], r[2]) for r in conn.exec_driver_sql("PRAGMA foreign_key_check").all()]


def insert_ignore(table: Table, bind: Engine | Connection, index_elements: list[str]):
    """``INSERT ... ON CONFLICT (index_elements) DO NOTHING`` for the bind's dialect."""
    if is_sqlite(bind):
        from sqlalchemy.dialects.sqlite import insert
    elif bind.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:  # pragma: no cover - only SQLite and PostgreSQL are supported
        raise RuntimeError(f"Unsupported database: {bind.dialect.name}")
    return insert(table).on_conflict_do_nothing(index_elements=index_elements)


def upsert(table: Table, bind: Engine | Connection, index_elements: list[str], update_columns: list[str]):
    """``INSERT ... ON CONFLICT (index_elements) DO UPDATE SET col = excluded.col``."""
    if is_sqlite(bind):
        from sqlalchemy.dialects.sqlite import insert
    elif bind.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:  # pragma: no cover
        raise RuntimeError(f"Unsupported database: {bind.dialect.name}")
    stmt = insert(table)
    return stmt.on_conflict_do_update(index_elements=index_elements,
                                      set_={c: stmt.excluded[c] for c in update_columns})


def epoch_seconds(bind: Engine | Connection, col) -> ColumnElement:  # noqa: ANN001 - a column
    """UTC seconds since 1970 of a stored (naive UTC) time, as an integer: the second it falls in,
    never the next one (SQLite rounds fractions to the millisecond, so 12:00:00.9997 would read as
    12:00:01 and 23:59:59.9997 as the next day; the stored text is cut to the second first)."""
    if is_sqlite(bind):
        whole = func.substr(col, 1, 19)  # 'YYYY-MM-DD HH:MM:SS'
        return func.unixepoch(whole) if _HAS_UNIXEPOCH else cast(func.strftime("%s", whole), BigInteger)
    return cast(func.floor(func.extract("epoch", col)), BigInteger)


def utc_day(bind: Engine | Connection, col) -> ColumnElement:  # noqa: ANN001 - a column
    """The UTC calendar day of a stored time (SQLite: 'YYYY-MM-DD' text; PostgreSQL: a date)."""
    if is_sqlite(bind):
        return func.date(col)
    return cast(col, Date)
