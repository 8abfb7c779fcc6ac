"""A large import writes faster than row-by-row checking allows, and still leaves a workspace that is
exactly what the models describe: every index back, every key checked, nothing half-written."""
from __future__ import annotations

import datetime as dt
import json
import shutil
import sqlite3
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import DateTime
from sqlalchemy.dialects import sqlite

from workbench.errors import ImportCancelled, ImportFailed
from workbench.store.models import Base, UTCDateTime
from workbench.store.writer import _bind_processor



GUILD = Path(__file__).resolve().parent.parent / "data" / "discord" / "guild"


def schema_diff(ws) -> list:
    with ws.engine.connect() as conn:
        return compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), Base.metadata)


def _index_sql(path) -> dict[str, str]:
    with sqlite3.connect(path) as conn:
        return dict(conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"))


def test_an_import_into_an_empty_workspace_leaves_every_index_and_key_check(ws, ws_path, tmp_path):
    from workbench.workspace import Workspace

    result = ws.import_paths([GUILD])
    assert result.added > 0
    assert schema_diff(ws) == []  # the indexes built at the end are the models' indexes
    Workspace.open(tmp_path / "new.db").close()
    assert _index_sql(ws_path) == _index_sql(tmp_path / "new.db")  # to the letter, partial ones' WHERE included
    with ws.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1  # checks are on again for everyone else
        plan = " ".join(r[-1] for r in conn.exec_driver_sql(
            "EXPLAIN QUERY PLAN SELECT id FROM activity WHERE account_id = 1 ORDER BY created_at").all())
        assert "ix_activity_account_created" in plan
        plan = " ".join(r[-1] for r in conn.exec_driver_sql(
            "EXPLAIN QUERY PLAN SELECT count(*) FROM activity WHERE channel_id = 1").all())
        assert "ix_activity_channel_id" in plan


def test_a_cancelled_import_gets_its_indexes_back(ws):
    messages: list[str] = []
    with pytest.raises(ImportCancelled):  # cancelled after the reading, before the indexes are rebuilt
        ws.import_paths([GUILD], progress=lambda f, m: messages.append(m),
                        cancel=lambda: any(m.startswith("Read ") for m in messages))
    assert ws.counts()["activities"] == 0
    assert schema_diff(ws) == []


def test_after_its_last_record_an_import_says_each_step_and_finishes_once_it_is_saved(ws, ws_path):
    """What a million messages keep the window waiting on after reading is said step by step, at
    percentages of its own (a terminal shows each), and "Import finished" comes once the run is
    in the workspace for anyone who opens it."""
    said: list[tuple[int, str, int]] = []

    def progress(fraction: float, message: str) -> None:
        with sqlite3.connect(ws_path) as other:  # what another window or a terminal sees meanwhile
            runs = other.execute("SELECT count(*) FROM import_run WHERE status = 'done'").fetchone()[0]
        said.append((int(fraction * 100), message, runs))

    ws.import_paths([GUILD], progress=progress)
    read = [m for _, m, _ in said].index("Read guild")
    assert all(p <= 94 for p, _, _ in said[:read + 1])  # the reading
    after = said[read + 1:]
    assert after == [(95, "Indexing 5 activities", 0), (96, "Linking replies and threads", 0),
                     (97, "Counting the activity of each day", 0),
                     (98, "Joining accounts that share an e-mail address", 0),
                     (99, "Checking and saving the workspace", 0), (100, "Import finished", 1)], after


def test_an_export_read_before_is_not_indexed_again(ws, tmp_path):
    """The same channels again are left alone, so the import has no index to build again; a new
    channel beside them is indexed with everything the workspace holds."""
    ws.import_paths([GUILD])
    said: list[str] = []
    again = ws.import_paths([GUILD], progress=lambda f, m: said.append(m))
    assert again.run_id is None and said[-1] == "Nothing new"
    assert not [m for m in said if m.startswith("Indexing")], said
    more = tmp_path / "more"
    shutil.copytree(GUILD, more)
    doc = json.loads(next(more.glob("*Chat - general*.json")).read_text(encoding="utf-8"))
    doc["channel"] = dict(doc["channel"], id="900000000000000777", name="new-channel")
    doc["messages"] = [dict(doc["messages"][1], id=str(1300000000000000000 + i)) for i in range(3000)]
    (more / "new-channel.json").write_text(json.dumps(doc), encoding="utf-8")  # far more than the workspace holds
    said.clear()
    ws.import_paths([more], progress=lambda f, m: said.append(m))
    total = ws.counts()["activities"]
    assert total == 3005 and "Indexing 3,005 activities" in said, said
    assert schema_diff(ws) == []


def test_a_workspace_with_a_broken_reference_takes_no_import(ws, ws_path):
    raw = sqlite3.connect(ws_path)  # another tool wrote a message by an account that does not exist
    raw.execute("INSERT INTO activity (platform, external_id, account_id, created_at, kind, is_accepted, title, text, "
                "size, reaction_count, import_run_id) VALUES ('slack', 'C9:1', 4242, '2024-01-01 00:00:00.000000', "
                "'message', 0, '', 'hello', 5, 0, 4242)")
    raw.commit()
    raw.close()
    before = ws.counts()
    with pytest.raises(ImportFailed, match=r"would hold \d+ broken reference.*names a missing account"):
        ws.import_paths([GUILD])
    assert ws.counts() == before


@pytest.mark.parametrize("value", [
    dt.datetime(2024, 1, 1, 12, 0), dt.datetime(2023, 4, 25, 23, 59, 59, 999600), dt.datetime(999, 12, 31, 0, 0, 0, 1),
    dt.datetime(2024, 1, 1, 12, 0, tzinfo=dt.timezone.utc), dt.datetime(2024, 6, 1, 9, 30, tzinfo=dt.timezone(dt.timedelta(hours=-4)))])
@pytest.mark.parametrize("type_", [DateTime(), UTCDateTime()])
def test_times_are_stored_as_sqlalchemy_would_store_them(value, type_):
    d = sqlite.dialect()
    fast = _bind_processor(type_, d)
    assert fast(value) == type_.dialect_impl(d).bind_processor(d)(value)
    assert fast.__name__ == "process" and fast.__module__ == "workbench.store.writer"  # the fast one was chosen


def test_a_message_met_again_later_in_the_same_import_is_compared_not_added_twice(ws):
    from sqlalchemy import insert, text

    from workbench.records import ActivityRec
    from workbench.store.models import ImportRun
    from workbench.store.writer import Writer

    t0 = dt.datetime(2024, 3, 1, 12, 0, tzinfo=dt.timezone.utc)
    with ws.write_conn() as conn:
        run = conn.execute(insert(ImportRun.__table__).values(status="done", counts={})).inserted_primary_key[0]
        writer = Writer(conn, run, batch_size=2)  # the copy arrives two batches after the first
        writer.add_all([ActivityRec("discord", "1", "U1", t0, text="first"), ActivityRec("discord", "2", "U1", t0),
                        ActivityRec("discord", "3", "U1", t0), ActivityRec("discord", "4", "U1", t0),
                        ActivityRec("discord", "1", "U1", t0, text="first, edited", edited_at=t0),
                        ActivityRec("discord", "2", "U1", t0)])
        writer.flush()
        # Message 1 is new to the workspace: added once, edited by its later copy, not "updated".
        assert (writer.counts.added - 1, writer.counts.updated, writer.counts.unchanged) == (4, 0, 1)  # 1 account
        assert conn.execute(text("SELECT text FROM activity WHERE external_id = '1'")).scalar_one() == "first, edited"
    assert ws.counts()["activities"] == 4


def test_an_import_runs_with_few_collections_and_leaves_the_collector_as_it_was(ws, tmp_path):
    import gc

    from workbench import collector

    before = gc.get_threshold()
    during = []
    result = ws.import_paths([GUILD], progress=lambda fraction, message: during.append(gc.get_threshold()))
    assert result.added > 0 and during
    assert set(during[:-1]) == {collector.BULK_THRESHOLDS}
    assert during[-1] == gc.get_threshold() == before  # "Import finished" comes once the work is done
    # A failed import gives the collector back too.
    cut = tmp_path / "cut.json"
    data = next(GUILD.glob("*general*.json")).read_bytes()
    cut.write_bytes(data[: len(data) // 2])
    with pytest.raises(ImportFailed):
        ws.import_paths([cut])
    assert gc.get_threshold() == before
