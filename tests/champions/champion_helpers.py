"""Hand-built workspaces for the champion tests: records written through the real Writer, then
the reply links, exactly as an import leaves them."""
from __future__ import annotations

import datetime as dt
import itertools

from sqlalchemy import insert, select

from workbench.records import AccountRec, ActivityRec, RecognitionRec
from workbench.store.links import resolve_links
from workbench.store.models import Account, ImportRun
from workbench.store.writer import Writer

UTC = dt.timezone.utc
_ids = itertools.count(1)


def at(day: str, time: str = "12:00") -> dt.datetime:
    return dt.datetime.fromisoformat(f"{day}T{time}").replace(tzinfo=UTC)


def msg(who: str, when: dt.datetime, *, text: str = "hello", parent: str | None = None, ext: str | None = None,
        reactions: int = 0, platform: str = "slack", channel: str = "general") -> ActivityRec:
    return ActivityRec(platform=platform, external_id=ext or f"m{next(_ids)}", account_external_id=who,
                       created_at=when, channel_external_id=channel, parent_external_id=parent, text=text,
                       reaction_count=reactions)


def account(who: str, *, platform: str = "slack", bot: bool = False, staff: bool = False,
            name: str | None = None, email: str | None = None, deleted: bool = False) -> AccountRec:
    return AccountRec(platform=platform, external_id=who, handle=who, display_name=name or who.title(), is_bot=bot,
                      is_staff=staff, email=email, is_deleted=deleted)


def badge(who: str, when: dt.datetime, kind: str = "badge", *, platform: str = "slack", ext: str | None = None) -> RecognitionRec:
    return RecognitionRec(platform=platform, account_external_id=who, kind=kind, given_at=when, external_id=ext,
                          source="test")


def write(ws, records) -> None:  # noqa: ANN001
    with ws.write_conn("import") as conn:
        run = conn.execute(insert(ImportRun.__table__).values(status="done", counts={})).inserted_primary_key[0]
        w = Writer(conn, run)
        w.add_all(records)
        w.flush()
        resolve_links(conn)


def person_of(ws, who: str, platform: str = "slack") -> int:  # noqa: ANN001
    with ws.connect() as conn:
        return conn.execute(select(Account.person_id).where(Account.platform == platform,
                                                            Account.external_id == who)).scalar_one()


def day_series(who: str, start: str, days: int, per_day: int = 1, *, every: int = 1) -> list[ActivityRec]:
    """``per_day`` messages by ``who`` on every ``every``-th day from ``start`` for ``days`` days."""
    first = dt.date.fromisoformat(start)
    out = []
    for d in range(0, days, every):
        day = (first + dt.timedelta(days=d)).isoformat()
        out += [msg(who, at(day, f"{10 + i:02d}:00")) for i in range(per_day)]
    return out
