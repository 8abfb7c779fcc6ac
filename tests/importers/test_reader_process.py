"""A large input is read in a second process: the workspace it makes, its problems, its failures and
cancel are exactly those of reading it in this process."""
from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from sqlalchemy import text

from workbench.errors import ImportCancelled, ImportFailed
from workbench.importers import reader_process
from workbench.workspace import Workspace

GENERAL = Path(__file__).resolve().parent.parent / "data" / "discord" / "guild" / \
    "Makers - Chat - general [900000000000000100].json"

CONTENT = {
    "activities": """SELECT a.platform, a.external_id, acc.external_id, ch.external_id, a.created_at, a.edited_at, a.kind,
                     a.parent_external_id, p.external_id, r.external_id, a.text, a.reaction_count, a.is_question
                     FROM activity a JOIN account acc ON acc.id = a.account_id
                     LEFT JOIN channel ch ON ch.id = a.channel_id LEFT JOIN activity p ON p.id = a.parent_id
                     LEFT JOIN activity r ON r.id = a.root_id""",
    "accounts": """SELECT platform, external_id, handle, display_name, email, is_bot, is_staff, is_deleted, joined_at,
                   placeholder FROM account""",
    "channels": "SELECT platform, external_id, name, kind, parent_external_id FROM channel",
    "reactions": """SELECT a.external_id, acc.external_id, r.emoji FROM reaction r
                    JOIN activity a ON a.id = r.activity_id JOIN account acc ON acc.id = r.account_id""",
    "memberships": """SELECT acc.external_id, m.kind, m.at FROM membership_event m
                      JOIN account acc ON acc.id = m.account_id""",
    "rollup": "SELECT day, account_id, platform, activities FROM daily_rollup",
}


def content(path: Path) -> dict[str, list]:
    ws = Workspace.open(path, readonly=True)
    try:
        with ws.connect() as conn:
            return {name: sorted(map(tuple, conn.execute(text(sql)).all()), key=repr) for name, sql in CONTENT.items()}
    finally:
        ws.close()


@pytest.fixture
def separate(monkeypatch):
    """Every input, however small, is read in a second process."""
    monkeypatch.setattr(reader_process, "MIN_BYTES", 0)


@pytest.mark.slow
def test_a_community_read_in_separate_processes_makes_the_same_workspace(community, community_db, separate, tmp_path):
    reference, truth = community_db(messages=20000, members=800)  # read in this process (small files)
    folder = community(messages=20000, members=800)
    ws = Workspace.open(tmp_path / "separate.db")
    try:
        ws.import_paths([folder / "slack_export.zip", folder / "discord", folder / "telegram" / "result.json"])
        assert ws.counts()["activities"] == truth["messages"]
    finally:
        ws.close()
    got, want = content(tmp_path / "separate.db"), content(reference)
    for name in CONTENT:
        assert len(got[name]) == len(want[name]) > 0, name
        assert got[name] == want[name], name


def _export_with_a_bad_message(tmp_path: Path) -> Path:
    doc = json.loads(GENERAL.read_text(encoding="utf-8"))
    doc["messages"].append({"id": "1215000000000000777", "type": "Default", "content": "no author"})
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


def test_problems_arrive_as_they_would_from_this_process(ws, tmp_path, monkeypatch):
    path = _export_with_a_bad_message(tmp_path)
    here = ws.import_paths([path])
    monkeypatch.setattr(reader_process, "MIN_BYTES", 0)
    other = Workspace.open(tmp_path / "other.db")
    try:
        there = other.import_paths([path])
    finally:
        other.close()
    assert [(p.file, p.position, p.message) for p in there.problems] == \
        [(p.file, p.position, p.message) for p in here.problems]
    assert (there.read, there.added, there.skipped, there.problem_count) == \
        (here.read, here.added, here.skipped, here.problem_count) and here.problem_count == 1


def test_a_truncated_file_fails_with_the_same_sentence_and_writes_nothing(ws, tmp_path, monkeypatch):
    cut = tmp_path / "cut.json"
    data = GENERAL.read_bytes()
    cut.write_bytes(data[: int(len(data) * 0.7)])
    with pytest.raises(ImportFailed) as here:
        ws.import_paths([cut])
    monkeypatch.setattr(reader_process, "MIN_BYTES", 0)
    with pytest.raises(ImportFailed) as there:
        ws.import_paths([cut])
    assert str(there.value) == str(here.value) and "cut.json" in str(there.value)
    assert ws.counts()["activities"] == 0 and ws.counts()["import_runs"] == 0


def _reading_children() -> list[int]:
    found = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            stat = Path(f"/proc/{pid}/stat").read_text()
            cmd = Path(f"/proc/{pid}/cmdline").read_bytes()
        except OSError:
            continue
        if int(stat.rsplit(")", 1)[1].split()[1]) == os.getpid() and b"reader_process" in cmd:
            found.append(int(pid))
    return found


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="looks for the child process in /proc")
def test_cancel_stops_the_reading_process_and_writes_nothing(ws, tmp_path, separate):
    doc = json.loads(GENERAL.read_text(encoding="utf-8"))
    doc["messages"] = [dict(doc["messages"][1], id=str(1215000000000100000 + i)) for i in range(20000)]
    path = tmp_path / "long.json"
    path.write_text(json.dumps(doc, indent=2), encoding="utf-8")
    messages: list[str] = []
    with pytest.raises(ImportCancelled):
        ws.import_paths([path], progress=lambda f, m: messages.append(m),
                        cancel=lambda: any(m.startswith("Reading long.json") for m in messages))
    assert any(m.startswith("Reading long.json") for m in messages)  # the news came from the child
    assert ws.counts()["activities"] == 0 and ws.counts()["import_runs"] == 0
    assert _reading_children() == []



DATA = Path(__file__).resolve().parent.parent / "data"


@pytest.mark.parametrize("name, path", [("discord-json", GENERAL), ("slack", DATA / "slack" / "export"),
                                        ("telegram", DATA / "telegram" / "result.json")])
def test_the_reading_process_loads_its_importer_alone(name, path):
    """The reading process starts while the writer waits for its first records: it loads the one
    importer it reads with, not the others nor the database machinery (half a second each start)."""
    import pickle
    import subprocess
    import sys

    from workbench.importers import registry

    imp = registry.by_name(name)
    request = pickle.dumps(reader_process.request(imp, path, path.name, {}))
    # The reading process as the import starts it, telling at its exit what it had loaded.
    probe = ("import atexit, runpy, sys; atexit.register(lambda: sys.stderr.write('\\nloaded: ' + ' '.join(sys.modules)));"
             "runpy.run_module('workbench.importers.reader_process', run_name='__main__')")
    out = subprocess.run([sys.executable, "-c", probe], input=request, capture_output=True, check=True)
    records = []
    data = out.stdout
    while data:
        size = int.from_bytes(data[:8], "little")
        records.append(pickle.loads(data[8:8 + size]))
        data = data[8 + size:]
    assert records[-1][0] == "done" and any(kind == "records" and payload for kind, payload in records)
    loaded = set(out.stderr.decode().rsplit("loaded: ", 1)[1].split())
    assert type(imp).__module__ in loaded
    assert not {m for m in loaded if m.split(".")[0] == "sqlalchemy"}
    others = {m for m in loaded if m.startswith("workbench.importers.")} & \
        {f"workbench.importers.{m}" for m in ("github", "discourse", "csvfile", "mbox", "stackexchange", "irc", "registry")}
    assert not others


def test_every_importer_is_found_by_the_reading_process():
    """A large input of any format is read in the reading process, which finds its importer in the
    module the request names (not through the registry): each registered importer is there."""
    from workbench.importers import registry

    for imp in registry.all_importers():
        name, module = reader_process.request(imp, GENERAL, GENERAL.name, {})[:2]
        assert reader_process._importer(name, module) is imp, imp.name


@pytest.mark.parametrize("far", [False, True], ids=["here", "in the reading process"])
def test_an_export_that_needs_a_question_answered_asks_it_from_either_process(ws, tmp_path, chat_message,
                                                                             monkeypatch, far):
    """The Imports page asks the zone of an older Telegram export's clock times when the import stops
    with NeedsTelegramZone: the question must arrive as itself, naming the file, wherever it was read
    (it arrived as a bare ImportFailed from the reading process, and the page showed an error). A
    whole account's export whose second chat has only clock times is asked about while it is read."""
    from workbench.importers.telegram import NeedsTelegramZone

    if far:
        monkeypatch.setattr(reader_process, "MIN_BYTES", 0)
    account = tmp_path / "result.json"
    account.write_text(json.dumps({"about": "Here is the data you requested.", "chats": {"about": "", "list": [
        {"name": "Builders", "type": "public_supergroup", "id": 42, "messages": [chat_message(0, "Nia", "hi")]},
        {"name": "Makers", "type": "public_supergroup", "id": 43,
         "messages": [chat_message(1, "Omar", "hello", utc=False)]}]}}), encoding="utf-8")
    with pytest.raises(NeedsTelegramZone) as asked:
        ws.import_paths([account], options={"telegram": {"ask_zone": True}})
    assert asked.value.file == "result.json" and "time zone" in str(asked.value)
    assert asked.value.first.isoformat() == "2024-03-02T01:31:00"
    assert ws.counts()["activities"] == 0 and ws.counts()["import_runs"] == 0
    ws.import_paths([account], options={"telegram": {"ask_zone": True, "timezone": "Europe/Athens"}})
    with ws.connect() as conn:
        times = [str(t)[:16] for t in conn.exec_driver_sql("select created_at from activity order by id").scalars()]
    assert times == ["2024-03-01 23:30", "2024-03-01 23:31"]  # the first at its instant, the second in Athens
