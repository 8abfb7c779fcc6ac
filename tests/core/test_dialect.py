"""The database-specific expressions read stored times as a person reads a clock."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import insert, select

from workbench.records import ActivityRec
from workbench.store.dialect import epoch_seconds, utc_day
from workbench.store.models import Activity, ImportRun
from workbench.store.writer import Writer

UTC = dt.timezone.utc


def test_a_time_a_hair_before_the_second_or_midnight_stays_in_it(ws):
    times = [dt.datetime(2023, 4, 25, 21, 41, 55, 999699, tzinfo=UTC),
             dt.datetime(2023, 4, 25, 23, 59, 59, 999600, tzinfo=UTC),
             dt.datetime(2023, 4, 26, 0, 0, 0, tzinfo=UTC)]
    with ws.write_conn() as conn:
        run = conn.execute(insert(ImportRun.__table__).values(status="done", counts={})).inserted_primary_key[0]
        writer = Writer(conn, run)
        writer.add_all(ActivityRec("slack", f"C1:{i}", "U1", t, channel_external_id="C1") for i, t in enumerate(times))
        writer.flush()
    A = Activity.__table__
    with ws.connect() as conn:
        rows = conn.execute(select(epoch_seconds(conn, A.c.created_at), utc_day(conn, A.c.created_at))
                            .order_by(A.c.created_at)).all()
    assert [r[0] for r in rows] == [int(t.timestamp() // 1) for t in times] == [1682458915, 1682467199, 1682467200]
    assert [str(r[1]) for r in rows] == ["2023-04-25", "2023-04-25", "2023-04-26"]
