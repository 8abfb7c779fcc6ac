"""A person's profile (accounts, timeline, weekly activity, champion stage, recognitions, notes,
tags, merge history), and the tag and note edits made from it."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import delete, func, insert, select
from sqlalchemy.engine import Connection

from .. import fmt, texts
from ..errors import WorkbenchError
from ..permalinks import links_of
from ..store.models import (
    Account,
    Activity,
    ChampionStatus,
    Channel,
    Note,
    Person,
    PersonTag,
    Recognition,
    Tag,
)
from ..store.views import person_flags_query
from .merge import live_person, merge_history

ACC = Account.__table__
A = Activity.__table__
CH = Channel.__table__
PT = PersonTag.__table__
TAG = Tag.__table__
NOTE = Note.__table__
REC = Recognition.__table__
CS = ChampionStatus.__table__
PER = Person.__table__
WEEKS = 52


@dataclass
class Profile:
    person_id: int
    name: str
    is_bot: bool
    is_staff: bool
    bot_override: bool | None
    staff_override: bool | None
    accounts: list[dict]
    # latest activities across platforms: id, at, platform, channel, kind, text, and link: where it
    # can be seen on its platform ("" when its export does not say)
    timeline: list[dict]
    weekly: list[tuple[dt.date, int]]  # activities per week (Monday), the last WEEKS weeks of data
    champion_stage: str | None
    recognitions: list[dict]
    notes: list[dict]
    tags: list[str]
    history: list[dict] = field(default_factory=list)
    programme: list[dict] = field(default_factory=list)  # champion programme moves, newest first
    # Who they help and who helps them: the people they replied to, and those who replied to them
    # (bots and themselves left out), each person_id, name, replies, last (the latest reply), the
    # most replies first.
    helps: list[dict] = field(default_factory=list)
    helped_by: list[dict] = field(default_factory=list)


def profile(conn: Connection, person_id: int, *, timeline_limit: int = 100,
            tz: dt.tzinfo = dt.timezone.utc) -> Profile:
    """One person's profile; its weeks (the weekly line) are Monday-to-Sunday weeks of the
    reporting zone ``tz``, as the Dashboard counts them."""
    pid = live_person(conn, person_id)
    person = conn.execute(select(PER).where(PER.c.id == pid)).mappings().one()
    fq = person_flags_query().subquery()
    flags = conn.execute(select(fq.c.is_bot, fq.c.is_staff).where(fq.c.person_id == pid)).first() or (0, 0)
    counts = (select(A.c.account_id, func.count().label("n"), func.min(A.c.created_at).label("first"),
                     func.max(A.c.created_at).label("last")).group_by(A.c.account_id).subquery())
    accounts = [dict(r) for r in conn.execute(
        select(ACC.c.id, ACC.c.platform, ACC.c.external_id, ACC.c.handle, ACC.c.display_name, ACC.c.email,
               ACC.c.is_bot, ACC.c.is_staff, ACC.c.is_deleted, ACC.c.flags_set_by_user,
               func.coalesce(counts.c.n, 0).label("activities"), counts.c.first, counts.c.last)
        .select_from(ACC.outerjoin(counts, counts.c.account_id == ACC.c.id))
        .where(ACC.c.person_id == pid).order_by(ACC.c.platform, ACC.c.id)).mappings()]
    acc_ids = [a["id"] for a in accounts]
    timeline = [dict(r) for r in conn.execute(
        select(A.c.id, A.c.created_at.label("at"), A.c.platform, CH.c.name.label("channel"),
               CH.c.kind.label("channel_kind"), A.c.kind, A.c.text)
        .select_from(A.outerjoin(CH, CH.c.id == A.c.channel_id))
        .where(A.c.account_id.in_(acc_ids)).order_by(A.c.created_at.desc(), A.c.id.desc())
        .limit(timeline_limit)).mappings()]
    found = links_of(conn, [t["id"] for t in timeline])
    shown = texts.as_shown(conn, [(t["platform"], t["text"]) for t in timeline])
    for t, text in zip(timeline, shown, strict=True):
        # beside its platform, a channel is named as the platform names it: "#help", "DM Bob"; where
        # it was written names the platform too: "Slack #help"
        name, kind = t["channel"] or "", t.pop("channel_kind")
        t["channel"] = fmt.channel_label(t["platform"], name, kind, with_platform=False)
        t["where"] = fmt.channel_label(t["platform"], name, kind)
        t["text"] = text  # as its platform shows it ("@Ana", not "<@U123>"); the stored text is unchanged
        t["link"] = found[t["id"]].url if t["id"] in found else ""
    programme = [dict(r) for r in conn.execute(
        select(CS.c.changed_at, CS.c.stage, CS.c.previous_stage, CS.c.reason, CS.c.changed_by)
        .where(CS.c.person_id == pid).order_by(CS.c.changed_at.desc(), CS.c.id.desc())).mappings()]
    stage = programme[0]["stage"] if programme else None
    recognitions = [dict(r) for r in conn.execute(
        select(REC.c.id, REC.c.kind, REC.c.given_at, REC.c.note, REC.c.given_by, REC.c.account_id)
        .where(REC.c.person_id == pid).order_by(REC.c.given_at.desc())).mappings()]
    notes = [dict(r) for r in conn.execute(select(NOTE.c.id, NOTE.c.text, NOTE.c.created_at, NOTE.c.author)
                                           .where(NOTE.c.person_id == pid).order_by(NOTE.c.created_at.desc()))
             .mappings()]
    tags = sorted(conn.execute(select(TAG.c.name).join(PT, PT.c.tag_id == TAG.c.id).where(PT.c.person_id == pid))
                  .scalars())
    helps, helped_by = _helping(conn, pid, acc_ids)
    return Profile(pid, person["display_name"], bool(flags[0]), bool(flags[1]), person["is_bot"], person["is_staff"],
                   accounts, timeline, _weekly(conn, acc_ids, tz), stage if stage and stage != "(none)" else None,
                   recognitions, notes, tags, _history(conn, pid), programme, helps, helped_by)


def _history(conn: Connection, pid: int) -> list[dict]:
    """``merge_history``, each event with the accounts it moved as a person reads them
    (``accounts_moved``: "Discord goran7"), which the person ids alone do not say."""
    history = merge_history(conn, pid)
    moved = {int(a) for h in history for a in (h.get("detail") or {}).get("accounts", [])}
    names = {i: f"{fmt.platform_name(plat)} {handle or name or ext}" for i, plat, handle, name, ext in conn.execute(
        select(ACC.c.id, ACC.c.platform, ACC.c.handle, ACC.c.display_name, ACC.c.external_id)
        .where(ACC.c.id.in_(moved)))} if moved else {}
    for h in history:
        h["accounts_moved"] = [names[int(a)] for a in (h.get("detail") or {}).get("accounts", []) if int(a) in names]
    return history


def _helping(conn: Connection, pid: int, acc_ids: list[int]) -> tuple[list[dict], list[dict]]:
    """The people ``pid`` replied to, and those who replied to them (a reply to its direct parent,
    as the helper network counts it), bots and ``pid`` left out, the most replies first."""
    reply, parent = A.alias("reply"), A.alias("parent")
    other = ACC.alias("other")
    names = {}

    def people(query) -> list[dict]:  # noqa: ANN001 - (person_id, replies, last) rows
        rows = [r for r in conn.execute(query).all() if r[0] != pid]
        # The flags and names of these people only, not of the whole workspace.
        flags = person_flags_query().where(Person.id.in_({r[0] for r in rows})).subquery()
        bots = set(conn.execute(select(flags.c.person_id).where(flags.c.is_bot == 1)).scalars()) if rows else set()
        rows = [r for r in rows if r[0] not in bots]
        missing = {r[0] for r in rows} - names.keys()
        if missing:
            names.update(conn.execute(select(PER.c.id, PER.c.display_name).where(PER.c.id.in_(missing))).all())
        rows.sort(key=lambda r: (-r[1], -(r[2].timestamp() if r[2] else 0), r[0]))
        return [{"person_id": p, "name": names.get(p) or "", "replies": n, "last": last} for p, n, last in rows]

    given = (select(other.c.person_id, func.count(), func.max(reply.c.created_at))
             .select_from(reply.join(parent, parent.c.id == reply.c.parent_id)
                          .join(other, other.c.id == parent.c.account_id))
             .where(reply.c.account_id.in_(acc_ids)).group_by(other.c.person_id))
    got = (select(other.c.person_id, func.count(), func.max(reply.c.created_at))
           .select_from(parent.join(reply, reply.c.parent_id == parent.c.id)
                        .join(other, other.c.id == reply.c.account_id))
           .where(parent.c.account_id.in_(acc_ids)).group_by(other.c.person_id))
    return people(given), people(got)


def history_text(h: dict, person_id: int) -> str:
    """A merge or unmerge of ``merge_history`` as a profile tells it, without its day: "Discord
    goran7 (person 12) merged by maria (window): same e-mail", "person 9 split off (undone)
    automatically" (the accounts moved, when the event says them: ``accounts_moved``)."""
    other = h["other_person_id"] if h["target_person_id"] == person_id else h["target_person_id"]
    moved = h.get("accounts_moved") or []
    who = f"{', '.join(moved)} (person {other})" if moved else f"person {other}"
    what = {"merge": f"{who} merged", "unmerge": f"{who} split off"}.get(h["action"], h["action"])
    how = "automatically" if h["automatic"] else (f"by {h['by']}" if h["by"] else "")
    undone = " (undone)" if h["undone_by_id"] else ""
    return f"{what}{undone} {how}".rstrip() + (f": {h['reason']}" if h["reason"] else "")


def _weekly(conn: Connection, acc_ids: list[int], tz: dt.tzinfo) -> list[tuple[dt.date, int]]:
    if not acc_ids:
        return []
    last = conn.execute(select(func.max(A.c.created_at))).scalar_one()
    if last is None:
        return []
    last_day = last.astimezone(tz).date()
    end = last_day - dt.timedelta(days=last_day.weekday())
    start = end - dt.timedelta(weeks=WEEKS - 1)
    since = dt.datetime.combine(start, dt.time(), tzinfo=tz).astimezone(dt.timezone.utc)
    counts = [0] * WEEKS
    for (at,) in conn.execute(select(A.c.created_at).where(A.c.account_id.in_(acc_ids), A.c.created_at >= since)):
        i = (at.astimezone(tz).date() - start).days // 7
        if 0 <= i < WEEKS:
            counts[i] += 1
    return [(start + dt.timedelta(weeks=i), n) for i, n in enumerate(counts)]


# -- tags and notes --------------------------------------------------------------------------------
def add_tag(ws, person_id: int, name: str) -> None:  # noqa: ANN001 - a Workspace
    name = " ".join(name.split())
    if not name:
        raise WorkbenchError("A tag needs a name.")
    with ws.write_conn("people") as conn:
        pid = live_person(conn, person_id)
        tid = conn.execute(select(TAG.c.id).where(TAG.c.name == name)).scalar()
        if tid is None:
            tid = conn.execute(insert(TAG).values(name=name)).inserted_primary_key[0]
        if conn.execute(select(PT.c.tag_id).where(PT.c.person_id == pid, PT.c.tag_id == tid)).first() is None:
            conn.execute(insert(PT).values(person_id=pid, tag_id=tid))


def remove_tag(ws, person_id: int, name: str) -> None:  # noqa: ANN001
    with ws.write_conn("people") as conn:
        pid = live_person(conn, person_id)
        tid = conn.execute(select(TAG.c.id).where(TAG.c.name == name)).scalar()
        if tid is not None:
            conn.execute(delete(PT).where(PT.c.person_id == pid, PT.c.tag_id == tid))


def add_note(ws, person_id: int, text: str, *, author: str = "") -> int:  # noqa: ANN001
    if not text.strip():
        raise WorkbenchError("The note is empty.")
    with ws.write_conn("people") as conn:
        pid = live_person(conn, person_id)
        return int(conn.execute(insert(NOTE).values(person_id=pid, text=text.strip(), author=author,
                                                    created_at=dt.datetime.now(dt.timezone.utc))).inserted_primary_key[0])

