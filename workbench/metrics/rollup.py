"""Daily rollups: activities per UTC day, channel and account, kept in step with every import.

The rollup is keyed by account (not person), so a merge or an unmerge needs no rebuild: readers
map accounts to people when they read. An import refreshes only the UTC days its activities fall
on; a workspace whose rollup is missing or out of step is rebuilt whole.
"""
from __future__ import annotations

from sqlalchemy import delete, func, insert, literal_column, select
from sqlalchemy.engine import Connection
from sqlalchemy.sql.elements import ColumnElement

from ..store.dialect import is_sqlite, utc_day
from ..store.models import Activity, DailyRollup

A = Activity.__table__
R = DailyRollup.__table__
DAY_CHUNK = 400


def utc_day_expr(conn: Connection) -> ColumnElement:
    """The UTC calendar day of an activity, as the database's date type."""
    return utc_day(conn, A.c.created_at)


def _insert_days(conn: Connection, days: list | None) -> None:
    day = utc_day_expr(conn)
    # A literal 0, not a parameter: PostgreSQL takes two parameters for two expressions, and the
    # grouped one would not be the selected one.
    channel_key = func.coalesce(A.c.channel_id, literal_column("0"))
    q = select(day.label("day"), channel_key.label("channel_key"), A.c.account_id,
               func.min(A.c.platform).label("platform"), func.count().label("activities"))
    if days is not None:
        q = q.where(day.in_(days))
    q = q.group_by(day, channel_key, A.c.account_id)
    conn.execute(insert(R).from_select(["day", "channel_key", "account_id", "platform", "activities"], q))


def rebuild(conn: Connection) -> None:
    """Rebuild the whole rollup from the activities."""
    conn.execute(delete(R))
    _insert_days(conn, None)


def refresh_days(conn: Connection, days: list) -> None:
    """Recompute the rollup rows of the given UTC days (values as the day expression returns them)."""
    for i in range(0, len(days), DAY_CHUNK):
        chunk = days[i:i + DAY_CHUNK]
        day_col = utc_day(conn, R.c.day) if is_sqlite(conn) else R.c.day
        conn.execute(delete(R).where(day_col.in_(chunk)))
        _insert_days(conn, chunk)


def in_step(conn: Connection) -> bool:
    """True when the rollup counts every activity once."""
    total = conn.execute(select(func.coalesce(func.sum(R.c.activities), 0))).scalar_one()
    return int(total) == int(conn.execute(select(func.count()).select_from(A)).scalar_one())


def refresh_after_import(conn: Connection, run_id: int) -> None:
    """Post-import step: refresh the days this run brought activities to (or rebuild when out of step)."""
    if conn.execute(select(R.c.day).limit(1)).first() is None:
        # No rollup yet (a first import): build it whole, without first listing the run's days.
        if conn.execute(select(A.c.id).where(A.c.import_run_id == run_id).limit(1)).first() is not None:
            rebuild(conn)
        return
    day = utc_day_expr(conn)
    days = list(conn.execute(select(day).where(A.c.import_run_id == run_id).distinct()).scalars())
    if days:
        refresh_in_step(conn, days)


def refresh_in_step(conn: Connection, days: list) -> None:
    """Recompute the given UTC days (the days an import brought activities to, or a removal took
    them from), then rebuild the whole rollup if it is still not in step."""
    refresh_days(conn, days)
    if not in_step(conn):
        rebuild(conn)
