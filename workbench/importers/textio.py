"""Small helpers shared by the forum, code-host, mail and CSV importers.

- ``detect_encoding``: UTF-8 (with or without BOM), UTF-16 with a BOM (Excel's "Unicode text"),
  otherwise Latin-1 (Windows-1252), decided from the first bytes.
- ``parse_time``: ISO-8601 (``Z``, offsets, no zone = UTC or the given zone), epoch seconds or
  milliseconds, and the common spreadsheet forms, always returned as aware UTC.
- ``read_json``: a saved API page, parsed with the safety rules of ``safety.load_json``.
"""
from __future__ import annotations

import codecs
import datetime as dt
import re
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path, PurePosixPath
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ..errors import ImportFailed
from .base import ReadContext
from .safety import UNREADABLE_ZIP, head, is_zip, load_json, open_zip, zip_files

UTC = dt.timezone.utc
MAX_PAGE_BYTES = 256 * 1024**2  # one saved API page; larger is not a page


def detect_encoding(data: bytes) -> str:
    """The text encoding of a file, judged from its first bytes."""
    if data.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if len(data) >= 4 and data[1] == 0 and data[3] == 0 and data[0] != 0:
        return "utf-16-le"
    if len(data) >= 4 and data[0] == 0 and data[2] == 0 and data[1] != 0:
        return "utf-16-be"
    try:
        data.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError as exc:
        if exc.start >= len(data) - 3 and exc.reason in ("unexpected end of data",):
            return "utf-8"  # a character cut by the sample's end
        return "cp1252" if _cp1252_ok(data) else "latin-1"


def _cp1252_ok(data: bytes) -> bool:
    try:
        data.decode("cp1252")
        return True
    except UnicodeDecodeError:
        return False


def head_decoded(path: Path, n: int = 8192) -> str:
    """The first characters of a text file in its own encoding (for sniffing)."""
    data = head(path, n)
    enc = detect_encoding(data)
    if enc.startswith("utf-16") and len(data) % 2:
        data = data[:-1]
    return codecs.getincrementaldecoder(enc)(errors="replace").decode(data, final=False)


def zone(name: str | None) -> dt.tzinfo:
    """A time zone by IANA name ("Europe/Berlin"), "UTC" or a fixed offset ("+02:00")."""
    if not name or name.upper() in ("UTC", "Z", "GMT"):
        return UTC
    m = re.fullmatch(r"(?:UTC)?([+-])(\d{1,2}):?(\d{2})?", name.strip())
    if m:
        delta = dt.timedelta(hours=int(m.group(2)), minutes=int(m.group(3) or 0))
        return dt.timezone(-delta if m.group(1) == "-" else delta)
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ImportFailed(f"“{name}” is not a time zone the workbench knows (use a name like "
                           "Europe/Berlin, or UTC, or an offset like +02:00).") from exc


_FORMATS = (
    "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d", "%Y/%m/%d %H:%M:%S", "%Y/%m/%d %H:%M", "%Y/%m/%d",
    "%d.%m.%Y %H:%M:%S", "%d.%m.%Y %H:%M", "%d.%m.%Y",
    "%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M", "%d/%m/%Y",
    "%m/%d/%Y %H:%M:%S", "%m/%d/%Y %H:%M", "%m/%d/%Y %I:%M:%S %p", "%m/%d/%Y %I:%M %p", "%m/%d/%Y",
    "%d-%m-%Y %H:%M:%S", "%d-%m-%Y %H:%M", "%d-%m-%Y",
    "%d %b %Y", "%d %B %Y", "%b %d, %Y", "%B %d, %Y", "%d-%b-%Y",
)


def parse_time(value: Any, tz: dt.tzinfo = UTC, *, day_first: bool | None = None) -> dt.datetime:
    """A timestamp as aware UTC; a value without a zone is read in ``tz``. Raises ValueError."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return _epoch(float(value))
    text = str(value).strip()
    if not text:
        raise ValueError("empty")
    if re.fullmatch(r"\d{9,13}(\.\d+)?", text):
        return _epoch(float(text))
    if text.endswith(" UTC"):  # Ruby's Time#to_s
        text, tz = text[:-4], UTC
    iso = text[:-1] + "+00:00" if text.endswith(("Z", "z")) else text
    iso = re.sub(r"(\.\d{6})\d+", r"\1", iso)  # nanoseconds
    try:
        t = dt.datetime.fromisoformat(iso)
    except ValueError:
        t = _by_formats(text, day_first)
    if t.tzinfo is None:
        t = t.replace(tzinfo=tz)
    return t.astimezone(UTC)


def _by_formats(text: str, day_first: bool | None) -> dt.datetime:
    formats = _FORMATS
    if day_first is False:
        formats = tuple(f for f in _FORMATS if not f.startswith(("%d/", "%d-%m")))
    elif day_first is True:
        formats = tuple(f for f in _FORMATS if not f.startswith("%m/"))
    for fmt in formats:
        try:
            return dt.datetime.strptime(text, fmt)
        except ValueError:
            continue
    raise ValueError(f"“{text}” is not a date the workbench can read")


def _epoch(x: float) -> dt.datetime:
    if x > 1e11:  # milliseconds
        x /= 1000.0
    try:
        return dt.datetime.fromtimestamp(x, UTC)
    except (OverflowError, OSError) as exc:  # past the calendar, or past what the C library takes
        raise ValueError(f"{x:g} seconds from 1970 is not a time the workbench can read") from exc


def iso_utc(value: Any) -> dt.datetime | None:
    """An API timestamp, or None when absent or unreadable."""
    if value in (None, ""):
        return None
    try:
        return parse_time(value)
    except (ValueError, OverflowError, OSError):
        return None


def gunzip_head(path: Path, n: int = 4096) -> bytes:
    """The first decompressed bytes of a gzip file (for sniffing; a damaged tail does not matter)."""
    return gunzip_start(head(path, GZIP_HEAD), n)


GZIP_HEAD = 64 * 1024  # compressed bytes read to sniff a gzip's start


def gunzip_start(data: bytes, n: int = 4096) -> bytes:
    """The first ``n`` decompressed bytes of the start of a gzip stream, or none when it is not one."""
    try:
        return zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(data, n)
    except zlib.error:
        return b""


def read_json(path: Path, ctx: ReadContext, *, display: str | None = None) -> Any:
    """A saved API page (small by nature) parsed safely, read through ``ctx`` for progress."""
    name = display or path.name
    if path.stat().st_size > MAX_PAGE_BYTES:
        raise ImportFailed(f"{name}: the file is larger than any saved API page "
                           f"({MAX_PAGE_BYTES // 1024**2} MB); it was refused.")
    with ctx.open_binary(path) as f:
        data = f.read()
    return load_json(data, name)


def json_head(path: Path, n: int = 4096) -> str:
    """The first characters of a JSON file without whitespace, for sniffing."""
    return _squeeze(head(path, n))


def _squeeze(data: bytes) -> str:
    return re.sub(r"\s+", "", data.decode("utf-8", errors="replace").lstrip("\ufeff"))


def _json_entries(zf: zipfile.ZipFile) -> list[zipfile.ZipInfo]:
    return sorted((i for i in zip_files(zf) if i.filename.lower().endswith(".json")
                   and not PurePosixPath(i.filename).name.startswith(".")), key=lambda i: i.filename)


def page_heads(path: Path, limit: int = 50) -> list[str]:
    """The squeezed first bytes of the saved pages of a folder (subfolders too) or a zip, for sniffing."""
    if path.is_dir():
        return [json_head(p) for p in folder_pages(path)[:limit]]
    if is_zip(path):
        try:
            with zipfile.ZipFile(path) as zf:
                entries = _json_entries(zf)
                if not entries or len(entries) != len(zip_files(zf)):
                    return []  # a zip of pages holds pages only
                heads = []
                for info in entries[:limit]:
                    with zf.open(info) as f:
                        heads.append(_squeeze(f.read(4096)))
                return heads
        except UNREADABLE_ZIP:
            return []
    return []


def folder_pages(folder: Path) -> list[Path]:
    """The saved pages of a folder, its subfolders included, in a stable order."""
    return sorted((p for p in folder.rglob("*.json") if not p.name.startswith(".")),
                  key=lambda p: p.relative_to(folder).parts)


def iter_pages(path: Path, ctx: ReadContext, names: list[str] | None = None) -> Iterator[tuple[str, Any]]:
    """(name, parsed JSON) of every saved page of a file, a folder or a zip, one page in memory.

    ``names`` (from ``page_names``) fixes the order; pages are read through ``ctx`` for progress."""
    if path.is_dir():
        pages = {p.relative_to(path).as_posix(): p for p in folder_pages(path)}
        for name in names or list(pages):
            yield Path(name).name, read_json(pages[name], ctx, display=Path(name).name)
    elif is_zip(path):
        with open_zip(path) as zf:
            infos = {i.filename: i for i in _json_entries(zf)}
            for name in names or list(infos):
                info = infos[name]
                display = PurePosixPath(name).name
                if info.file_size > MAX_PAGE_BYTES:
                    raise ImportFailed(f"{path.name}, {name}: larger than any saved API page; it was refused.")
                with ctx.track(zf.open(info), info.file_size, f"Reading {display}") as f:
                    yield display, load_json(f.read(), path.name, name)
    else:
        yield path.name, read_json(path, ctx)


def page_names(path: Path) -> list[str]:
    """The names ``iter_pages`` reads, in its order (for importers that reorder pages)."""
    if path.is_dir():
        return [p.relative_to(path).as_posix() for p in folder_pages(path)]
    if is_zip(path):
        with zipfile.ZipFile(path) as zf:
            return [i.filename for i in _json_entries(zf)]
    return [path.name]
