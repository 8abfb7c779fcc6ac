"""DiscordChatExporter CSV: ``AuthorID,Author,Date,Content,Attachments,Reactions``, one file per
channel.

The CSV has no message id, no channel id inside, no reply links and no bot flag. The channel
comes from the file name (``Guild - Category - channel [id].csv``); a message's external_id is a
stable hash of (channel, AuthorID, Date, Content), so the same row imported again is the same
activity. A system message is a row whose text is the notice the exporter writes for it: "Joined
the server." is a join, as in the JSON; the others (a pin, a call, a thread started) are no one's
message. A channel exported as JSON too (read before, or in the same run: CSV files are read
last) is one channel: a row is the message its JSON brought from that author at that instant,
and an account it named keeps the nickname the JSON gave it (the CSV has only the user name), a
thread stays a thread. The channel's JSON imported after the CSV gives its rows their message ids
(``rows_from_csv``).
``Date`` is ISO-8601 with the exporter's offset (current versions) or the old default
``01-Jan-20 01:33 AM`` form (read as UTC). ``Reactions`` (``"👍 (2),pepe (1)"``) gives the count.
A zip of such files (a guild's channels, zipped to be sent) is read as its files are, each the
channel its name says; what else it holds is said to be no part of it.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Iterator
from pathlib import Path, PurePosixPath

from ..records import AccountRec, ActivityRec, ChannelRec, MembershipRec, Record
from . import safety
from .base import Importer, ReadContext
from .discord import PLATFORM, known_flags
from .jsonstream import (
    UTC,
    Member,
    RecentIds,
    clean,
    members,
    note_passed_over,
    parse_time,
    skip_quietly,
    stable_id,
    text_of,
    utc_naive,
    zip_heads,
)

HEADER = ["AuthorID", "Author", "Date", "Content", "Attachments", "Reactions"]
# The exporter's default file name: the channel's id, then the period asked for and the part, if any.
_NAME = re.compile(r"^(?P<guild>.*?) - (?:(?P<category>.*) - )?(?P<channel>.*?) \[(?P<id>\d+)\]"
                   r"(?: \((?:after |before )?[\d-]+(?: to [\d-]+)?\))?(?: \[part \d+\])?$")
_COUNT = re.compile(r"\((\d{1,9})\)\s*$")
# What DiscordChatExporter writes as the text of a system message, which its CSV gives as a row
# like any other (its JSON names the message's type): a join, and notices no one wrote.
JOIN_NOTICE = "Joined the server."
NOTICE = re.compile(r"Added a recipient\.|Removed a recipient\.|Started a call that lasted [\d,]+ minutes\."
                    r"|Changed the channel name(?:: .*)?\.?|Changed the channel icon\.|Pinned a message\."
                    r"|Started a thread\.|A poll has closed\.|.{1,100}'s poll (?:.* )?has closed\.", re.S)
OLD_FORMATS = ("%d-%b-%y %I:%M %p", "%d-%b-%Y %I:%M %p", "%m/%d/%Y %I:%M %p", "%d/%m/%Y %H:%M", "%Y-%m-%d %H:%M")


def looks_like_dce_csv(head: str) -> bool:
    first = head.lstrip("\ufeff").split("\n", 1)[0].strip().replace('"', "")
    return [c.strip().lower() for c in first.split(",")] == [h.lower() for h in HEADER]


def csv_time(text: str) -> dt.datetime | None:
    t = parse_time(text)
    if t is not None:
        return t
    for fmt in OLD_FORMATS:
        try:
            return dt.datetime.strptime(text.strip(), fmt).replace(tzinfo=UTC)
        except ValueError:
            continue
    return None


def reaction_total(text: str) -> int:
    return sum(int(m.group(1)) for part in text.split(",") if (m := _COUNT.search(part)))


# DiscordChatExporter files a direct-message chat under its "Direct Messages" guild, in the
# category "Private" (one person, whose name the chat has) or "Group" (a group DM).
_DM_CATEGORIES = {"Private": "dm", "Group": "group_dm"}


def _messages(conn, *where) -> Iterator[tuple[str, str, dt.datetime, str]]:  # noqa: ANN001 - a Connection
    """(channel id, author id, instant in UTC, message id) of the Discord messages ``where`` says."""
    from sqlalchemy import select

    from ..store.models import Account, Activity, Channel

    for channel, author, at, ext in conn.execute(
            select(Channel.external_id, Account.external_id, Activity.created_at, Activity.external_id)
            .join(Channel, Activity.channel_id == Channel.id).join(Account, Activity.account_id == Account.id)
            .where(Activity.platform == PLATFORM, *where)):
        yield channel, author, utc_naive(at), ext


def _named(conn) -> set[str]:  # noqa: ANN001 - a SQLAlchemy Connection
    """The Discord accounts that have a name (the JSON's nickname, which the CSV's user name must not replace)."""
    from sqlalchemy import select

    from ..store.models import Account

    return set(conn.execute(select(Account.external_id).where(
        Account.platform == PLATFORM, Account.display_name.is_not(None), Account.display_name != "")).scalars())


def _read_before(conn, channel: str) -> dict:  # noqa: ANN001 - a SQLAlchemy Connection
    """What the workspace holds of a channel: its kind (a thread, which the CSV cannot tell) and its
    messages by (author id, instant, UTC naive) -> external id."""
    from sqlalchemy import select

    from ..store.models import Activity, Channel

    found = conn.execute(select(Channel.id, Channel.kind).where(Channel.platform == PLATFORM,
                                                               Channel.external_id == channel)).first()
    if found is None:
        return {}
    cid, kind = found
    messages = {(author, at): ext for _, author, at, ext in _messages(conn, Activity.channel_id == cid)}
    return {"messages": messages, "kind": kind}


def _is_channel_csv(name: str, head: bytes) -> bool:
    return name.lower().endswith(".csv") and looks_like_dce_csv(text_of(head))


def rows_from_csv(conn) -> dict[str, dict[tuple[str, dt.datetime], str]]:  # noqa: ANN001 - a SQLAlchemy Connection
    """The messages CSV files brought, which have no ids of their own (``stable_id``'s 24 hex digits,
    where Discord's ids are numbers), by channel, then by author and instant (UTC): the channel's
    JSON, imported later, gives them their ids."""
    from sqlalchemy import func, select

    from ..store.models import Activity, ImportFile

    runs = select(ImportFile.run_id).where(ImportFile.importer == DiscordCsvImporter.name)
    if conn.execute(runs.limit(1)).first() is None:
        return {}
    found: dict[str, dict[tuple[str, dt.datetime], str]] = {}
    for channel, author, at, ext in _messages(conn, Activity.import_run_id.in_(runs.distinct()),
                                              func.length(Activity.external_id) == 24):
        found.setdefault(channel, {})[(author, at)] = ext
    return found


def channel_of(path: Path, prefix: str = "csv") -> tuple[str, str, str]:
    """(external id, name, kind) of the channel a DCE file name describes (a renamed file: its name,
    after ``prefix``)."""
    m = _NAME.match(path.stem)
    if m:
        dm = _DM_CATEGORIES.get(m.group("category") or "") if m.group("guild") == "Direct Messages" else None
        return m.group("id"), m.group("channel"), dm or "channel"
    return f"{prefix}:{path.stem}", path.stem, "channel"


class DiscordCsvImporter(Importer):
    name = "discord-csv"
    label = "DiscordChatExporter CSV"
    platform = PLATFORM
    version = "1"
    patterns = ("*.csv", "*.zip")
    reads_last = True

    def sniff(self, path: Path) -> bool:
        if safety.is_zip(path):
            return any(_is_channel_csv(name, head) for name, head in zip_heads(path, ".csv"))
        return path.is_file() and looks_like_dce_csv(safety.head_text(path, 512))

    def prepare(self, path: Path, conn, options: dict) -> dict:  # noqa: ANN001
        flags = {**known_flags(conn, options), "named": _named(conn)}
        if safety.is_zip(path):  # what the workspace holds of each channel the zip has a file of
            return {**flags, "channels": {channel: _read_before(conn, channel) for channel in {
                channel_of(PurePosixPath(m.name))[0] for m in members(path, _is_channel_csv)}}}
        return {**flags, **_read_before(conn, channel_of(path)[0])}

    def read(self, path: Path, ctx: ReadContext) -> Iterator[Record]:
        if not safety.is_zip(path):
            whole = Member(path.name, path.stat().st_size, lambda: open(path, "rb"))
            yield from self._read_file(whole, ctx.options, ctx)
            return
        passed: list[str] = []
        for m in members(path, _is_channel_csv, passed):
            channel = channel_of(PurePosixPath(m.name))[0]
            yield from self._read_file(m, {**ctx.options, **ctx.options.get("channels", {}).get(channel, {})}, ctx)
        note_passed_over(ctx, passed, "DiscordChatExporter CSV export")

    def _read_file(self, m: Member, options: dict, ctx: ReadContext) -> Iterator[Record]:
        """One channel's file, with what the workspace holds of that channel (``options``)."""
        channel, name, kind = channel_of(PurePosixPath(m.name))
        if kind == "channel":  # all the file name can tell: the kind the JSON gave stays
            kind = options.get("kind") or kind
        yield ChannelRec(PLATFORM, channel, name, kind=kind)
        seen: set[str] = set()
        recent = RecentIds()
        file = m.name if "/" in m.name else None  # a zip's file is named with the zip
        with ctx.track(m.open(), m.size, f"Reading {m.name}") as raw, \
                io.TextIOWrapper(raw, encoding="utf-8-sig", errors="replace", newline="") as text:
            rows = csv.reader(text, strict=True)
            try:
                next(rows, None)  # the header
                for row in rows:
                    yield from self._row(row, rows.line_num, channel, ctx, options, seen, recent, file)
            except csv.Error as exc:
                raise ctx.fail(f"line {rows.line_num}",
                               f"the CSV cannot be read on ({exc}); the file may be truncated.", file=file) from exc

    @staticmethod
    def _row(row: list[str], line: int, channel: str, ctx: ReadContext, options: dict, seen: set[str],
             recent: RecentIds, file: str | None) -> Iterator[Record]:
        if not any(row):
            return
        if len(row) < 4:
            ctx.problem(f"line {line}", f"the row has {len(row)} of the {len(HEADER)} columns; skipped.", file=file)
            return
        author_id, author, date, content = (clean(c) for c in row[:4])
        at = csv_time(date)
        if not author_id.strip() or at is None:
            ctx.problem(f"line {line}", "the row has no author id or no readable date; skipped.", file=file)
            return
        if author_id not in seen and author_id not in options.get("named", ()):
            seen.add(author_id)
            handle = author
            display = author.rsplit("#", 1)[0] if re.search(r"#\d{4}$", author) else author
            yield AccountRec(PLATFORM, author_id, handle=handle, display_name=display,
                             is_bot=author_id in options.get("bots", ()),
                             is_staff=author_id in options.get("staff", ()),
                             is_deleted=display == "Deleted User" or display.startswith("deleted_user_"))
        if content == JOIN_NOTICE:  # a join, as the JSON's GuildMemberJoin is
            yield MembershipRec(PLATFORM, author_id, at, "join")
            return
        if NOTICE.fullmatch(content):  # a pin, a call, a thread started: no one's message
            skip_quietly(ctx)
            return
        ext = options.get("messages", {}).get((author_id, utc_naive(at))) \
            or stable_id("dce-csv", channel, author_id, date, content)
        if recent.seen(ext):
            return
        yield ActivityRec(PLATFORM, ext, author_id, at, channel_external_id=channel, text=content,
                          reaction_count=reaction_total(row[5]) if len(row) > 5 else 0)


IMPORTERS: list[Importer] = [DiscordCsvImporter()]
