"""The Workspace facade: opening, refusing what is not a workspace, one writer, change broadcast."""
from __future__ import annotations

import datetime as dt
import json
import threading

import pytest

from workbench.errors import WorkspaceError
from workbench.records import AccountRec, ActivityRec, ChannelRec, SourceRec
from workbench.store.links import resolve_links
from workbench.store.models import Account, Activity, Person
from workbench.store.writer import Writer
from workbench.workspace import Workspace

T0 = dt.datetime(2024, 3, 1, 12, 0, tzinfo=dt.timezone.utc)


def _write(ws, records):
    from sqlalchemy import insert

    from workbench.store.models import ImportRun

    with ws.write_conn("test") as conn:
        run = conn.execute(insert(ImportRun.__table__).values(status="done", counts={})).inserted_primary_key[0]
        w = Writer(conn, run)
        w.add_all(records)
        w.flush()
        resolve_links(conn)
        return w.counts


def test_new_workspace_has_nothing(ws):
    assert ws.counts() == {"sources": 0, "accounts": 0, "people": 0, "activities": 0, "import_runs": 0}


def test_refuses_a_file_that_is_not_a_workspace(tmp_path):
    bogus = tmp_path / "notes.db"
    bogus.write_text("these are my notes, not a database\n")
    with pytest.raises(WorkspaceError, match="not a workspace file"):
        Workspace.open(bogus)
    assert bogus.read_text() == "these are my notes, not a database\n"


def test_a_workspace_of_a_newer_workbench_is_said_and_left_as_it_is(tmp_path, cli):
    """A teammate's newer workbench upgraded the workspace: this one says so, in the window's words
    and the command line's, for writing and reading alike, and changes no byte of it."""
    import hashlib
    import sqlite3

    path = tmp_path / "team.db"
    Workspace.open(path).close()
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '9f9f9f9f9f9f'")
    conn.close()
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    said = (f"The workspace {path} was written by a newer version of the workbench; update the workbench to "
            "open it (it was left as it is).")
    for readonly in (False, True):
        with pytest.raises(WorkspaceError) as caught:
            Workspace.open(path, readonly=readonly)
        assert str(caught.value) == said
    for command in (["status"], ["report", "--format", "csv", "--out", tmp_path / "out"], ["people", "list"]):
        r = cli(*command, "--workspace", path)
        assert r.code == 2 and r.err.strip() == f"workbench: {said}", r
    assert hashlib.sha256(path.read_bytes()).hexdigest() == digest


def test_another_programs_database_is_not_made_a_workspace(tmp_path):
    import sqlite3

    path = tmp_path / "recipes.db"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE recipe (id INTEGER PRIMARY KEY, name TEXT)")
    conn.close()
    for readonly in (False, True):
        with pytest.raises(WorkspaceError, match=r"recipes.db is another program's database, not a workspace; "
                                                 r"choose a new file or an empty database \(it was left as it is\)."):
            Workspace.open(path, readonly=readonly)
    with sqlite3.connect(path) as conn:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    conn.close()
    assert tables == ["recipe"]


def test_refuses_a_folder(tmp_path):
    with pytest.raises(WorkspaceError, match="is a folder"):
        Workspace.open(tmp_path)


def test_readonly_needs_an_existing_workspace_and_refuses_writes(tmp_path):
    with pytest.raises(WorkspaceError, match="There is no workspace"):
        Workspace.open(tmp_path / "missing.db", readonly=True)
    Workspace.open(tmp_path / "w.db").close()
    ro = Workspace.open(tmp_path / "w.db", readonly=True)
    try:
        with pytest.raises(WorkspaceError, match="read-only"):
            ro.set_setting("x", 1)
        assert ro.counts()["activities"] == 0
    finally:
        ro.close()


def test_records_become_rows_with_one_person_per_account(ws):
    counts = _write(ws, [
        SourceRec("slack", "T1", "Acme"),
        ChannelRec("slack", "C1", "help", source_external_id="T1"),
        AccountRec("slack", "U1", handle="ana", display_name="Ana Silva", email="Ana@Example.org"),
        ActivityRec("slack", "C1:1.000001", "U1", T0, channel_external_id="C1", text="How do I start?"),
        ActivityRec("slack", "C1:2.000001", "U2", T0 + dt.timedelta(hours=2), channel_external_id="C1",
                    parent_external_id="C1:1.000001", text="Read the guide"),
    ])
    assert ws.counts() == {"sources": 1, "accounts": 2, "people": 2, "activities": 2, "import_runs": 1}
    assert counts.by_kind["activities"] == 2
    with ws.session() as s:
        ana = s.query(Account).filter_by(external_id="U1").one()
        assert ana.email_norm == "ana@example.org" and ana.person.display_name == "Ana Silva"
        placeholder = s.query(Account).filter_by(external_id="U2").one()
        assert placeholder.placeholder is True  # referenced by a reply, not described yet
        reply = s.query(Activity).filter_by(external_id="C1:2.000001").one()
        question = s.query(Activity).filter_by(external_id="C1:1.000001").one()
        assert reply.parent_id == question.id and reply.root_id == question.id
        assert reply.created_at == T0 + dt.timedelta(hours=2)
        assert s.query(Person).count() == 2


def test_the_same_records_twice_add_nothing_and_an_edit_updates(ws):
    recs = [AccountRec("discord", "9", handle="kai"),
            ActivityRec("discord", "100", "9", T0, channel_external_id="c", text="hello")]
    _write(ws, recs)
    again = _write(ws, recs)
    assert again.added == 0 and again.unchanged >= 1
    edited = ActivityRec("discord", "100", "9", T0, channel_external_id="c", text="hello, edited",
                         edited_at=T0 + dt.timedelta(minutes=5))
    third = _write(ws, [edited])
    assert third.updated == 1
    with ws.session() as s:
        act = s.query(Activity).one()
        assert act.text == "hello, edited" and act.edited_at == T0 + dt.timedelta(minutes=5)
    assert ws.counts()["activities"] == 1


def test_a_parent_arriving_later_is_linked(ws):
    _write(ws, [ActivityRec("telegram", "g:2", "user1", T0, parent_external_id="g:1", text="yes")])
    with ws.session() as s:
        assert s.query(Activity).one().parent_id is None
    _write(ws, [ActivityRec("telegram", "g:1", "user2", T0 - dt.timedelta(hours=1), text="anyone?")])
    with ws.session() as s:
        child = s.query(Activity).filter_by(external_id="g:2").one()
        parent = s.query(Activity).filter_by(external_id="g:1").one()
        assert child.parent_id == parent.id and child.root_id == parent.id


def test_a_failed_write_leaves_nothing(ws):
    with pytest.raises(RuntimeError):
        with ws.write_conn("test") as conn:
            from sqlalchemy import insert

            from workbench.store.models import ImportRun
            conn.execute(insert(ImportRun.__table__).values(status="running", counts={}))
            raise RuntimeError("power cut")
    assert ws.counts()["import_runs"] == 0


def test_listeners_hear_committed_writes_only(ws):
    heard = []
    ws.subscribe(heard.append)
    ws.set_setting("a", 1)
    with pytest.raises(ValueError):
        with ws.write("broken"):
            raise ValueError
    assert heard == ["settings"]


def test_writes_are_serialised(ws):
    order = []

    def writer(tag):
        with ws.write(tag):
            order.append(f"{tag}-start")
            order.append(f"{tag}-end")

    threads = [threading.Thread(target=writer, args=(f"w{i}",)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for i in range(0, len(order), 2):  # no interleaving: every start is followed by its own end
        assert order[i].split("-")[0] == order[i + 1].split("-")[0]


def test_a_workspace_another_program_is_writing_to_is_busy_in_one_sentence_and_loses_nothing(ws_path, monkeypatch):
    """A `workbench import` in a terminal while the window records a recognition: the one that
    waits too long is told the workspace is busy, and nothing of it is half-written."""
    import sqlite3
    from pathlib import Path

    from workbench.errors import WorkspaceBusy
    from workbench.people.profile import add_tag
    from workbench.store import dialect

    data = Path(__file__).resolve().parent.parent / "data" / "gitter" / "messages.json"
    ws = Workspace.open(ws_path)
    ws.import_paths([data])
    before = ws.counts()
    person = before["people"]
    monkeypatch.setattr(dialect, "BUSY_TIMEOUT_S", 1)
    ws.engine.dispose()  # connections from now on wait one second
    other = sqlite3.connect(ws_path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # the other program's write, still going on
    try:
        for attempt in (lambda: ws.import_paths([data.parent]), lambda: add_tag(ws, person, "helper")):
            with pytest.raises(WorkspaceBusy) as caught:
                attempt()
            assert str(caught.value) == (f"The workspace {ws_path} is busy: another program (a workbench window or "
                                         "command) has been writing to it for over 1 second. Nothing was changed; "
                                         "try again when it has finished.")
    finally:
        other.rollback()
        other.close()
    assert ws.counts() == before
    add_tag(ws, person, "helper")  # once the other program is done, it goes through
    ws.close()


def test_a_full_disk_is_said_in_one_sentence_and_the_import_leaves_nothing(ws_path):
    """The laptop's disk fills up during an import: one sentence, and the workspace as it was.
    (SQLite's page limit stands in for the disk: it fails the same way, "database or disk is full".)"""
    from pathlib import Path

    from sqlalchemy import event

    from workbench.errors import WorkspaceFull

    data = Path(__file__).resolve().parent.parent / "data"
    ws = Workspace.open(ws_path)
    ws.import_paths([data / "gitter" / "messages.json"])
    before = ws.counts()
    with ws.connect() as conn:
        pages = conn.exec_driver_sql("PRAGMA page_count").scalar_one()
    ws.engine.dispose()

    def no_room(dbapi_conn, _record):  # noqa: ANN001
        dbapi_conn.execute(f"PRAGMA max_page_count = {pages + 1}")
    event.listen(ws.engine, "connect", no_room)
    chat = ws_path.parent / "result.json"  # a Telegram group of 3,000 messages: more than one page more
    chat.write_text(json.dumps({"name": "Makers", "type": "public_supergroup", "id": 77, "messages": [
        {"id": i, "type": "message", "date": "2024-01-01T10:00:00", "date_unixtime": str(1704103200 + i),
         "from": f"Member {i % 50}", "from_id": f"user{i % 50}", "text": f"message number {i}"} for i in range(3000)]}))
    with pytest.raises(WorkspaceFull) as caught:
        ws.import_paths([chat])
    assert str(caught.value) == (f"The workspace {ws_path} cannot grow: its disk is full. Nothing was changed; "
                                 "free some space and try again.")
    event.remove(ws.engine, "connect", no_room)
    ws.engine.dispose()
    assert ws.counts() == before
    assert ws.import_paths([chat]).by_kind["activities"] == 3000  # with room again, it goes through
    ws.close()
