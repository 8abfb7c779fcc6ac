"""IRC channel logs as Supybot and Limnoria's ChannelLogger writes them: one ``.log`` file, a folder
of them (``ChannelLogger/<network>/#channel/#channel.2024-05-01.log``) or a zip of that folder.

Every line is ``<ISO time>  <message>``: ``<nick> text`` (a message), ``* nick text`` (an action,
kept as written: "nick waves"), ``-nick- text`` (a notice), and ``*** nick has joined #chan`` and
``*** nick has left #chan`` or ``was kicked by`` (a join and a leave, kept as membership events).
A nick change (``*** dty_ is now known as dty``) is kept as a rename: evidence for the merge
suggestions that the two nicks are one person. Quits (a disconnection, not a leave), modes and
topics are not activities and are skipped without a problem, as are lines with an empty message.
A line that is not a log line is that line's problem. A nick written ``<nick&gt;`` (a log saved
from a web page) is read as ``<nick>``; the text is kept as written.

- **Accounts** are nicks, compared without case (``Tv_`` and ``tv_`` are one account); ``!user@host``
  is dropped. Network services (``ChanServ``, ``NickServ``) and bots (``CafeBot``, ``ceph-bot``, but
  not ``talbot``) are flagged bots; a flag set by hand stays.
- **Channel**: the ``#channel`` folder or file name, with the network folder above it as the
  source; otherwise the channel the file's join lines name; otherwise the file's name.
- **Ids**: IRC messages have none, so an activity's id is a hash of its channel, time, nick and
  text, and how many identical lines came before it in the same log. Reading a day's log again
  after it grew adds only the new lines.
- **Replies**: IRC has no threads; a message that starts by addressing someone who spoke earlier in
  the channel (``nick: ...``, ``nick, ...``) is a reply to that person's latest message. This is
  what makes questions answered and helpers visible for IRC.
- Lines are UTF-8, or Windows-1252 where a line is not (IRC clients mix both).
"""
from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from ..records import AccountRec, ActivityRec, ChannelRec, MembershipRec, Record, RenameRec, SourceRec
from . import safety
from .base import Importer, ReadContext
from .jsonstream import DATA_EXTS, Member, clean, members, note_passed_over, skip_quietly, stable_id, walk_folder

PLATFORM = "irc"
MAX_LINE = 1 << 16  # an IRC line is at most 512 bytes; a much longer one is not a log line
LINE = re.compile(r"^(\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2})?)\s\s?(.*)$")
SAY = re.compile(r"^<([^>\s]+)>(?:\s(.*))?$")
ACTION = re.compile(r"^\*\s?([^\s*]+)(?:\s(.*))?$")
NOTICE = re.compile(r"^-([^\s-][^\s]*?)-(?:\s(.*))?$")
SERVER = re.compile(r"^\*\*\*\s(\S+)\s(.*)$")
JOINED = re.compile(r"^has joined ([#&+!]\S+)")
RENAMED = re.compile(r"^is now known as ([^\s!]+)")
LEFT = re.compile(r"^(?:has left [#&+!]\S+|was kicked by )")  # a part or a kick; a quit is a disconnection
CHANNEL_NAME = re.compile(r"^([#&+!][^\s,]+?)(?:\.\d{4}-\d{2}-\d{2})?(?:\.log)?$", re.IGNORECASE)
DATE_IN_NAME = re.compile(r"[._-]?\d{4}[._-]\d{2}[._-]\d{2}")
ADDRESSED = re.compile(r"^@?([^\s:,]{1,64})[:,](?:\s|$)")
# A bot's nick: "...Bot" or "...BOT", or "bot" after a separator or a digit ("ceph-bot", "gh_bot",
# "bot2"); not a name that merely ends so ("talbot", "abbot").
BOT_NICK = re.compile(r"(?:Bot|BOT|[^a-zA-Z]bot|^bot)\d*$|\[bot\]$")
SERVICES = frozenset({"nickserv", "chanserv", "memoserv", "operserv", "hostserv", "botserv", "saslserv", "helpserv",
                      "statserv", "infoserv", "global", "alis", "q", "x", "supybot", "limnoria", "sopel", "eggdrop"})
UTC = dt.timezone.utc


def parse_stamp(text: str) -> dt.datetime | None:
    """An aware UTC time from a log line's stamp (no offset: UTC, as ChannelLogger writes by default)."""
    try:
        t = dt.datetime.fromisoformat(text)
    except ValueError:
        return None
    return t.replace(tzinfo=UTC) if t.tzinfo is None else t.astimezone(UTC)


def decode_line(raw: bytes) -> str:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        text = raw.decode("cp1252", errors="replace")
    return text.rstrip("\r\n")


def looks_like_log(head: bytes) -> bool:
    """The first lines of a ChannelLogger file: the first a stamped message, and most of the others."""
    lines = [ln for ln in head.split(b"\n")[:20] if ln.strip()]
    if len(lines) > 1:
        lines = lines[:-1]  # the last may be cut by the sample's end
    good = [_is_log_line(decode_line(raw).lstrip("\ufeff")) for raw in lines]
    return bool(good) and good[0] and sum(good) * 4 >= len(good) * 3


def _is_log_line(line: str) -> bool:
    m = LINE.match(line)
    return bool(m) and m.group(2).startswith(("<", "*", "-")) and parse_stamp(m.group(1)) is not None


def is_bot(nick: str) -> bool:
    return bool(BOT_NICK.search(nick)) or nick.lower() in SERVICES


@dataclass
class _Channel:
    """What is remembered of one channel while its logs are read (in name order, so day by day)."""

    key: str
    latest: dict[str, str] = field(default_factory=dict)  # nick (lower case) -> id of their latest message


@dataclass
class _State:
    accounts: set[str] = field(default_factory=set)
    channels: dict[str, _Channel] = field(default_factory=dict)


class IrcLogImporter(Importer):
    name = "irc-supybot"
    label = "IRC channel logs (Supybot, Limnoria)"
    platform = PLATFORM
    version = "2"  # 2: nick changes kept as renames
    patterns = ("*.log", "*.zip")
    folders = True

    def sniff(self, path: Path) -> bool:
        if path.is_dir():
            # A logger's folder: its data files are logs. It may hold the bot's own logs too (left
            # out when reading), but a folder with other exports beside its logs is several
            # exports, each read by its own importer.
            files = [f for _, f in zip(range(500), walk_folder(path))]
            if any(f.suffix.lower() in DATA_EXTS for f in files):
                return False
            logs = [f for f in files if f.suffix.lower() == ".log"]
            return any(looks_like_log(safety.head(f)) for f in logs[:50])
        if safety.is_zip(path):
            names = [n for n in safety.zip_names(path) if n.lower().endswith(".log")]
            if not names:
                return False
            with safety.open_zip(path) as zf, zf.open(names[0]) as e:
                return looks_like_log(e.read(4096))
        return looks_like_log(safety.head(path))

    def read(self, path: Path, ctx: ReadContext) -> Iterator[Record]:
        state = _State()
        zipped = safety.is_zip(path)
        # A folder is read in name order (day by day); a zip in its own order. A lone file is
        # read whatever its name.
        passed: list[str] = []
        for m in members(path, lambda name, head: name.lower().endswith(".log") and looks_like_log(head), passed):
            # where the file lies decides its channel: the whole path on disk, the entry's path in a zip
            where = PurePosixPath(m.name).parts[1:] if zipped else (path.parent / m.name).resolve().parts
            yield from self._read_member(m, where, ctx, state)
        note_passed_over(ctx, passed, "IRC logs")

    def _read_member(self, m: Member, where: tuple[str, ...], ctx: ReadContext, state: _State) -> Iterator[Record]:
        network, channel = self._place(where)
        if channel is None:
            channel = self._joined_channel(m) or DATE_IN_NAME.sub("", PurePosixPath(m.name).stem) or "irc"
        key = f"{network}/{channel}" if network else channel
        if key not in state.channels:
            state.channels[key] = _Channel(key)
            if network:
                yield SourceRec(PLATFORM, network, network)
            yield ChannelRec(PLATFORM, key, channel, source_external_id=network)
        chan = state.channels[key]
        repeats: dict[tuple, int] = {}
        with m.open() as raw:
            stream = io.BufferedReader(ctx.track(raw, m.size, f"Reading {m.name}"), 1 << 16)
            n = 0
            while True:
                line = stream.readline(MAX_LINE)
                if not line:
                    break
                n += 1
                if len(line) == MAX_LINE and not line.endswith(b"\n"):
                    while (rest := stream.readline(MAX_LINE)) and not rest.endswith(b"\n"):
                        pass
                    ctx.problem(f"line {n}", "the line is longer than any IRC message; skipped.", file=m.name)
                    continue
                yield from self._line(decode_line(line), n, m.name, ctx, state, chan, network, repeats)

    @staticmethod
    def _place(parts: tuple[str, ...]) -> tuple[str | None, str | None]:
        """(network, channel) from where ChannelLogger put the file: ``<network>/#chan/#chan.<date>.log``."""
        if len(parts) >= 2 and parts[-2].startswith(("#", "&")) and CHANNEL_NAME.match(parts[-2]):
            network = parts[-3] if len(parts) >= 3 else None
            return (network if network and network.lower() not in ("channellogger", "logs") else None), parts[-2]
        named = CHANNEL_NAME.match(parts[-1]) if parts else None
        return None, (named.group(1) if named else None)

    @staticmethod
    def _joined_channel(m: Member) -> str | None:
        """The channel the file's join lines name (a file named only by its date)."""
        with m.open() as raw:
            for line in io.BufferedReader(raw, 1 << 16):
                if b"*** " in line and b" has joined " in line:
                    found = LINE.match(decode_line(line))
                    server = SERVER.match(found.group(2)) if found else None
                    joined = JOINED.match(server.group(2)) if server else None
                    if joined:
                        return clean(joined.group(1))
        return None

    def _line(self, line: str, n: int, file: str, ctx: ReadContext, state: _State, chan: _Channel,
              network: str | None, repeats: dict[tuple, int]) -> list[Record]:
        if not line.strip():
            return []
        found = LINE.match(line.lstrip("\ufeff"))
        at = parse_stamp(found.group(1)) if found else None
        if at is None:
            ctx.problem(f"line {n}", "not a log line (it does not start with a readable time); skipped.", file=file)
            return []
        body = found.group(2)
        if body.startswith("***"):
            return self._server(body, at, n, file, ctx, state, chan, network)
        if body.startswith("<") and "&gt;" in body.split(" ", 1)[0]:
            body = body.replace("&gt;", ">", 1)  # a log saved through a web page: <nick&gt; text
        for pattern, action in ((SAY, False), (ACTION, True), (NOTICE, False)):
            said = pattern.match(body)
            if said:
                break
        else:
            ctx.problem(f"line {n}", "not a message, action, notice or server line; skipped.", file=file)
            return []
        nick, text = said.group(1).split("!", 1)[0].lstrip("@+%~&"), clean(said.group(2) or "").strip()
        if not nick or not text:
            skip_quietly(ctx)  # an empty message: nothing was said
            return []
        if action:
            text = f"{nick} {text}"
        out = self._account(nick, state, network)
        who = nick.lower()
        stamp = at.isoformat()
        if repeats and next(iter(repeats))[0] != stamp:
            repeats.clear()  # identical lines share their second: only the current second is kept
        k = repeats.get((stamp, who, text), 0)
        repeats[(stamp, who, text)] = k + 1
        mid = stable_id(chan.key, stamp, who, text, k)
        to = ADDRESSED.match(text)
        parent = chan.latest.get(to.group(1).lower()) if to and to.group(1).lower() != who else None
        chan.latest[who] = mid
        out.append(ActivityRec(PLATFORM, mid, who, at, channel_external_id=chan.key, source_external_id=network,
                               parent_external_id=parent, kind="reply" if parent else "message", text=text))
        return out

    def _server(self, body: str, at: dt.datetime, n: int, file: str, ctx: ReadContext, state: _State,
                chan: _Channel, network: str | None) -> list[Record]:
        server = SERVER.match(body)
        if server is None:
            ctx.problem(f"line {n}", "a server line without a nick; skipped.", file=file)
            return []
        nick = server.group(1).split("!", 1)[0]
        renamed = RENAMED.match(server.group(2))
        if renamed:
            new = renamed.group(1).lstrip("@+%~&")
            if not new or new.lower() == nick.lower():
                skip_quietly(ctx)  # only the case changed: the same account
                return []
            return [RenameRec(PLATFORM, nick.lower(), new.lower(), at, channel_external_id=chan.key)]
        kind = "join" if JOINED.match(server.group(2)) else "leave" if LEFT.match(server.group(2)) else None
        if kind is None:
            skip_quietly(ctx)  # quits, modes, topics: not membership, not activity
            return []
        out = self._account(nick, state, network)
        out.append(MembershipRec(PLATFORM, nick.lower(), at, kind, channel_external_id=chan.key,
                                 source_external_id=network))
        return out

    @staticmethod
    def _account(nick: str, state: _State, network: str | None) -> list[Record]:
        key = nick.lower()
        if key in state.accounts:
            return []
        state.accounts.add(key)
        return [AccountRec(PLATFORM, key, handle=clean(nick), display_name=clean(nick),
                           is_bot=True if is_bot(nick) else None, source_external_id=network)]


IMPORTERS: list[Importer] = [IrcLogImporter()]
