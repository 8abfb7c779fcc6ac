"""Telegram Desktop exports (``result.json``): one chat, or a whole account's chats.

The file may be gigabytes, so it is streamed: the chat's ``name``/``type``/``id`` come from a
short first pass over the head of the file, the messages a block at a time with orjson
(``jsonstream.stream_array``), and with ``ijson`` behind ``LenientJson`` from the first block that
does not parse so (an invalid escape below). A full-account export (``chats.list[]``) is streamed
event by event.

Quirks handled: ``text`` as a string or a list of strings and entities; ``from: null`` (a deleted
account, kept as one); ``date`` is local wall time without a zone, so ``date_unixtime`` is used
whenever it is there; service messages are joins (``MembershipRec``) or nothing, but for a forum
topic's creation; control characters written as ``\\xNN`` (invalid JSON) are read as ``\\u00NN``.

Forum groups: the export writes every message of a topic as a reply to the topic's
``topic_created`` service message (an explicit reply within it, to the message replied to). The
topic's creation is therefore its opening activity (``kind="topic"``, its title as its text, by
whoever created it), so a topic is a thread: a topic asked as a question gets its answers, and
the people who answer in it are seen helping its author.
"""
from __future__ import annotations

import datetime as dt
import io
import math
import re
from collections.abc import Iterator
from pathlib import Path, PurePosixPath
from typing import Any, BinaryIO

import ijson

from ..errors import ImportFailed
from ..records import AccountRec, ActivityRec, ChannelRec, MembershipRec, ReactionRec, Record, SourceRec
from . import safety
from .base import DATA_EXTS, Importer, ReadContext, stated_count
from .jsonstream import Member, build_value, members, note_passed_over, stream_array, zip_heads, text_of as decoded
from .textio import zone
from .unchanged import SkipIdentical, already_imported
from .telegram_bot import PLATFORM, chat_kind, epoch


class NeedsTelegramZone(ImportFailed):
    """An export whose times are only the exporting computer's clock, read where no zone was given
    and the reader asked to be told (``ask_zone``): the Imports page asks for the zone, then
    imports again. ``file`` is the export as the run names it, ``first`` the first of its times."""

    def __init__(self, message: str, file: str = "", first: dt.datetime | None = None) -> None:
        super().__init__(message)
        self.file = file
        self.first = first  # the first such time, as the clock showed it (naive)


BAD_ESCAPE = re.compile(rb"(\\\\)|\\x([0-9A-Fa-f]{2})")
CHUNK = 1 << 16
MAX_DEPTH = 256
ESCAPED = re.compile(rb"\\.", re.S)
BRACKETS = bytes.maketrans(b"{}", b"[]")
NOT_BRACKETS = bytes(set(range(256)) - set(b"[]{}"))
JOIN_ACTIONS = {"join_group_by_link", "join_group_by_request"}
TOPIC_CREATED = "topic_created"  # a forum topic: its messages reply to this service message
CHAT_PREFIXES = ("chats.list.item", "left_chats.list.item")
HEAD = 16384  # bytes read to know the export: a whole account's starts with its owner's details
# The folders of an export's attachments, which may be of any kind (a JSON file sent in the chat).
MEDIA_FOLDERS = {"files", "photos", "video_files", "voice_messages", "round_video_messages", "stickers",
                 "contacts", "animations"}
ACCOUNT_FOLDERS = {"chats", "profile_pictures", "stories"}  # beside a whole account's result.json
ACCOUNT_RE = re.compile(r'"(?:personal_information|chats)"\s*:\s*\{')
SNIFF_RE = re.compile(r'"(?:messages|chats)"\s*:')
DESKTOP_HINT_RE = re.compile(r'"(?:date_unixtime|from_id|personal_information|text_entities)"|'
                             r'"type"\s*:\s*"(?:personal_chat|bot_chat|private_group|private_supergroup|'
                             r'public_supergroup|private_channel|public_channel|saved_messages)"')


class LenientJson(io.RawIOBase):
    """A binary JSON stream made safe for ijson.

    It rewrites tdesktop's invalid ``\\xNN`` escapes as ``\\u00NN``, and refuses nesting deeper
    than ``MAX_DEPTH`` before the parser sees it (a parser's cost grows with the square of the
    depth). The depth is tracked chunk by chunk at C speed: escapes removed, strings cut out, the
    brackets left are paired off.
    """

    def __init__(self, raw: BinaryIO, *, display: str = "the file") -> None:
        self._raw = raw
        self._held = b""
        self._out = b""
        self._display = display
        self._in_string = False
        self._depth = 0

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        while not self._out:
            chunk = self._raw.read(CHUNK)
            data, self._held = self._held + chunk, b""
            if chunk:
                cut = _safe_cut(data)
                data, self._held = data[:cut], data[cut:]
            self._out = _fix(data)
            self._check_depth(self._out)
            if not chunk:
                break
        if size is None or size < 0:
            size = len(self._out)
        out, self._out = self._out[:size], self._out[size:]
        return out

    def _check_depth(self, data: bytes) -> None:
        parts = ESCAPED.sub(b"", data).split(b'"')
        outside = b"".join(parts[1 if self._in_string else 0::2])
        if (len(parts) - 1) % 2:
            self._in_string = not self._in_string
        brackets = outside.translate(BRACKETS, NOT_BRACKETS)
        passes = 0
        while b"[]" in brackets:
            brackets = brackets.replace(b"[]", b"")
            passes += 1
            if passes > MAX_DEPTH:
                break
        closers = len(brackets) - len(brackets.lstrip(b"]"))
        openers = len(brackets) - closers
        if self._depth + passes + openers > MAX_DEPTH:
            raise ImportFailed(f"{self._display}: the JSON is nested more than {MAX_DEPTH} levels deep, "
                               "which no export is; it was refused.")
        self._depth = max(self._depth - closers, 0) + openers

    def readinto(self, b) -> int:  # noqa: ANN001
        data = self.read(len(b))
        b[:len(data)] = data
        return len(data)

    def close(self) -> None:
        try:
            self._raw.close()
        finally:
            super().close()


def _safe_cut(data: bytes) -> int:
    """Where to end a chunk so that no escape is split (a trailing escape waits for the next one)."""
    tail = data.rfind(b"\\", max(len(data) - 4, 0))
    if tail < 0:
        return len(data)
    start = tail
    while start > 0 and data[start - 1] == 0x5C:
        start -= 1
    return tail if (tail - start) % 2 == 0 else len(data)


def _fix(data: bytes) -> bytes:
    return BAD_ESCAPE.sub(_fix_escape, data) if b"\\x" in data else data


def _fix_escape(found: re.Match) -> bytes:
    return found.group(1) or b"\\u00" + found.group(2)


def looks_like_desktop(head: str) -> bool:
    """The start of a Telegram Desktop export: one chat or a whole account's."""
    text = head.lstrip()
    if not text.startswith("{") or '"update_id"' in text or '"ok"' in text:
        return False
    return SNIFF_RE.search(text) is not None and (
        DESKTOP_HINT_RE.search(text) is not None or ACCOUNT_RE.search(text) is not None)


def _is_export(name: str, head: bytes) -> bool:
    return name.lower().endswith(".json") and looks_like_desktop(decoded(head))


def _attachment(name: str) -> bool:
    return bool(MEDIA_FOLDERS & set(PurePosixPath(name).parts[:-1]))


def _zip_of_exports(path: Path) -> bool:
    """A zip of Telegram Desktop exports and their attachments, and nothing else: a zip that holds
    another export too is that export's importer's, or refused with what to do (unzip it)."""
    data = [n for n in safety.zip_names(path) if PurePosixPath(n).suffix.lower() in DATA_EXTS and not _attachment(n)]
    if not data or any(not n.lower().endswith(".json") for n in data):
        return False
    heads = dict(zip_heads(path, ".json", size=HEAD))
    return all(_is_export(n, heads[n]) for n in data if n in heads) and any(n in heads for n in data)


class TelegramDesktop(SkipIdentical, Importer):
    """``result.json``, or a zip of the export's folder (``ChatExport_2024-05-01.zip``) as people send it."""
    name = "telegram"
    label = "Telegram Desktop export (result.json)"
    platform = PLATFORM
    patterns = ("result.json", "*.json", "*.zip")

    def sniff(self, path: Path) -> bool:
        if not path.is_file():
            return False
        if safety.is_zip(path):
            return _zip_of_exports(path)
        return looks_like_desktop(safety.head_text(path, HEAD))

    def attachments(self, path: Path) -> list[Path]:
        """The folders Telegram Desktop writes beside ``result.json``; a whole account's export
        keeps each chat's in ``chats/chat_001/...``, and its own pictures beside them."""
        if not path.is_file() or safety.is_zip(path):
            return []
        names = MEDIA_FOLDERS | (ACCOUNT_FOLDERS if ACCOUNT_RE.search(safety.head_text(path, HEAD)) else set())
        return [path.parent / n for n in sorted(names)
                if (path.parent / n).is_dir() and not (path.parent / n).is_symlink()]

    def ask_before_reading(self, path: Path, name: str, conn, options: dict) -> None:  # noqa: ANN001
        """An older export's clock times, when the reader asked to be told (``ask_zone``) and no zone
        was given: said from its first message, unless the same file was imported before."""
        if not options.get("ask_zone") or options.get("timezone"):
            return
        ctx = ReadContext(name)
        for m in members(path, _is_export, head=HEAD):
            first = _first_message(m, _head_fields(m, ctx), ctx)
            if first is None or first.get("date_unixtime") is not None or not isinstance(first.get("date"), str):
                continue
            try:
                clock = dt.datetime.fromisoformat(first["date"].strip())
            except ValueError:
                continue
            # (a file imported before is hashed here once: the run's prepare reuses the digest)
            if clock.tzinfo is None and not self.prepare(path, conn, options).get("identical_to_run"):
                raise _needs_zone(name, clock)

    def read(self, path: Path, ctx: ReadContext) -> Iterator[Record]:
        if already_imported(ctx):
            return
        passed: list[str] = []
        for m in members(path, _is_export, passed, head=HEAD):
            head = _head_fields(m, ctx)
            reader = _Reader(ctx, m)
            try:
                if "messages" in head:
                    yield from reader.single(head)
                else:
                    yield from reader.account()
            except (ijson.JSONError, UnicodeDecodeError) as exc:
                raise _json_failure(ctx, exc) from exc
            reader.finish()
        # The chat's attachments (files/, photos/...) are part of it, whatever their kind.
        note_passed_over(ctx, [n for n in passed if not _attachment(n)], "Telegram export")


def _json_failure(ctx: ReadContext, exc: Exception) -> ImportFailed:
    if isinstance(exc, UnicodeDecodeError):
        return ctx.fail("", f"the file is not UTF-8 text ({exc.reason} at byte {exc.start} of a block).")
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    if "incomplete" in text.lower() or "premature" in text.lower():
        return ctx.fail("", f"the JSON ends early ({text[:120]}); the file looks truncated.")
    return ctx.fail("", f"not valid JSON ({text[:160]}).")


def _first_message(m: Member, head: dict[str, Any], ctx: ReadContext) -> dict[str, Any] | None:
    """The first message of a chat's export, or of a whole account's first chat that has one."""
    prefix = "messages.item" if "messages" in head else "chats.list.item.messages.item"
    with m.open() as raw:
        try:
            return next(ijson.items(LenientJson(raw, display=ctx.file), prefix, use_float=True), None)
        except (ijson.JSONError, UnicodeDecodeError) as exc:
            raise _json_failure(ctx, exc) from exc


def _needs_zone(file: str, first: dt.datetime) -> NeedsTelegramZone:
    return NeedsTelegramZone(
        f"{file}: this Telegram export holds only the exporting computer's clock times (no date_unixtime); it "
        "cannot be read without that computer's time zone, so nothing was imported.", file, first)


def _head_fields(m: Member, ctx: ReadContext) -> dict[str, Any]:
    """The top-level scalars before ``messages`` (name, type, id), and which shape the file has."""
    found: dict[str, Any] = {}
    with m.open() as raw:
        try:
            for prefix, event, value in ijson.parse(LenientJson(raw, display=ctx.file), use_float=True):
                if prefix in ("name", "type", "id") and event in ("string", "number"):
                    found[prefix] = value
                elif event == "map_key" and prefix == "" and value in ("messages", "chats", "left_chats"):
                    found[value] = True
                    break
        except (ijson.JSONError, UnicodeDecodeError) as exc:
            raise _json_failure(ctx, exc) from exc
    return found


class _Reader:
    def __init__(self, ctx: ReadContext, m: Member) -> None:
        self.ctx = ctx
        self.member = m
        self.stem = PurePosixPath(m.name).stem
        self.accounts: set[str] = set()
        self.local_times = 0
        self.tz = zone(ctx.options.get("timezone"))  # the exporting computer's, for times without an instant
        self.ask_zone = bool(ctx.options.get("ask_zone")) and not ctx.options.get("timezone")

    def _tracked(self) -> BinaryIO:
        m = self.member
        return self.ctx.track(m.open(), m.size, f"Reading {m.name}")

    def _open(self) -> LenientJson:
        return LenientJson(self._tracked(), display=self.ctx.file)

    def single(self, head: dict[str, Any]) -> Iterator[Record]:
        chat = Chat.of(head, self.stem)
        yield from chat.records()
        def slow(stream: BinaryIO, n: int) -> Iterator[tuple[int, Any]]:  # tdesktop's \xNN escapes mended
            items = ijson.items(LenientJson(stream, display=self.ctx.file), "messages.item", use_float=True)
            return enumerate(items, start=n + 1)

        with self._tracked() as f:
            for n, msg in stream_array(f, "messages", self.ctx, file=self.member.name, label="message", slow=slow):
                yield from self.message(msg, chat, n - 1)

    def account(self) -> Iterator[Record]:
        """A full-account export: every chat under chats.list and left_chats.list."""
        with self._open() as f:
            events = ijson.parse(f, use_float=True)
            chat_fields: dict[str, Any] = {}
            chat: Chat | None = None
            n = 0
            for prefix, event, value in events:
                base, _, key = prefix.rpartition(".")
                if base in CHAT_PREFIXES and key in ("name", "type", "id") and event in ("string", "number"):
                    chat_fields[key] = value
                elif prefix in CHAT_PREFIXES and event == "start_map":
                    chat_fields, chat = {}, None
                elif event == "start_map" and base.endswith(".messages") and base[:-9] in CHAT_PREFIXES \
                        and key == "item":
                    if chat is None:
                        chat = Chat.of(chat_fields, f"{self.stem}-chat")
                        yield from chat.records()
                    yield from self.message(build_value(event, value, events), chat, n)
                    n += 1

    def message(self, m: Any, chat: Chat, i: int) -> Iterator[Record]:
        where = f"{chat.label}, message {i + 1}"
        if not isinstance(m, dict):
            self.ctx.problem(where, "not a message object; skipped")
            return
        mid = m.get("id")
        if isinstance(mid, (int, str)) and not isinstance(mid, bool) and str(mid).strip():
            where = f"{chat.label}, message id {mid}"
        kind = m.get("type")
        if kind == "service":
            yield from self._service(m, chat, where)
            return
        if kind not in ("message", None):
            return  # "unsupported" and future kinds carry nothing a member wrote
        if not _message_id(mid):
            self.ctx.problem(where, "a message without an id; skipped")
            return
        author = _peer(m.get("from_id"))
        when = self._time(m.get("date_unixtime"), m.get("date"))
        if author is None or when is None:
            what = "no sender id (from_id)" if author is None else "no readable date"
            self.ctx.problem(where, f"a message with {what}; skipped")
            return
        yield from self._account(author, m, chat)
        ext = f"{chat.id}:{mid}"
        count, reactions = _reactions(m.get("reactions"), ext)
        yield ActivityRec(PLATFORM, ext, author, when, channel_external_id=chat.id, source_external_id=chat.id,
                          parent_external_id=_parent(m, chat.id), kind="reply" if _parent(m, chat.id) else "message",
                          text=text_of(m.get("text")), reaction_count=count,
                          edited_at=self._time(m.get("edited_unixtime"), m.get("edited")))
        yield from reactions

    def _topic(self, m: dict, chat: Chat, where: str) -> Iterator[Record]:
        """A forum topic's creation: the topic's opening activity, which its messages reply to."""
        mid, actor = m.get("id"), _peer(m.get("actor_id"))
        when = self._time(m.get("date_unixtime"), m.get("date"))
        if not _message_id(mid):
            self.ctx.problem(where, "a topic without an id; skipped")
            return
        if actor is None or when is None:
            self.ctx.problem(where, f"a topic with {'no creator (actor_id)' if actor is None else 'no readable date'}; "
                             "skipped")
            return
        yield from self._actor(actor, m, chat)
        title = m.get("title") if isinstance(m.get("title"), str) else ""
        yield ActivityRec(PLATFORM, f"{chat.id}:{mid}", actor, when, channel_external_id=chat.id,
                          source_external_id=chat.id, kind="topic", text=title)

    def _account(self, author: str, m: dict, chat: Chat) -> Iterator[AccountRec]:
        if author in self.accounts:
            return
        self.accounts.add(author)
        name = m.get("from")
        deleted = "from" in m and name is None
        yield AccountRec(PLATFORM, author, display_name=name if isinstance(name, str) else "",
                         is_deleted=deleted, is_bot=chat.kind_raw == "bot_chat" and author == f"user{chat.id}",
                         source_external_id=chat.id)

    def _actor(self, actor: str, m: dict, chat: Chat) -> Iterator[AccountRec]:
        """The account of who did what a service message says (``actor``, ``actor_id``)."""
        if actor in self.accounts:
            return
        self.accounts.add(actor)
        name = m.get("actor")
        yield AccountRec(PLATFORM, actor, display_name=name if isinstance(name, str) else "",
                         is_deleted="actor" in m and name is None, source_external_id=chat.id)

    def _service(self, m: dict, chat: Chat, where: str) -> Iterator[Record]:
        action = m.get("action")
        if action == TOPIC_CREATED:
            yield from self._topic(m, chat, where)
            return
        if not isinstance(action, str) or action not in JOIN_ACTIONS:
            return
        actor = _peer(m.get("actor_id"))
        when = self._time(m.get("date_unixtime"), m.get("date"))
        if actor is None or when is None:
            self.ctx.problem(where, "a join without an actor or a date; skipped")
            return
        yield from self._actor(actor, m, chat)
        yield MembershipRec(PLATFORM, actor, when, "join", chat.id, chat.id)

    def _time(self, unix: Any, local: Any) -> dt.datetime | None:
        when = epoch(unix)
        if when is not None or not isinstance(local, str):
            return when
        try:
            naive = dt.datetime.fromisoformat(local.strip())
        except ValueError:
            return None
        if naive.tzinfo is not None:
            return naive.astimezone(dt.timezone.utc)
        if self.ask_zone:  # one ask_before_reading did not see (a later chat of a whole account's export)
            raise _needs_zone(self.ctx.file, naive)
        self.local_times += 1
        return naive.replace(tzinfo=self.tz).astimezone(dt.timezone.utc)

    def finish(self) -> None:
        if self.local_times:
            named = getattr(self.tz, "key", None) or str(self.tz)
            how = (" (`workbench import --timezone ZONE` reads them in the exporting computer's zone; an "
                   "import read in the wrong zone is taken out first with `workbench runs RUN --remove`)"
                   ) if not self.ctx.options.get("timezone") else ""
            times = f"{self.local_times:,} time{'s' if self.local_times != 1 else ''}"
            self.ctx.problem("dates", f"{times} had only the exporter's local wall-clock time (no date_unixtime); "
                             f"they were read as {named}{how}", skipped=False)


class Chat:
    def __init__(self, chat_id: str, name: str, kind_raw: str) -> None:
        self.id = chat_id
        self.name = name
        self.kind_raw = kind_raw
        self.label = f"chat {name or chat_id}"

    @classmethod
    def of(cls, fields: dict[str, Any], fallback: str) -> Chat:
        raw = fields.get("id")
        if isinstance(raw, (int, float)) and not isinstance(raw, bool) and math.isfinite(raw):
            chat_id = str(int(raw))
        else:
            chat_id = raw if isinstance(raw, str) and raw.strip() else fallback
        name = fields.get("name") if isinstance(fields.get("name"), str) else ""
        kind = fields.get("type") if isinstance(fields.get("type"), str) else ""
        return cls(chat_id, name, kind)

    def records(self) -> list[Record]:
        return [SourceRec(PLATFORM, self.id, self.name),
                ChannelRec(PLATFORM, self.id, name=self.name or self.id, source_external_id=self.id,
                           kind=chat_kind(self.kind_raw))]


def _peer(value: Any) -> str | None:
    """A Desktop export's from_id as written ("user123", "channel456"); a bare number is a user."""
    if isinstance(value, str) and value.strip():
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return f"user{value}"
    return None


def _message_id(value: Any) -> bool:
    """Whether a value is a message id as the export writes them: a number, or digits."""
    return (isinstance(value, int) and not isinstance(value, bool)) or (isinstance(value, str) and value.isdigit())


def _parent(m: dict, chat_id: str) -> str | None:
    reply = m.get("reply_to_message_id")
    if not _message_id(reply):
        return None
    peer = m.get("reply_to_peer_id")
    if isinstance(peer, str) and peer:
        digits = re.sub(r"^\D+", "", peer)
        return f"{digits or peer}:{reply}"
    return f"{chat_id}:{reply}"


def text_of(text: Any) -> str:
    if isinstance(text, str):
        return text
    if not isinstance(text, list):
        return ""
    parts = []
    for piece in text:
        if isinstance(piece, str):
            parts.append(piece)
        elif isinstance(piece, dict) and isinstance(piece.get("text"), str):
            parts.append(piece["text"])
    return "".join(parts)


def _reactions(reactions: Any, activity: str) -> tuple[int, list[ReactionRec]]:
    total, out = 0, []
    for r in reactions if isinstance(reactions, list) else []:
        if not isinstance(r, dict):
            continue
        count = r.get("count")
        recent = r.get("recent") if isinstance(r.get("recent"), list) else []
        total += stated_count(count, len(recent))
        emoji = r.get("emoji") or r.get("document_id") or r.get("type")
        if not isinstance(emoji, str) or not emoji:
            continue
        for who in recent:
            peer = _peer(who.get("from_id")) if isinstance(who, dict) else None
            if peer:
                out.append(ReactionRec(PLATFORM, activity, peer, emoji, epoch(who.get("date_unixtime"))))
    return total, out


IMPORTERS = [TelegramDesktop()]
