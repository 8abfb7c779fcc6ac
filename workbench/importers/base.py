"""What every importer is: ``sniff(path)`` and a streaming ``read(path, ctx)`` that yields records.

An importer module defines one or more ``Importer`` subclasses and lists instances in a module
level ``IMPORTERS`` list; ``workbench.importers.registry`` names every module explicitly.

``read`` yields plain records from ``workbench.records`` and never touches the database. It
reports per-record problems with ``ctx.problem(position, message)`` and skips only that record;
it raises ``ImportFailed`` (one sentence naming the file and the place) when the whole file is
not what it claims or is truncated. It reads through ``ctx.open_binary``/``ctx.track`` so that
progress and cancel come for free, and it never holds a whole large file in memory.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import io
import time
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, BinaryIO, ClassVar

from ..errors import ImportCancelled, ImportFailed
from ..records import Problem, Record

ProgressFn = Callable[[float, str], None]
CancelFn = Callable[[], bool]

MAX_PROBLEMS_KEPT = 1000  # beyond this the run keeps a count, not every sentence
# What an export's folder or zip holds as data; media (images, .txt attachments) are not data.
DATA_EXTS = frozenset({".json", ".csv", ".zip", ".jsonl", ".xml", ".mbox"})


# What a malformed record raises in an importer's hands: caught per record, reported, skipped.
RECORD_ERRORS = (KeyError, IndexError, TypeError, ValueError, AttributeError, OverflowError)
STORABLE_INT = 1 << 63  # a database integer is 64 bits
MAX_COUNT = 1 << 31  # a reaction count at or above this is damage, not a count


def as_dict(value: Any) -> dict:
    """The value when an export has the object it should there; an empty one otherwise."""
    return value if isinstance(value, dict) else {}


def as_list(value: Any) -> list:
    """The value when an export has the list it should there; an empty one otherwise."""
    return value if isinstance(value, list) else []


def stated_count(value: Any, otherwise: int) -> int:
    """The count an export states (a whole number from 0 below ``MAX_COUNT``); ``otherwise`` when it
    states none, or a number no message has (negative, fractional, true/false, or 2**70)."""
    return value if value.__class__ is int and 0 <= value < MAX_COUNT else otherwise

_TYPES = {"str": (str,), "int": (int,), "bool": (bool,), "float": (int, float), "dt.datetime": (dt.datetime,),
          "None": (type(None),)}
_FIELD_TYPES: dict[type, list[tuple[str, tuple]]] = {}
_WORDS = {str: "text", int: "a whole number", float: "a number", bool: "true or false", dt.datetime: "a time",
          type(None): "nothing", dict: "an object", list: "a list"}


def _field_types(cls: type) -> list[tuple[str, tuple]]:
    if cls not in _FIELD_TYPES:
        out = []
        for f in dataclasses.fields(cls):
            tokens = [t.strip() for t in str(f.type).split("|")]
            if all(t in _TYPES for t in tokens):
                out.append((f.name, tuple(k for t in tokens for k in _TYPES[t])))
        _FIELD_TYPES[cls] = out
    return _FIELD_TYPES[cls]


def checked(records: Iterator[Record]) -> list[Record]:
    """The records one export record turned into, each field of the type the store expects
    (text, a whole number, an aware time...); a ``ValueError`` naming the field otherwise. An
    importer reads one record this way so that a value of the wrong shape (a list where a name
    belongs) is that record's problem, never a failure of the whole import."""
    out = list(records)
    for rec in out:
        for name, types in _field_types(type(rec)):
            value = getattr(rec, name)
            if not isinstance(value, types) or (isinstance(value, bool) and bool not in types and int in types):
                wanted = " or ".join(dict.fromkeys(_WORDS.get(t, t.__name__) for t in types))
                raise ValueError(f"its {name} is {_WORDS.get(type(value), type(value).__name__)} where {wanted} belongs")
            if isinstance(value, dt.datetime) and value.tzinfo is None:
                raise ValueError(f"{name} has no time zone")
            if value.__class__ is int and not -STORABLE_INT <= value < STORABLE_INT:
                raise ValueError(f"its {name} is a number too large to store")
    return out


def why(exc: BaseException) -> str:
    """A malformed record's exception as a few words for its problem line."""
    if isinstance(exc, KeyError):
        return f"no {exc.args[0]!r}" if exc.args else "a field is missing"
    if isinstance(exc, (AttributeError, TypeError)):
        return "a field holds a value of the wrong kind"
    return str(exc) or exc.__class__.__name__


def _sentence(message: str) -> str:
    """A message ending as a sentence: 'no author; skipped' -> 'no author; skipped.'."""
    message = message.rstrip()
    return message if message.endswith((".", "?", "!", "…")) else message + "."


class ReadContext:
    """What an importer's ``read`` gets: problem collection, progress and cancel for one input."""

    report_interval = 0.05  # seconds between progress reports passed on (the last always is)

    def __init__(self, display_name: str, *, progress: ProgressFn | None = None,
                 cancel: CancelFn | None = None, options: dict | None = None, input_bytes: int | None = None) -> None:
        self.file = display_name
        # A folder's files (or a zip's data entries), read one after another through ``track``, are
        # each a share of these bytes, so its progress runs once from start to end, not once a file.
        self.input_bytes = input_bytes
        self._tracked = 0  # the bytes of the files read through ``track`` before
        self._shared = False  # a file was read as a share of ``input_bytes``
        self.options: dict = dict(options or {})  # importer-specific (a CSV column mapping, a time zone)
        self.problems: list[Problem] = []
        self.problem_count = 0
        self.notes: list[Problem] = []  # what was left alone and why (a file imported before), not problems
        self.skipped = 0
        self._progress = progress
        self._cancel = cancel
        self._last_report = 0.0

    # -- problems -----------------------------------------------------------------------------
    def problem(self, position: str, message: str, *, file: str | None = None, skipped: bool = True) -> None:
        """Record a problem with one record (which the importer then skips). The message is a
        sentence, and ends as one ("…; skipped.")."""
        message = _sentence(message)
        self.problem_count += 1
        if skipped:
            self.skipped += 1
        if len(self.problems) < MAX_PROBLEMS_KEPT:
            self.problems.append(Problem(file or self.file, position, message))

    def note(self, position: str, message: str, *, file: str | None = None) -> None:
        """Record something left alone that is not a problem: a file identical to one imported
        before, which is not read again, or one that holds nothing the workbench keeps (a saved
        error response, a bare list of ids). Said where the import is reported, not counted with
        the problems (a folder read again with one new file had "1 problem", and the window said
        that a record had been skipped)."""
        message = _sentence(message)
        if len(self.notes) < MAX_PROBLEMS_KEPT:
            self.notes.append(Problem(file or self.file, position, message))

    def fail(self, position: str, message: str, *, file: str | None = None) -> ImportFailed:
        """An ``ImportFailed`` naming the file and the place; ``raise ctx.fail(...)``."""
        where = f"{file or self.file}"
        if position:
            where += f", {position}"
        return ImportFailed(f"{where}: {message}")

    # -- progress and cancel ------------------------------------------------------------------
    def progress(self, fraction: float, message: str = "") -> None:
        """Report progress through this input (0..1); also the place where cancel is honoured."""
        self.check_cancel()
        if self._progress is None:
            return
        now = time.monotonic()
        if now - self._last_report >= self.report_interval or fraction >= 1.0:
            self._last_report = now
            self._progress(max(0.0, min(1.0, fraction)), message)

    def check_cancel(self) -> None:
        if self._cancel is not None and self._cancel():
            raise ImportCancelled()

    def track(self, fileobj: BinaryIO, total: int, message: str = "") -> BinaryIO:
        """Wrap a binary file so reading it reports progress and honours cancel."""
        return _TrackedReader(fileobj, total, self, message)

    def open_binary(self, path: Path, message: str = "") -> BinaryIO:
        """Open a file for streaming reads, with progress and cancel."""
        size = path.stat().st_size
        return self.track(open(path, "rb"), size, message or f"Reading {path.name}")


class _TrackedReader(io.RawIOBase):
    def __init__(self, raw: BinaryIO, total: int, ctx: ReadContext, message: str) -> None:
        self._raw = raw
        self._total = max(total, 1)
        self._done = 0
        self._ctx = ctx
        self._message = message
        self._since = 0
        # A share of the input when the files read so far and this one fit in it. When they do not
        # (an entry of a zip the count left out), the progress holds where the shares brought it
        # rather than going back; with no share yet, each file runs from start to end.
        whole = ctx.input_bytes
        self._share = (ctx._tracked, whole) if whole and ctx._tracked + total <= whole else None
        if self._share is not None:
            ctx._shared = True
        elif ctx._shared:
            self._share = (ctx._tracked, whole)
            self._total = 0  # nothing of this file is added to the share

    def readable(self) -> bool:
        return True

    def readinto(self, b) -> int:  # noqa: ANN001
        data = self._raw.read(len(b))
        n = len(data)
        b[:n] = data
        self._account(n)
        return n

    def read(self, size: int = -1) -> bytes:
        data = self._raw.read(size)
        self._account(len(data))
        return data

    def _account(self, n: int) -> None:
        self._done += n
        self._since += n
        if self._since >= 1 << 18 or n == 0:
            self._since = 0
            if self._share is not None:
                before, whole = self._share
                self._ctx.progress((before + min(self._done, self._total)) / whole, self._message)
            else:
                self._ctx.progress(self._done / self._total, self._message)

    def close(self) -> None:
        if not self.closed:
            self._ctx._tracked += self._total
        try:
            self._raw.close()
        finally:
            super().close()


class Importer(ABC):
    """One export format. Subclasses set the class attributes and implement sniff and read."""

    name: ClassVar[str] = ""  # short id: "slack", "discord-json"
    label: ClassVar[str] = ""  # for people: "Slack workspace export"
    platform: ClassVar[str] = ""  # the platform its records belong to
    version: ClassVar[str] = "1"
    patterns: ClassVar[tuple[str, ...]] = ()  # file-dialog patterns: ("*.zip", "*.json")
    folders: ClassVar[bool] = False  # accepts a folder as one input
    # Read after the run's other inputs: its ``prepare`` looks at what they wrote (a channel's CSV,
    # which has no message ids, matches its messages to those its JSON brought).
    reads_last: ClassVar[bool] = False

    @abstractmethod
    def sniff(self, path: Path) -> bool:
        """Whether this importer reads ``path`` (a file, folder or zip). Must be cheap."""

    @abstractmethod
    def read(self, path: Path, ctx: ReadContext) -> Iterator[Record]:
        """Yield the records of ``path``; report problems on ``ctx``."""

    def prepare(self, path: Path, conn, options: dict) -> dict:  # noqa: ANN001 - a SQLAlchemy Connection
        """Options for ``read`` (``ctx.options``), completed from the workspace before reading.

        The default passes ``options`` through; an importer that needs saved settings (a CSV
        column mapping saved by header signature) looks them up here, and raises ``ImportFailed``
        when it cannot go on without them. Runs inside the import's transaction.
        """
        return options

    def ask_before_reading(self, path: Path, name: str, conn, options: dict) -> None:  # noqa: ANN001 - a Connection
        """Raise what the person must answer before ``path`` (named ``name``) can be read, for every
        input of an import before any is read: asked at once, not after the other exports of the
        import were read (and read again once answered). A CSV whose columns are new, an older
        Telegram export's clock times without their zone. The default asks nothing."""

    def left_alone(self, path: Path, options: dict) -> list[Path]:
        """The files of ``path`` that ``prepare`` found identical to files an earlier run read (in
        ``options``, what it returned): ``read`` passes over them, and the run does not list them
        among its files, which stay those of the run that read them."""
        return []

    def attachments(self, path: Path) -> list[Path]:
        """The folders that hold the files sent in the chat of the export at ``path``, as its exporter
        downloaded them: beside a file (a Telegram chat's ``photos/``, ``files/``) or inside a folder
        read whole. They are part of the export, whatever the kind of each file (a CSV or JSON file
        someone sent), so a folder walk does not offer them to other importers, and the run does not
        list them among the files it read."""
        return []

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.name}>"
