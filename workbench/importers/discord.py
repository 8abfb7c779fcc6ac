"""DiscordChatExporter JSON: one file per channel or thread, a folder of them, or a zip of them.

A multi-GB channel is read a block of messages at a time, through ``ctx.track`` (progress,
cancel), by ``jsonstream.stream_array``: with orjson where the file is laid out as the exporter
writes it, else with ijson behind ``JsonGuard``; memory stays bounded either way.

Mapping: source = guild (DMs: guild "0", "Direct Messages"), channel = channel (threads have
their parent channel in ``categoryId``), account = ``author.id``, activity = message ``id``.
Times are normalised from the exporter's local offset to UTC (the snowflake is the fallback).
A message in a thread (a forum's post included) replies to the thread's starting message, whose id
is the thread's, unless it replies to another: so a question asked in a forum post is answered by
the thread's first message from someone else.
``GuildMemberJoin`` and ``RecipientAdd``/``RecipientRemove`` are membership events; the other
system kinds (calls, renames, pins, thread notices) are not activities and are counted as skipped.
"""
from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from ..records import (
    AccountRec,
    ActivityRec,
    ChannelRec,
    MembershipRec,
    ReactionRec,
    Record,
    SourceRec,
)
from . import safety
from .base import Importer, ReadContext, stated_count
from .jsonstream import (
    DATA_EXTS,
    JsonGuard,
    Member,
    RecentIds,
    clean,
    from_ms,
    ident,
    members,
    note_passed_over,
    parse_time,
    read_head,
    skip_quietly,
    stream_array,
    text_of,
    utc_naive,
    walk_folder,
    zip_heads,
)
from .unchanged import identical_import, identical_members
from .unread import what_it_is

# -- DiscordChatExporter JSON -----------------------------------------------------------------

PLATFORM = "discord"
DISCORD_EPOCH_MS = 1420070400000
ACTIVITY_TYPES = {"Default", "Reply", "0", "19", "20", "23"}  # 20/23: slash and context-menu commands
JOIN_TYPES = {"GuildMemberJoin", "7"}
RECIPIENT_TYPES = {"RecipientAdd": "join", "1": "join", "RecipientRemove": "leave", "2": "leave"}
# The exporter's --media folder beside each channel's file, "<the file's name>_Files", as a zip names it.
MEDIA_FOLDER = re.compile(r"\.(?:json|html?|csv|txt)_Files$", re.I)
ICON_URL = re.compile(r'"iconUrl"\s*:\s*"([^"]*)"')
CHANNEL_KINDS = {"DirectTextChat": "dm", "DirectGroupTextChat": "group_dm", "GuildPublicThread": "thread",
                 "GuildPrivateThread": "thread", "GuildNewsThread": "thread"}
STAFF_WORDS = re.compile(r"admin|moderator|staff|\bmods?\b", re.IGNORECASE)


def looks_like_dce(head: str) -> bool:
    h = head.lstrip()
    return h.startswith("{") and '"guild"' in h and '"channel"' in h and ('"messages"' in h or len(head) >= 4000)


def snowflake_time(value: Any) -> dt.datetime | None:
    s = ident(value)
    if not s or not s.isdigit() or len(s) > 20:
        return None
    ms = (int(s) >> 22) + DISCORD_EPOCH_MS
    return from_ms(ms) if ms > DISCORD_EPOCH_MS else None


def known_flags(conn, options: dict) -> dict:  # noqa: ANN001 - a SQLAlchemy Connection
    """``options`` plus the Discord accounts already flagged staff or bot in the workspace, so that
    a record that cannot know (a reaction user, a CSV row) does not clear those flags."""
    from sqlalchemy import or_, select

    from ..store.models import Account

    q = select(Account.external_id, Account.is_staff, Account.is_bot).where(
        Account.platform == PLATFORM, or_(Account.is_staff.is_(True), Account.is_bot.is_(True)))
    found = conn.execute(q).all()
    return {**options, "staff": {e for e, staff, _ in found if staff}, "bots": {e for e, _, bot in found if bot}}


@dataclass
class _State:
    guild: str = ""
    channel: str = ""
    thread: bool = False  # the channel is a thread (or a forum's post), whose id is its starting message's
    accounts: dict[str, tuple] = field(default_factory=dict)
    raw: dict[str, dict] = field(default_factory=dict)  # account id -> the user object its last record came from
    recent: RecentIds = field(default_factory=RecentIds)
    staff: set[str] = field(default_factory=set)
    bots: set[str] = field(default_factory=set)
    # The channel's messages a CSV brought, without their ids: (author id, instant in UTC) -> the id it gave
    from_csv: dict[tuple[str, dt.datetime], str] = field(default_factory=dict)


def _sent_in_chat(name: str) -> bool:
    """Whether a file of a zip (named with its folders) is in a ``_Files`` folder: a file sent in a channel."""
    return any(MEDIA_FOLDER.search(part) for part in PurePosixPath(name).parts[:-1])


def media_folders(channel: Path, head: str | None = None) -> list[Path]:
    """The folders beside a channel's file where the exporter (``--media``) put what was sent in it:
    ``<the file's name>_Files``, or the folder given with ``--media-dir``, which the guild's icon,
    downloaded with the rest, names at the top of the file (``"iconUrl": "media\\icon.png"``;
    ``head``: the file's first bytes, when they were read already)."""
    found = [channel.with_name(channel.name + "_Files")]
    if top := _media_dir(safety.head_text(channel) if head is None else head):
        found.append(channel.parent / top)
    return [d for d in dict.fromkeys(found) if d.is_dir() and not d.is_symlink()]


def _media_dir(head: str) -> str | None:
    """The folder, beside the channel's file, that the guild's icon was downloaded to, if it was."""
    icon = ICON_URL.search(head)
    if not icon or "://" in icon[1]:
        return None
    top = re.split(r"[\\/]+", icon[1].replace("\\\\", "/"))[0]
    return None if top in ("", ".", "..") else top


class DiscordJsonImporter(Importer):
    name = "discord-json"
    label = "DiscordChatExporter JSON"
    platform = PLATFORM
    version = "1"
    patterns = ("*.json", "*.zip")
    folders = True

    def sniff(self, path: Path) -> bool:
        if path.is_dir():
            return self._scan_folder(path)[0]
        if safety.is_zip(path):
            return any(looks_like_dce(text_of(h)) for _, h in zip_heads(path, ".json"))
        return looks_like_dce(safety.head_text(path))

    def attachments(self, path: Path) -> list[Path]:
        if path.is_file():
            return [] if safety.is_zip(path) else media_folders(path)
        return self._scan_folder(path, limit=None)[1]

    @staticmethod
    def _scan_folder(path: Path, limit: int | None = 500) -> tuple[bool, list[Path]]:
        """Whether a folder is DCE JSON files (and their media), and their media folders: every
        data file in it is DCE JSON, the files sent in the channels (in their media folders, beside
        their files, not looked in) aside. A channel exported as HTML or plain text beside them
        makes it a folder of several exports, walked file by file, so that the page is said left
        alone rather than passed over with the media."""
        found, media, n = False, set(), 0
        for root, dirs, files in os.walk(path):
            for f in (Path(root, name) for name in sorted(files) if not name.startswith(".")):
                n += 1
                if limit is not None and n > limit:
                    return found, sorted(media)
                if what_it_is(f):
                    return False, []
                if f.suffix.lower() in DATA_EXTS:
                    head = safety.head_text(f) if f.suffix.lower() == ".json" else ""
                    if not looks_like_dce(head):
                        return False, []
                    found = True
                    media.update(media_folders(f, head))
            dirs[:] = sorted(d for d in dirs if not d.startswith(".") and Path(root, d) not in media)
        return found, sorted(media)

    def prepare(self, path: Path, conn, options: dict) -> dict:  # noqa: ANN001
        from .discord_csv import rows_from_csv

        options = known_flags(conn, options)
        options["from_csv"] = rows_from_csv(conn)
        if not options.get("reread"):
            if path.is_dir():
                options["identical"] = identical_members(conn, path, self.name, self.version, ".json")
            elif path.suffix.lower() == ".json" and (run := identical_import(conn, path, self.name, self.version)):
                # One channel's file, named by itself or found in a folder of several exports.
                options["identical"] = {path.name: run}
        return options

    def left_alone(self, path: Path, options: dict) -> list[Path]:
        identical = options.get("identical") or {}
        if not path.is_dir():
            return [path] if path.name in identical else []
        files = walk_folder(path, frozenset(self.attachments(path)))
        channels = [f for f in files if f.suffix.lower() == ".json"]
        alone = [f for f in channels if str(f.relative_to(path.parent)) in identical]
        # A folder read for nothing (every channel's file read before) leaves its attachments alone too.
        return files if alone and len(alone) == len(channels) else alone

    def read(self, path: Path, ctx: ReadContext) -> Iterator[Record]:
        state = _State(staff=set(ctx.options.get("staff", ())), bots=set(ctx.options.get("bots", ())))
        identical: dict[str, int] = ctx.options.get("identical") or {}
        skipped = []
        passed: list[str] = []
        media = frozenset(self.attachments(path)) if path.is_dir() else frozenset()
        zipped, media_in_zip = safety.is_zip(path), set()  # (the --media-dir folders of a zipped export)
        channels: set[PurePosixPath] = set()  # the channels' files, without their extension
        for m in members(path, lambda name, head: name.lower().endswith(".json") and looks_like_dce(text_of(head)),
                         passed, skip=media):
            if _sent_in_chat(m.name):  # a DiscordChatExporter file someone sent in a channel, zipped
                continue
            if zipped:
                with m.open() as f:
                    top = _media_dir(text_of(f.read(4096)))
                if top:
                    media_in_zip.add(PurePosixPath(m.name).parent.relative_to(path.name) / top)
            channels.add(PurePosixPath(m.name).with_suffix(""))
            if m.name in identical:  # read byte for byte before, and all it brought is still here
                skipped.append(identical[m.name])
                continue
            yield from self._read_member(m, ctx, state)
        if zipped:  # channels zipped as the exporter's pages, not read with the JSON (their own zip or folder is)
            passed += [name for name in _pages(path) if PurePosixPath(path.name, name).with_suffix("") not in channels]
        note_passed_over(ctx, [n for n in passed if not _sent_in_chat(n) and not any(
            PurePosixPath(n).is_relative_to(d) for d in media_in_zip)], "DiscordChatExporter export")
        if skipped and not path.is_dir():
            ctx.note("whole file", f"identical to the file imported in run {skipped[0]}; nothing new to read.")
        elif skipped:
            n = len(skipped)
            ctx.note("whole folder", f"{n:,} file{'s' if n != 1 else ''} identical to what run {max(skipped)} "
                     "imported; nothing new to read in them.")

    def _read_member(self, m: Member, ctx: ReadContext, state: _State) -> Iterator[Record]:
        with JsonGuard(m.open()) as stream:
            head = read_head(stream, ctx, "messages", file=m.name)
        if head.get("messages") is not True:
            raise ctx.fail("whole file", "this is not a DiscordChatExporter export (no “messages” list).", file=m.name)
        guild = head.get("guild") if isinstance(head.get("guild"), dict) else {}
        channel = head.get("channel") if isinstance(head.get("channel"), dict) else {}
        state.guild = ident(guild.get("id")) or "0"
        state.channel = ident(channel.get("id")) or ""
        if not state.channel:
            raise ctx.fail("channel", "the export names no channel id.", file=m.name)
        yield SourceRec(PLATFORM, state.guild, clean(guild.get("name")) or ("Direct Messages" if state.guild == "0" else ""))
        kind = CHANNEL_KINDS.get(clean(channel.get("type")), "channel")
        state.thread = kind == "thread"
        state.from_csv = (ctx.options.get("from_csv") or {}).get(state.channel) or {}
        yield ChannelRec(PLATFORM, state.channel, clean(channel.get("name")), source_external_id=state.guild, kind=kind,
                         parent_external_id=ident(channel.get("categoryId")) if kind == "thread" else None)
        with ctx.track(m.open(), m.size, f"Reading {m.name}") as stream:
            for n, msg in stream_array(stream, "messages", ctx, file=m.name, label="message"):
                yield from self._message(msg, n, m.name, ctx, state)

    def _message(self, msg: Any, n: int, file: str, ctx: ReadContext, state: _State) -> list[Record]:
        """The records of one message (a list: this runs once per message of a multi-GB file)."""
        if not isinstance(msg, dict):
            ctx.problem(f"message {n}", "not a message object; skipped.", file=file)
            return []
        mid = ident(msg.get("id"))
        author = msg.get("author")
        author_id = ident(author.get("id")) if isinstance(author, dict) else None
        if mid is None or author_id is None:
            ctx.problem(_where(n, mid), "the message has no id or no author id; skipped.", file=file)
            return []
        if state.recent.seen(mid):
            return []  # the same message written twice: counted once
        at = parse_time(msg.get("timestamp")) or snowflake_time(mid)
        if at is None:
            ctx.problem(_where(n, mid), "the message has no readable time; skipped.", file=file)
            return []
        kind = clean(msg.get("type")) or "Default"
        joined = kind in JOIN_TYPES
        out: list[Record] = []
        acc = self._account(author, state, authoritative=True, joined_at=at if joined else None)
        if acc is not None:
            out.append(acc)
        if joined:
            out.append(MembershipRec(PLATFORM, author_id, at, "join", source_external_id=state.guild))
        elif kind in RECIPIENT_TYPES:
            self._recipients(msg, author_id, at, RECIPIENT_TYPES[kind], state, out)
        elif kind not in ACTIVITY_TYPES:
            skip_quietly(ctx)
        else:
            self._activity(msg, mid, author_id, at, state, out)
        return out

    def _recipients(self, msg: dict, author_id: str, at: dt.datetime, kind: str, state: _State,
                    out: list[Record]) -> None:
        users = [u for u in (msg.get("mentions") or []) if isinstance(u, dict) and ident(u.get("id"))] \
            if isinstance(msg.get("mentions"), list) else []
        for u in users:
            self._add_account(out, u, state)
        for uid in [ident(u.get("id")) for u in users] or [author_id]:
            out.append(MembershipRec(PLATFORM, uid, at, kind, channel_external_id=state.channel,
                                     source_external_id=state.guild))

    def _activity(self, msg: dict, mid: str, author_id: str, at: dt.datetime, state: _State,
                  out: list[Record]) -> None:
        ref = msg.get("reference")
        parent = ident(ref.get("messageId")) if isinstance(ref, dict) and clean(ref.get("type")) != "Forward" else None
        if parent is None and state.thread and mid != state.channel:
            # In a thread, a message is in the thread of the message that started it, which has the
            # thread's id (a forum post's first message, or the message a thread was started from).
            parent = state.channel
        reactions = msg.get("reactions")
        count, given = 0, []
        if reactions and isinstance(reactions, list):
            for r in reactions:
                if not isinstance(r, dict):
                    continue
                users = [u for u in r.get("users") or [] if isinstance(u, dict) and ident(u.get("id"))] \
                    if isinstance(r.get("users"), list) else []
                c = r.get("count")
                count += stated_count(c, len(users))
                emoji = r.get("emoji") if isinstance(r.get("emoji"), dict) else {}
                name = clean(emoji.get("name")) or clean(emoji.get("code")) or "?"
                given.extend((u, name) for u in users)
        mentions = msg.get("mentions")
        if mentions and isinstance(mentions, list):
            for u in mentions:
                if isinstance(u, dict) and ident(u.get("id")):
                    self._add_account(out, u, state, authoritative="roles" in u)
        # A row of the channel's CSV imported before is this message: it takes the message's id.
        csv_row = state.from_csv.pop((author_id, utc_naive(at)), None) \
            if state.from_csv else None
        out.append(ActivityRec(PLATFORM, mid, author_id, at, channel_external_id=state.channel,
                               source_external_id=state.guild, parent_external_id=parent if parent != mid else None,
                               kind="reply" if parent else "message", text=clean(msg.get("content")),
                               reaction_count=count, edited_at=parse_time(msg.get("timestampEdited")),
                               replaces=csv_row))
        for u, emoji in given:
            self._add_account(out, u, state)
            out.append(ReactionRec(PLATFORM, mid, ident(u.get("id")), emoji))

    def _add_account(self, out: list[Record], user: dict, state: _State, *, authoritative: bool = False) -> None:
        acc = self._account(user, state, authoritative=authoritative)
        if acc is not None:
            out.append(acc)

    def _account(self, user: dict, state: _State, *, authoritative: bool = False,
                 joined_at: dt.datetime | None = None) -> AccountRec | None:
        """The account of an author (authoritative: returned when it changes) or of a reaction user or
        mention (returned only when not seen before); None when there is nothing new. Without
        ``roles``/``isBot`` the flags the workspace has are kept."""
        uid = ident(user.get("id"))
        if state.raw.get(uid) == user:  # exactly as last seen: nothing can have changed
            return None
        name = clean(user.get("name"))
        nickname = clean(user.get("nickname"))
        roles = user.get("roles")
        staff = any(isinstance(r, dict) and STAFF_WORDS.search(clean(r.get("name"))) for r in roles) \
            if isinstance(roles, list) else uid in state.staff
        bot = user["isBot"] if isinstance(user.get("isBot"), bool) else uid in state.bots
        deleted = name == "Deleted User" or name.startswith("deleted_user_")
        sig = (name, nickname, bot, staff, deleted)
        prev = state.accounts.get(uid)
        if prev == sig or (prev is not None and not authoritative):
            if prev == sig:
                state.raw[uid] = user
            return None
        state.accounts[uid] = sig
        state.raw[uid] = user
        discriminator = clean(user.get("discriminator"))
        handle = f"{name}#{discriminator}" if discriminator and discriminator not in ("0", "0000") else name
        return AccountRec(PLATFORM, uid, handle=handle, display_name=nickname or name, is_bot=sig[2],
                          is_staff=staff, is_deleted=deleted, source_external_id=state.guild, joined_at=joined_at)


def _pages(path: Path) -> list[str]:
    """The DiscordChatExporter HTML pages in a zip (``discord_html`` reads them, in a zip of their own)."""
    from .discord_html import SUFFIXES, looks_like_dce_html
    from .unread import HEAD_BYTES

    return [name for suffix in SUFFIXES for name, head in zip_heads(path, suffix, size=HEAD_BYTES)
            if looks_like_dce_html(name, head)]


def _where(n: int, mid: str | None) -> str:
    return f"message {n}" + (f" (id {mid})" if mid else "")


IMPORTERS: list[Importer] = [DiscordJsonImporter()]
