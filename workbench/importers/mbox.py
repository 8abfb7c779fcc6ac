"""Mailing lists: mbox files (Mailman 2 pipermail, HyperKitty, Groups.io) and Groups.io member pages.

Messages are split on the mbox ``From `` line and read as bytes, one message in memory at a
time, so raw 8-bit headers, unknown charsets and broken MIME never stop an import. A person is an
address: lower case, with pipermail's ``user at host`` undone; the account's external id and
e-mail are that address. The activity id is the ``Message-ID`` (without angle brackets), or a
hash of sender, date, subject and body when it is missing. Replies name their parent through
``In-Reply-To`` (else the last ``References`` id). The channel is the list (``List-Id``, else the
``[tag]`` of the subject, else the folder the file is in). Files may be plain, gzip
(``.mbox.gz``, ``.txt.gz``) or a zip holding ``*.mbox`` (the Groups.io archive download) or
Mailman's monthly ``.txt`` / ``.txt.gz`` archives.
"""
from __future__ import annotations

import datetime as dt
import email.errors
import email.utils
import gzip
import hashlib
import io
import re
import zipfile
from collections.abc import Iterator
from email.header import decode_header, make_header
from email.message import Message
from email.parser import BytesParser, Parser
from email.policy import compat32
from pathlib import Path
from typing import BinaryIO

from ..records import AccountRec, ActivityRec, ChannelRec, MembershipRec, Record, SourceRec
from .base import RECORD_ERRORS, Importer, ReadContext, checked, why
from .safety import UNREADABLE_ZIP, ExpansionGuard, head, is_zip, open_zip, zip_files, zip_names
from .textio import GZIP_HEAD, UTC, gunzip_head, gunzip_start, iso_utc, json_head, read_json

PLATFORM = "mbox"  # the platform name every view uses for mailing lists
MAX_MESSAGE = 16 * 1024**2  # bytes of one message kept; the rest (attachments) is dropped
MAX_LINE = 1 << 20  # a longer line is read in pieces
HEADER_LINE = re.compile(rb"^[A-Za-z][A-Za-z0-9-]*:")
AT_FORM = re.compile(r"^\s*([^\s@()<>]+)\s+at\s+([^\s@()<>]+\.[^\s@()<>]+)")
BOT_LOCAL = re.compile(r"(^mailman|^mailer-daemon|^postmaster|-bounces?$|-request$|^no-?reply|^donotreply)")
MSG_ID = re.compile(r"<([^<>\s]+)>")


def normalize_address(raw: str) -> tuple[str, str]:
    """(address, name) from a From header, pipermail's ``jgb at example.com (Name)`` included."""
    raw = raw.strip()
    if "@" not in raw:
        m = AT_FORM.match(raw)
        if m:
            raw = f"{m.group(1)}@{m.group(2)}{raw[m.end():]}"
    name, addr = email.utils.parseaddr(raw)
    addr = addr.strip().lower()
    return (addr if "@" in addr else ""), name.strip().strip('"')


def _looks_like_mbox(data: bytes) -> bool:
    if not data.startswith(b"From "):
        return False
    lines = data.split(b"\n")[1:12]
    return any(HEADER_LINE.match(line) for line in lines)


class MboxImporter(Importer):
    name = "mbox"
    label = "Mailing list archive (mbox)"
    platform = PLATFORM
    patterns = ("*.mbox", "*.mbox.gz", "*.txt", "*.txt.gz", "*.zip")

    def sniff(self, path: Path) -> bool:
        if not path.is_file():
            return False
        if is_zip(path):
            if any(n.lower().endswith(".mbox") for n in zip_names(path)):
                return True
            try:
                with zipfile.ZipFile(path) as zf:
                    return bool(_archives_in(zf))
            except UNREADABLE_ZIP:
                return False
        data = head(path, 4096)
        if data[:2] == b"\x1f\x8b":
            data = gunzip_head(path)
        return _looks_like_mbox(data)

    def read(self, path: Path, ctx: ReadContext) -> Iterator[Record]:
        default_list = path.parent.name or path.stem
        reader = _MessageReader(ctx, default_list)
        if is_zip(path):
            with open_zip(path) as zf:
                for info in _archives_in(zf):
                    raw = io.BufferedReader(ctx.track(zf.open(info), info.file_size, f"Reading {info.filename}"))
                    yield from _read_stream(reader, ctx, raw, _gzipped(info.filename), info.file_size,
                                            Path(info.filename).name)
            return
        raw = io.BufferedReader(ctx.open_binary(path))
        yield from _read_stream(reader, ctx, raw, head(path, 2) == b"\x1f\x8b", path.stat().st_size, path.name)


def _gzipped(name: str) -> bool:
    return name.lower().endswith(".gz")


def _read_stream(reader: _MessageReader, ctx: ReadContext, raw: BinaryIO, gzipped: bool, size: int,
                 name: str) -> Iterator[Record]:
    """The messages of one archive, plain or gzipped (a gzip's expansion is guarded); closes it."""
    stream: BinaryIO = raw
    if gzipped:
        stream = io.BufferedReader(ExpansionGuard(gzip.GzipFile(fileobj=raw), size, name))
    try:
        yield from reader.stream(stream, name)
    except (EOFError, gzip.BadGzipFile) as exc:
        raise ctx.fail("", f"the compressed archive ends early or is damaged ({exc}).") from exc
    finally:
        stream.close()
        raw.close()


def _archives_in(zf: zipfile.ZipFile) -> list[zipfile.ZipInfo]:
    """The mail archives of a zip, in its order: its ``.mbox`` files, and the ``.txt``, ``.txt.gz``
    and ``.mbox.gz`` files that start as an mbox does (Mailman's monthly archives downloaded and
    zipped, ``2016-March.txt.gz``); anything else in it is not mail."""
    found = []
    for info in zip_files(zf):
        low = info.filename.lower()
        if low.endswith(".mbox"):
            found.append(info)
            continue
        if not low.endswith((".txt", ".txt.gz", ".mbox.gz")):
            continue
        try:
            with zf.open(info) as f:
                data = gunzip_start(f.read(GZIP_HEAD)) if _gzipped(low) else f.read(4096)
        except UNREADABLE_ZIP:
            continue  # not claimed as mail
        if _looks_like_mbox(data):
            found.append(info)
    return found


def _split(f: BinaryIO) -> Iterator[tuple[int, bytes, bytes]]:
    """(line number, From_ line, message bytes) for every message of an mbox stream."""
    buf: list[bytes] = []
    size = 0
    from_line = b""
    start = 0
    previous_blank = True
    for n, line in enumerate(iter(lambda: f.readline(MAX_LINE), b""), start=1):
        if line.startswith(b"From ") and previous_blank and (start == 0 or _is_from_line(line)):
            if start:
                yield start, from_line, b"".join(buf)
            buf, size, from_line, start = [], 0, line, n
        elif start:
            if size < MAX_MESSAGE:
                buf.append(line)
                size += len(line)
        previous_blank = line.strip() == b""
    if start:
        yield start, from_line, b"".join(buf)


def _is_from_line(line: bytes) -> bool:
    # A From_ line names a sender and a date: "From addr  Sat Nov 14 21:29:28 2015".
    return re.search(rb"\d{1,2}:\d{2}(:\d{2})?\s+\d{4}\s*$", line.rstrip()) is not None or b"@" in line


class _MessageReader:
    def __init__(self, ctx: ReadContext, default_list: str) -> None:
        self.ctx = ctx
        self.default_list = default_list
        self.seen: set[str] = set()
        self.ids: set[str] = set()

    def stream(self, f: BinaryIO, file: str) -> Iterator[Record]:
        for line_no, from_line, data in _split(f):
            try:
                yield from self.message(from_line, data)
            except ValueError as exc:
                self.ctx.problem(f"message at line {line_no}", f"{exc}; skipped", file=file)

    def message(self, from_line: bytes, data: bytes) -> Iterator[Record]:
        msg = BytesParser(policy=compat32).parsebytes(data)
        heads = Parser(policy=compat32).parsestr(_header_text(data), headersonly=True)
        addr, name = normalize_address(_header(heads, "From"))
        envelope = from_line.decode("utf-8", errors="replace")[5:].strip()
        if not addr:
            addr, _ = normalize_address(envelope.split("  ")[0] if "  " in envelope else envelope.split(" ")[0])
        if not addr:
            raise ValueError("no sender address in From")
        sent = _date(_header(heads, "Date"), envelope)
        subject = _header(heads, "Subject")
        body = _body(msg)
        mid = _first_id(_header(heads, "Message-ID"))
        if not mid:
            digest = hashlib.sha256(f"{addr}\n{sent.isoformat()}\n{subject}\n{body[:4096]}".encode("utf-8", "replace"))
            mid = f"sha256:{digest.hexdigest()[:40]}"
        if mid in self.ids:  # the same message archived again (cross-posts, resends): the first copy counts
            self.ctx.skipped += 1
            return
        self.ids.add(mid)
        parent = _first_id(_header(heads, "In-Reply-To")) or _last_id(_header(heads, "References"))
        channel = _list_name(heads, subject) or self.default_list
        yield from self._context(channel, addr, name)
        yield ActivityRec(PLATFORM, mid, addr, sent, channel_external_id=channel, source_external_id=channel,
                          parent_external_id=parent if parent != mid else None, kind="message",
                          title=subject, text=body)

    def _context(self, channel: str, addr: str, name: str) -> Iterator[Record]:
        if f"list:{channel}" not in self.seen:
            self.seen.add(f"list:{channel}")
            yield SourceRec(PLATFORM, channel, channel)
            yield ChannelRec(PLATFORM, channel, channel, source_external_id=channel, kind="list")
        if addr not in self.seen:
            self.seen.add(addr)
            yield AccountRec(PLATFORM, addr, handle=addr.split("@")[0], display_name=name, email=addr,
                             is_bot=bool(BOT_LOCAL.search(addr.split("@")[0])))


def _header_text(data: bytes) -> str:
    """The header block as text: each line UTF-8, else Latin-1 (raw 8-bit headers happen)."""
    end = data.find(b"\n\n")
    block = data if end < 0 else data[:end + 1]
    lines = []
    for line in block.splitlines(keepends=True):
        try:
            lines.append(line.decode("utf-8"))
        except UnicodeDecodeError:
            lines.append(line.decode("latin-1"))
    return "".join(lines)


def _header(msg: Message, name: str) -> str:
    raw = msg.get(name)
    if raw is None:
        return ""
    raw = str(raw)
    try:
        return str(make_header(decode_header(raw))).strip()
    except (LookupError, UnicodeError, ValueError, AssertionError, email.errors.HeaderParseError):
        return _lenient_words(raw)


def _lenient_words(raw: str) -> str:
    """Encoded words whose charset is unknown or wrong, decoded as best we can."""
    try:
        parts = decode_header(raw)
    except (ValueError, AssertionError, email.errors.HeaderParseError):
        return " ".join(raw.split())
    out = []
    for text, charset in parts:
        if isinstance(text, str):
            out.append(text)
            continue
        for enc in (charset or "ascii", "utf-8", "latin-1"):
            try:
                out.append(text.decode(enc))
                break
            except (LookupError, UnicodeDecodeError):
                continue
    return " ".join(" ".join(out).split())


def _date(value: str, envelope: str) -> dt.datetime:
    for candidate in (value, " ".join(envelope.split()[-5:]) if envelope else ""):
        if not candidate:
            continue
        try:
            t = email.utils.parsedate_to_datetime(candidate)
        except (TypeError, ValueError, IndexError):
            continue
        if t is not None:
            return (t if t.tzinfo else t.replace(tzinfo=UTC)).astimezone(UTC)
    raise ValueError(f"no readable date (Date: “{value[:60]}”)")


def _first_id(value: str) -> str | None:
    m = MSG_ID.search(value or "")
    if m:
        return m.group(1)
    value = (value or "").strip()
    return value if value and " " not in value else None


def _last_id(value: str) -> str | None:
    ids = MSG_ID.findall(value or "")
    return ids[-1] if ids else None


def _list_name(msg: Message, subject: str) -> str | None:
    m = MSG_ID.search(_header(msg, "List-Id"))
    if m:
        return m.group(1)
    tag = re.match(r"^(?:(?:re|fwd?|aw|sv)\s*:\s*)*\[([^\]]{1,80})\]", subject, re.IGNORECASE)
    return tag.group(1).lower() if tag else None


def _body(msg: Message) -> str:
    """The first text/plain part (else the first text part), decoded leniently."""
    parts = [p for p in msg.walk() if not p.is_multipart()] if msg.is_multipart() else [msg]
    chosen = next((p for p in parts if p.get_content_type() == "text/plain"), None)
    chosen = chosen or next((p for p in parts if p.get_content_maintype() == "text"), None)
    if chosen is None:
        return ""
    try:
        payload = chosen.get_payload(decode=True) or b""
    except (ValueError, AssertionError):
        payload = str(chosen.get_payload()).encode("utf-8", "replace")
    charset = chosen.get_content_charset() or "utf-8"
    try:
        return payload.decode(charset, errors="replace")
    except LookupError:  # an unknown charset
        try:
            return payload.decode("utf-8")
        except UnicodeDecodeError:
            return payload.decode("latin-1")


class GroupsIoMembers(Importer):
    """Groups.io member list API pages: members by address, with their join date."""

    name = "groupsio-members"
    label = "Groups.io member list (API pages)"
    platform = PLATFORM
    patterns = ("*.json",)

    def sniff(self, path: Path) -> bool:
        if not path.is_file() or path.suffix.lower() != ".json":
            return False
        h = json_head(path)
        return h.startswith('{"data":[') and '"email":' in h and '"group_id":' in h

    def read(self, path: Path, ctx: ReadContext) -> Iterator[Record]:
        data = read_json(path, ctx)
        members = data.get("data") if isinstance(data, dict) else None
        if not isinstance(members, list):
            raise ctx.fail("", "no “data” list; not a Groups.io member page.")
        for n, m in enumerate(members, start=1):
            addr, _ = normalize_address(str((m or {}).get("email") or "")) if isinstance(m, dict) else ("", "")
            if not addr:
                ctx.problem(f"member {n}", "no e-mail address; skipped")
                continue
            try:
                joined = iso_utc(m.get("created"))
                joined = joined.replace(microsecond=0) if joined else None  # pages repeat a member to the ns
                records = checked([AccountRec(PLATFORM, addr, handle=addr.split("@")[0],
                                              display_name=m.get("full_name") or "", email=addr, joined_at=joined)]
                                  + ([MembershipRec(PLATFORM, addr, joined)] if joined is not None else []))
            except RECORD_ERRORS as exc:
                ctx.problem(f"member {n}", f"{why(exc)}; skipped")
                continue
            yield from records


IMPORTERS: list[Importer] = [MboxImporter(), GroupsIoMembers()]
