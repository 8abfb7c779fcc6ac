"""Audit packs: one ``.wbpack`` file (a zip) a consultant hands a client.

It holds the report (HTML and PDF), the metric tables (CSV), a ``manifest.json`` and optionally a
copy of the workspace (made with SQLite's backup API). The manifest names every imported file with
its size and SHA-256, every import run with its counts and problems, the app version, the metric
definitions and settings, the period, and the SHA-256 of every other member of the pack, so
``verify_pack`` can show that nothing was changed. A pseudonymized pack never holds the workspace.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import sqlite3
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from .. import APP_NAME, __version__, fmt
from ..errors import ImportCancelled, WorkbenchError
from ..history import updated_by_kind
from ..store.models import ImportRun
from .data import ReportData
from .formats import OTHER_FILE_TYPES, named_format

MANIFEST = "manifest.json"
MANIFEST_HASH = "manifest.json.sha256"  # catches a changed manifest (sha256sum's format)
WORKSPACE_MEMBER = "workspace/workspace.db"
PACK_FORMAT = "community-workbench-audit-pack"
PACK_VERSION = 1
SUFFIX = ".wbpack"


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _when(t: dt.datetime | None) -> str | None:
    return t.isoformat() if t else None


def import_provenance(ws, scrub=None) -> list[dict[str, Any]]:  # noqa: ANN001
    """Every import run with its files (name, size, SHA-256), counts, problems and the files it left
    alone (having nothing to read in them), oldest first."""
    s_ = scrub or (lambda v: v)

    def said(p, file: str) -> dict[str, str]:  # noqa: ANN001 - an ImportProblem row: a problem or a note
        return {"file": s_(file), "position": s_(p.position), "message": s_(p.message)}
    out = []
    with ws.session() as s:
        updated = updated_by_kind(s)
        runs = s.scalars(select(ImportRun).options(selectinload(ImportRun.files), selectinload(ImportRun.problems))
                         .order_by(ImportRun.id)).all()
        for r in runs:
            out.append({
                "run": r.id, "started_at": _when(r.started_at), "finished_at": _when(r.finished_at),
                "status": r.status, "app_version": r.app_version, "read": r.read, "added": r.added,
                "updated": r.updated, "updated_by_kind": updated.get(r.id, {}), "unchanged": r.unchanged,
                "skipped": r.skipped, "counts": dict(r.counts or {}),
                "first_activity_at": _when(r.first_activity_at), "last_activity_at": _when(r.last_activity_at),
                "removed_at": _when(r.removed_at), "removed": dict(r.removed) if r.removed else None,
                "files": [{"name": s_(f.name), "size": f.size, "sha256": f.sha256, "importer": f.importer,
                           "importer_version": f.importer_version} for f in r.files],
                # Named as the run names them ("general/result.json", "exports/README.txt"), never by a full path.
                "problems": [said(p, p.file) for p in r.problems if p.kind == "problem"],
                "left_alone": [said(p, p.file) for p in r.problems if p.kind == "note"],
            })
    return out


def backup_workspace(ws, dest: Path) -> Path:  # noqa: ANN001
    """A consistent copy of a SQLite workspace (backup API), in rollback-journal mode so it opens read-only."""
    if ws.dialect != "sqlite":
        raise WorkbenchError("Only a workspace file can be copied into an audit pack (this one is a database server).")
    raw = ws.engine.raw_connection()
    try:
        src = raw.driver_connection
        dst = sqlite3.connect(dest)
        try:
            src.backup(dst)
            dst.execute("PRAGMA journal_mode=DELETE")
            dst.commit()
        finally:
            dst.close()
    finally:
        raw.close()
    return dest


@dataclass
class PackResult:
    path: Path
    members: dict[str, dict[str, Any]] = field(default_factory=dict)
    size: int = 0


def build_manifest(ws, report: ReportData, members: dict[str, dict[str, Any]], *, scrub=None,  # noqa: ANN001
                   with_workspace: bool) -> dict[str, Any]:
    return {
        "format": PACK_FORMAT, "format_version": PACK_VERSION,
        "app": {"name": APP_NAME, "version": __version__},
        "created_at": report.generated_at.isoformat(),
        "workspace": report.workspace,
        "period": report.period, "previous_period": report.previous_period, "filters": report.filters_text,
        "pseudonymized": report.pseudonymized, "includes_workspace": with_workspace,
        "figures": {f.key: {"label": f.label, "value": f.value, "previous": f.previous} for f in report.figures},
        "metrics": {"definitions": report.definitions, "settings": report.settings},
        "imports": import_provenance(ws, scrub),
        "members": members,
    }


def write_pack(ws, report: ReportData, out: str | Path, *, with_workspace: bool = False,  # noqa: ANN001
               progress=None, cancel=None) -> PackResult:  # noqa: ANN001
    """Write the audit pack for ``report`` (already pseudonymized when it should be) to ``out``."""
    def step(fraction: float, message: str) -> None:
        if cancel is not None and cancel():
            raise ImportCancelled("The audit pack was cancelled; no file was written.")
        if progress is not None:
            progress(fraction, message)

    if report.pseudonymized and with_workspace:
        raise WorkbenchError("A pseudonymized audit pack cannot hold a copy of the workspace (it holds everyone's "
                             "personal data); leave out the workspace copy or the pseudonyms.")
    out = Path(out)
    if out.is_dir():
        raise WorkbenchError(f"{out} is a folder; give the name of the audit pack file to write.")
    if named_format(out) is not None or out.suffix.lower() in OTHER_FILE_TYPES - {".wbpack", ".zip"} \
            or out.suffix.lower() == ".csv":
        raise WorkbenchError(f"{out.name}: an audit pack is a zip of the report, its tables and its manifest, "
                             "which would open as rubbish under that name; name it .wbpack.")
    scrub = None
    if report.pseudonymized:
        from .pseudonymize import workspace_scrubber
        scrub = workspace_scrubber(ws)
    members: dict[str, dict[str, Any]] = {}
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp_out = out.with_name(out.name + ".part")
    try:
        _write_members(ws, report, tmp_out, members, scrub=scrub, with_workspace=with_workspace, step=step)
        tmp_out.replace(out)
    except OSError as exc:
        tmp_out.unlink(missing_ok=True)
        raise WorkbenchError(f"The audit pack cannot be written to {out}: {(exc.strerror or str(exc)).lower()}; "
                             "nothing was written.") from exc
    except BaseException:
        tmp_out.unlink(missing_ok=True)
        raise
    step(1.0, "Done")
    return PackResult(out, members, out.stat().st_size)


def _write_members(ws, report: ReportData, tmp_out: Path, members: dict[str, dict[str, Any]], *,  # noqa: ANN001
                   scrub, with_workspace: bool, step) -> None:  # noqa: ANN001
    from .render_csv import csv_files, write_frame_csv
    from .render_html import render_html
    from .render_pdf import write_pdf
    from .render_xlsx import write_xlsx

    with tempfile.TemporaryDirectory(prefix="wbpack-") as tmp_name:
        tmp = Path(tmp_name)
        with zipfile.ZipFile(tmp_out, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6) as z:
            def add(name: str, data: bytes) -> None:
                members[name] = {"size": len(data), "sha256": sha256_bytes(data)}
                z.writestr(name, data)

            step(0.05, "Writing the HTML report")
            add("report/report.html", render_html(report).encode("utf-8"))
            step(0.3, "Writing the PDF report")
            add("report/report.pdf", write_pdf(report, tmp / "report.pdf").read_bytes())
            step(0.55, "Writing the metric tables")
            add("tables/tables.xlsx", write_xlsx(report, tmp / "tables.xlsx").read_bytes())
            for name, df in csv_files(report):
                add(f"tables/{name}", write_frame_csv(df, tmp / name).read_bytes())
            if with_workspace:
                step(0.7, "Copying the workspace")
                copy = backup_workspace(ws, tmp / "workspace.db")
                h = hashlib.sha256()
                with open(copy, "rb") as f:
                    for chunk in iter(lambda: f.read(1 << 20), b""):
                        h.update(chunk)
                members[WORKSPACE_MEMBER] = {"size": copy.stat().st_size, "sha256": h.hexdigest()}
                z.write(copy, WORKSPACE_MEMBER)
            step(0.9, "Writing the manifest")
            manifest = build_manifest(ws, report, members, scrub=scrub, with_workspace=with_workspace)
            data = json.dumps(manifest, ensure_ascii=False, indent=2, default=str).encode("utf-8")
            z.writestr(MANIFEST, data)
            z.writestr(MANIFEST_HASH, f"{sha256_bytes(data)}  {MANIFEST}\n".encode("ascii"))


@dataclass
class VerifyResult:
    ok: bool
    checked: list[str]
    problems: list[tuple[str, str]]  # (member, what is wrong)
    manifest: dict[str, Any] | None


def read_manifest(z: zipfile.ZipFile, path: Path) -> dict[str, Any]:
    try:
        manifest = json.loads(z.read(MANIFEST).decode("utf-8"))
    except KeyError:
        raise WorkbenchError(f"{path.name} is not an audit pack (it has no {MANIFEST}).") from None
    except (ValueError, UnicodeDecodeError, zipfile.BadZipFile, OSError) as exc:
        raise WorkbenchError(f"The {MANIFEST} of {path.name} cannot be read: {exc}.") from exc
    if not isinstance(manifest, dict) or manifest.get("format") != PACK_FORMAT:
        raise WorkbenchError(f"{path.name} is not an audit pack of the workbench.")
    return manifest


MANIFEST_MAX_BYTES = 256 << 20  # a member called manifest.json larger than this is no pack's


def is_audit_pack(path: str | Path) -> bool:
    """Whether ``path`` is an audit pack of the workbench (a zip whose manifest says so), whatever its
    file is called."""
    try:
        with zipfile.ZipFile(path) as z:
            if z.getinfo(MANIFEST).file_size > MANIFEST_MAX_BYTES:
                return False
            read_manifest(z, Path(path))
            return True
    except (KeyError, WorkbenchError, zipfile.BadZipFile, OSError):
        return False


def not_a_pack_here(path: str | Path, what: str) -> str:
    """What to do with an audit pack given where ``what`` (a workspace, an export) was wanted."""
    return (f"{path} is an audit pack, not {what}: open it in the window (File ▸ Open audit pack…, or drop it on "
            f"the window) or check it with `workbench pack verify {path}`.")


def _open_zip(path: Path) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(path)
    except FileNotFoundError:
        raise WorkbenchError(f"There is no audit pack at {path}.") from None
    except (zipfile.BadZipFile, OSError) as exc:
        raise WorkbenchError(f"{path.name} is not an audit pack (it is not a readable zip file).") from exc


def verify_pack(path: str | Path) -> VerifyResult:
    """Check every member's SHA-256 against the manifest; report missing, changed and unlisted files."""
    path = Path(path)
    problems: list[tuple[str, str]] = []
    checked: list[str] = []
    with _open_zip(path) as z:
        manifest = read_manifest(z, path)
        listed: dict[str, dict] = manifest.get("members") or {}
        present = {i.filename for i in z.infolist() if not i.is_dir()}
        for name, expected in sorted(listed.items()):
            if name not in present:
                problems.append((name, "is listed in the manifest but missing from the pack"))
                continue
            h = hashlib.sha256()
            try:
                with z.open(name) as f:
                    for chunk in iter(lambda: f.read(1 << 20), b""):
                        h.update(chunk)
            except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
                problems.append((name, f"cannot be read back: its bytes were changed ({exc})"))
                continue
            if h.hexdigest() != expected.get("sha256"):
                problems.append((name, "does not match its SHA-256 in the manifest: it was changed"))
            else:
                checked.append(name)
        if MANIFEST_HASH in present:
            recorded = z.read(MANIFEST_HASH).decode("ascii", "replace").split()[:1]
            if recorded != [sha256_bytes(z.read(MANIFEST))]:
                problems.insert(0, (MANIFEST, f"does not match its SHA-256 in {MANIFEST_HASH}: it was changed"))
        else:
            problems.insert(0, (MANIFEST_HASH, "is missing: the manifest cannot be checked"))
        for name in sorted(present - set(listed) - {MANIFEST, MANIFEST_HASH}):
            problems.append((name, "is in the pack but not in the manifest"))
    return VerifyResult(not problems, checked, problems, manifest)


@dataclass
class OpenedPack:
    folder: Path
    manifest: dict[str, Any]
    workspace: Path | None  # the extracted workspace copy, when the pack has one this workbench opens
    report_html: str
    note: str = ""  # why a copy the pack holds is not opened


NEWER_COPY = ("Its copy of the workspace was written by a newer version of the workbench; update the workbench "
              "to open it. Its report is shown below as it was made.")


def _copy_opens(copy: Path) -> bool:
    """Whether this workbench opens the extracted copy: one from an older version is brought up to
    date (it is a copy: the pack is untouched); one from a newer version is not opened."""
    from ..store import db

    engine = db.make_engine(f"sqlite:///{copy}", readonly=True)  # reading the version changes nothing
    try:
        current = db.current_revision(engine)
    finally:
        engine.dispose()
    if db.is_newer(current):
        return False
    if current != db.head_revision():
        engine = db.make_engine(f"sqlite:///{copy}")
        try:
            db.upgrade(engine, str(copy))
        finally:
            engine.dispose()
        with sqlite3.connect(copy) as conn:  # back to a journal a read-only open needs nothing for
            conn.execute("PRAGMA journal_mode=DELETE")
        conn.close()
    return True


def extract_pack(path: str | Path, dest: str | Path) -> OpenedPack:
    """Verify the pack, then extract its report and workspace copy (by their manifest names only)."""
    path, dest = Path(path), Path(dest)
    result = verify_pack(path)
    if not result.ok:
        name, what = result.problems[0]
        raise WorkbenchError(f"The audit pack {path.name} fails its check: {name} {what}.",
                             details="\n".join(f"{n}: {w}" for n, w in result.problems))
    manifest = result.manifest or {}
    workspace = None
    with _open_zip(path) as z:
        html = z.read("report/report.html").decode("utf-8") if "report/report.html" in manifest["members"] else ""
        if WORKSPACE_MEMBER in manifest["members"]:
            dest.mkdir(parents=True, exist_ok=True)
            workspace = dest / "workspace.db"
            with z.open(WORKSPACE_MEMBER) as src, open(workspace, "wb") as out:
                for chunk in iter(lambda: src.read(1 << 20), b""):
                    out.write(chunk)
    if workspace is not None and not _copy_opens(workspace):
        return OpenedPack(dest, manifest, None, html, note=NEWER_COPY)
    return OpenedPack(dest, manifest, workspace, html)


def pack_summary(manifest: dict[str, Any]) -> str:
    """What a pack holds, in a sentence: 'Audit pack made 2026-12-01 23:04 UTC by Community
    Workbench 0.1.0: period 2023-10-04 to 2024-01-01, 1 import run, 6 source files, pseudonymized.'"""
    period = manifest.get("period") or {}
    files = sum(len(r.get("files", [])) for r in manifest.get("imports", []))
    made = manifest.get("created_at", "?")
    try:
        made = fmt.when(dt.datetime.fromisoformat(str(made)))
    except ValueError:
        pass  # a pack written by hand or by another tool: its own words
    return (f"Audit pack made {made} by {manifest.get('app', {}).get('name', '?')} "
            f"{manifest.get('app', {}).get('version', '?')}: period {period.get('from')} to {period.get('to')}, "
            f"{fmt.plural(len(manifest.get('imports', [])), 'import run')}, {fmt.plural(files, 'source file')}"
            f"{', pseudonymized' if manifest.get('pseudonymized') else ''}.")
