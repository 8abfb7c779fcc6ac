"""Shared test fixtures: a real SQLite workspace per test, the real CLI, the real export samples,
a keyring in memory."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import keyring.backend
import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
SHARED = Path(os.environ.get("WORKBENCH_SHARED", ROOT.parent / "shared"))
REAL = SHARED / "fixtures" / "real"
MAKE_COMMUNITY = SHARED / "tools" / "make_community.py"


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path_factory, monkeypatch):
    """Every test gets its own user data folder, so nothing touches the real one."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("WORKBENCH_HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "config"))
    yield home


@pytest.fixture
def ws_path(tmp_path) -> Path:
    return tmp_path / "workspace.db"


@pytest.fixture
def ws(ws_path):
    from workbench.workspace import Workspace

    w = Workspace.open(ws_path)
    yield w
    w.close()


@pytest.fixture
def real() -> Path:
    """The real export samples; tests that need them are skipped where the folder is absent."""
    if not REAL.is_dir():
        pytest.skip(f"the real export samples are not here ({REAL}); CI provides them")
    return REAL


class CliResult:
    def __init__(self, proc: subprocess.CompletedProcess):
        self.code = proc.returncode
        self.out = proc.stdout
        self.err = proc.stderr

    def json(self):
        return json.loads(self.out)

    def __repr__(self) -> str:
        return f"<exit {self.code}\nstdout: {self.out[-2000:]}\nstderr: {self.err[-2000:]}>"


@pytest.fixture
def cli():
    """Run the real ``workbench`` entry point in a subprocess."""
    def run(*args: str, timeout: float = 600) -> CliResult:
        proc = subprocess.run([sys.executable, "-m", "workbench", *map(str, args)], capture_output=True,
                              text=True, timeout=timeout, env=os.environ.copy())
        return CliResult(proc)
    return run


_COMMUNITIES: dict[tuple, Path] = {}


@pytest.fixture(scope="session")
def community(tmp_path_factory):
    """``community(messages=20000, members=800)``: a synthetic community from the shared tool,
    built once per session per size. Returns the folder (slack_export.zip, discord/, telegram/,
    truth.json)."""
    def make(messages: int = 20000, members: int = 800, days: int = 365, seed: int = 7) -> Path:
        if not MAKE_COMMUNITY.is_file():
            pytest.skip(f"the community generator is not here ({MAKE_COMMUNITY}); CI provides it")
        key = (messages, members, days, seed)
        if key not in _COMMUNITIES:
            out = tmp_path_factory.mktemp(f"community-{messages}-{members}")
            subprocess.run([sys.executable, str(MAKE_COMMUNITY), "--out", str(out), "--messages", str(messages),
                            "--members", str(members), "--days", str(days), "--seed", str(seed)],
                           check=True, capture_output=True)
            _COMMUNITIES[key] = out
        return _COMMUNITIES[key]
    return make


_IMPORTED: dict[tuple, Path] = {}


@pytest.fixture(scope="session")
def community_db(community, tmp_path_factory):
    """A workspace file with a synthetic community imported (Slack, Discord, Telegram), built once
    per session per size. Tests must copy it (``copy_db``) before writing to it."""
    def make(messages: int = 20000, members: int = 800) -> tuple[Path, dict]:
        from workbench.workspace import Workspace

        folder = community(messages=messages, members=members)
        key = (messages, members)
        if key not in _IMPORTED:
            path = tmp_path_factory.mktemp("community-db") / "community.db"
            w = Workspace.open(path)
            w.import_paths([folder / "slack_export.zip", folder / "discord", folder / "telegram" / "result.json"])
            w.close()
            _IMPORTED[key] = path
        truth = json.loads((folder / "truth.json").read_text(encoding="utf-8"))
        return _IMPORTED[key], truth
    return make


@pytest.fixture
def copy_db(tmp_path):
    def copy(path: Path) -> Path:
        import sqlite3

        dest = tmp_path / f"copy-{path.name}"
        src = sqlite3.connect(path)
        dst = sqlite3.connect(dest)
        src.backup(dst)
        src.close()
        dst.close()
        return dest
    return copy


class MemoryKeyring(keyring.backend.KeyringBackend):
    """A keyring backend that keeps passwords in memory for the length of a test."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.store: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.store.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.store[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        import keyring.errors

        if (service, username) not in self.store:
            raise keyring.errors.PasswordDeleteError(username)
        del self.store[(service, username)]


@pytest.fixture
def memory_keyring():
    """A real keyring backend that keeps secrets in memory for the length of a test (``.store``:
    {(service, name): secret})."""
    import keyring

    before = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(before)


def _chat_message(n: int, author: str, text: str, *, utc: bool = True) -> dict:
    """A message of a Telegram Desktop export, sent on 2024-03-02 at 01:30 + n minutes; without its
    UTC instant (``date_unixtime``) when ``utc`` is False, as some exports write it."""
    msg = {"id": n, "type": "message", "date": f"2024-03-02T01:{30 + n:02d}:00", "from": author,
           "from_id": f"user{sum(map(ord, author))}", "text": text}  # one author, one id
    if utc:
        msg["date_unixtime"] = str(1709335800 + 60 * n)  # the exporter's clock was 2 hours ahead of UTC
    return msg


@pytest.fixture
def chat_message():
    """``chat_message(n, author, text, utc=True)``: a message of a Telegram Desktop export."""
    return _chat_message


@pytest.fixture
def exports_folder(tmp_path):
    """An "exports" folder as people drop one: a Telegram chat's result.json (Nia's "hello", or the
    ``messages`` given) beside the other ``files`` (name: text)."""
    def make(files: dict[str, str] | None = None, messages: list[dict] | None = None) -> Path:
        folder = tmp_path / "exports"
        folder.mkdir(exist_ok=True)
        for name, text in (files or {}).items():
            (folder / name).write_text(text, encoding="utf-8")
        chat = {"name": "Builders", "type": "public_supergroup", "id": 42,
                "messages": messages or [_chat_message(0, "Nia", "hello")]}
        (folder / "result.json").write_text(json.dumps(chat), encoding="utf-8")
        return folder
    return make


@pytest.fixture
def monthly_newcomers():
    """``monthly_newcomers(path, months)``: a DiscordChatExporter channel written at ``path`` where
    one new person comes each month from January 2024 and writes again the month after."""
    def write(path: Path, months: int) -> Path:
        messages = []
        for k in range(months):
            for later in (0, 1) if k < months - 1 else (0,):
                month = k + later
                messages.append({"id": str(1000 + len(messages)), "type": "Default",
                                 "timestamp": f"{2024 + month // 12}-{month % 12 + 1:02d}-10T12:00:00+00:00",
                                 "content": "hello", "author": {"id": str(500 + k), "name": f"member{k}"}})
        messages.sort(key=lambda message: message["timestamp"])
        path.write_text(json.dumps({"guild": {"id": "1", "name": "Guild"},
                                    "channel": {"id": "2", "type": "GuildTextChat", "name": "general"},
                                    "messages": messages}), encoding="utf-8")
        return path
    return write


@pytest.fixture
def beyond_the_font():
    """``beyond_the_font(path)``: a DiscordChatExporter channel "🤖-ai" written at ``path``, where 李明
    and "Ana 🚀" ask ten questions in March 2024: names a PDF's font (DejaVu Sans) has no glyphs for."""
    def write(path: Path) -> Path:
        names = {"501": "李明", "502": "Ana 🚀"}
        messages = [{"id": str(1000 + k), "type": "Default", "timestamp": f"2024-03-{k + 1:02d}T12:00:00+00:00",
                     "content": "hello?", "author": {"id": author, "name": names[author]}}
                    for k, author in enumerate(["501", "502"] * 5)]
        path.write_text(json.dumps({"guild": {"id": "1", "name": "Guild"}, "channel": {
            "id": "2", "type": "GuildTextChat", "name": "🤖-ai"}, "messages": messages}), encoding="utf-8")
        return path
    return write
