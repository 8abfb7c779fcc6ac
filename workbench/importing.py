"""Running an import: plan the inputs, read them through their importers, write one run.

An import of several paths is one transaction: every path is checked first (exists, readable,
of a known format) and one sentence per bad path is raised before anything is written; a file
that fails half-way, or a cancel, rolls the whole run back.
"""
from __future__ import annotations

import contextvars
import datetime as dt
import importlib
import os
import zipfile
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.engine import Connection

from . import __version__, fmt
from .errors import ImportCancelled, ImportFailed, UnknownFormat
from .importers import reader_process, registry, safety
from .importers.base import DATA_EXTS, CancelFn, Importer, ProgressFn, ReadContext
from .importers.digest import remembered, sha256_of
from .importers.jsonstream import walk_folder
from .importers.unread import what_it_is, what_they_are
from .records import Problem
from .store.models import Activity, ImportFile, ImportProblem, ImportRun
from .store.writer import Writer, defer_indexes, rebuild_indexes

# Steps run inside the import's transaction after the records are written, in order:
# "module:function", each called as function(conn, run_id), and what the progress says meanwhile.
POST_IMPORT: list[tuple[str, str]] = [
    ("workbench.store.links:resolve_links_after_import", "Linking replies and threads"),
    ("workbench.metrics.rollup:refresh_after_import", "Counting the activity of each day"),
    ("workbench.people.merge:auto_merge_after_import", "Joining accounts that share an e-mail address"),
]

UNKNOWN = "not an export format the workbench knows; skipped."
HIDDEN = "a hidden folder (version control's or a sync tool's, not an export's); not read."
LINKED = "a link to a folder elsewhere; not followed. Import that folder itself to read it."
SAID_ONE_BY_ONE = 10  # files of a folder left alone that are named each; more are said as one


@dataclass
class PlannedInput:
    path: Path
    importer: Importer
    files: list[Path]
    attached: list[Path] = field(default_factory=list)  # its importer's ``attachments``, not read


@dataclass
class ImportResult:
    run_id: int | None  # None: nothing was new, so no run was kept
    inputs: list[tuple[str, str]]  # (path, importer label)
    read: int = 0
    added: int = 0
    updated: int = 0
    updated_by_kind: dict[str, int] = field(default_factory=dict)  # rows of earlier imports changed, per kind
    unchanged: int = 0
    skipped: int = 0
    by_kind: dict[str, int] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    problem_count: int = 0
    notes: list[Problem] = field(default_factory=list)  # what was left alone, and why (not problems)
    first_at: dt.datetime | None = None
    last_at: dt.datetime | None = None

    def as_dict(self) -> dict:
        return {
            "run_id": self.run_id,
            "inputs": [{"path": p, "format": f} for p, f in self.inputs],
            "read": self.read, "added": self.added, "updated": self.updated, "unchanged": self.unchanged,
            "skipped": self.skipped, "added_by_kind": self.by_kind, "updated_by_kind": self.updated_by_kind,
            "first_activity": self.first_at.isoformat() if self.first_at else None,
            "last_activity": self.last_at.isoformat() if self.last_at else None,
            "problems": [p.as_dict() for p in self.problems],
            "problem_count": self.problem_count,
            "notes": [p.as_dict() for p in self.notes],
        }


def _files_under(path: Path, attached: list[Path]) -> list[Path]:
    """The files of an input, as its importer reads them: hidden folders and files are none of an
    export's, and the files sent in the chat (in the ``attached`` folders) are not read."""
    if path.is_file():
        return [path]
    return [f for f in walk_folder(path, frozenset(attached)) if not safety.added_by_os(f.name)]


READ_EXTS = DATA_EXTS | {".txt", ".log", ".html", ".htm"}  # what an importer may read in a zip (not its media)


def _bytes_to_read(path: Path, files: list[Path]) -> int | None:
    """What reading an input goes through, for its progress (``ReadContext.input_bytes``): a
    folder's files, or a zip's data entries unpacked (not the pictures sent in the chat); None
    for a lone file, whose own size is the whole."""
    if path.is_dir():
        return sum(f.stat().st_size for f in files)
    if not files or not safety.is_zip(path):
        return None
    try:
        with zipfile.ZipFile(path) as zf:
            return sum(i.file_size for i in safety.zip_files(zf)
                       if os.path.splitext(i.filename)[1].lower() in READ_EXTS)
    except (zipfile.BadZipFile, OSError):  # said by the reading itself
        return None


def _input(path: Path, imp: Importer) -> PlannedInput:
    """``path`` as its importer reads it, without its attachments (the files sent in the chat)."""
    attached = imp.attachments(path)
    return PlannedInput(path, imp, _files_under(path, attached), attached)


def _attachments_note(name: str, item: PlannedInput) -> Problem:
    """One line for the files sent in an input's chat, downloaded with the export."""
    files = sum(1 for a in item.attached for _ in walk_folder(a))
    base = item.path if item.path.is_dir() else item.path.parent
    said = ", ".join(a.relative_to(base).as_posix() + "/" for a in item.attached[:3])
    more = f" and {len(item.attached) - 3:,} more folders" if len(item.attached) > 3 else ""
    return Problem(name, "attachments", f"{files:,} file{'s' if files != 1 else ''} sent in the chat ({said}{more}), "
                                        "which the exporter downloaded with it; not read.")


def _parts(folder: Path, errors: list[str]) -> Iterator[tuple[Path, PlannedInput | None]]:
    """The inputs of a folder that no importer claims whole, in ``_files_under``'s order: each file
    with its input (or None when no importer claims it), and each subfolder an importer claims whole
    (an unpacked Slack export, a folder of channel files, a logger's folder) as one input; the parts
    of any other subfolder the same way. A hidden subfolder (``.git``, a sync tool's) and a link to a
    folder are yielded whole with None, not walked. The folder of the files sent in a chat whose
    export is beside it (its input's ``attached``) is not yielded: that export's input says it.
    A subfolder that cannot be listed is one of ``errors``."""
    try:
        entries = sorted(folder.iterdir(), key=lambda e: e.name)
    except OSError as exc:
        errors.append(f"{folder}: cannot be read ({exc.strerror or exc}).")
        return
    attached: set[Path] = set()
    for entry in entries:
        if not safety.added_by_os(entry.name) and entry.is_file():
            item = _input(entry, imp) if (imp := registry.sniff(entry)) is not None else None
            attached.update(item.attached if item is not None else ())
            yield entry, item
    for entry in entries:
        if entry in attached:
            continue
        if entry.is_dir() and (entry.is_symlink() or entry.name.startswith(".")):
            yield entry, None
        elif entry.is_dir():
            imp = registry.sniff(entry)
            if imp is not None:
                yield entry, _input(entry, imp)
            else:
                yield from _parts(entry, errors)


def plan(paths: list[str | os.PathLike]) -> tuple[list[PlannedInput], list[Problem]]:
    """Which importer reads which path. Raises ``ImportFailed`` with one sentence per bad path.

    A folder that no importer claims as a whole is walked: each file or subfolder in it that an
    importer claims is an input, and the other files are left alone, with a note (the import goes on).
    """
    planned: list[PlannedInput] = []
    notes: list[Problem] = []
    errors: list[str] = []
    for raw in paths:
        path = Path(raw).expanduser()
        if not path.exists():
            errors.append(f"{raw}: no such file or folder.")
            continue
        if not os.access(path, os.R_OK) or (path.is_dir() and not os.access(path, os.X_OK)):
            errors.append(f"{raw}: cannot be read (permission denied).")
            continue
        if path.is_file():
            try:
                with open(path, "rb") as f:
                    f.read(1)
            except OSError as exc:
                errors.append(f"{raw}: cannot be read ({exc.strerror or exc}).")
                continue
        imp = registry.sniff(path)
        if imp is not None:
            planned.append(_input(path, imp))
            continue
        if path.is_dir():
            unread_files: list[Path] = []
            found = 0
            for child, item in _parts(path, errors):
                if item is None:
                    unread_files.append(child)
                    continue
                planned.append(item)
                found += 1
            if found:
                unwalked = [f for f in unread_files if f.is_dir()]  # hidden folders, links to folders
                unread_files = [f for f in unread_files if not f.is_dir()]
                notes.extend(_left_alone(what_they_are(unread_files, read={p.path for p in planned}), path.parent))
                notes.extend(Problem(f.relative_to(path.parent).as_posix() + "/", "whole folder",
                                     LINKED if f.is_symlink() else HIDDEN) for f in unwalked)
            else:
                known = next((what for f in unread_files if (what := what_it_is(f))), None)  # a page, not its parts
                errors.append(f"{raw}: the folder holds {known}" if known else
                              f"{raw}: the folder holds no export file the workbench knows.")
            continue
        if path.is_file() and path.stat().st_size == 0:
            errors.append(f"{raw}: the file is empty.")
        elif path.is_file() and (pack := _audit_pack_said(raw, path)):
            errors.append(pack)
        elif path.is_file() and _broken_zip(path):
            errors.append(f"{raw}: a zip archive that is damaged or cut short (its table of contents is missing); "
                          "export it again or copy it whole.")
        elif path.is_file() and (data := _data_in_zip(path)) > 1:
            errors.append(f"{raw}: a zip archive of {data:,} data files that is not one export the workbench knows; "
                          "if it holds several exports, unzip it and import its folder, which reads each.")
        else:
            known = what_it_is(path)
            errors.append(f"{raw}: {known}" if known else f"{raw}: not an export format the workbench knows.")
    if errors:
        raise UnknownFormat(errors[0] if len(errors) == 1 else f"{len(errors)} paths cannot be imported.",
                            details="\n".join(errors) if len(errors) > 1 else "")
    # A path given twice, or a file dropped with the folder it is in, is read once, and said once.
    once: dict[Path, PlannedInput] = {}
    for item in planned:
        once.setdefault(item.path.resolve(), item)
    said = {(n.file, n.position, n.message): n for n in notes}
    return sorted(once.values(), key=lambda item: item.importer.reads_last), list(said.values())


def _audit_pack_said(raw: str | os.PathLike, path: Path) -> str | None:
    """For an audit pack given to import, what to do with it instead."""
    from .reports.pack import is_audit_pack, not_a_pack_here  # the report's code, loaded only for this

    return not_a_pack_here(raw, "an export") if is_audit_pack(path) else None


def _left_alone(unread: list[tuple[Path, str | None]], root: Path) -> list[Problem]:
    """Notes for the files of a dropped folder that no importer reads, named from ``root``. A folder
    holding many of them (an export's photos, stickers, attachments) is one note, not one a file."""
    by_folder: dict[tuple[Path, str], list[Path]] = {}
    for f, what in unread:
        by_folder.setdefault((f.parent, what or UNKNOWN), []).append(f)
    notes = []
    for (folder, what), files in by_folder.items():
        if len(files) <= SAID_ONE_BY_ONE:
            notes += [Problem(f.relative_to(root).as_posix(), "whole file", what) for f in files]
            continue
        kinds = Counter(f.suffix.lower() or "no extension" for f in files)
        said = next(iter(kinds)) if len(kinds) == 1 else ", ".join(
            f"{n:,} {k}" for k, n in kinds.most_common(3)) + (", ..." if len(kinds) > 3 else "")
        notes.append(Problem(folder.relative_to(root).as_posix() + "/", "whole folder",
                             f"{len(files):,} files ({said}), none of them an export format the workbench "
                             "knows; skipped." if what == UNKNOWN else f"{len(files):,} files ({said}): {what}"))
    return notes


def _broken_zip(path: Path) -> bool:
    """A file that starts like a zip archive but that no zip reader can open."""
    with open(path, "rb") as f:
        if f.read(4) != b"PK\x03\x04":
            return False
    return not zipfile.is_zipfile(path)


def _data_in_zip(path: Path) -> int:
    """How many files of an export's kind (JSON, CSV, XML, mbox...) a zip holds; 0 for no zip."""
    if not safety.is_zip(path):
        return 0
    return sum(1 for name in safety.zip_names(path) if os.path.splitext(name)[1].lower() in DATA_EXTS)


def input_names(paths: list[Path]) -> list[str]:
    """How each input of a run is named in its problems, notes and files: by its own name, or with
    as many of its folders as tell it apart from another input of that name (two Telegram chats in
    one folder, each a ``result.json``: ``general/result.json`` and ``support/result.json``)."""
    parts = [Path(os.path.abspath(p)).parts for p in paths]
    depth = [1] * len(parts)
    while True:
        names = ["/".join(p[-d:]) for p, d in zip(parts, depth)]
        named: dict[str, set[tuple[str, ...]]] = {}
        for name, p in zip(names, parts):
            named.setdefault(name, set()).add(p)
        # (the same path given twice is one name: nothing tells it apart, and no full path is shown)
        longer = [i for i, name in enumerate(names) if len(named[name]) > 1 and depth[i] < len(parts[i]) - 1]
        if not longer:
            return names
        for i in longer:
            depth[i] += 1


def _post_import_work() -> list[tuple[str, Callable[[Connection, int], None]]]:
    """Each step after the records are written, with what the progress says while it runs."""
    work = []
    for spec, said in POST_IMPORT:
        module, name = spec.split(":")
        work.append((said, getattr(importlib.import_module(module), name)))
    return work


def _post_import_steps() -> list[Callable[[Connection, int], None]]:
    return [step for _, step in _post_import_work()]


def _given(planned: list[PlannedInput], options: dict[str, dict] | None) -> dict:
    """What the run was given, as it keeps it to be imported again after a removal: the paths, and
    the options that are data (a CSV's mapping, a zone), not the ways of asking."""
    import json

    asking = {"ask_zone"}  # the window's way of asking for a zone, not what was answered
    try:
        kept = json.loads(json.dumps({name: {k: v for k, v in opts.items() if k not in asking}
                                      for name, opts in (options or {}).items()}))
    except (TypeError, ValueError, AttributeError):  # not data: the import again asks what it needs
        kept = {}
    return {"paths": [os.path.abspath(item.path) for item in planned], "options": kept}


def run_import(conn: Connection, planned: list[PlannedInput], *, notes: list[Problem] | None = None,
               progress: ProgressFn | None = None, cancel: CancelFn | None = None,
               options: dict[str, dict] | None = None) -> ImportResult:
    """Read every planned input into the workspace on ``conn`` (inside the caller's transaction).

    ``options`` maps an importer name to its options (``{"csv": {"mapping": {...}}}``); ``notes``
    are what planning left alone (files of a folder that are no export), said with the importers' own.
    """
    started = dt.datetime.now(dt.timezone.utc)
    run_id = conn.execute(insert(ImportRun.__table__).values(started_at=started, status="running",
                                                             app_version=__version__, counts={})).inserted_primary_key[0]
    writer = Writer(conn, run_id)
    sizes = [sum(f.stat().st_size for f in item.files) for item in planned]
    # The indexes an import of many rows builds at its end are dropped once the first input with
    # files to read is known: an export read before is left alone, and an import that reads
    # nothing has no index to build again (it did, 0.6 s for 379,000 messages, to add none).
    deferred: list | None = None
    result = ImportResult(run_id=run_id, inputs=[(str(p.path), p.importer.label) for p in planned])
    result.notes.extend(notes or [])
    problems: list[Problem] = []
    problem_count = 0
    # Each input's share of the reading's progress is its share of the bytes (a member list beside
    # a year of messages is over in a moment); inputs of no size share alike.
    total = sum(sizes)
    shares = [s / total for s in sizes] if total else [1 / max(len(planned), 1)] * len(planned)
    starts = [sum(shares[:k]) for k in range(len(planned))]
    file_rows = []
    names = input_names([item.path for item in planned])
    with remembered(), ThreadPoolExecutor(max_workers=1, thread_name_prefix="workbench-digest") as hasher:
        for item, name in zip(planned, names):  # the questions of every input, before any is read
            item.importer.ask_before_reading(item.path, name, conn,
                                             dict((options or {}).get(item.importer.name, {})))
        for i, (item, name) in enumerate(zip(planned, names)):
            def _progress(fraction: float, message: str, _i: int = i) -> None:
                if progress is not None:
                    progress(min(0.94, (starts[_i] + fraction * shares[_i]) * 0.94), message)

            opts = item.importer.prepare(item.path, conn, dict((options or {}).get(item.importer.name, {})))
            # Files left alone (identical to ones an earlier run read) stay that run's files.
            alone = {f.resolve() for f in item.importer.left_alone(item.path, opts)}
            files = [f for f in item.files if f.resolve() not in alone]
            if deferred is None and files:
                deferred = defer_indexes(conn, sum(f.stat().st_size for f in files) + sum(sizes[i + 1:]))
            ctx = ReadContext(name, progress=_progress, cancel=cancel, options=opts,
                              input_bytes=_bytes_to_read(item.path, files))
            ctx.progress(0.0, f"Checking {name}")
            # The files' digests (for the run's provenance) are taken on a second thread while the
            # records are read: hashlib works without the interpreter lock.
            # A file ``prepare`` has just hashed (to know it was imported before) is not read again.
            digests = hasher.submit(contextvars.copy_context().run,
                                    lambda files=files: [sha256_of(f, cancel) for f in files])
            orphans_before = writer.orphan_reactions
            records = reader_process.read_in_process(item.importer, item.path, ctx) \
                if sizes[i] >= reader_process.MIN_BYTES \
                else item.importer.read(item.path, ctx)
            try:
                for rec in records:
                    writer.add(rec)
            except RecursionError as exc:
                raise ImportFailed(f"{name}: the data is nested too deeply to be an export; "
                                   "it was refused.") from exc
            except MemoryError as exc:
                raise ImportFailed(f"{name}: the file is too large to read.") from exc
            ctx.progress(1.0, f"Read {name}")
            writer.flush()
            for f, digest in zip(files, digests.result()):
                file_rows.append({"run_id": run_id, "path": str(f.resolve()),
                                  "name": name if f == item.path else f"{name}/{f.relative_to(item.path).as_posix()}",
                                  "size": f.stat().st_size,
                                  "sha256": digest, "importer": item.importer.name,
                                  "importer_version": item.importer.version})
            orphans = writer.orphan_reactions - orphans_before
            if orphans:
                ctx.problem("reactions", (
                    f"{orphans:,} reaction{'s' if orphans != 1 else ''} point at messages that are neither in this "
                    "export nor in the workspace; they were skipped"), skipped=False)
            if name != item.path.name:  # a folder told apart from another of its name: so are its files
                for p in ctx.problems + ctx.notes:
                    if p.file.startswith(item.path.name + "/"):
                        p.file = name[:-len(item.path.name)] + p.file
            problems.extend(ctx.problems)
            problem_count += ctx.problem_count
            result.notes.extend(ctx.notes + ([_attachments_note(name, item)] if item.attached else []))
            writer.counts.skipped += ctx.skipped
    writer.flush()
    if cancel is not None and cancel():
        raise ImportCancelled()
    # After the last record, each step says what it does (an import of a million messages spends
    # seconds in them), each at its own percentage so that a terminal shows it too.
    def _step(fraction: float, message: str) -> None:
        if progress is not None:
            progress(fraction, message)

    if deferred:  # every activity of the workspace is indexed again, not only the run's
        held = conn.execute(select(func.count()).select_from(Activity.__table__)).scalar_one()
        _step(0.95, f"Indexing {fmt.plural(held, 'activity', 'activities')}")
    rebuild_indexes(conn, deferred or [])
    for k, (said, step) in enumerate(_post_import_work()):
        _step((96 + k) / 100, said)
        step(conn, run_id)
        if cancel is not None and cancel():
            raise ImportCancelled()
    if file_rows:
        conn.execute(insert(ImportFile.__table__), file_rows)
    if problems or result.notes:  # the notes too: what the run left alone is part of its record
        conn.execute(insert(ImportProblem.__table__),
                     [{"run_id": run_id, "kind": kind, **p.as_dict()}
                      for kind, said in (("problem", problems), ("note", result.notes)) for p in said])
    c = writer.counts
    if c.added == 0 and c.updated == 0 and not any(c.by_kind.values()):
        # Nothing new: the workspace is exactly as it was, so no run is kept either (importing the
        # same export twice leaves everything, the list of runs included, unchanged).
        for table in (ImportProblem.__table__, ImportFile.__table__):
            conn.execute(delete(table).where(table.c.run_id == run_id))
        conn.execute(delete(ImportRun.__table__).where(ImportRun.__table__.c.id == run_id))
        result.run_id = None
        result.read, result.unchanged, result.skipped = c.read, c.unchanged, c.skipped
        result.problems, result.problem_count = problems, problem_count
        if progress is not None:
            progress(1.0, "Nothing new")
        return result
    writer.keep_replaced()
    conn.execute(update(ImportRun.__table__).where(ImportRun.__table__.c.id == run_id).values(
        finished_at=dt.datetime.now(dt.timezone.utc), status="done", read=c.read, added=c.added, updated=c.updated,
        unchanged=c.unchanged, skipped=c.skipped, counts=dict(c.by_kind), inputs=_given(planned, options),
        first_activity_at=writer.first_at, last_activity_at=writer.last_at))
    result.read, result.added, result.updated = c.read, c.added, c.updated
    result.updated_by_kind = writer.updated_by_kind
    result.unchanged, result.skipped, result.by_kind = c.unchanged, c.skipped, dict(c.by_kind)
    result.problems, result.problem_count = problems, problem_count
    result.first_at = writer.first_at.replace(tzinfo=dt.timezone.utc) if writer.first_at else None
    result.last_at = writer.last_at.replace(tzinfo=dt.timezone.utc) if writer.last_at else None
    _step(0.99, "Checking and saving the workspace")  # the caller says "Import finished" once it is saved
    return result
