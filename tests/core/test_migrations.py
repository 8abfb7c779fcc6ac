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
