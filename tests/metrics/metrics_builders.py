"""Hand-built workspaces for the metric tests: records written through the real Writer, then the
reply links and the daily rollup, exactly as an import leaves them."""
from __future__ import annotations

import datetime as dt
import itertools

from sqlalchemy import insert, update

from workbench.records import AccountRec, ActivityRec, MembershipRec
from workbench.store.links import resolve_links
from workbench.store.models import Account, ImportRun, Person
from workbench.store.writer import Writer

UTC = dt.timezone.utc
_ids = itertools.count(1)


def at(day: str, time: str = "12:00", offset_hours: float = 0) -> dt.datetime:
    """A moment given as local wall time at a fixed offset (the way exports write them)."""
    tz = dt.timezone(dt.timedelta(hours=offset_hours))
    return dt.datetime.fromisoformat(f"{day}T{time}").replace(tzinfo=tz).astimezone(UTC)


def msg(who: str, when: dt.datetime, *, text: str = "hello", channel: str = "general", platform: str = "slack",
        parent: str | None = None, ext: str | None = None) -> ActivityRec:
    return ActivityRec(platform=platform, external_id=ext or f"m{next(_ids)}", account_external_id=who,
                       created_at=when, channel_external_id=channel, parent_external_id=parent, text=text)


def account(who: str, *, platform: str = "slack", bot: bool = False, name: str | None = None) -> AccountRec:
    return AccountRec(platform=platform, external_id=who, handle=who, display_name=name or who.title(), is_bot=bot)


def join(who: str, when: dt.datetime, platform: str = "slack") -> MembershipRec:
    return MembershipRec(platform=platform, account_external_id=who, at=when)


def write(ws, records) -> None:  # noqa: ANN001
    from workbench.metrics.rollup import refresh_after_import

    with ws.write_conn("import") as conn:
        run = conn.execute(insert(ImportRun.__table__).values(status="done", counts={})).inserted_primary_key[0]
        w = Writer(conn, run)
        w.add_all(records)
        w.flush()
        resolve_links(conn)
        refresh_after_import(conn, run)


def merge(ws, keep: tuple[str, str], other: tuple[str, str]) -> None:  # noqa: ANN001
    """Move ``other``'s account to ``keep``'s person, as identity merging does."""
    from sqlalchemy import select

    with ws.write_conn("merge") as conn:
        def pid(key):
            return conn.execute(select(Account.person_id).where(Account.platform == key[0],
                                                                Account.external_id == key[1])).scalar_one()
        target, gone = pid(keep), pid(other)
        conn.execute(update(Account.__table__).where(Account.person_id == gone).values(person_id=target))
        conn.execute(update(Person.__table__).where(Person.id == gone).values(merged_into_id=target))


def person_of(ws, platform: str, who: str) -> int:  # noqa: ANN001
    from sqlalchemy import select

    with ws.connect() as conn:
        return conn.execute(select(Account.person_id).where(Account.platform == platform,
                                                            Account.external_id == who)).scalar_one()
