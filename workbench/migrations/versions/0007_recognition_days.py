"""recognition days: a recognition given on a day is kept as that day's noon in the reporting zone

A recognition recorded by hand for a day was kept as noon UTC of that day. Every page shows days
in the workspace's reporting time zone, and from UTC+12 on (New Zealand, Fiji, Tonga, Kiribati)
noon UTC is already the next day there: the day typed was shown as the day after. The workbench
now keeps such a day as its noon in the reporting zone; this moves the recognitions recorded
before, those given by hand at noon UTC exactly, to the same form. Data only: no table changes.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02 17:30:00
"""
from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import sqlalchemy as sa
from alembic import op

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None

NOON = dt.time(12, 0)
SETTING = sa.table('setting', sa.column('key', sa.String), sa.column('value', sa.JSON))
RECOGNITION = sa.table('recognition', sa.column('id', sa.Integer), sa.column('given_at', sa.DateTime),
                       sa.column('source', sa.String))


def _reporting_zone(conn: sa.Connection) -> dt.tzinfo | None:
    name = conn.execute(sa.select(SETTING.c.value).where(SETTING.c.key == 'reporting.timezone')).scalar()
    try:
        return ZoneInfo(str(name)) if name and name != 'UTC' else None
    except (ZoneInfoNotFoundError, ValueError):
        return None  # a zone the workbench does not know: its days were shown in UTC


def _move(to_zone: bool) -> None:
    """Each day-recognition's noon from UTC to the reporting zone (``to_zone``) or back."""
    conn = op.get_bind()
    tz = _reporting_zone(conn)
    if tz is None:
        return  # days in UTC: noon UTC is the noon of the reporting zone
    rows = conn.execute(sa.select(RECOGNITION.c.id, RECOGNITION.c.given_at)
                        .where(RECOGNITION.c.source == 'manual')).all()
    for rid, given in rows:  # naive UTC, as every time is kept
        day = given if to_zone else given.replace(tzinfo=dt.timezone.utc).astimezone(tz)
        if day.time() != NOON:
            continue  # a time that came with the recognition, not a day
        new = dt.datetime.combine(day.date(), NOON, tzinfo=tz if to_zone else dt.timezone.utc)
        conn.execute(sa.update(RECOGNITION).where(RECOGNITION.c.id == rid)
                     .values(given_at=new.astimezone(dt.timezone.utc).replace(tzinfo=None)))


def upgrade() -> None:
    _move(to_zone=True)


def downgrade() -> None:
    _move(to_zone=False)
