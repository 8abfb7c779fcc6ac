"""Gitter: REST API message pages and the export script's output (a bare array of messages), and
the rooms list.

Accounts are keyed on ``fromUser.id``, activities on the message ``id``; a message id seen twice
(hand-made exports repeat them) is counted once, the first kept. ``parentId`` links a thread
reply. The messages carry no room, so they are stored without a channel; a rooms list becomes
channels (``oneToOne`` rooms are DMs) under their group.
"""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ..records import AccountRec, ActivityRec, ChannelRec, Record, SourceRec
from . import safety
from .base import Importer, ReadContext
from .jsonstream import JsonGuard, RecentIds, clean, ident, parse_time, stream_items

PLATFORM = "gitter"


def page_kind(head: str) -> str | None:
    h = head.lstrip()
    if not h.startswith("["):
        return None
    if '"fromUser"' in h and '"sent"' in h:
        return "messages"
    if '"oneToOne"' in h and '"uri"' in h:
        return "rooms"
    return None


class GitterImporter(Importer):
    name = "gitter"
    label = "Gitter messages or rooms (JSON)"
    platform = PLATFORM
    version = "1"
    patterns = ("*.json",)

    def sniff(self, path: Path) -> bool:
        return path.is_file() and not safety.is_zip(path) and page_kind(safety.head_text(path)) is not None

    def read(self, path: Path, ctx: ReadContext) -> Iterator[Record]:
        kind = page_kind(safety.head_text(path))
        seen: set[str] = set()
        recent = RecentIds()
        with JsonGuard(ctx.open_binary(path)) as stream:
            for n, obj in stream_items(stream, "item", ctx, label="message" if kind == "messages" else "room"):
                if kind == "rooms":
                    yield from self._room(obj, n, ctx)
                else:
                    yield from self._message(obj, n, ctx, seen, recent)

    @staticmethod
    def _room(room: Any, n: int, ctx: ReadContext) -> Iterator[Record]:
        rid = ident(room.get("id")) if isinstance(room, dict) else None
        if rid is None:
            ctx.problem(f"room {n}", "a room without an id; skipped.")
            return
        group = ident(room.get("groupId"))
        if group is not None:
            yield SourceRec(PLATFORM, group, clean(room.get("uri")).split("/")[0] if room.get("uri") else "")
        yield ChannelRec(PLATFORM, rid, clean(room.get("name")) or clean(room.get("uri")), source_external_id=group,
                         kind="dm" if room.get("oneToOne") is True else "channel")

    @staticmethod
    def _message(msg: Any, n: int, ctx: ReadContext, seen: set[str], recent: RecentIds) -> Iterator[Record]:
        if not isinstance(msg, dict):
            ctx.problem(f"message {n}", "not a message object; skipped.")
            return
        mid, user, at = ident(msg.get("id")), msg.get("fromUser"), parse_time(msg.get("sent"))
        uid = ident(user.get("id")) if isinstance(user, dict) else None
        if mid is None or uid is None or at is None:
            ctx.problem(f"message {n}" + (f" (id {mid})" if mid else ""),
                        "the message has no id, author id or readable time; skipped.")
            return
        if recent.seen(mid):
            return  # the same id again: counted once
        if uid not in seen:
            seen.add(uid)
            yield AccountRec(PLATFORM, uid, handle=clean(user.get("username")), display_name=clean(user.get("displayName")))
        parent = ident(msg.get("parentId"))
        yield ActivityRec(PLATFORM, mid, uid, at, parent_external_id=parent if parent != mid else None,
                          kind="reply" if parent else "message", text=clean(msg.get("text")),
                          edited_at=parse_time(msg.get("editedAt")))


IMPORTERS: list[Importer] = [GitterImporter()]
