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


def test_a_workspace_of_the_first_schema_is_brought_up_to_date_with_its_data(tmp_path):
    """A workspace written before nick changes were kept (revision 0001) opens, gains the table,
    keeps what it held, and imports a log with a nick change."""
    import pytest
    from alembic import command
    from sqlalchemy import create_engine

    from workbench.errors import WorkspaceError

    path = tmp_path / "old.db"
    engine = create_engine(f"sqlite:///{path}")
    cfg = db.alembic_config(engine)
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0001")
        conn.exec_driver_sql("INSERT INTO setting (key, value) VALUES ('reporting.timezone', '\"Europe/Lisbon\"')")
    engine.dispose()
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
