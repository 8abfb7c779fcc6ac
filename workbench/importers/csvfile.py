"""Generic CSV: members, activities or recognitions from any tool, read through a column mapping.

The person importing maps columns to fields once (the mapping dialog, or ``workbench import
--mapping FILE``); the mapping is saved in the workspace under the file's header signature and
reused for every later file with the same columns. A mapping is a JSON object::

    {"kind": "members",                      # members, activities or recognitions
     "platform": "meetup",                   # the platform the rows belong to (default "csv")
     "columns": {"external_id": "Member ID", "display_name": "Name", "joined_at": "Joined"},
     "timezone": "Europe/Berlin",            # for dates without a zone (default UTC)
     "date_order": "DMY",                    # DMY or MDY for 01/02/2024 (default DMY)
     "on_error": "refuse"}                   # refuse (default): a bad row stops the import;
                                             # skip: bad rows are reported and skipped

The importer's options (``ws.import_paths(..., options={"csv": {...}})``): ``mapping`` (one mapping
for every CSV of the import, as ``--mapping`` gives), ``mappings`` (header signature to mapping,
as the Imports page gives after asking), ``timezone`` (overrides the mapping's). A mapping given
in the options is checked against the file's header and saved; without one, the saved mapping for
the header is used, and without that the import stops with ``NeedsCsvMapping``.

Encodings: UTF-8 with or without BOM, UTF-16 with BOM (Excel's "Unicode text"), else Latin-1.
Delimiters: comma, semicolon or tab, sniffed from the header. A bad row is reported with its row
number as a spreadsheet shows it (the header is row 1); with ``on_error: refuse`` the import is
refused and nothing is written.

A recognitions CSV names people who are already in the workspace, as a spreadsheet of shout-outs
or swag names them: by member id, user name, e-mail or name, on the mapping's platform (on every
platform when it is left as "csv"). ``prepare`` looks each of them up before reading; a name that
is nobody's, or several people's, is a bad row, never a new account of its own (which would leave
the real person forgotten in the recognition gap).
"""
from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, BinaryIO

from sqlalchemy import delete, insert, select

from ..errors import ImportFailed
from ..fmt import platform_name
from ..people.lookup import BY, accounts_named
from ..records import AccountRec, ActivityRec, ChannelRec, MembershipRec, Record, RecognitionRec
from ..store.models import CsvMapping
from .base import Importer, ReadContext
from .safety import head
from .textio import detect_encoding, zone, parse_time

KINDS = ("members", "activities", "recognitions")
# field -> (label for people, required)
FIELDS: dict[str, dict[str, tuple[str, bool]]] = {
    "members": {
        "external_id": ("Member id", False), "handle": ("User name", False), "display_name": ("Name", False),
        "email": ("E-mail", False), "joined_at": ("Joined (date)", False), "is_bot": ("Is a bot (yes/no)", False),
        "is_staff": ("Is staff (yes/no)", False),
    },
    "activities": {
        "external_id": ("Activity id", False), "account": ("Author (member id)", True),
        "account_name": ("Author name", False), "created_at": ("Date", True), "channel": ("Channel", False),
        "title": ("Title", False), "text": ("Text", False), "parent": ("Replies to (activity id)", False),
        "kind": ("Kind", False), "reaction_count": ("Reactions (number)", False),
    },
    "recognitions": {
        "account": ("Person (member id, user name, e-mail or name)", True), "kind": ("Kind", True),
        "given_at": ("Date", True),
        "note": ("Note", False), "given_by": ("Given by", False),
    },
}
DATE_FIELDS = {"joined_at", "created_at", "given_at"}
TRUE = {"1", "true", "yes", "y", "x", "ja", "oui", "sí", "si", "wahr", "vrai"}
MAX_FIELD = 1 << 24
SNIFF_BYTES = 64 * 1024


class NeedsCsvMapping(ImportFailed):
    """A CSV whose columns have no saved mapping: the GUI asks for one, the CLI says how."""

    def __init__(self, message: str, *, path: Path, headers: list[str]) -> None:
        super().__init__(message)
        self.path = path
        self.headers = headers


# -- reading the file --------------------------------------------------------------------------
def dialect_of(path: Path) -> tuple[str, str]:
    """(encoding, delimiter) of a CSV file, judged from its first bytes."""
    data = head(path, SNIFF_BYTES)
    enc = detect_encoding(data)
    if enc.startswith("utf-16") and len(data) % 2:
        data = data[:-1]
    text = data.decode(enc, errors="replace").lstrip("\ufeff")
    first = text.split("\n", 1)[0]
    counts = {d: first.count(d) for d in (",", ";", "\t")}
    delimiter = max(counts, key=lambda d: counts[d])
    if counts[delimiter] == 0:
        delimiter = ","
    return enc, delimiter


def _text(stream, enc: str) -> io.TextIOWrapper:  # noqa: ANN001
    return io.TextIOWrapper(stream, encoding=enc, errors="replace", newline="")


@contextmanager
def _csv_reader(path: Path, raw: BinaryIO | None = None) -> Iterator[Iterator[list[str]]]:
    """A CSV reader over the file (or ``raw``, its bytes opened elsewhere) in its encoding and
    delimiter; ``_header`` reads its first row."""
    enc, delim = dialect_of(path)
    csv.field_size_limit(MAX_FIELD)
    with raw if raw is not None else open(path, "rb") as stream, _text(stream, enc) as text:
        yield csv.reader(text, delimiter=delim)


def _header(reader: Iterator[list[str]]) -> list[str]:
    return [h.strip().lstrip("\ufeff") for h in next(reader, [])]


def read_header(path: Path) -> list[str]:
    with _csv_reader(path) as reader:
        try:
            return _header(reader)
        except csv.Error as exc:
            raise ImportFailed(f"{path.name}, row 1: the header cannot be read as CSV ({exc}).") from exc


def preview(path: Path, rows: int = 5) -> tuple[list[str], list[list[str]]]:
    """The header and the first rows, for the mapping dialog."""
    with _csv_reader(path) as reader:
        header = _header(reader)
        body = [r for _, r in zip(range(rows), reader)]
    return header, body


def header_signature(headers: list[str]) -> str:
    """The key a mapping is saved under: the columns, in order, case and spaces ignored."""
    norm = "\x1f".join(h.strip().lower() for h in headers)
    return hashlib.sha256(norm.encode("utf-8")).hexdigest()


def check_mapping(mapping: Any, headers: list[str], display: str) -> dict:
    """A mapping made whole (defaults filled in) or ``ImportFailed`` with one sentence."""
    if not isinstance(mapping, dict) or mapping.get("kind") not in KINDS:
        raise ImportFailed(f"{display}: the mapping must be an object whose “kind” is one of "
                           f"{', '.join(KINDS)}.")
    kind = mapping["kind"]
    columns = mapping.get("columns")
    if not isinstance(columns, dict):
        raise ImportFailed(f"{display}: the mapping has no “columns” object (field name to column name).")
    fields = FIELDS[kind]
    for field, column in columns.items():
        if field not in fields:
            raise ImportFailed(f"{display}: the mapping names the field “{field}”, which {kind} do not have "
                               f"(they have {', '.join(fields)}).")
        if column not in headers:
            raise ImportFailed(f"{display}: the mapping's column “{column}” (for {field}) is not in the "
                               "file's header.")
    missing = [f for f, (_, required) in fields.items() if required and f not in columns]
    if kind == "members" and not ({"external_id", "email", "handle"} & set(columns)):
        missing.append("external_id, email or handle")
    if missing:
        raise ImportFailed(f"{display}: the mapping leaves out {', '.join(missing)}, which {kind} need.")
    zone(mapping.get("timezone"))  # a bad zone name is one sentence now, not one per row
    return {"kind": kind, "platform": str(mapping.get("platform") or "csv").strip().lower() or "csv",
            "columns": dict(columns), "timezone": mapping.get("timezone") or "UTC",
            "date_order": (mapping.get("date_order") or "DMY").upper(),
            "on_error": mapping.get("on_error") or "refuse"}


# -- the importer --------------------------------------------------------------------------------
class CsvImporter(Importer):
    name = "csv"
    label = "CSV file (members, activities or recognitions, with a column mapping)"
    platform = "csv"
    patterns = ("*.csv", "*.tsv")

    def sniff(self, path: Path) -> bool:
        if not path.is_file() or path.suffix.lower() not in (".csv", ".tsv"):
            return False
        return bool(head(path, 16).strip())

    def ask_before_reading(self, path: Path, name: str, conn, options: dict) -> None:  # noqa: ANN001
        self._mapping_of(path, conn, options)

    def _mapping_of(self, path: Path, conn, options: dict) -> tuple[list[str], dict, bool]:  # noqa: ANN001
        """The file's header, its mapping as given or saved, and whether it was given; a file whose
        columns have no mapping is NeedsCsvMapping."""
        headers = read_header(path)
        if not any(headers):
            raise ImportFailed(f"{path.name}, row 1: the file has no header row naming its columns.")
        signature = header_signature(headers)
        given = options.get("mapping")
        if given is None:  # mappings given for several files at once, by header signature
            given = (options.get("mappings") or {}).get(signature)
        if given is not None:
            return headers, given, True
        row = conn.execute(select(CsvMapping.mapping).where(CsvMapping.signature == signature)).first()
        if row is None:
            raise NeedsCsvMapping(
                f"{path.name}: the workbench does not know what these columns hold yet; map them once "
                "(the Imports page asks, or give `workbench import --mapping FILE`).",
                path=path, headers=headers)
        return headers, row[0], False

    def prepare(self, path: Path, conn, options: dict) -> dict:  # noqa: ANN001
        headers, given, from_options = self._mapping_of(path, conn, options)
        signature = header_signature(headers)
        mapping = check_mapping(given, headers, path.name)
        if options.get("timezone"):
            zone(options["timezone"])
            mapping["timezone"] = options["timezone"]
        if from_options:
            conn.execute(delete(CsvMapping).where(CsvMapping.signature == signature))
            conn.execute(insert(CsvMapping).values(signature=signature, kind=mapping["kind"], headers=headers,
                                                   mapping=mapping, saved_at=dt.datetime.now(dt.timezone.utc)))
        prepared = {**options, "mapping": mapping, "headers": headers}
        if mapping["kind"] == "recognitions":
            named = _column_values(path, mapping["columns"]["account"])
            platform = None if mapping["platform"] == "csv" else mapping["platform"]
            prepared["people"] = accounts_of_names(conn, named, platform)
        return prepared

    def read(self, path: Path, ctx: ReadContext) -> Iterator[Record]:
        mapping = ctx.options.get("mapping")
        if not mapping:
            raise ctx.fail("", "no column mapping was given for this CSV.")
        rows = _Rows(mapping, ctx, ctx.options.get("people"))
        with _csv_reader(path, io.BufferedReader(ctx.open_binary(path))) as reader:
            try:
                index = {name: i for i, name in reversed(list(enumerate(_header(reader))))}
                for n, values in enumerate(reader, start=2):
                    if not any(v.strip() for v in values):
                        continue
                    yield from rows.row(n, {f: _cell(values, index.get(c)) for f, c in mapping["columns"].items()})
            except csv.Error as exc:
                raise ctx.fail(f"row {reader.line_num}", f"not readable as CSV ({exc}).") from exc
        rows.finish(path.name)


def _column_values(path: Path, column: str) -> set[str]:
    """The distinct values of one column of the file, stripped (the header's name as the reader finds it)."""
    values: set[str] = set()
    with _csv_reader(path) as reader:
        try:
            i = _header(reader).index(column)
            for row in reader:
                value = _cell(row, i)
                if value:
                    values.add(value)
        except (csv.Error, ValueError):
            pass  # read() names the bad row
    return values


def accounts_of_names(conn, names: set[str], platform: str | None) -> dict[str, tuple[str, str] | str]:  # noqa: ANN001
    """Each name of a recognitions CSV to the account it names, ``(platform, external id)``, or to
    the sentence that says why it names none (``people.lookup.accounts_named``: by member id, user
    name, e-mail or name, on ``platform`` or every platform). A name that finds several people is
    refused (bots and accounts seen only in references give way to members), as is one that finds
    nobody."""
    where = f"{platform_name(platform)} member" if platform else "member on any platform"
    found: dict[str, tuple[str, str] | str] = {}
    for name, accounts in accounts_named(conn, names, platform).items():
        members = [a for a in accounts if not a.is_bot and not a.placeholder] or accounts
        people = sorted({a.person_id for a in members})
        if not people:
            found[name] = f"no {where} is “{name[:60]}” (looked up by {', '.join(BY[:-1])} and {BY[-1]})"
        elif len(people) > 1:
            found[name] = (f"“{name[:60]}” is the name of {len(people)} people (persons "
                           f"{', '.join(str(p) for p in people[:8])}); write the member id or user name instead")
        else:
            found[name] = (members[0].platform, members[0].external_id)
    return found


def _cell(values: list[str], i: int | None) -> str:
    return values[i].strip() if i is not None and i < len(values) else ""


class _Rows:
    """Turns mapped rows into records; collects bad rows."""

    def __init__(self, mapping: dict, ctx: ReadContext, people: dict | None = None) -> None:
        self.kind = mapping["kind"]
        self.people = people or {}
        self.platform = mapping["platform"]
        self.columns = mapping["columns"]
        self.tz = zone(mapping.get("timezone"))
        self.day_first = mapping.get("date_order", "DMY") != "MDY"
        self.refuse = mapping.get("on_error", "refuse") != "skip"
        self.ctx = ctx
        self.bad: list[str] = []
        self.seen: set[str] = set()

    def row(self, n: int, cells: dict[str, str]) -> Iterator[Record]:
        try:
            records = list(getattr(self, self.kind)(cells))
        except ValueError as exc:
            sentence = f"row {n}: {exc}"
            if self.refuse:
                self.bad.append(sentence)
            self.ctx.problem(f"row {n}", f"{exc}; the row was skipped")
            return
        if not self.bad:
            yield from records

    def finish(self, display: str) -> None:
        if self.bad:
            first = self.bad[0]
            more = f" (and {len(self.bad) - 1} more rows)" if len(self.bad) > 1 else ""
            raise ImportFailed(f"{display}, {first}{more}; nothing was imported: check the column mapping "
                               "or the file.", details="\n".join(self.bad[:1000]))

    def date(self, cells: dict[str, str], field: str, *, required: bool) -> dt.datetime | None:
        value = cells.get(field, "")
        if not value:
            if required:
                raise ValueError(f"the column “{self.columns[field]}” ({field}) is empty")
            return None
        try:
            return parse_time(value, self.tz, day_first=self.day_first)
        except (ValueError, OverflowError, OSError):
            raise ValueError(f"“{value[:40]}” in the column “{self.columns[field]}” ({field}) is not a date "
                             "the workbench can read") from None

    def members(self, c: dict[str, str]) -> Iterator[Record]:
        ext = c.get("external_id") or (c.get("email") or "").lower() or c.get("handle")
        if not ext:
            raise ValueError("no member id, e-mail or user name")
        joined = self.date(c, "joined_at", required=False)
        yield AccountRec(self.platform, ext, handle=c.get("handle", ""), display_name=c.get("display_name", ""),
                         email=c.get("email") or None, is_bot=c.get("is_bot", "").lower() in TRUE,
                         is_staff=c.get("is_staff", "").lower() in TRUE, joined_at=joined)
        if joined is not None:
            yield MembershipRec(self.platform, ext, joined)

    def activities(self, c: dict[str, str]) -> Iterator[Record]:
        account = c.get("account")
        if not account:
            raise ValueError(f"the column “{self.columns['account']}” (account) is empty")
        created = self.date(c, "created_at", required=True)
        ext = c.get("external_id") or "row:" + hashlib.sha256(
            "\x1f".join(f"{k}={v}" for k, v in sorted(c.items())).encode("utf-8")).hexdigest()[:32]
        if c.get("account_name") and account not in self.seen:
            self.seen.add(account)
            yield AccountRec(self.platform, account, handle=account, display_name=c["account_name"])
        channel = c.get("channel") or None
        if channel and f"#{channel}" not in self.seen:
            self.seen.add(f"#{channel}")
            yield ChannelRec(self.platform, channel, channel)
        count = c.get("reaction_count") or "0"
        if not count.isdigit() or len(count) > 9:
            raise ValueError(f"“{count[:20]}” in the column “{self.columns['reaction_count']}” is not a count (a whole number below a billion)")
        yield ActivityRec(self.platform, ext, account, created, channel_external_id=channel,
                          parent_external_id=c.get("parent") or None, kind=c.get("kind") or "message",
                          text=c.get("text", ""), title=c.get("title", ""), reaction_count=int(count))

    def recognitions(self, c: dict[str, str]) -> Iterator[Record]:
        account, kind = c.get("account"), c.get("kind")
        if not account or not kind:
            raise ValueError("no person or no kind")
        found = self.people.get(account) or f"“{account[:60]}” was not looked up among the members"
        if isinstance(found, str):
            raise ValueError(found)
        given = self.date(c, "given_at", required=True)
        yield RecognitionRec(found[0], found[1], kind=kind, given_at=given, note=c.get("note", ""),
                             given_by=c.get("given_by", ""), source="csv")


IMPORTERS: list[Importer] = [CsvImporter()]
