"""Migrations: an empty file upgrades to the current schema, and the schema is exactly the models."""
from __future__ import annotations

import sqlite3

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from workbench.store import db
from workbench.store.models import Base
from workbench.workspace import Workspace


def test_empty_file_upgrades_to_head(tmp_path):
    path = tmp_path / "empty.db"
    sqlite3.connect(path).close()  # an existing, empty SQLite file
    ws = Workspace.open(path)
    try:
        assert db.current_revision(ws.engine) == db.head_revision()
        tables = set(inspect(ws.engine).get_table_names())
        assert {"source", "account", "person", "channel", "activity", "reaction", "import_run", "import_file",
                "import_problem", "recognition", "champion_status", "tag", "person_tag", "note",
                "merge_event"} <= tables
    finally:
        ws.close()


def test_migrations_create_exactly_the_models(tmp_path):
    ws = Workspace.open(tmp_path / "w.db")
    try:
        with ws.engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), Base.metadata)
        assert diff == [], f"models and migrations differ (run `make schema`): {diff}"
    finally:
        ws.close()


def test_the_revisions_read_from_the_migration_files_are_alembics(tmp_path):
    """The workbench tells a workspace's schema without loading alembic: the revisions it reads
    from the migration files are alembic's own, and its head is alembic's head."""
    from alembic.script import ScriptDirectory

    scripts = ScriptDirectory.from_config(db.alembic_config())
    known, head = db._revisions()
    assert known == {s.revision for s in scripts.walk_revisions()} and len(known) >= 4
    assert head == scripts.get_current_head()
    ws = Workspace.open(tmp_path / "w.db")
    try:
        with ws.engine.connect() as conn:
            assert db.current_revision(ws.engine) == MigrationContext.configure(conn).get_current_revision() == head
    finally:
        ws.close()
    assert db.current_revision(db.make_engine(f"sqlite:///{tmp_path / 'other.db'}")) is None


def test_a_command_on_a_workspace_up_to_date_starts_without_alembic_or_pandas(tmp_path):
    """`workbench status` and an import into a workspace already at the newest schema load neither
    the migrations' machinery nor the dashboard's pandas: a third of a second each, every time."""
    import subprocess
    import sys
    from pathlib import Path

    path = tmp_path / "w.db"
    Workspace.open(path).close()
    data = Path(__file__).resolve().parent.parent / "data" / "discord" / "dm.json"
    script = ("import sys; from workbench.cli.main import main; "
              f"main(['status', '--workspace', {str(path)!r}]); "
              f"main(['import', '--workspace', {str(path)!r}, {str(data)!r}]); "
              "print('loaded:', sorted(m for m in ('alembic', 'pandas') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert "added 1 source" in out.stdout and out.stdout.splitlines()[-1] == "loaded: []", out.stdout


def test_opening_twice_keeps_data_and_revision(tmp_path):
    path = tmp_path / "w.db"
    ws = Workspace.open(path)
    ws.set_setting("reporting.timezone", "Europe/Lisbon")
    ws.close()
    ws = Workspace.open(path)
    try:
        assert ws.get_setting("reporting.timezone") == "Europe/Lisbon"
        assert db.current_revision(ws.engine) == db.head_revision()
    finally:
        ws.close()


def test_sqlite_runs_in_wal_mode_with_foreign_keys(tmp_path):
    ws = Workspace.open(tmp_path / "w.db")
    try:
        with ws.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    finally:
        ws.close()


def _at_revision(path, revision: str, *sql: str) -> None:
    """A workspace file at the older ``revision``, with the statements ``sql`` run in it."""
    from alembic import command
    from sqlalchemy import create_engine

    engine = create_engine(f"sqlite:///{path}")
    cfg = db.alembic_config(engine)
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)
        for statement in sql:
            conn.exec_driver_sql(statement)
    engine.dispose()


def test_a_workspace_of_the_first_schema_is_brought_up_to_date_with_its_data(tmp_path):
    """A workspace written before nick changes were kept (revision 0001) opens, gains the table,
    keeps what it held, and imports a log with a nick change."""
    import pytest
    from sqlalchemy import create_engine

    from workbench.errors import WorkspaceError

    path = tmp_path / "old.db"
    _at_revision(path, "0001", "INSERT INTO setting (key, value) VALUES ('reporting.timezone', '\"Europe/Lisbon\"')")
    assert "rename" not in inspect(create_engine(f"sqlite:///{path}")).get_table_names()
    with pytest.raises(WorkspaceError, match="older version"):
        Workspace.open(path, readonly=True)  # reading alone writes nothing, and says what to do

    ws = Workspace.open(path)
    try:
        assert db.current_revision(ws.engine) == db.head_revision() != "0001"
        assert ws.get_setting("reporting.timezone") == "Europe/Lisbon"
        log = tmp_path / "#evals.2024-05-04.log"
        log.write_text("2024-05-04T10:00:00+0000  <kofi_> hello\n"
                       "2024-05-04T10:01:00+0000  *** kofi_ is now known as kofi\n"
                       "2024-05-04T10:02:00+0000  <kofi> hello again\n", encoding="utf-8")
        assert ws.import_paths([log]).by_kind["nick changes"] == 1
    finally:
        ws.close()


def test_people_named_by_their_accounts_id_take_its_name_on_upgrade(tmp_path):
    """Workspaces imported before 0003 have people named by an account id ('meta-history-se-dump:2144')
    where the account's name came after its messages; opened, they show the account's name, and
    a person named otherwise keeps that name."""
    import datetime as dt

    from alembic import command
    from sqlalchemy import create_engine, insert, text

    from workbench.people.directory import STAMP_KEY, ensure_summary
    from workbench.records import AccountRec, ActivityRec
    from workbench.store.models import ImportRun
    from workbench.store.writer import Writer

    path = tmp_path / "named.db"
    with Workspace.open(path) as ws:
        with ws.write_conn("import") as conn:
            run = conn.execute(insert(ImportRun.__table__).values(status="done", counts={})).inserted_primary_key[0]
            w = Writer(conn, run)
            w.add_all([AccountRec("stackexchange", "se:7", handle="kevin king", display_name="kevin king"),
                       AccountRec("stackexchange", "se:8", handle="ada"),
                       AccountRec("stackexchange", "se:9"),
                       ActivityRec("stackexchange", "p1", "se:7", dt.datetime(2024, 1, 1, tzinfo=dt.timezone.utc))])
            w.flush()
        ensure_summary(ws)
    engine = create_engine(f"sqlite:///{path}")
    cfg = db.alembic_config(engine)
    with engine.begin() as conn:  # as the writer before 0003 left them
        conn.execute(text("UPDATE person SET display_name = 'se:7' WHERE display_name = 'kevin king'"))
        conn.execute(text("UPDATE person SET display_name = 'se:8' WHERE display_name = 'ada'"))
        conn.execute(text("INSERT INTO person (display_name, created_at) VALUES ('Someone', '2024-01-01')"))
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0002")
    engine.dispose()

    with Workspace.open(path) as ws:
        assert db.current_revision(ws.engine) == db.head_revision()
        with ws.connect() as conn:
            names = dict(conn.execute(text("SELECT a.external_id, p.display_name FROM account a "
                                           "JOIN person p ON p.id = a.person_id")).all())
            assert conn.execute(text("SELECT count(*) FROM setting WHERE key = :k"), {"k": STAMP_KEY}).scalar() == 0
        assert names == {"se:7": "kevin king", "se:8": "ada", "se:9": "se:9"}  # se:9 has no other name
        assert ensure_summary(ws)  # the directory is rebuilt with the names
        with ws.connect() as conn:
            shown = {r[0] for r in conn.execute(text("SELECT name FROM person_summary"))}
            assert {"kevin king", "ada", "se:9"} <= shown and not shown & {"se:7", "se:8"}
            assert conn.execute(text("SELECT count(*) FROM person WHERE display_name = 'Someone'")).scalar() == 1


def test_problems_kept_before_notes_were_kept_stay_problems(tmp_path, exports_folder):
    """A run of a workspace at revision 0003 kept its problems alone; brought up to date, the run still
    has them as problems, none as files left alone, and a new import keeps its notes apart."""
    from workbench.history import import_runs, run_problems

    path = tmp_path / "old.db"
    _at_revision(path, "0003",
                 "INSERT INTO import_run (id, started_at, status, app_version, read, added, updated, unchanged, "
                 "skipped, counts) VALUES (1, '2026-11-01 10:00:00', 'done', '0.1.0', 3, 2, 0, 0, 1, '{}')",
                 "INSERT INTO import_problem (run_id, file, position, message) "
                 "VALUES (1, 'result.json', 'message 3', 'no date; skipped.')")
    ws = Workspace.open(path)
    try:
        (run,) = import_runs(ws)
        assert (run.problem_count, run.note_count) == (1, 0)
        assert run_problems(ws, 1) == [("result.json", "message 3", "no date; skipped.")]
        assert run_problems(ws, 1, kind="note") == []
        new = ws.import_paths([exports_folder({"README.txt": "Exported for the audit.\n"})]).run_id
        assert run_problems(ws, new, kind="note") == [
            ("exports/README.txt", "whole file", "not an export format the workbench knows; skipped.")]
        assert [(r.id, r.problem_count, r.note_count) for r in import_runs(ws)] == [(new, 0, 1), (1, 1, 0)]
    finally:
        ws.close()


def _indexes(path) -> dict[str, str]:
    with sqlite3.connect(path) as conn:
        return dict(conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"))


def test_a_workspace_brought_up_to_date_has_the_indexes_of_a_new_one(tmp_path):
    """Alembic's comparison does not look at an index's WHERE: the index definitions of a workspace
    upgraded from the first schema are compared as SQLite holds them. The reply-link indexes leave
    out the messages that are not replies (writing a message then costs no entry in them)."""
    Workspace.open(tmp_path / "new.db").close()
    _at_revision(tmp_path / "old.db", "0001")
    Workspace.open(tmp_path / "old.db").close()
    new, upgraded = _indexes(tmp_path / "new.db"), _indexes(tmp_path / "old.db")
    assert upgraded == new
    assert new["ix_activity_parent_id"].endswith("(parent_id) WHERE parent_id IS NOT NULL")
    assert new["ix_activity_root_id"].endswith("(root_id) WHERE root_id IS NOT NULL")


def test_days_given_by_hand_before_0007_keep_their_day_in_the_reporting_zone(tmp_path):
    """A recognition recorded by hand for 16 May was kept as noon UTC, which is already 17 May in
    Auckland; opened, the workspace keeps it as noon on 16 May there. A time that came with its
    recognition (a badge, a recognition given at 09:30) is left as it was, and going back to 0006
    gives noon UTC again."""
    from alembic import command
    from sqlalchemy import create_engine, text

    path = tmp_path / "thanks.db"
    _at_revision(path, "0006",
                 "INSERT INTO setting (key, value) VALUES ('reporting.timezone', '\"Pacific/Auckland\"')",
                 "INSERT INTO person (id, display_name, created_at) VALUES (1, 'Ada', '2026-01-01 00:00:00')",
                 *(f"INSERT INTO recognition (id, person_id, kind, given_at, note, given_by, source, created_at) "
                   f"VALUES ({i}, 1, 'badge', '{when}', '', '', '{source}', '2026-06-01 00:00:00')"
                   for i, when, source in ((1, "2026-05-16 12:00:00.000000", "manual"),
                                           (2, "2026-05-16 09:30:00.000000", "manual"),
                                           (3, "2026-05-16 12:00:00.000000", "stackexchange"),
                                           (4, "2026-12-24 12:00:00.000000", "manual"))))

    def given() -> dict[int, str]:
        with create_engine(f"sqlite:///{path}").connect() as conn:
            return {i: str(w)[:16] for i, w in conn.execute(text("SELECT id, given_at FROM recognition"))}

    Workspace.open(path).close()
    # Noon in Auckland: 00:00 UTC in May (UTC+12), the day before at 23:00 UTC in December (UTC+13).
    assert given() == {1: "2026-05-16 00:00", 2: "2026-05-16 09:30", 3: "2026-05-16 12:00", 4: "2026-12-23 23:00"}
    engine = create_engine(f"sqlite:///{path}")
    with engine.begin() as conn:
        cfg = db.alembic_config(engine)
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0006")
    engine.dispose()
    assert given() == {1: "2026-05-16 12:00", 2: "2026-05-16 09:30", 3: "2026-05-16 12:00", 4: "2026-12-24 12:00"}


def test_a_recognition_added_after_an_upgrade_takes_no_deleted_one_s_id(tmp_path):
    """A workspace of 0010 whose last recognitions (4 and 5) were deleted: once opened, the next
    recognition is 6, so the deleted ones keep their ids in the log to come back under."""
    from workbench.champions.recognition import add_recognition, undo_delete

    path = tmp_path / "thanks.db"
    _at_revision(path, "0010",
                 "INSERT INTO person (id, display_name, created_at) VALUES (1, 'Ada', '2026-01-01 00:00:00')",
                 *(f"INSERT INTO recognition (id, person_id, kind, given_at, note, given_by, source, created_at) "
                   f"VALUES ({i}, 1, 'badge', '2026-05-16 12:00:00', '', '', 'manual', '2026-06-01 00:00:00')"
                   for i in (1, 2, 3)),
                 *(f"INSERT INTO deleted_recognition (recognition_id, person_id, kind, given_at, note, given_by, "
                   f"source, created_at, deleted_at) VALUES ({i}, 1, 'swag', '2026-05-17 12:00:00.000000', '', '', "
                   "'manual', '2026-06-01 00:00:00.000000', '2026-06-02 00:00:00.000000')" for i in (4, 5)))
    ws = Workspace.open(path)
    try:
        assert add_recognition(ws, [1], kind="shout-out") == [6]
        assert sorted(r["id"] for r in undo_delete(ws)) == [4, 5]
        assert add_recognition(ws, [1], kind="shout-out") == [7]
    finally:
        ws.close()
