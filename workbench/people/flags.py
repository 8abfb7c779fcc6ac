"""Bot and staff flags, per account and per person, set by hand or by a list.

A person's flag overrides their accounts' (``None`` follows the accounts, as ``store.views``
defines). An account flag set by hand marks the account ``flags_set_by_user``, so later imports
keep their hands off it. Staff can be marked from a list of handles or e-mail addresses.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import or_, select, update
from sqlalchemy.engine import Connection

from ..errors import NotFound
from ..store.models import Account, Person
from .merge import live_person
from .normalize import clean, norm_email

ACC = Account.__table__
PER = Person.__table__
_UNSET = object()


def set_person_flags_on(conn: Connection, person_id: int, *, bot: bool | None | object = _UNSET,
                        staff: bool | None | object = _UNSET) -> int:
    """Set (True/False) or clear (None: follow the accounts) a person's flags. Returns the live id."""
    pid = live_person(conn, person_id)
    values = {}
    if bot is not _UNSET:
        values["is_bot"] = bot
    if staff is not _UNSET:
        values["is_staff"] = staff
    if values:
        conn.execute(update(PER).where(PER.c.id == pid).values(**values))
    return pid


def set_person_flags(ws, person_id: int, *, bot: bool | None | object = _UNSET,  # noqa: ANN001 - a Workspace
                     staff: bool | None | object = _UNSET) -> int:
    from . import directory

    with ws.write_conn("people") as conn:
        fresh = directory.is_fresh(conn)
        pid = set_person_flags_on(conn, person_id, bot=bot, staff=staff)
        directory.refresh_people(conn, [pid], was_fresh=fresh)
    return pid


def set_account_flags(ws, account_id: int, *, bot: bool | None = None, staff: bool | None = None) -> None:  # noqa: ANN001
    """Set an account's flags by hand; imports will not change them afterwards."""
    values: dict = {"flags_set_by_user": True}
    if bot is not None:
        values["is_bot"] = bot
    if staff is not None:
        values["is_staff"] = staff
    from . import directory

    with ws.write_conn("people") as conn:
        fresh = directory.is_fresh(conn)
        done = conn.execute(update(ACC).where(ACC.c.id == account_id).values(**values)).rowcount
        if not done:
            raise NotFound(f"There is no account {account_id} in this workspace.")
        pid = conn.execute(select(ACC.c.person_id).where(ACC.c.id == account_id)).scalar_one()
        directory.refresh_people(conn, [pid], was_fresh=fresh)


@dataclass
class StaffListResult:
    marked: list[tuple[str, int]] = field(default_factory=list)  # (what was given, account id)
    unknown: list[str] = field(default_factory=list)


def mark_staff_by_list(ws, items: list[str], *, staff: bool = True) -> StaffListResult:  # noqa: ANN001
    """Mark the accounts named by handles or e-mail addresses as staff (or not, with ``staff=False``).

    A handle matches any platform's handle, with or without a leading "@", case folded; an
    address matches the account's normalized e-mail.
    """
    from . import directory

    result = StaffListResult()
    with ws.write_conn("people") as conn:
        fresh = directory.is_fresh(conn)
        for raw in items:
            item = raw.strip()
            if not item or item.startswith("#"):
                continue
            email = norm_email(item) if "@" in item[1:] else None
            if email:
                q = select(ACC.c.id).where(ACC.c.email_norm == email)
            else:
                h = item.lstrip("@")
                q = select(ACC.c.id, ACC.c.handle).where(or_(ACC.c.handle == h, ACC.c.handle.ilike(h)))
            ids = [int(r[0]) for r in conn.execute(q)]
            if not ids and not email:  # a second, Unicode-aware look at handles (ilike folds ASCII only)
                key = clean(item.lstrip("@"))
                ids = [int(aid) for aid, handle in conn.execute(select(ACC.c.id, ACC.c.handle).where(ACC.c.handle != ""))
                       if clean(handle) == key]
            if not ids:
                result.unknown.append(item)
                continue
            conn.execute(update(ACC).where(ACC.c.id.in_(ids)).values(is_staff=staff, flags_set_by_user=True))
            result.marked.extend((item, i) for i in ids)
        if result.marked:
            persons = conn.execute(select(ACC.c.person_id).where(ACC.c.id.in_([i for _, i in result.marked])))
            directory.refresh_people(conn, set(persons.scalars()), was_fresh=fresh)
    return result
