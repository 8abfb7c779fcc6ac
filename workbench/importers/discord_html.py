"""DiscordChatExporter HTML: the exporter's default format ("HTML (Dark)", "HTML (Light)"), a page
per channel (``[part 2]`` and on for a channel split into parts), a folder or zip of them.

People export as HTML because the exporter offers it first, and often cannot export again (the
server is gone, or the token was someone else's). The page names messages and people by their
Discord ids, so what it gives is the JSON's, a subset: a message is the element with
``data-message-id``; its author is the ``data-user-id`` of the group's first message (the page
writes the author once for a run of messages); its time is its id's (a Discord id holds the
instant it was made, to the millisecond, in UTC), so the locale and zone in which the page writes
its dates do not matter; a reply names the message it replies to (``scrollToMessage``); a
reaction gives its count, not who gave it; "BOT" after a name flags a bot; "joined the server."
is a join, and the other notices (a pin, a call, a thread started) are no one's message.
The page has no channel or server ids: the channel's is in the file name the exporter gives it
(``Guild - Category - channel [id].html``, as its CSV), the server's in its icon's address when
the icon was not downloaded, else the workspace's server of that name, else none (as a CSV's).
The page is read as it streams (the standard library's ``HTMLParser``: nothing in it is fetched,
run or expanded), so a large one takes bounded memory; a page cut short (no ``</html>``) is one
error. Its text is the text a reader sees (a mention as "@name", an emoji as itself).
A page whose JSON is beside it is that JSON's copy for reading: the JSON is read, the page left
alone (``unread``).
"""
from __future__ import annotations

import codecs
import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path, PurePosixPath

from ..records import AccountRec, ActivityRec, ChannelRec, MembershipRec, Record, SourceRec
from . import safety
from .base import Importer, ReadContext
from .discord import PLATFORM, known_flags, snowflake_time
from .discord_csv import JOIN_NOTICE, NOTICE, channel_of, rows_from_csv
from .jsonstream import RecentIds, clean, members, note_passed_over, skip_quietly, utc_naive, zip_heads
from .unchanged import SkipIdentical, already_imported
from .unread import HEAD_BYTES

SUFFIXES = (".html", ".htm")
CHUNK = 1 << 16
MAX_DEPTH = 512  # elements open at once; the exporter's pages nest about 20 deep
MAX_PIECES = 20_000  # pieces of text kept of one element (a message of 4,000 characters has a few hundred)
VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"})
MESSAGE_ID = re.compile(r"(?:chatlog__message-container-|message-)(\d{1,20})")  # without data-message-id
REPLY_TO = re.compile(r"scrollToMessage\(\s*event\s*,\s*'(\d{1,20})'")
GUILD_ICON = re.compile(r"cdn\.discordapp\.com/icons/(\d{1,20})/")
DM_ICON = re.compile(r"cdn\.discordapp\.com/embed/avatars/")
THREAD_KINDS = {"thread"}


def looks_like_dce_html(name: str, head: bytes) -> bool:
    """A page DiscordChatExporter wrote: its style sheet, first in the page, names its classes."""
    return name.lower().endswith(SUFFIXES) and b"chatlog__" in head and b"<html" in head[:4096].lower()


def json_beside(path: Path) -> Path | None:
    """The channel's JSON export beside its page (the exporter writes both when asked), if there is one."""
    twin = path.with_suffix(".json")
    try:
        return twin if twin.is_file() and b'"messages"' in safety.head(twin, 8192) else None
    except OSError:
        return None


@dataclass
class _Message:
    id: str
    n: int
    author: dict = field(default_factory=dict)  # what the page says of the author here (id, title, nick, bot)
    parent: str | None = None
    text: list[str] = field(default_factory=list)
    reactions: int = 0
    system: bool = False


class _Page(HTMLParser):
    """The messages of one page, as the parser meets their ends: ``done`` collects them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, str | None]] = []  # (tag, its role here, if any)
        self.roles: dict[str, int] = {}  # role -> how many elements of it are open
        self.buffers: dict[str, list[str]] = {}
        self.preamble: list[str] = []
        self.icon = ""
        self.group_author: dict = {}
        self.group_parent: str | None = None  # a reply written before the group's first message (older pages)
        self.message: _Message | None = None
        self.done: list[_Message] = []
        self.count = 0
        self.unnamed = 0  # messages without an id
        self.ended = False
        self.too_deep = False

    # -- the elements ----------------------------------------------------------------------
    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        classes = a.get("class", "").split()
        role = self._role(tag, a, classes)
        if tag in VOID:
            if tag == "img":
                self._image(a, classes)
            return
        if len(self.stack) >= MAX_DEPTH:
            self.too_deep = True
            return
        self.stack.append((tag, role))
        if role is not None:
            self.roles[role] = self.roles.get(role, 0) + 1
            if role in _CAPTURED and self.roles[role] == 1:  # one inside another (a damaged page) adds to it
                self.buffers[role] = []

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "img":
            a = {k: v or "" for k, v in attrs}
            self._image(a, a.get("class", "").split())

    def handle_endtag(self, tag: str) -> None:
        if tag == "html":
            self.ended = True
        stack = self.stack
        if not stack or (stack[-1][0] != tag and (tag in VOID or not any(t == tag for t, _ in stack))):
            return  # a stray end tag: the browser ignores it, and so does this
        while self.stack:
            t, role = self.stack.pop()
            if role is not None:
                self.roles[role] -= 1
                if not self.roles[role]:
                    self._close(role)
            if t == tag:
                break

    def handle_data(self, data: str) -> None:
        if not self.buffers or self.roles.get("edited"):
            return  # most text is the page's layout (white space, dates): nothing is being read
        for role, buffer in self.buffers.items():
            if self.roles.get(role) and len(buffer) < MAX_PIECES:
                buffer.append(data)

    # -- what they mean ---------------------------------------------------------------------
    def _role(self, tag: str, a: dict[str, str], classes: list[str]) -> str | None:
        mid = a.get("data-message-id", "").strip()
        if mid and (self.message is None or mid != self.message.id):  # (a transcript tool names it twice over)
            self._start_message(mid)
            return "message"
        if "chatlog__message" in classes or "chatlog__message-container" in classes:
            if (named := MESSAGE_ID.fullmatch(a.get("id", ""))) is None:  # a transcript another tool wrote
                self.unnamed += self.message is None and "chatlog__message" in classes
                return None
            self._start_message(named[1])
            return "message"
        if (reply := REPLY_TO.search(a.get("onclick", ""))) is not None:
            self._reply(reply[1])
            return None
        if not classes:
            return None
        if "chatlog__message-group" in classes:
            self._flush()
            self.group_author, self.group_parent = {}, None
            return "group"
        if "chatlog__author" in classes or "chatlog__author-name" in classes:
            self.group_author = {"id": a.get("data-user-id", "").strip(), "title": a.get("title", ""), "bot": False}
            if self.message is not None:
                self.message.author = self.group_author
            return "author"
        if "chatlog__system-notification-author" in classes and self.message is not None:
            self.message.author = {"id": a.get("data-user-id", "").strip(), "title": a.get("title", ""), "bot": None}
            self.message.system = True
            return "author"
        if "chatlog__author-tag" in classes or "chatlog__bot-label" in classes or "chatlog__bot-tag" in classes:
            return "tag"
        if "chatlog__content" in classes and self.message is not None and not self.roles.get("content"):
            return "content"
        if "chatlog__system-notification-content" in classes and self.message is not None:
            return "content"
        if "chatlog__edited-timestamp" in classes:
            return "edited"
        if "chatlog__reaction-count" in classes and self.message is not None:
            return "reaction-count"
        if "preamble__entry" in classes:
            return "preamble"
        return None

    def _reply(self, parent: str) -> None:
        """The message replied to: in the message (current pages) or before the group's first (older ones)."""
        if self.message is None:
            self.group_parent = parent
        elif self.message.parent is None:
            self.message.parent = parent

    def _image(self, a: dict[str, str], classes: list[str]) -> None:
        if "preamble__guild-icon" in classes:
            self.icon = a.get("src", "")
        elif self.roles.get("content") and not self.roles.get("edited"):  # an emoji in the text: itself
            self.handle_data(a.get("alt", ""))

    def _start_message(self, mid: str) -> None:
        self._flush()
        self.count += 1
        self.message = _Message(mid, self.count, author=self.group_author, parent=self.group_parent)
        self.group_parent = None

    def _close(self, role: str) -> None:
        text = "".join(self.buffers.pop(role, ()))  # what was read inside it (nothing is kept past its end)
        if role == "message":
            self._flush()
        elif role == "author":  # the message's, or (older pages) the group's, written before its messages
            (self.group_author if self.message is None else self.message.author)["nick"] = text.strip()
        elif role == "tag":
            if text.strip().upper() in ("BOT", "SERVER", "APP") and self.group_author:
                self.group_author["bot"] = True
        elif role == "content" and self.message is not None:
            self.message.text.append(text)
        elif role == "reaction-count" and self.message is not None:
            digits = re.sub(r"\D", "", text)
            self.message.reactions += int(digits[:9]) if digits else 0
        elif role == "preamble" and len(self.preamble) < 8:
            self.preamble.append(" ".join(text.split()))

    def finish(self) -> None:
        """Hand over the last message, which the page may end without closing."""
        self._flush()

    def _flush(self) -> None:
        if self.message is not None:
            self.done.append(self.message)
            self.message = None


@dataclass
class _Channel:
    """What a page's messages share: their channel, its server (once the preamble is read), and
    the file's name for its problems (a zip's page, named with the zip)."""
    id: str
    name: str
    kind: str
    from_csv: dict  # the channel's rows a CSV brought without ids: (author id, instant) -> their id
    file: str | None
    guild: str | None = None
    given: bool = False  # its server's and channel's records were given


_CAPTURED = ("author", "tag", "content", "reaction-count", "preamble")


class DiscordHtmlImporter(SkipIdentical, Importer):
    name = "discord-html"
    label = "DiscordChatExporter HTML"
    platform = PLATFORM
    version = "1"
    patterns = ("*.html", "*.htm", "*.zip")

    def sniff(self, path: Path) -> bool:
        if safety.is_zip(path):
            return any(looks_like_dce_html(name, head) for suffix in SUFFIXES
                       for name, head in zip_heads(path, suffix, size=HEAD_BYTES))
        if not path.is_file() or not looks_like_dce_html(path.name, safety.head(path, HEAD_BYTES)):
            return False
        return json_beside(path) is None  # its JSON beside it is read instead

    def attachments(self, path: Path) -> list[Path]:
        media = path.with_name(path.name + "_Files")
        return [media] if path.is_file() and media.is_dir() and not media.is_symlink() else []

    def prepare(self, path: Path, conn, options: dict) -> dict:  # noqa: ANN001
        from sqlalchemy import select

        from ..store.models import Channel, Source

        options = known_flags(conn, super().prepare(path, conn, options))  # a page imported before, byte for byte
        options["from_csv"] = rows_from_csv(conn)
        options["guilds"] = dict(conn.execute(select(Source.name, Source.external_id).where(
            Source.platform == PLATFORM).order_by(Source.id)).all())
        options["threads"] = set(conn.execute(select(Channel.external_id).where(
            Channel.platform == PLATFORM, Channel.kind.in_(THREAD_KINDS))).scalars())
        return options

    def read(self, path: Path, ctx: ReadContext) -> Iterator[Record]:
        if already_imported(ctx):
            return
        passed: list[str] = []
        seen: dict[str, tuple] = {}  # account id -> what was said of it, and its join
        recent = RecentIds()  # a message on two pages (parts of a channel exported twice over) is read once
        for m in members(path, looks_like_dce_html, passed, head=HEAD_BYTES):
            yield from self._read_page(m, ctx, seen, recent)
        note_passed_over(ctx, passed, "DiscordChatExporter HTML export")

    def _read_page(self, m, ctx: ReadContext, seen: dict[str, tuple],  # noqa: ANN001 - a Member
                   recent: RecentIds) -> Iterator[Record]:
        channel, name, kind = channel_of(PurePosixPath(m.name), prefix="html")
        here = _Channel(channel, name, "thread" if channel in ctx.options.get("threads", ()) else kind,
                        (ctx.options.get("from_csv") or {}).get(channel) or {}, m.name if "/" in m.name else None)
        page = _Page()
        decode = codecs.getincrementaldecoder("utf-8")(errors="replace")
        with ctx.track(m.open(), m.size, f"Reading {m.name}") as raw:
            while chunk := raw.read(CHUNK):
                page.feed(decode.decode(chunk))
                if page.too_deep:
                    raise ctx.fail("whole file", f"the page nests more than {MAX_DEPTH} elements deep; "
                                   "it is not a page the exporter wrote.", file=here.file)
                yield from self._drain(page, here, ctx, seen, recent)
            page.feed(decode.decode(b"", final=True))
            page.close()
        page.finish()
        if not page.ended:
            where = f"after message {page.count:,}" if page.count else "before its first message"
            raise ctx.fail("whole file", f"the page ends {where} without its closing lines (</html>); "
                           "the file was cut short: export or copy it again.", file=here.file)
        if page.unnamed and not page.count:
            ctx.problem("whole file", f"the page's {page.unnamed:,} messages carry no Discord ids (it looks like a "
                        "transcript another tool wrote in the exporter's style); none was read.", file=here.file)
        yield from self._drain(page, here, ctx, seen, recent, last=True)

    def _drain(self, page: _Page, here: _Channel, ctx: ReadContext, seen: dict[str, tuple], recent: RecentIds, *,
               last: bool = False) -> Iterator[Record]:
        """The records of the messages the page has finished, after its server's and channel's, which
        are given once the preamble before its first message is read."""
        if not here.given and (last or page.done or page.message is not None):
            here.given = True
            yield from self._channel(page, here, ctx)
        for msg in page.done:
            yield from self._message(msg, here, recent, ctx, seen)
        page.done.clear()

    @staticmethod
    def _channel(page: _Page, here: _Channel, ctx: ReadContext) -> Iterator[Record]:
        """The server and channel the page's preamble names."""
        guild_name = clean(page.preamble[0]) if page.preamble else ""
        if DM_ICON.search(page.icon) or guild_name == "Direct Messages":
            here.guild = "0"
        elif icon := GUILD_ICON.search(page.icon):
            here.guild = icon[1]
        else:
            here.guild = (ctx.options.get("guilds") or {}).get(guild_name)
        if here.guild is not None:
            yield SourceRec(PLATFORM, here.guild, guild_name or ("Direct Messages" if here.guild == "0" else ""))
        if here.id.startswith("html:") and len(page.preamble) > 1:
            here.name = clean(page.preamble[1].rsplit(" / ", 1)[-1]) or here.name
        yield ChannelRec(PLATFORM, here.id, here.name, source_external_id=here.guild, kind=here.kind)

    def _message(self, msg: _Message, here: _Channel, recent: RecentIds, ctx: ReadContext,
                 seen: dict[str, tuple]) -> Iterator[Record]:
        where = f"message {msg.n:,}" + (f" (id {msg.id})" if msg.id else "")
        author = clean(msg.author.get("id"))
        at = snowflake_time(msg.id) if msg.id.isascii() and msg.id.isdigit() else None
        if at is None or not (author.isascii() and author.isdigit()):
            said = "no author id" if at is not None else "no Discord id (which gives its time)"
            ctx.problem(where, f"the message has {said}; skipped.", file=here.file)
            return
        if recent.seen(msg.id):
            return  # the same message written twice: counted once
        text = clean("".join(msg.text).strip())
        joined = text.lower() == JOIN_NOTICE.lower()
        if acc := self._account(msg.author, author, here.guild, ctx, seen, joined_at=at if joined else None):
            yield acc
        if joined:
            yield MembershipRec(PLATFORM, author, at, "join", source_external_id=here.guild)
            return
        if msg.system or NOTICE.fullmatch(text[:1].upper() + text[1:]):
            skip_quietly(ctx)
            return
        parent = msg.parent if msg.parent != msg.id else None
        if parent is None and here.kind == "thread" and msg.id != here.id:
            parent = here.id  # a thread's messages are in the thread of the message that started it, whose id it has
        yield ActivityRec(PLATFORM, msg.id, author, at, channel_external_id=here.id, source_external_id=here.guild,
                          parent_external_id=parent, kind="reply" if parent else "message", text=text,
                          reaction_count=msg.reactions, replaces=here.from_csv.pop((author, utc_naive(at)), None))

    @staticmethod
    def _account(said: dict, uid: str, guild: str | None, ctx: ReadContext, seen: dict[str, tuple], *,
                 joined_at: dt.datetime | None = None) -> AccountRec | None:
        """The author as the page names them, when it says something new of them. A system notice's
        author (no "BOT" tag there) changes nothing the page said before."""
        handle = clean(said.get("title")).strip()
        nick = clean(said.get("nick")).strip()
        bot = True if uid in ctx.options.get("bots", ()) else said.get("bot")
        sig = (handle, nick, bot)
        before, joined = seen.get(uid, (None, None))
        if joined_at is None and (before == sig or (bot is None and before is not None)):
            return None
        joined_at = joined_at or joined  # a join said once stays with the account's later records
        seen[uid] = (sig, joined_at)
        name = handle.rsplit("#", 1)[0] if re.search(r"#\d{4}$", handle) else handle
        return AccountRec(PLATFORM, uid, handle=handle or nick, display_name=nick or name, is_bot=bot,
                          is_staff=True if uid in ctx.options.get("staff", ()) else None,
                          is_deleted=name == "Deleted User" or name.startswith("deleted_user_"),
                          source_external_id=guild, joined_at=joined_at)


IMPORTERS: list[Importer] = [DiscordHtmlImporter()]
