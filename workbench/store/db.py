"""Opening a workspace database: where it lives, the engine, and migrations on open."""
from __future__ import annotations

import functools
import os
import re
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import URL, Connection, Engine, make_url
from sqlalchemy.exc import ArgumentError, DatabaseError, OperationalError

from ..errors import KeyringUnavailable, WorkspaceError
from ..secrets import get_secret
from .dialect import BUSY_TIMEOUT_S, install_server_errors, install_sqlite_pragmas, lock_for_writing

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"
_REVISION_LINE = re.compile(r"""^(revision|down_revision)\s*=\s*(?:['"]([^'"]+)['"]|None)""", re.MULTILINE)


def data_dir() -> Path:
    """The user data folder (``WORKBENCH_HOME`` overrides it, for tests and portable installs)."""
    env = os.environ.get("WORKBENCH_HOME")
    if env:
        return Path(env)
    import platformdirs

    return Path(platformdirs.user_data_dir("community-workbench", appauthor=False))


def cache_dir() -> Path:
    """The cache folder, in the user data folder: what the workbench can always make again (the
    activity columns of a workspace, the characters of the computer's fonts)."""
    return data_dir() / "cache"


def default_workspace_path() -> Path:
    return data_dir() / "workspace.db"


def demo_workspace_path() -> Path:
    return data_dir() / "demo.db"


def to_url(location: str | os.PathLike | None, *, readonly: bool = False) -> str:
    """A SQLAlchemy URL for a file path or an URL (``postgresql+psycopg://...``)."""
    if location is None:
        location = default_workspace_path()
    text = os.fspath(location)
    if "://" in text:
        try:
            make_url(text)
        except ArgumentError as exc:
            raise WorkspaceError(f"“{text}” is not a database address the workbench understands.") from exc
        return text
    path = Path(text).expanduser().resolve()
    if readonly:
        return f"sqlite:///file:{path}?mode=ro&uri=true"
    return f"sqlite:///{path}"


def password_name(url: URL) -> str:
    """The keyring entry of a database server's password: its address without the password (the
    driver and a connect timeout left out, so postgresql:// and postgresql+psycopg:// share it)."""
    query = {k: v for k, v in url.query.items() if k != "connect_timeout"}
    return "database " + url.set(drivername=url.get_backend_name(), password=None, query=query).render_as_string()


def with_kept_password(url: str) -> str:
    """A server's address with the password ``workbench password`` kept in the OS keyring, when the
    address names a user and no password. Otherwise, or without a keyring, the address as it is
    (the driver's own ways still apply: PGPASSWORD, ~/.pgpass)."""
    u = make_url(url)
    if u.get_backend_name() == "sqlite" or u.password is not None or not u.username:
        return url
    try:
        kept = get_secret(password_name(u))
    except KeyringUnavailable:
        return url
    return u.set(password=kept).render_as_string(hide_password=False) if kept else url


def make_engine(url: str, *, readonly: bool = False) -> Engine:
    kwargs: dict = {}
    if url.startswith("sqlite"):
        kwargs["connect_args"] = {"check_same_thread": False, "timeout": BUSY_TIMEOUT_S}
    engine = create_engine(url, **kwargs)
    install_sqlite_pragmas(engine, readonly=readonly)
    install_server_errors(engine)
    return engine


def alembic_config(engine: Engine | None = None) -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    if engine is not None:
        # The config file format reads '%' as interpolation: an encoded character of the URL (a
        # password's '%40', a socket folder's '%2F') must be written '%%'.
        cfg.set_main_option("sqlalchemy.url", engine.url.render_as_string(hide_password=False).replace("%", "%%"))
    return cfg


@functools.cache
def _revisions() -> tuple[frozenset[str], str]:
    """The migrations this workbench knows, and the newest, from their files' ``revision`` and
    ``down_revision`` lines. Alembic, a third of a second to load, is loaded only to migrate: a
    command on a workspace that is up to date starts without it."""
    known: set[str] = set()
    parents: set[str] = set()
    for f in (MIGRATIONS / "versions").glob("*.py"):
        lines = {m[1]: m[2] for m in _REVISION_LINE.finditer(f.read_text(encoding="utf-8"))}
        if lines.get("revision"):
            known.add(lines["revision"])
            parents.add(lines.get("down_revision") or "")
    heads = known - parents
    if len(heads) != 1:
        raise RuntimeError(f"the workbench's migrations have {len(heads)} heads: {sorted(heads)}")
    return frozenset(known), heads.pop()


def head_revision() -> str:
    return _revisions()[1]


def _revision_of(conn: Connection) -> str | None:
    """The revision a workspace is at (alembic's version table), or None when it has none."""
    if not inspect(conn).has_table("alembic_version"):
        return None
    return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return _revision_of(conn)


def is_newer(revision: str | None) -> bool:
    """Whether a workspace at ``revision`` was written by a newer workbench (one this one cannot read)."""
    return revision is not None and revision not in _revisions()[0]


def newer_version(display: str) -> WorkspaceError:
    """What is said of a workspace whose schema this workbench does not know: left untouched."""
    return WorkspaceError(f"The workspace {display} was written by a newer version of the workbench; "
                          "update the workbench to open it (it was left as it is).")


def not_a_workspace(display: str) -> WorkspaceError:
    """What is said of another program's database: nothing of the workbench is written into it."""
    return WorkspaceError(f"{display} is another program's database, not a workspace; choose a new file or an "
                          "empty database (it was left as it is).")


def upgrade(engine: Engine, display: str = "") -> None:
    """Apply every migration not yet applied, inside one transaction. A workspace from a newer
    workbench is refused before anything is written."""
    try:
        with engine.begin() as conn:
            current = _revision_of(conn)
            display = display or str(engine.url.database or engine.url)
            if is_newer(current):
                raise newer_version(display)
            if current == head_revision():
                return  # up to date: opening it writes nothing, and waits for no one's import
            lock_for_writing(conn)  # two teammates opening a new server database at once: one creates it
            current = _revision_of(conn)  # as the other left it
            if current is None and inspect(conn).get_table_names():
                raise not_a_workspace(display)
            from alembic import command

            cfg = alembic_config(engine)
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "head")
    except (OperationalError, DatabaseError) as exc:
        why = str(exc.orig if hasattr(exc, "orig") else exc).strip()
        if "password" in why and engine.url.get_backend_name() != "sqlite":
            why += (" (give the password in the address, or keep it in the system keyring with "
                    "`workbench password --workspace ADDRESS`)")
        raise WorkspaceError(f"The workspace at {engine.url.database or engine.url} cannot be opened: "
                             f"{why}.") from exc
