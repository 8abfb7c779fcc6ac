"""Merging people and undoing merges, with a history that makes every merge reversible exactly.

A merge moves every account of the *other* person to the *target*, with what hangs off them
(recognitions given to those accounts, the other person's own recognitions, notes, tags and
champion history), and marks the other person ``merged_into_id``. The ``MergeEvent`` keeps the
ids of everything moved, so an unmerge puts back exactly those rows and nothing else.

Automatic merges join accounts with the same normalized e-mail address; they run after every
import (``auto_merge_after_import``). Unmerging an automatic merge records a rejection, so the
next import does not join the two again.
"""
from __future__ import annotations

import datetime as dt
import getpass
from collections import defaultdict
from collections.abc import Iterable
from contextlib import contextmanager

from sqlalchemy import and_, delete, func, insert, or_, select, update
from sqlalchemy.engine import Connection

from ..errors import NotFound, WorkbenchError
from ..store.models import (
    Account,
    Activity,
    ChampionStatus,
    MergeEvent,
    MergeRejection,
    Note,
    Person,
    PersonTag,
    Recognition,
)
from .normalize import is_shared_mailbox, norm_email

ACC = Account.__table__
PER = Person.__table__
EV = MergeEvent.__table__
REJ = MergeRejection.__table__
REC = Recognition.__table__
NOTE = Note.__table__
PT = PersonTag.__table__
CS = ChampionStatus.__table__


def who(via: str = "") -> str:
    """The person at the keyboard, for the merge history ("maria (window)")."""
    try:
        user = getpass.getuser()
    except (KeyError, OSError):  # no user name known to the system
        user = ""
    return f"{user} ({via})" if user and via else (user or via)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def live_person(conn: Connection, person_id: int) -> int:
    """The person a (possibly merged-away) person id stands for today."""
    seen = set()
    pid = person_id
    while True:
        row = conn.execute(select(PER.c.merged_into_id).where(PER.c.id == pid)).first()
        if row is None:
            raise NotFound(f"There is no person {person_id} in this workspace.")
        if row[0] is None or pid in seen:
            return pid
        seen.add(pid)
        pid = row[0]


def _ids(conn: Connection, q) -> list[int]:  # noqa: ANN001
    return [int(v) for v in conn.execute(q).scalars()]


def merge_on(conn: Connection, target: int, other: int, *, reason: str = "", by: str = "",
             automatic: bool = False) -> int:
    """Merge person ``other`` into ``target`` on ``conn`` (inside the caller's transaction)."""
    target, other = live_person(conn, target), live_person(conn, other)
    if target == other:
        raise WorkbenchError(f"Person {target} and person {other} are already the same person.")
    accounts = _ids(conn, select(ACC.c.id).where(ACC.c.person_id == other).order_by(ACC.c.id))
    recognitions = _ids(conn, select(REC.c.id).where(REC.c.person_id == other))
    notes = _ids(conn, select(NOTE.c.id).where(NOTE.c.person_id == other))
    champion = _ids(conn, select(CS.c.id).where(CS.c.person_id == other))
    have_tags = set(_ids(conn, select(PT.c.tag_id).where(PT.c.person_id == target)))
    added_tags = [t for t in _ids(conn, select(PT.c.tag_id).where(PT.c.person_id == other)) if t not in have_tags]
    if accounts:
        conn.execute(update(ACC).where(ACC.c.id.in_(accounts)).values(person_id=target))
    if recognitions:
        conn.execute(update(REC).where(REC.c.id.in_(recognitions)).values(person_id=target))
    if notes:
        conn.execute(update(NOTE).where(NOTE.c.id.in_(notes)).values(person_id=target))
    if champion:
        conn.execute(update(CS).where(CS.c.id.in_(champion)).values(person_id=target))
    if added_tags:
        conn.execute(insert(PT), [{"person_id": target, "tag_id": t} for t in added_tags])
    conn.execute(update(PER).where(PER.c.id == other).values(merged_into_id=target))
    detail = {"accounts": accounts, "recognitions": recognitions, "notes": notes, "champion_status": champion,
              "tags_added": added_tags}
    return int(conn.execute(insert(EV).values(at=_now(), action="merge", automatic=automatic, by=by, reason=reason,
                                              target_person_id=target, other_person_id=other, detail=detail)
                            ).inserted_primary_key[0])


def undo_on(conn: Connection, event_id: int, *, by: str = "", reason: str = "", reject: bool = True) -> int:
    """Undo one merge event: the other person gets back exactly what it brought. Returns the
    unmerge event's id. An automatic merge undone is remembered as a rejection, unless ``reject``
    is False (the import that made it is being taken out, and its accounts with it)."""
    ev = conn.execute(select(EV).where(EV.c.id == event_id)).mappings().first()
    if ev is None or ev["action"] != "merge":
        raise NotFound(f"There is no merge {event_id} to undo.")
    if ev["undone_by_id"] is not None:
        raise WorkbenchError(f"Merge {event_id} was already undone.")
    other, target = ev["other_person_id"], ev["target_person_id"]
    d = ev["detail"] or {}
    accounts = list(d.get("accounts", []))
    if accounts:
        conn.execute(update(ACC).where(ACC.c.id.in_(accounts)).values(person_id=other))
    # Recognitions given to a moved account follow it back; the other person's own come back too.
    if accounts:
        conn.execute(update(REC).where(REC.c.account_id.in_(accounts)).values(person_id=other))
    own = list(d.get("recognitions", []))
    if own:
        conn.execute(update(REC).where(REC.c.id.in_(own), REC.c.account_id.is_(None)).values(person_id=other))
    for table, key in ((NOTE, "notes"), (CS, "champion_status")):
        ids = list(d.get(key, []))
        if ids:
            conn.execute(update(table).where(table.c.id.in_(ids)).values(person_id=other))
    tags = list(d.get("tags_added", []))
    if tags:
        holder = live_person(conn, target)
        conn.execute(delete(PT).where(PT.c.person_id == holder, PT.c.tag_id.in_(tags)))
    conn.execute(update(PER).where(PER.c.id == other).values(merged_into_id=None))
    if ev["automatic"] and accounts and reject:
        _reject_between(conn, accounts, _ids(conn, select(ACC.c.id).where(ACC.c.person_id == live_person(conn, target))),
                        by=by or "unmerge")
    un = int(conn.execute(insert(EV).values(at=_now(), action="unmerge", automatic=False, by=by,
                                            reason=reason or f"undo of merge {event_id}", target_person_id=target,
                                            other_person_id=other, detail={"undoes": event_id, "accounts": accounts})
                          ).inserted_primary_key[0])
    conn.execute(update(EV).where(EV.c.id == event_id).values(undone_by_id=un))
    return un


def unmerge_on(conn: Connection, person_id: int, *, by: str = "") -> list[int]:
    """Split a person: a merged-away person is taken back out of the person it was merged into;
    a person with others merged into it gets every one of them back (latest merge first)."""
    row = conn.execute(select(PER.c.merged_into_id).where(PER.c.id == person_id)).first()
    if row is None:
        raise NotFound(f"There is no person {person_id} in this workspace.")
    open_merge = and_(EV.c.action == "merge", EV.c.undone_by_id.is_(None))
    if row[0] is not None:
        events = _ids(conn, select(EV.c.id).where(open_merge, EV.c.other_person_id == person_id)
                      .order_by(EV.c.id.desc()).limit(1))
    else:
        events = _ids(conn, select(EV.c.id).where(open_merge, EV.c.target_person_id == person_id)
                      .order_by(EV.c.id.desc()))
    if not events:
        raise WorkbenchError(f"Person {person_id} has no merge to undo.")
    return [undo_on(conn, e, by=by) for e in events]


def last_merge_id(conn: Connection) -> int | None:
    return conn.execute(select(func.max(EV.c.id)).where(EV.c.action == "merge", EV.c.undone_by_id.is_(None))
                        ).scalar_one()


# -- rejections ----------------------------------------------------------------------------------
def _reject_between(conn: Connection, left: Iterable[int], right: Iterable[int], *, by: str = "") -> None:
    pairs = {(min(a, b), max(a, b)) for a in left for b in right if a != b}
    if not pairs:
        return
    have = set()
    for a, b in pairs:
        if conn.execute(select(REJ.c.id).where(REJ.c.account_a_id == a, REJ.c.account_b_id == b)).first():
            have.add((a, b))
    rows = [{"account_a_id": a, "account_b_id": b, "at": _now(), "by": by} for a, b in sorted(pairs - have)]
    if rows:
        conn.execute(insert(REJ), rows)


def reject_on(conn: Connection, a: int, b: int, *, by: str = "") -> None:
    """Record that persons ``a`` and ``b`` are not the same human: never suggested or merged again."""
    a, b = live_person(conn, a), live_person(conn, b)
    left = _ids(conn, select(ACC.c.id).where(ACC.c.person_id == a))
    right = _ids(conn, select(ACC.c.id).where(ACC.c.person_id == b))
    _reject_between(conn, left, right, by=by)


def rejected_person_pairs(conn: Connection) -> set[tuple[int, int]]:
    """Pairs of live persons (low id first) that hold a rejected pair of accounts."""
    a1, a2 = ACC.alias("a1"), ACC.alias("a2")
    q = (select(a1.c.person_id, a2.c.person_id).select_from(REJ)
         .join(a1, a1.c.id == REJ.c.account_a_id).join(a2, a2.c.id == REJ.c.account_b_id))
    return {(min(p, q_), max(p, q_)) for p, q_ in conn.execute(q)}


# -- automatic merges ----------------------------------------------------------------------------
def _activity_counts(conn: Connection, persons: set[int]) -> dict[int, int]:
    out: dict[int, int] = defaultdict(int)
    ids = sorted(persons)
    for i in range(0, len(ids), 500):
        q = (select(ACC.c.person_id, func.count(Activity.__table__.c.id))
             .select_from(ACC.join(Activity.__table__, Activity.__table__.c.account_id == ACC.c.id))
             .where(ACC.c.person_id.in_(ids[i:i + 500])).group_by(ACC.c.person_id))
        for pid, n in conn.execute(q):
            out[int(pid)] = int(n)
    return out


def auto_merge(conn: Connection, *, by: str = "automatic") -> list[int]:
    """Merge people who share a normalized e-mail address. Returns the merge event ids.

    Left out: shared mailboxes (no-reply, notifications...), an address that two accounts of one
    source share (a team address), and pairs a person rejected or unmerged before.
    """
    rows = conn.execute(select(ACC.c.id, ACC.c.person_id, ACC.c.email_norm, ACC.c.source_id, ACC.c.platform)
                        .where(ACC.c.email_norm.is_not(None), ACC.c.placeholder.is_(False))).all()
    by_email: dict[str, list[tuple[int, int, object]]] = defaultdict(list)
    for aid, pid, email, source, platform in rows:
        e = norm_email(email)
        if e and not is_shared_mailbox(e):
            by_email[e].append((int(aid), int(pid), (platform, source)))
    groups: list[tuple[str, set[int]]] = []
    for email, accs in by_email.items():
        sources = [s for _, _, s in accs]
        if len(sources) != len(set(sources)):
            continue  # two accounts of one source share it: a team address, not a person's
        persons = {p for _, p, _ in accs}
        if len(persons) > 1:
            groups.append((email, persons))
    if not groups:
        return []
    rejected = rejected_person_pairs(conn)
    activity = _activity_counts(conn, set().union(*(g for _, g in groups)))
    events = []
    for email, persons in sorted(groups, key=lambda g: g[0]):
        live = {live_person(conn, p) for p in persons}
        # The person with most accounts' activity stays; ties go to the oldest.
        order = sorted(live, key=lambda p: (-activity.get(p, 0), p))
        target = order[0]
        for other in order[1:]:
            t = live_person(conn, target)
            if (min(t, other), max(t, other)) in rejected or t == live_person(conn, other):
                continue
            events.append(merge_on(conn, t, other, reason=f"same e-mail: {email}", by=by, automatic=True))
    return events


def auto_merge_after_import(conn: Connection, run_id: int) -> None:
    """Post-import step: new accounts of an address already known join that address's person."""
    auto_merge(conn, by=f"import {run_id}")


# -- the workspace-level operations the CLI and the GUI call --------------------------------------
def _touched(conn: Connection, event_ids: list[int]) -> set[int]:
    out: set[int] = set()
    for t, o in conn.execute(select(EV.c.target_person_id, EV.c.other_person_id).where(EV.c.id.in_(event_ids))):
        out.add(live_person(conn, t))
        if o is not None:
            out.add(o)
            out.add(live_person(conn, o))
    return out


@contextmanager
def _changing(ws, what: str = "merge"):  # noqa: ANN001, ANN202 - a Workspace
    """A write transaction that refreshes the directory rows of the people its events touched."""
    from . import directory

    with ws.write_conn(what) as conn:
        fresh = directory.is_fresh(conn)
        events: list[int] = []
        yield conn, events
        directory.refresh_people(conn, _touched(conn, events), was_fresh=fresh)


def merge(ws, target: int, other: int, *, reason: str = "", by: str = "") -> int:  # noqa: ANN001 - a Workspace
    """Merge person ``other`` into ``target``; returns the merge event's id."""
    with _changing(ws) as (conn, events):
        events.append(merge_on(conn, target, other, reason=reason, by=by))
    return events[0]


def merge_many(ws, pairs: Iterable[tuple], *, reason: str = "", by: str = "") -> list[int]:  # noqa: ANN001
    """Merge each ``(target, other)`` pair, or ``(target, other, reason)`` (several suggestions
    accepted at once), in one transaction. A pair that an earlier one already joined (a–b, b–c,
    a–c) is passed over. Returns the merge events' ids, to undo them together
    (``undo_last_merges``)."""
    with _changing(ws) as (conn, events):
        for target, other, *own in pairs:
            if live_person(conn, target) != live_person(conn, other):
                events.append(merge_on(conn, target, other, reason=own[0] if own else reason, by=by))
    return events


def undo_last_merges(ws, together: Iterable[int] = (), *, by: str = "") -> list[int]:  # noqa: ANN001
    """Undo the latest merge; when it is the last of ``together`` (merges made by one action, say
    accepting several suggestions), undo all of those still standing with it, latest first, in one
    transaction. Returns the merges undone, none when there is none."""
    together = set(together)
    with _changing(ws) as (conn, events):
        last = last_merge_id(conn)
        undone = [] if last is None else [last]
        if last is not None and last == max(together, default=None):
            undone = sorted(_ids(conn, select(EV.c.id).where(EV.c.id.in_(together), EV.c.undone_by_id.is_(None))),
                            reverse=True)
        for ev in undone:
            events.append(undo_on(conn, ev, by=by))
    return undone


def unmerge(ws, person_id: int, *, by: str = "") -> list[int]:  # noqa: ANN001
    with _changing(ws) as (conn, events):
        events.extend(unmerge_on(conn, person_id, by=by))
    return events


def undo_last_merge(ws, *, by: str = "") -> int | None:  # noqa: ANN001
    """Undo the latest merge not undone yet; returns its id, None when there is none."""
    undone = undo_last_merges(ws, by=by)
    return undone[0] if undone else None


def reject(ws, a: int, b: int, *, by: str = "") -> None:  # noqa: ANN001
    reject_many(ws, [(a, b)], by=by)


def reject_many(ws, pairs: Iterable[tuple[int, int]], *, by: str = "") -> None:  # noqa: ANN001
    """Say of each pair of people that they are not the same human, in one transaction."""
    with ws.write_conn("merge") as conn:
        for a, b in pairs:
            reject_on(conn, a, b, by=by)


def run_auto_merge(ws) -> list[int]:  # noqa: ANN001
    with _changing(ws) as (conn, events):
        events.extend(auto_merge(conn))
    return events


def merge_history(conn: Connection, person_id: int) -> list[dict]:
    """Merge and unmerge events that touch a person, newest first."""
    q = (select(EV).where(or_(EV.c.target_person_id == person_id, EV.c.other_person_id == person_id))
         .order_by(EV.c.id.desc()))
    return [dict(r) for r in conn.execute(q).mappings()]
