"""Meetup: saved REST API pages of a group's events, an event's comments or an event's RSVPs (each
file one JSON array, one page).

The group (``group.id``) is the source. An event is a channel (``kind="event"``) and a post
(``"event:<id>"``) by its first host, at ``created``, titled with the event's name, whose text is
``plain_text_description`` (the description's HTML turned to text when only that is there); an
event without hosts is a channel only. A comment is an activity keyed on its ``id``, by its
member, with ``like_count`` as its reactions; its event is named only by its ``link``
(``.../events/<event id>/comments/<comment id>/``), and it replies to ``in_reply_to`` (a comment
id) or otherwise to the event's post. Comments nested under a comment's ``replies`` reply to it.
An RSVP names its member (an account) and its event (a channel); ``yes`` and ``waitlist`` are a
join of that event at ``created``, ``no`` only the account. Accounts are keyed on the member
``id``; a ``role`` of organizer, co-organizer, assistant organizer or event organizer makes staff,
otherwise the export does not say. Times are epoch milliseconds (UTC; ``utc_offset`` is only how
the event's place shows them).
"""
from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import ijson

from ..fmt import html_text
from ..records import AccountRec, ActivityRec, ChannelRec, MembershipRec, Record, SourceRec
from . import safety
from .base import RECORD_ERRORS, Importer, ReadContext, checked, stated_count, why
from .jsonstream import JsonGuard, RecentIds, clean, from_ms, ident, stream_items

PLATFORM = "meetup"
HEAD_BYTES = 65536  # the first record of a page, long description included
STAFF_ROLES = {"organizer", "coorganizer", "assistant_organizer", "event_organizer"}
JOINS = {"yes", "waitlist"}
EVENT_LINK = re.compile(r"/events/([^/?#\s]+)")
LABELS = {"events": "event", "comments": "comment", "rsvps": "RSVP"}
NEEDS = {"events": "an id, a name and a creation time",
         "comments": "an id, a member, a text and a creation time",
         "rsvps": "a member, a response, an event and a creation time"}


def first_keys(head: str) -> set[str] | None:
    """The keys of the first record of a page that is a JSON array of objects (as far as ``head``
    goes); None when it is not such a page."""
    keys: set[str] = set()
    try:
        events = ijson.parse(io.BytesIO(head.encode("utf-8", "replace")))
        if next(events, (None, None, None))[1] != "start_array" or next(events, (None, None, None))[1] != "start_map":
            return None
        for prefix, event, value in events:
            if prefix == "item" and event == "map_key":
                keys.add(value)
            elif prefix == "item" and event == "end_map":
                break
    except (ijson.JSONError, UnicodeError, ValueError):
        pass  # the head ends inside the page: the keys seen so far
    return keys


def page_kind(head: str) -> str | None:
    """``events``, ``comments`` or ``rsvps`` from the keys of a page's first record."""
    if not head.lstrip().startswith("["):
        return None
    keys = first_keys(head)
    if not keys:
        return None
    if {"response", "member", "event", "created"} <= keys:
        return "rsvps"
    if {"id", "comment", "member", "created"} <= keys and ("like_count" in keys or "link" in keys):
        return "comments"
    if {"id", "name", "time"} <= keys and ("event_hosts" in keys or "utc_offset" in keys) \
            and not keys & {"response", "comment"}:
        return "events"
    return None


class MeetupImporter(Importer):
    name = "meetup"
    label = "Meetup API pages (events, comments, RSVPs; JSON)"
    platform = PLATFORM
    version = "1"
    patterns = ("*.json",)

    def sniff(self, path: Path) -> bool:
        return path.is_file() and not safety.is_zip(path) \
            and page_kind(safety.head_text(path, HEAD_BYTES)) is not None

    def read(self, path: Path, ctx: ReadContext) -> Iterator[Record]:
        kind = page_kind(safety.head_text(path, HEAD_BYTES))
        label = LABELS.get(kind or "", "record")
        read_one = {"events": _event, "comments": _comment, "rsvps": _rsvp}.get(kind or "")
        if read_one is None:
            raise ctx.fail("at the start", "not a page of Meetup events, comments or RSVPs.")
        seen: set[tuple[type, str]] = set()
        recent = RecentIds()
        with JsonGuard(ctx.open_binary(path)) as stream:
            for n, obj in stream_items(stream, "item", ctx, label=label):
                for where, records in read_one(obj, f"{label} {n}"):
                    try:
                        out = checked(records)
                    except RECORD_ERRORS as exc:
                        ctx.problem(where, f"not a Meetup {label} with {NEEDS[kind]} ({why(exc)}); skipped.")
                        continue
                    yield from _once(out, seen, recent)


def _once(records: list[Record], seen: set[tuple[type, str]], recent: RecentIds) -> Iterator[Record]:
    """Each group, event and account once per file; an activity id seen again is counted once."""
    for rec in records:
        if isinstance(rec, (SourceRec, ChannelRec, AccountRec)):
            key = (type(rec), rec.external_id)
            if key in seen:
                continue
            seen.add(key)
        elif isinstance(rec, ActivityRec) and recent.seen(rec.external_id):
            continue
        yield rec


# -- one record --------------------------------------------------------------------------------

def _event(ev: Any, where: str) -> Iterator[tuple[str, Iterator[Record]]]:
    yield where, _event_records(ev)


def _event_records(ev: Any) -> Iterator[Record]:
    ev = _object(ev, "record")
    eid, name, at = _id(ev.get("id"), "id"), _text(ev.get("name"), "name", required=True), _time(ev.get("created"))
    hosts = ev.get("event_hosts")
    if hosts is not None and not isinstance(hosts, list):
        raise ValueError("its event_hosts is not a list")
    accounts = [_account(h, "host") for h in hosts or []]
    text = _description(ev)
    source = yield from _group(ev)
    yield ChannelRec(PLATFORM, eid, name, source_external_id=source, kind="event")
    yield from accounts
    if accounts:
        yield ActivityRec(PLATFORM, f"event:{eid}", accounts[0].external_id, at, channel_external_id=eid,
                          source_external_id=source, kind="post", text=text, is_question=False, title=name)


def _comment(c: Any, where: str, parent: str | None = None) -> Iterator[tuple[str, Iterator[Record]]]:
    yield where, _comment_records(c, parent)
    replies = c.get("replies") if isinstance(c, dict) else None
    for k, reply in enumerate(replies if isinstance(replies, list) else [], start=1):
        yield from _comment(reply, f"{where}, reply {k}", ident(c.get("id")))


def _comment_records(c: Any, parent: str | None) -> Iterator[Record]:
    c = _object(c, "record")
    cid, at = _id(c.get("id"), "id"), _time(c.get("created"))
    author = _account(c.get("member"), "member")
    text = _text(c.get("comment"), "comment", required=True)
    found = EVENT_LINK.search(_text(c.get("link"), "link"))
    event = ident(found.group(1)) if found else None
    if c.get("in_reply_to") is not None:
        parent = _id(c.get("in_reply_to"), "in_reply_to")
    elif parent is None and event is not None:
        parent = f"event:{event}"
    yield author
    yield ActivityRec(PLATFORM, cid, author.external_id, at, channel_external_id=event,
                      parent_external_id=parent if parent != cid else None, kind="comment", text=text,
                      reaction_count=stated_count(c.get("like_count"), 0))


def _rsvp(r: Any, where: str) -> Iterator[tuple[str, Iterator[Record]]]:
    yield where, _rsvp_records(r)


def _rsvp_records(r: Any) -> Iterator[Record]:
    r = _object(r, "record")
    member, at = _account(r.get("member"), "member"), _time(r.get("created"))
    response = r.get("response")
    if not isinstance(response, str):
        raise ValueError("its response is missing or not text")
    event = _object(r.get("event"), "event")
    eid, name = _id(event.get("id"), "event id"), _text(event.get("name"), "event name")
    source = yield from _group(r)
    yield ChannelRec(PLATFORM, eid, name, source_external_id=source, kind="event")
    yield member
    if response in JOINS:
        yield MembershipRec(PLATFORM, member.external_id, at, kind="join", channel_external_id=eid,
                            source_external_id=source)


# -- fields ------------------------------------------------------------------------------------

def _group(rec: dict) -> Iterator[Record]:
    """The record's group as a source (yielded), and its id (returned); None when it names none."""
    if rec.get("group") is None:
        return None
    group = _object(rec.get("group"), "group")
    gid = _id(group.get("id"), "group id")
    yield SourceRec(PLATFORM, gid, _text(group.get("name"), "group name"))
    return gid


def _account(member: Any, what: str) -> AccountRec:
    m = _object(member, what)
    role = m.get("role")
    if role is not None and not isinstance(role, str):
        raise ValueError(f"its {what} role is not text")
    return AccountRec(PLATFORM, _id(m.get("id"), f"{what} id"), display_name=_text(m.get("name"), f"{what} name"),
                      is_staff=True if role in STAFF_ROLES else None)


def _object(value: Any, what: str) -> dict:
    if not isinstance(value, dict):
        raise ValueError("it is not an object" if what == "record" else
                         f"its {what} is {'missing' if value is None else 'not an object'}")
    return value


def _id(value: Any, what: str) -> str:
    found = ident(value)
    if found is None:
        raise ValueError(f"its {what} is missing or not an id")
    return found


def _text(value: Any, what: str, required: bool = False) -> str:
    if value is None and not required:
        return ""
    if not isinstance(value, str):
        raise ValueError(f"its {what} is missing" if value is None else f"its {what} is not text")
    return clean(value)


def _time(value: Any, what: str = "created") -> dt.datetime:
    """A time in epoch milliseconds (a whole number) as an aware UTC datetime."""
    if value.__class__ is float and value.is_integer():
        value = int(value)
    at = from_ms(value) if value.__class__ is int else None
    if at is None:
        raise ValueError(f"its {what} is {'missing' if value is None else 'not a time in epoch milliseconds'}")
    return at


def _description(ev: dict) -> str:
    """The event's description as plain text: Meetup's own plain text, or its HTML without markup."""
    plain = ev.get("plain_text_description")
    if plain is not None:
        return _text(plain, "plain_text_description")
    return html_text(_text(ev.get("description"), "description"))


IMPORTERS: list[Importer] = [MeetupImporter()]
