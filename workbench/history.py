"""The history of import runs, as the Imports page and ``workbench runs`` show it."""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from .store.models import ImportChange, ImportProblem, ImportRun

# The tables whose rows of earlier imports a run may change (``ImportChange.table_name``), by kind.
CHANGED_KINDS = {"source": "sources", "channel": "channels", "account": "accounts", "activity": "activities"}


@dataclass
class RunFile:
    name: str
    path: str
    size: int
    sha256: str
    importer: str
    importer_version: str


@dataclass
class RunSummary:
    id: int
    started_at: dt.datetime
    finished_at: dt.datetime | None
    read: int
    added: int
    updated: int
    unchanged: int
    skipped: int
    counts: dict
    problem_count: int
    first_activity_at: dt.datetime | None
    last_activity_at: dt.datetime | None
    files: list[RunFile] = field(default_factory=list)
    note_count: int = 0  # files left alone, having nothing to read
    removed_at: dt.datetime | None = None  # taken out of the workspace then (``workbench.removing``)
    removed: dict = field(default_factory=dict)  # what left then, per kind
    brought_back_by: int | None = None  # the later run that imported again what this removed one was given
    updated_by_kind: dict = field(default_factory=dict)  # rows of earlier imports it changed, per kind (kept)

    @property
    def removal(self) -> str:
        """'Removed 2026-12-04 22:40 UTC: 8 accounts, 8 people, 19 activities.', or '' for a run in the workspace."""
        from . import fmt

        if self.removed_at is None:
            return ""
        again = f" Brought back as run {self.brought_back_by}." if self.brought_back_by else ""
        return f"Removed {fmt.when(self.removed_at)}: {fmt.counts(self.removed) or 'nothing was left of it'}.{again}"

    @property
    def format_names(self) -> list[str]:
        """The formats read, as people call them, in alphabetical order."""
        from .importers.registry import format_name

        return sorted({format_name(f.importer) for f in self.files})

    @property
    def formats(self) -> str:
        """The formats read: 'DiscordChatExporter JSON, Slack workspace export'."""
        return ", ".join(self.format_names)

    @property
    def formats_in_short(self) -> str:
        """The formats as a run's line says them: a run of a folder of everything (twenty formats)
        names one and how many more, so that its counts stay in sight."""
        names = self.format_names
        return ", ".join(names) if len(names) <= 2 else f"{names[0]} and {len(names) - 1} more"

    @property
    def file_names(self) -> str:
        names = [f.name for f in self.files]
        return names[0] if len(names) == 1 else f"{names[0]} and {len(names) - 1} more" if names else ""


def brought_back(runs: Iterable[tuple[int, str, dict | None]]) -> dict[int, int]:
    """Each removed run brought back -> the first later run in the workspace given the same paths,
    from runs as (id, status, inputs) in any order."""
    again: dict[int, int] = {}
    waiting: dict[tuple, list[int]] = {}
    for run_id, status, inputs in sorted(runs, key=lambda r: r[0]):
        paths = tuple((inputs or {}).get("paths") or ())
        if paths and status == "removed":
            waiting.setdefault(paths, []).append(run_id)
        elif paths and status == "done":
            again.update((removed, run_id) for removed in waiting.pop(paths, []))
    return again


def updated_by_kind(s) -> dict[int, dict[str, int]]:  # noqa: ANN001 - a Session or Connection
    """Per run, the rows of earlier imports it changed, by kind, as kept for its removal:
    ``{2: {"channels": 1, "activities": 2}}``."""
    changed: dict[int, dict[str, int]] = {}
    for run, table, n in s.execute(select(ImportChange.run_id, ImportChange.table_name, func.count())
                                   .group_by(ImportChange.run_id, ImportChange.table_name)):
        if table in CHANGED_KINDS:
            changed.setdefault(run, {})[CHANGED_KINDS[table]] = n
    return changed


def import_runs(ws) -> list[RunSummary]:  # noqa: ANN001 - a Workspace
    """Every import run, newest first, with its files and the number of problems and notes."""
    with ws.session() as s:
        said: dict[str, dict[int, int]] = {"problem": {}, "note": {}}
        for run, kind, n in s.execute(select(ImportProblem.run_id, ImportProblem.kind, func.count())
                                      .group_by(ImportProblem.run_id, ImportProblem.kind)):
            said.setdefault(kind, {})[run] = n
        changed = updated_by_kind(s)
        runs = s.scalars(select(ImportRun).options(selectinload(ImportRun.files)).order_by(ImportRun.id.desc())).all()
        again = brought_back((r.id, r.status, r.inputs) for r in runs)
        return [RunSummary(
            id=r.id, started_at=r.started_at, finished_at=r.finished_at, read=r.read, added=r.added,
            updated=r.updated, unchanged=r.unchanged, skipped=r.skipped, counts=dict(r.counts or {}),
            problem_count=said["problem"].get(r.id, 0), note_count=said["note"].get(r.id, 0),
            first_activity_at=r.first_activity_at,
            last_activity_at=r.last_activity_at, removed_at=r.removed_at, removed=dict(r.removed or {}),
            brought_back_by=again.get(r.id), updated_by_kind=changed.get(r.id, {}),
            files=[RunFile(f.name, f.path, f.size, f.sha256, f.importer, f.importer_version) for f in r.files])
            for r in runs]


def run_problems(ws, run_id: int, limit: int | None = 5000, *,  # noqa: ANN001 - a Workspace
                 kind: str = "problem") -> list[tuple[str, str, str]]:
    """A run's problems (file, where, what), or with ``kind="note"`` the files it left alone; the
    first ``limit`` of them (None: all)."""
    with ws.session() as s:
        rows = s.execute(select(ImportProblem.file, ImportProblem.position, ImportProblem.message)
                         .where(ImportProblem.run_id == run_id, ImportProblem.kind == kind)
                         .order_by(ImportProblem.id).limit(limit)).all()
        return [tuple(r) for r in rows]
