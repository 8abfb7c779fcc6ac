"""Rocket.Chat: saved REST API pages (``channels.messages``/``channels.history``, ``channels.info``).

A page, or a folder of pages, is read twice: first for the username -> ``u._id`` table (reactions
name users by username only), then for the records. Accounts are keyed on ``u._id`` (usernames
change between pages). Edit-history copies (``_hidden: true``) are skipped, and so are system
messages (``t``) other than joins and leaves, which are membership events. A thread reply
(``tmid``) links to its parent. Times are ISO (REST) or ``{"$date": ms}`` (database dumps).
"""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ..records import AccountRec, ActivityRec, ChannelRec, MembershipRec, ReactionRec, Record
from . import safety
from .base import Importer, ReadContext
from .jsonstream import JsonGuard, Member, RecentIds, clean, data_files, ident, members, parse_time, skip_quietly, stream_items, text_of

PLATFORM = "rocketchat"
ROOM_KEYS = ("channel", "group", "room")
ROOM_KINDS = {"c": "channel", "p": "private", "d": "dm", "l": "channel"}
# t -> (join or leave, whose: "self" = the author, "msg" = the username in msg)
MEMBERSHIP = {"uj": ("join", "self"), "ujt": ("join", "self"), "au": ("join", "msg"), "ut": ("join", "self"),
              "ul": ("leave", "self"), "ult": ("leave", "self"), "ru": ("leave", "msg")}
BOT_NAMES = {"rocket.cat"}


def page_kind(head: str) -> str | None:
    h = head.lstrip()
    if not h.startswith("{") or '"_id"' not in h:
        return None
    if '"messages"' in h and '"rid"' in h and '"u"' in h:
        return "messages"
    if '"success"' in h and '"t"' in h and any(f'"{k}"' in h for k in ROOM_KEYS) and ('"fname"' in h or '"usersCount"' in h):
        return "room"
    return None


def _accept(name: str, head: bytes) -> bool:
    return name.lower().endswith(".json") and page_kind(text_of(head)) is not None


class RocketChatImporter(Importer):
    name = "rocketchat-api"
    label = "Rocket.Chat API pages (JSON)"
    platform = PLATFORM
    version = "1"
    patterns = ("*.json",)
    folders = True

    def sniff(self, path: Path) -> bool:
        if path.is_dir():
            data = data_files(path)
            return bool(data) and all(_accept(f.name, safety.head(f)) for f in data)
        return path.is_file() and not safety.is_zip(path) and page_kind(safety.head_text(path)) is not None

    def read(self, path: Path, ctx: ReadContext) -> Iterator[Record]:
        pages = list(members(path, _accept))
        names = self._usernames(pages, ctx)
        seen: set[str] = set()
        recent = RecentIds()
        for m in pages:
            with m.open() as raw:
                kind = page_kind(text_of(raw.read(4096)))
            with JsonGuard(ctx.track(m.open(), m.size, f"Reading {m.name}")) as stream:
                if kind == "room":
                    for _, room in stream_items(stream, "", ctx, file=m.name, label="object"):
                        yield from self._room(room, m.name, ctx, seen)
                    continue
                for n, msg in stream_items(stream, "messages.item", ctx, file=m.name, label="message"):
                    yield from self._message(msg, n, m.name, ctx, names, seen, recent)

    @staticmethod
    def _usernames(pages: list[Member], ctx: ReadContext) -> dict[str, str]:
        """username -> user id, from every author and editor in the pages."""
        names: dict[str, str] = {}
        for m in pages:
            with JsonGuard(m.open()) as stream:
                for _, msg in stream_items(stream, "messages.item", ctx, file=m.name, label="message"):
                    for who in (msg.get("u"), msg.get("editedBy")) if isinstance(msg, dict) else ():
                        if isinstance(who, dict) and ident(who.get("_id")) and ident(who.get("username")):
                            names.setdefault(ident(who["username"]), ident(who["_id"]))
        return names

    @staticmethod
    def _account(u: Any, seen: set[str], bot: bool = False) -> Iterator[AccountRec]:
        uid = ident(u.get("_id")) if isinstance(u, dict) else None
        if uid is None or uid in seen:
            return
        seen.add(uid)
        username = clean(u.get("username"))
        yield AccountRec(PLATFORM, uid, handle=username, display_name=clean(u.get("name")),
                         is_bot=bot or username in BOT_NAMES)

    def _room(self, obj: Any, file: str, ctx: ReadContext, seen: set[str]) -> Iterator[Record]:
        room = next((obj[k] for k in ROOM_KEYS if isinstance(obj, dict) and isinstance(obj.get(k), dict)), None)
        rid = ident(room.get("_id")) if room else None
        if rid is None:
            ctx.problem("whole file", "a room page without a room id; skipped.", file=file)
            return
        yield ChannelRec(PLATFORM, rid, clean(room.get("fname")) or clean(room.get("name")),
                         kind=ROOM_KINDS.get(clean(room.get("t")), "channel"))

    def _message(self, msg: Any, n: int, file: str, ctx: ReadContext, names: dict[str, str], seen: set[str],
                 recent: RecentIds) -> Iterator[Record]:
        if not isinstance(msg, dict):
            ctx.problem(f"message {n}", "not a message object; skipped.", file=file)
            return
        if msg.get("_hidden") is True:
            skip_quietly(ctx)  # an edit-history copy of a live message
            return
        mid, u, at = ident(msg.get("_id")), msg.get("u"), parse_time(msg.get("ts"))
        uid = ident(u.get("_id")) if isinstance(u, dict) else None
        if mid is None or uid is None or at is None:
            ctx.problem(f"message {n}" + (f" (id {mid})" if mid else ""),
                        "the message has no id, author id or readable time; skipped.", file=file)
            return
        if recent.seen(mid):
            return
        yield from self._account(u, seen, bot=bool(msg.get("bot")))
        t, rid = clean(msg.get("t")), ident(msg.get("rid"))
        if t in MEMBERSHIP:
            what, whose = MEMBERSHIP[t]
            who = uid if whose == "self" else names.get(clean(msg.get("msg")))
            if who is not None:
                yield MembershipRec(PLATFORM, who, at, what, channel_external_id=rid)
            else:
                skip_quietly(ctx)
            return
        if t:
            skip_quietly(ctx)
            return
        parent = ident(msg.get("tmid"))
        reactions = msg.get("reactions") if isinstance(msg.get("reactions"), dict) else {}
        given = [(clean(code), clean(name)) for code, r in reactions.items() if isinstance(r, dict)
                 for name in (r.get("usernames") if isinstance(r.get("usernames"), list) else [])]
        yield ActivityRec(PLATFORM, mid, uid, at, channel_external_id=rid,
                          parent_external_id=parent if parent != mid else None, kind="reply" if parent else "message",
                          text=clean(msg.get("msg")), reaction_count=len(given), edited_at=parse_time(msg.get("editedAt")))
        for emoji, username in given:
            if username in names:
                yield ReactionRec(PLATFORM, mid, names[username], emoji)


IMPORTERS: list[Importer] = [RocketChatImporter()]
