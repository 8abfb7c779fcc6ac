"""Skipping a file that was already imported byte for byte (re-importing the same export).

An importer that mixes in ``SkipIdentical`` looks, before reading, for an earlier run that
imported the identical file with the same importer version and whose rows are all still there;
then reading it again could add or change nothing, and ``read`` notes that and reads nothing.
The option ``{"reread": True}`` reads it anyway.

The database is asked only before reading (``prepare``, in the importing process), and SQLAlchemy
and the models are loaded only then: the process that reads a large export (``reader_process``)
loads the importer's module, and would otherwise spend half a second of its start on them while
the writer waits for its first records.
"""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from .base import ReadContext
from .digest import sha256_of

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection


class SkipIdentical:
    name: str
    version: str

    def prepare(self, path: Path, conn, options: dict) -> dict:  # noqa: ANN001 - a SQLAlchemy Connection
        options = dict(options)
        if not options.get("reread"):
            run = identical_import(conn, path, self.name, self.version)
            if run is not None:
                options["identical_to_run"] = run
        return options

    def left_alone(self, path: Path, options: dict) -> list[Path]:
        return [Path(path)] if options.get("identical_to_run") is not None else []


def already_imported(ctx: ReadContext) -> bool:
    """True (after noting it) when ``prepare`` found the file already imported."""
    run = ctx.options.get("identical_to_run")
    if run is None:
        return False
    ctx.note("whole file", f"identical to the file imported in run {run}; nothing new to read.")
    ctx.progress(1.0, "Already imported")
    return True


def identical_import(conn: Connection, path: Path, importer: str, version: str) -> int | None:
    """The run that already imported a byte-identical ``path`` with this importer and version.

    Only when everything that run added is still in the workspace (nothing was deleted since), so
    reading the file again could not add or change a row; None otherwise. Folders are never
    identical (their files may have changed one by one).
    """
    from sqlalchemy import func, select

    from ..store.models import Activity, ImportFile, ImportRun

    path = Path(path)
    if not path.is_file():
        return None
    F, R, A = ImportFile.__table__, ImportRun.__table__, Activity.__table__
    if conn.execute(select(F.c.id).where(F.c.importer == importer, F.c.importer_version == version).limit(1)).first() \
            is None:
        return None  # this importer never read anything here: no need to read the file through
    runs = conn.execute(select(F.c.run_id).where(F.c.sha256 == sha256_of(path), F.c.importer == importer,
                                                 F.c.importer_version == version)
                        .order_by(F.c.run_id.desc())).scalars().all()
    for run_id in runs:
        counts = conn.execute(select(R.c.counts).where(R.c.id == run_id, R.c.status == "done")).scalar_one_or_none()
        if counts is None:
            continue
        present = conn.execute(select(func.count()).select_from(A).where(A.c.import_run_id == run_id)).scalar_one()
        if present == int((counts or {}).get("activities", 0)):
            return run_id
    return None


def identical_members(conn: Connection, folder: Path, importer: str, version: str, suffix: str) -> dict[str, int]:
    """The files ``*suffix`` of a folder that ``identical_import`` would skip, named as
    ``jsonstream.members`` names them (relative to the folder's parent) -> the run that read them.

    A folder of exports (one file per channel) is read again only where a file changed."""
    from .jsonstream import walk_folder

    found = {}
    for f in walk_folder(folder):
        if f.suffix.lower() == suffix:
            run = identical_import(conn, f, importer, version)
            if run is not None:
                found[str(f.relative_to(folder.parent))] = run
    return found
