"""Reading untrusted exports safely: zips, JSON, text.

- Zips: entries with absolute paths or ``..`` are refused, and so are archives whose declared
  uncompressed size or compression ratio is past the caps (zip bombs). Entries are read through
  ``zipfile``, which never reads past an entry's declared size, so a lying header cannot inflate
  more than it declared.
- JSON: Python's parser raises ``RecursionError`` on very deep nesting; ``load_json`` turns that
  into a clear ``ImportFailed``.
- Text is stored exactly as written (markup, bidi and zero-width characters included); nothing
  is ever interpreted.
"""
from __future__ import annotations

import io
import json
import posixpath
import zipfile
from pathlib import Path, PurePosixPath
from typing import Any, BinaryIO

from ..errors import ImportFailed

MAX_UNCOMPRESSED = 16 * 1024**3  # 16 GiB for a whole archive
MAX_RATIO = 250  # compressed:uncompressed for any entry over MIN_RATIO_CHECK
MIN_RATIO_CHECK = 4 * 1024**2
MAX_ENTRIES = 2_000_000
# What opening or reading a zip entry raises when the reader cannot (damaged, encrypted, an
# unsupported compression method, cut short): while sniffing, such an entry or zip is not
# claimed, and planning the import, or reading it, names the file.
UNREADABLE_ZIP = (zipfile.BadZipFile, OSError, RuntimeError, NotImplementedError, EOFError)


def is_zip(path: Path) -> bool:
    if not path.is_file():
        return False
    try:
        with open(path, "rb") as f:
            return f.read(4) in (b"PK\x03\x04", b"PK\x05\x06")
    except OSError:
        return False


def open_zip(path: Path) -> zipfile.ZipFile:
    """Open a zip after checking every entry; raises ``ImportFailed`` naming the file and entry."""
    try:
        zf = zipfile.ZipFile(path)
    except zipfile.BadZipFile as exc:
        raise ImportFailed(f"{path.name}: not a readable zip archive ({exc}); it may be truncated.") from exc
    try:
        check_zip(zf, path.name)
    except ImportFailed:
        zf.close()
        raise
    return zf


def check_zip(zf: zipfile.ZipFile, display: str) -> None:
    infos = zf.infolist()
    if len(infos) > MAX_ENTRIES:
        raise ImportFailed(f"{display}: the archive holds {len(infos):,} entries, more than the "
                           f"{MAX_ENTRIES:,} the workbench accepts.")
    total = 0
    for info in infos:
        name = info.filename
        pure = PurePosixPath(name.replace("\\", "/"))
        if pure.is_absolute() or name.startswith(("/", "\\")) or (len(name) > 1 and name[1] == ":") \
                or ".." in pure.parts:
            raise ImportFailed(f"{display}: the archive entry “{name}” points outside the archive "
                               "(an absolute path or “..”); the archive was refused.")
        total += info.file_size
        if info.file_size > MIN_RATIO_CHECK and info.compress_size > 0 \
                and info.file_size / info.compress_size > MAX_RATIO:
            raise ImportFailed(f"{display}: the archive entry “{name}” would expand "
                               f"{info.file_size / info.compress_size:,.0f} times (a zip bomb?); "
                               "the archive was refused.")
        if info.file_size > MIN_RATIO_CHECK and info.compress_size == 0:
            raise ImportFailed(f"{display}: the archive entry “{name}” declares no compressed data "
                               "but a large size; the archive was refused.")
    if total > MAX_UNCOMPRESSED:
        raise ImportFailed(f"{display}: the archive would expand to {total / 1024**3:,.1f} GiB, more than "
                           f"the {MAX_UNCOMPRESSED // 1024**3} GiB the workbench accepts; it was refused.")


class ExpansionGuard(io.RawIOBase):
    """A decompressing reader (gzip) that refuses to expand past ``MAX_RATIO`` times its compressed
    size (once past ``MIN_RATIO_CHECK`` bytes) or past ``MAX_UNCOMPRESSED``: a compression bomb is
    refused with one sentence instead of filling the disk or the hours."""

    def __init__(self, inner: BinaryIO, compressed_size: int, display: str) -> None:
        super().__init__()
        self._inner = inner
        self._limit = min(MAX_UNCOMPRESSED, max(MIN_RATIO_CHECK, compressed_size * MAX_RATIO))
        self._display = display
        self._total = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # noqa: ANN001 - a writable buffer
        data = self._inner.read(len(buffer))
        self._total += len(data)
        if self._total > self._limit:
            raise ImportFailed(f"{self._display}: the compressed file expands more than {MAX_RATIO} times its size "
                               "(a compression bomb?); it was refused.")
        buffer[:len(data)] = data
        return len(data)

    def close(self) -> None:
        self._inner.close()
        super().close()


OS_FILES = {".DS_Store", "Thumbs.db", "desktop.ini"}  # what a file manager writes into any folder


def added_by_os(name: str) -> bool:
    """A file the system adds beside what a person saved or zipped: a file manager's own files, and
    in every zip macOS's Finder makes, ``__MACOSX/`` with a ``._`` copy of each file's attributes."""
    parts = name.replace("\\", "/").split("/")
    return "__MACOSX" in parts or parts[-1].startswith("._") or parts[-1] in OS_FILES


def zip_files(zf: zipfile.ZipFile) -> list[zipfile.ZipInfo]:
    """The files of a zip as its maker zipped them: neither folders nor what the system adds."""
    return [i for i in zf.infolist() if not i.is_dir() and not added_by_os(i.filename)]


def zip_names(path: Path) -> list[str]:
    """Entry names of a zip, for sniffing (no safety check: nothing is extracted), without what
    the system adds."""
    try:
        with zipfile.ZipFile(path) as zf:
            return [posixpath.normpath(n.replace("\\", "/")) for n in zf.namelist() if not added_by_os(n)]
    except (zipfile.BadZipFile, OSError):
        return []


def load_json(data: bytes | str, display: str, position: str = "") -> Any:
    """Parse a JSON document that fits in memory; clear errors for bad or hostile input."""
    where = f"{display}, {position}" if position else display
    try:
        return json.loads(data)
    except RecursionError as exc:
        raise ImportFailed(f"{where}: the JSON is nested too deeply to be an export; it was refused.") from exc
    except UnicodeDecodeError as exc:
        raise ImportFailed(f"{where}: the file is not UTF-8 text ({exc.reason} at byte {exc.start}).") from exc
    except json.JSONDecodeError as exc:
        if exc.pos >= len(exc.doc.rstrip()) - 1:
            raise ImportFailed(f"{where}: the JSON ends early at line {exc.lineno}, column {exc.colno}; "
                               "the file looks truncated.") from exc
        raise ImportFailed(f"{where}: not valid JSON at line {exc.lineno}, column {exc.colno} ({exc.msg}).") from exc


def head(path: Path, n: int = 4096) -> bytes:
    """The first bytes of a file, for sniffing."""
    try:
        with open(path, "rb") as f:
            return f.read(n)
    except OSError:
        return b""


def head_text(path: Path, n: int = 4096) -> str:
    data = head(path, n)
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    return data.decode("utf-8", errors="replace")
