"""Streaming helpers the JSON chat importers share (DiscordChatExporter, Mattermost, Rocket.Chat,
Gitter, Telegram).

A multi-GB file is read with ijson one record at a time, through ``ctx.track`` (progress, cancel)
and ``JsonGuard``, which refuses nesting deeper than ``MAX_DEPTH`` before the parser sees it
(ijson's memory grows with its square). The array of an export laid out as its exporter writes it
(one item after another at the same indent) is read faster, a block of items at a time with orjson
(``stream_array``), and with ijson from the first block that does not read so. Also: the members
of a folder or zip input, tolerant text and time parsing, and a bounded memory of recently seen ids.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import io
import os
import re
import zipfile
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

import ijson
import numpy as np
import orjson
from ijson.common import ObjectBuilder

from ..errors import ImportFailed
from ..records import without_surrogates
from . import safety
from .base import DATA_EXTS, ReadContext

MAX_DEPTH = 256
BOM = b"\xef\xbb\xbf"
UTC = dt.timezone.utc
_NOT_STRUCTURE = bytes(b for b in range(256) if b not in b'"[]{}')  # deleted before counting depth


class TooDeep(ValueError):
    """The JSON nests deeper than any export does."""


class JsonGuard(io.RawIOBase):
    """A binary reader that drops a leading BOM and refuses nesting deeper than ``limit``.

    Each chunk is reduced in C before it is counted: escaped backslashes and escaped quotes are
    removed, then every byte but quotes and brackets. What is left (a tenth of the chunk or less)
    is counted with numpy, brackets inside strings excluded, so the guard costs a small fraction
    of parsing.
    """

    def __init__(self, raw: BinaryIO, limit: int = MAX_DEPTH) -> None:
        self._raw = raw
        self._limit = limit
        self._depth = 0
        self._in_string = 0
        self._escaped = False  # the previous chunk ended with a backslash that escapes this chunk's first byte
        self._first = True

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        data = self._raw.read(size)
        if self._first and data:
            self._first = False
            if data.startswith(BOM):
                data = data[3:]
        if data:
            self._scan(data)
        return data

    def readinto(self, b) -> int:  # noqa: ANN001
        data = self.read(len(b))
        b[:len(data)] = data
        return len(data)

    def _scan(self, data: bytes) -> None:
        if self._escaped:
            data, self._escaped = data[1:], False
        if b"\\" in data:
            # In JSON a backslash escapes the next byte, so pairs taken left to right are escaped
            # backslashes, and a quote after a backslash is part of the string.
            data = data.replace(b"\\\\", b"")
            if data.endswith(b"\\"):
                data, self._escaped = data[:-1], True
            data = data.replace(b'\\"', b"")
        marks = data.translate(None, _NOT_STRUCTURE)
        if not marks:
            return
        a = np.frombuffer(marks, dtype=np.uint8)
        quotes = a == 34
        after = np.bitwise_xor.accumulate(quotes.view(np.uint8))  # 1: inside a string after this byte
        if self._in_string:
            after ^= 1
        self._in_string = int(after[-1])
        brackets = a[~quotes & (after == 0)]
        if not brackets.size:
            return
        step = np.where((brackets == 91) | (brackets == 123), 1, -1).astype(np.int32)
        depth = self._depth + np.cumsum(step)
        if int(depth.max()) > self._limit:
            raise TooDeep(f"nested deeper than {self._limit} levels")
        self._depth = int(depth[-1])

    def close(self) -> None:
        try:
            self._raw.close()
        finally:
            super().close()


JSON_ERRORS = (ijson.JSONError, UnicodeDecodeError, TooDeep)


def json_failure(ctx: ReadContext, exc: Exception, position: str, file: str | None = None) -> ImportFailed:
    """One sentence for a JSON stream that cannot be read on."""
    text = str(exc)
    if exc.args and isinstance(exc.args[0], bytes):  # the C parser's message, with the bytes around the fault
        text = exc.args[0].decode("utf-8", errors="replace")
    if isinstance(exc, TooDeep):
        message = "the JSON is nested too deeply to be an export; it was refused."
    elif isinstance(exc, UnicodeDecodeError) or "invalid bytes in UTF8" in text:
        message = "the file holds text that is not valid UTF-8 (or a broken \\u escape)."
    elif "premature EOF" in text:
        message = "the file ends early; it looks truncated."
    else:
        first = text.strip().splitlines()[0] if text.strip() else exc.__class__.__name__
        message = f"not valid JSON ({first})."
    return ctx.fail(position, message, file=file)


def stream_items(stream: BinaryIO, prefix: str, ctx: ReadContext, *, file: str | None = None,
                 label: str = "item", multiple_values: bool = False, kv: bool = False,
                 start: int = 0) -> Iterator[tuple[int, Any]]:
    """``(n, item)`` for every item under ``prefix`` (``kv``: ``(key, value)`` pairs), counted on
    from ``start``."""
    n = start
    try:
        if kv:
            gen = ijson.kvitems(stream, prefix, use_float=True)
        else:
            gen = ijson.items(stream, prefix, use_float=True, multiple_values=multiple_values)
        for item in gen:
            n += 1
            yield n, item
    except JSON_ERRORS as exc:
        raise json_failure(ctx, exc, f"after {label} {n}" if n else "at the start", file) from exc


HEAD = 1 << 20  # where ``stream_array`` looks for the array's start
BLOCK = 64 << 10  # what it reads at a time (smaller blocks stay in the processor's cache: 64 KB read fastest)
LONGEST_ITEM = 64 << 20  # an item longer than this is read by ijson
_SPACE = re.compile(rb"[ \t\r\n]*")


class _Joined(io.RawIOBase):
    """``first``, then the rest of ``raw``: a stream put back together after reading ahead."""

    def __init__(self, first: bytes, raw: BinaryIO) -> None:
        self._first = memoryview(first)
        self._raw = raw

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        if not self._first:
            return self._raw.read(size)
        if size is None or size < 0:
            out, self._first = bytes(self._first) + self._raw.read(), memoryview(b"")
            return out
        out, self._first = bytes(self._first[:size]), self._first[size:]
        return out

    def readinto(self, b) -> int:  # noqa: ANN001
        data = self.read(len(b))
        b[:len(data)] = data
        return len(data)


def _array_start(data: bytes, key: str) -> int | None:
    """Where the items of the array ``key`` of the top-level object begin in ``data`` (just after
    its ``[``), or None. A match is at the top level when what comes before it, closed there, is
    an object: in a string the quotes are escaped, in a nested object the braces do not close."""
    name = key.encode()
    found = re.finditer(rb'"' + re.escape(name) + rb'"[ \t\r\n]*:[ \t\r\n]*\[', data)
    for _, m in zip(range(16), found):  # each try parses what comes before: a head full of them reads slowly
        try:
            head = orjson.loads(data[:m.start()] + b'"' + name + b'":[]}')
        except orjson.JSONDecodeError:
            continue
        if isinstance(head, dict) and head.get(key) == []:
            return m.end()
    return None


Slow = Callable[[BinaryIO, int], Iterator[tuple[int, Any]]]


def stream_array(raw: BinaryIO, key: str, ctx: ReadContext, *, file: str | None = None,
                 label: str = "item", slow: Slow | None = None) -> Iterator[tuple[int, Any]]:
    """``(n, item)`` for every item of the array ``key`` of a JSON object: what
    ``stream_items(JsonGuard(raw), key + ".item", ...)`` gives (or ``slow(raw, 0)``, an importer's
    own way to read the file with ijson), in a third of the time where the file is laid out as
    exporters write it.

    Items written one after another at the same indent are separated by ``},<that indent>{``,
    which can only be between two items there (a string holds no raw line break, and a nested
    object is indented further). Each block of ``BLOCK`` bytes is cut after its last separator
    and the items before it are parsed at once with orjson: a cut anywhere else would not parse,
    so a block that parses is whole items. From the first block that does not (no such layout,
    an item longer than ``LONGEST_ITEM``, or bad JSON, which ijson then names as before) the rest
    is read by ijson through ``JsonGuard`` (or by ``slow``). orjson refuses nesting deeper than
    1,024 levels itself.
    """
    if slow is None:
        def slow(stream: BinaryIO, n: int) -> Iterator[tuple[int, Any]]:
            return stream_items(JsonGuard(stream), f"{key}.item", ctx, file=file, label=label, start=n)
    first = raw.read(HEAD)
    data = first.removeprefix(BOM)
    start = _array_start(data, key)
    if start is None:
        yield from slow(_Joined(first, raw), 0)
        return
    item = _SPACE.match(data, start).end()
    sep = b"}," + data[start:item] + b"{"
    quoted = b'"' + key.encode() + b'"'
    opening = b"{" + quoted + b":["  # put before the items not parsed yet: the object from the array on
    buf, n, eof = data[item:], 0, not first
    keep = len(sep) - 1  # a separator can begin this far before a block
    parts, held, edge = [buf], len(buf), buf[-keep:]  # read and not parsed yet; its last bytes
    while True:
        block = b"" if eof else raw.read(BLOCK)
        if not block:
            buf = b"".join(parts)
            try:
                # The rest of the object; the key once only, else ijson reads a repeated key's items too.
                rest = orjson.loads(opening + buf) if quoted not in buf else None
            except orjson.JSONDecodeError:
                rest = None
            if not isinstance(rest, dict) or not isinstance(rest.get(key), list):
                break
            for obj in rest[key]:
                n += 1
                yield n, obj
            return
        window = edge + block
        cut = window.rfind(sep)
        parts.append(block)
        held += len(block)
        edge = window[-keep:]
        if cut < 0:  # an item longer than a block (or no such layout): read on
            if held > LONGEST_ITEM:
                buf = b"".join(parts)
                break
            continue
        buf = b"".join(parts)
        cut += len(buf) - len(window)
        try:
            items = orjson.loads(b"[" + buf[:cut + 1] + b"]")
        except orjson.JSONDecodeError:
            break
        buf = buf[cut + keep:]
        parts, held, edge = [buf], len(buf), buf[-keep:]
        for obj in items:
            n += 1
            yield n, obj
    yield from slow(_Joined(opening + buf, raw), n)


def read_head(stream: BinaryIO, ctx: ReadContext, stop: str, *, file: str | None = None) -> dict[str, Any]:
    """Top-level keys of a JSON object read up to the array ``stop`` (which is not read).

    Returns the values seen before ``stop``; ``stop`` maps to True when it was found as an array.
    """
    found: dict[str, Any] = {}
    events = ijson.parse(stream, use_float=True)
    try:
        prefix, event, value = next(events)
        if event != "start_map":
            raise ctx.fail("at the start", "expected a JSON object.", file=file)
        for prefix, event, value in events:
            if prefix == "" and event == "map_key":
                key = value
                prefix, event, value = next(events)
                if key == stop:
                    found[stop] = event == "start_array"
                    return found
                found[key] = build_value(event, value, events)
            elif prefix == "" and event == "end_map":
                break
    except StopIteration:
        pass
    except JSON_ERRORS as exc:
        raise json_failure(ctx, exc, "in the header", file) from exc
    return found


def build_value(event: str, value: Any, events: Iterator[tuple[str, str, Any]]) -> Any:
    """The whole value that starts with (event, value), built from the rest of an ijson event stream."""
    if event not in ("start_map", "start_array"):
        return value
    builder = ObjectBuilder()
    builder.event(event, value)
    depth = 1
    for _, ev, val in events:
        builder.event(ev, val)
        if ev in ("start_map", "start_array"):
            depth += 1
        elif ev in ("end_map", "end_array"):
            depth -= 1
            if depth == 0:
                break
    return builder.value


@dataclass
class Member:
    """One file to read inside an input: the input itself, a file in a folder, or a zip entry."""

    name: str
    size: int
    open: Callable[[], BinaryIO]


def walk_folder(folder: Path, skip: frozenset[Path] = frozenset()) -> list[Path]:
    """The files of a folder, in name order, without hidden files and folders nor the ``skip`` folders."""
    out = []
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and Path(root, d) not in skip)
        out.extend(Path(root) / f for f in sorted(files) if not f.startswith("."))
    return out


def data_files(folder: Path, limit: int = 500) -> list[Path]:
    """The data files (``DATA_EXTS``) among a folder's first ``limit`` files, for sniffing a folder."""
    return [f for _, f in zip(range(limit), walk_folder(folder)) if f.suffix.lower() in DATA_EXTS]


def members(path: Path, accept: Callable[[str, bytes], bool], passed: list[str] | None = None, *,
            head: int = 4096, skip: frozenset[Path] = frozenset()) -> Iterator[Member]:
    """The files of a file, folder or zip that ``accept(name, head)`` takes; zips are checked first.

    A zip's data files that ``accept`` does not take (another export zipped with this one) are
    added to ``passed``, for ``note_passed_over``. A folder's ``skip`` folders are not looked in."""
    if path.is_dir():
        for f in walk_folder(path, skip):
            if accept(f.name, safety.head(f, head)):
                yield Member(str(f.relative_to(path.parent)), f.stat().st_size, lambda f=f: open(f, "rb"))
    elif safety.is_zip(path):
        with safety.open_zip(path) as zf:
            for info in safety.zip_files(zf):
                with zf.open(info) as e:
                    first = e.read(head)
                if accept(info.filename, first):
                    yield Member(f"{path.name}/{info.filename}", info.file_size, lambda i=info: zf.open(i))
                elif passed is not None and os.path.splitext(info.filename)[1].lower() in DATA_EXTS:
                    passed.append(info.filename)
    else:
        yield Member(path.name, path.stat().st_size, lambda: open(path, "rb"))


def note_passed_over(ctx: ReadContext, passed: list[str], export: str, *, zipped: bool = True) -> None:
    """Say the data files found with an export that are no part of it (another export zipped or put
    in with it), with what to do to read them: nothing is passed over without a word."""
    if not passed:
        return
    one = len(passed) == 1
    how = f"unzip the archive and import its folder to read {'it' if one else 'them'}" if zipped \
        else f"import {'it on its' if one else 'them on their'} own"
    names = sorted(passed)
    said = ", ".join(names[:3]) + (f" and {len(names) - 3:,} more" if len(names) > 3 else "")
    ctx.note("beside the export", f"{len(names):,} file{'' if one else 's'} that {'is' if one else 'are'} "
             f"no part of the {export} {'was' if one else 'were'} not read; {how}: {said}")


def zip_heads(path: Path, suffix: str, limit: int = 50, *, size: int = 4096) -> Iterator[tuple[str, bytes]]:
    """``(entry name, first bytes)`` of a zip's first entries named ``*suffix``, for sniffing."""
    try:
        with zipfile.ZipFile(path) as zf:
            infos = [i for i in safety.zip_files(zf) if i.filename.lower().endswith(suffix)]
            for info in infos[:limit]:
                with zf.open(info) as e:
                    yield info.filename, e.read(size)
    except safety.UNREADABLE_ZIP:  # sniffing only: not claimed; planning the import names the file
        return


def text_of(data: bytes) -> str:
    return data.removeprefix(BOM).decode("utf-8", errors="replace")


def clean(value: Any) -> str:
    """A string as stored: exactly as written, except unpaired surrogates (not storable) -> U+FFFD."""
    if value.__class__ is str and value.isascii():  # the common case: nothing to replace
        return value
    if not isinstance(value, str):
        return "" if value is None or isinstance(value, (dict, list)) else str(value)
    return without_surrogates(value)


def parse_time(value: Any) -> dt.datetime | None:
    """An aware UTC datetime from ISO-8601 text (any offset; none = UTC), epoch ms, or ``{"$date": ms}``."""
    if value is None:
        return None
    try:
        if isinstance(value, dict) and "$date" in value:
            return parse_time(value["$date"])
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return from_ms(value)
        if isinstance(value, str) and value.strip():
            t = dt.datetime.fromisoformat(value.strip())
            return t.replace(tzinfo=UTC) if t.tzinfo is None else t.astimezone(UTC)
    except (ValueError, OverflowError, OSError, TypeError):
        return None
    return None


def from_ms(value: Any) -> dt.datetime | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value != value or value <= 0:
        return None
    try:
        return dt.datetime.fromtimestamp(value / 1000, UTC)
    except (ValueError, OverflowError, OSError):
        return None


def utc_naive(t: dt.datetime) -> dt.datetime:
    """An instant as the workspace stores it: UTC without a zone (a time without one is taken as UTC)."""
    return t.astimezone(UTC).replace(tzinfo=None) if t.tzinfo is not None else t


def stable_id(*parts: Any) -> str:
    """A stable id for a record that has none: 24 hex digits of a hash of its parts."""
    h = hashlib.blake2b(digest_size=12)
    for p in parts:
        h.update(str(p).encode("utf-8", "surrogatepass"))
        h.update(b"\x1f")
    return h.hexdigest()


class RecentIds:
    """Ids seen lately (bounded), to count a duplicated record once without holding every id."""

    def __init__(self, size: int = 200_000) -> None:
        self._size = size
        self._set: set = set()
        self._order: deque = deque()

    def seen(self, key: Any) -> bool:
        if key in self._set:
            return True
        self._set.add(key)
        self._order.append(key)
        if len(self._order) > self._size:
            self._set.discard(self._order.popleft())
        return False


def skip_quietly(ctx: ReadContext) -> None:
    """A record that is not data for the workbench (a system notice): counted as skipped, no problem."""
    ctx.skipped += 1


def ident(value: Any) -> str | None:
    """An id as text: strings and integers only."""
    if value.__class__ is str:
        if value.isdigit() and len(value) <= 200:  # the common case (snowflakes, numeric ids): nothing to strip or replace
            return value
        text = value.strip()
        return clean(text) if text and len(value) <= 200 else None
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return clean(value.strip()) if isinstance(value, str) and value.strip() and len(value) <= 200 else None
