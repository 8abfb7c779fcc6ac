"""Who a name written by a person names: the accounts behind "mei1", "@mei1", "Mei Tanaka" or
"mei@example.org", as a sheet of recognitions or a command's argument writes them.

Names are compared as ``normalize.clean`` compares them (case folded in every script, composed
and decomposed accents alike, invisible characters and extra spaces ignored), in Python, so that
"Ülkü Müller" finds Ülkü on SQLite as on PostgreSQL (SQLite's ``lower`` folds ASCII only).
"""
from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.engine import Connection

from ..store.models import Account, Person
from .normalize import clean

# What a name is looked up by, in order: the first that finds anyone decides.
BY = ("member id", "user name", "e-mail", "name")


def accounts_named(conn: Connection, names: Iterable[str], platform: str | None = None) -> dict[str, list]:
    """For each name, the accounts it names, on ``platform`` (every platform when None): by member
    id (exactly), else by user name (with or without a leading @), else by e-mail, else by name.
    Each account is a row with ``id, platform, external_id, person_id, is_bot, placeholder``; a name
    that names no account maps to an empty list. One pass over the accounts, whatever the names."""
    names = {n.strip() for n in names if n and n.strip()}
    keys = {n: (clean(n), clean(n.lstrip("@"))) for n in names}
    wanted = {k for pair in keys.values() for k in pair}
    found: dict[tuple[str, str], list] = {}
    query = select(Account.id, Account.platform, Account.external_id, Account.person_id, Account.is_bot,
                   Account.placeholder, Account.handle, Account.email, Account.display_name)
    if platform is not None:
        query = query.where(Account.platform == platform)
    for row in conn.execute(query.order_by(Account.id)):
        if row.external_id in names:
            found.setdefault(("member id", row.external_id), []).append(row)
        for by, value in (("user name", row.handle), ("e-mail", row.email), ("name", row.display_name)):
            key = clean(value) if value else ""
            if key and key in wanted:
                found.setdefault((by, key), []).append(row)
    named: dict[str, list] = {}
    for name in names:
        whole, bare = keys[name]
        named[name] = (found.get(("member id", name)) or found.get(("user name", bare))
                       or found.get(("user name", whole)) or found.get(("e-mail", whole))
                       or found.get(("name", whole)) or [])
    return named


def people_called(conn: Connection, name: str) -> set[int]:
    """The people a name names: the owners of the accounts ``accounts_named`` finds on every
    platform, else the people whose own name (the one shown for a merged person) it is."""
    accounts = accounts_named(conn, [name])[name.strip()] if name.strip() else []
    if accounts:
        return {int(a.person_id) for a in accounts}
    key = clean(name)
    return {int(pid) for pid, shown in conn.execute(
        select(Person.id, Person.display_name).where(Person.merged_into_id.is_(None))) if shown and clean(shown) == key}
