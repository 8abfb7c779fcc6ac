"""A PostgreSQL server of the tests' own, so the workspace's PostgreSQL path runs for real.

``WORKBENCH_TEST_POSTGRES`` may name a server to use (a URL that may create databases). Without
it, the session starts a throwaway cluster with the machine's PostgreSQL programs (``initdb``,
``pg_ctl``; ``make test`` installs them as root), listening on a socket in a temporary folder
only, and removes it at the end. Each test gets a database of its own. Where there is no
PostgreSQL, the tests say so and are skipped.
"""
from __future__ import annotations

import glob
import os
import pwd
import shlex
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest


PASSWORD_ROLE = "teammate"  # the one role of the tests' server that must give a password


def _programs() -> Path | None:
    """The folder of initdb and pg_ctl (Debian keeps them out of PATH)."""
    found = shutil.which("initdb")
    if found:
        return Path(found).parent
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4]))
    return Path(candidates[-1]).parent if candidates else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class _Cluster:
    """initdb + pg_ctl in a temporary folder; as root, run as the ``postgres`` user (PostgreSQL
    refuses to run as root)."""

    def __init__(self, bindir: Path) -> None:
        self.bindir = bindir
        self.folder = Path(tempfile.mkdtemp(prefix="wb-pg-"))
        self.data = self.folder / "data"
        self.port = _free_port()
        self.prefix: list[str] = []
        if os.geteuid() == 0:
            try:
                user = pwd.getpwnam("postgres")
            except KeyError:
                pytest.skip("PostgreSQL refuses to run as root and there is no 'postgres' user to run it as")
            os.chown(self.folder, user.pw_uid, user.pw_gid)
            runuser = shutil.which("runuser") or next(
                (p for p in ("/usr/sbin/runuser", "/sbin/runuser") if os.path.exists(p)), None)
            self.prefix = [runuser, "-u", "postgres", "--"] if runuser else ["su", "postgres", "-s", "/bin/sh", "-c"]

    def run(self, *args: str) -> None:
        command = [*self.prefix, shlex.join(args)] if self.prefix[:1] == ["su"] else [*self.prefix, *args]
        subprocess.run(command, check=True, capture_output=True, timeout=120)

    def start(self) -> None:
        self.run(str(self.bindir / "initdb"), "-D", str(self.data), "-A", "trust", "-U", "postgres",
                 "-E", "UTF8", "--locale=C", "--no-sync")
        # Everyone is trusted on the socket, except the role PASSWORD_ROLE, which must give its password.
        hba = self.data / "pg_hba.conf"
        self.run("sh", "-c", f"printf 'local all {PASSWORD_ROLE} scram-sha-256\\nlocal all all trust\\n' > {hba}")
        options = f"-c listen_addresses='' -k {self.folder} -p {self.port} -F"
        self.run(str(self.bindir / "pg_ctl"), "-D", str(self.data), "-o", options, "-l",
                 str(self.folder / "server.log"), "-w", "start")

    def stop(self) -> None:
        try:
            self.run(str(self.bindir / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "stop")
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)

    def url(self, database: str) -> str:
        return f"postgresql+psycopg://postgres@/{database}?host={self.folder}&port={self.port}"


@pytest.fixture(scope="session")
def pg_server() -> Iterator[object]:
    """Something with ``url(database)``: the tests' PostgreSQL server."""
    pytest.importorskip("psycopg", reason="the PostgreSQL driver is not installed (pip install '.[postgres]')")
    given = os.environ.get("WORKBENCH_TEST_POSTGRES")
    if given:
        base = given.rsplit("/", 1)[0]

        class _Given:
            @staticmethod
            def url(database: str) -> str:
                return f"{base}/{database}"
        yield _Given()
        return
    bindir = _programs()
    if bindir is None:
        pytest.skip("PostgreSQL is not installed here (make test installs it when run as root)")
    cluster = _Cluster(bindir)
    try:
        cluster.start()
    except (subprocess.CalledProcessError, OSError) as exc:
        cluster.stop()
        said = exc.stderr if isinstance(exc, subprocess.CalledProcessError) else str(exc).encode()
        pytest.skip(f"PostgreSQL did not start: {(said or b'').decode(errors='replace')[-500:]}")
    try:
        yield cluster
    finally:
        cluster.stop()


@pytest.fixture
def pg_url(pg_server) -> Iterator[str]:  # noqa: ANN001
    """A new, empty database on the tests' server, dropped after the test."""
    import psycopg
    from sqlalchemy.engine import make_url

    name = f"wb_{uuid.uuid4().hex[:12]}"
    admin = make_url(pg_server.url("postgres")).set(drivername="postgresql")
    dsn = admin.render_as_string(hide_password=False)
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    yield pg_server.url(name)
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def teammate(pg_server, pg_url) -> Iterator[tuple[str, str]]:  # noqa: ANN001
    """(address, password) of the test's database for PASSWORD_ROLE, who must give a password; the
    address names no password."""
    import psycopg
    from sqlalchemy.engine import make_url

    if not hasattr(pg_server, "data"):
        pytest.skip(f"needs the tests' own server, where the role '{PASSWORD_ROLE}' must give a password")
    secret = "team-secret-1"
    admin = make_url(pg_url).set(drivername="postgresql")
    dsn = admin.render_as_string(hide_password=False)
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(f"CREATE ROLE {PASSWORD_ROLE} LOGIN PASSWORD '{secret}'")
        conn.execute(f'GRANT ALL ON DATABASE "{admin.database}" TO {PASSWORD_ROLE}')
        conn.execute(f"GRANT ALL ON SCHEMA public TO {PASSWORD_ROLE}")
    yield make_url(pg_url).set(username=PASSWORD_ROLE).render_as_string(hide_password=False), secret
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(f"DROP OWNED BY {PASSWORD_ROLE}")
    with psycopg.connect(admin.set(database="postgres").render_as_string(hide_password=False),
                         autocommit=True) as conn:
        conn.execute(f"DROP ROLE {PASSWORD_ROLE}")
