"""``workbench report`` and ``workbench pack``: reports in HTML, PDF, XLSX, CSV, and audit packs."""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from ..errors import KeyringUnavailable, WorkbenchError
from .common import (
    add_period_args,
    add_workspace_arg,
    filters_from_args,
    open_workspace,
    print_json,
    progress_printer,
)


def _add_pseudonym_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--pseudonymize", action="store_true",
                   help="replace names, handles, e-mails and platform ids by stable pseudonyms and leave out message text")
    p.add_argument("--key-from-env", metavar="VAR",
                   help="read the pseudonym key from this environment variable instead of the OS keyring")
    p.add_argument("--no-pseudonym-key-storage", action="store_true",
                   help="use a one-off pseudonym key, kept nowhere (pseudonyms will not match other reports')")


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("report", help="write a community health report (HTML, PDF, XLSX, or a folder of CSV files)")
    add_workspace_arg(p)
    add_period_args(p)
    p.add_argument("--format", choices=["html", "pdf", "xlsx", "csv"],
                   help="default: what --out's name says (.html, .pdf, .xlsx), else html")
    p.add_argument("--out", required=True, metavar="PATH", help="the file to write (a folder for csv)")
    p.add_argument("--title", metavar="TEXT", help="the report's title")
    _add_pseudonym_args(p)
    p.add_argument("--json", action="store_true", help="print what was written as JSON")
    p.set_defaults(func=run_report)

    p = sub.add_parser("pack", help="write an audit pack (.wbpack), or check one: workbench pack verify FILE")
    p.add_argument("action", nargs="?", choices=["verify"], help="verify: check every hash of the pack FILE")
    p.add_argument("file", nargs="?", metavar="FILE", help="the pack to verify")
    add_workspace_arg(p)
    add_period_args(p)
    p.add_argument("--out", metavar="FILE", help="the audit pack to write (.wbpack)")
    p.add_argument("--title", metavar="TEXT", help="the report's title")
    p.add_argument("--with-workspace", action="store_true", help="include a read-only copy of the workspace")
    _add_pseudonym_args(p)
    p.add_argument("--json", action="store_true", help="print the result as JSON")
    p.set_defaults(func=run_pack)


def pseudonym_key(args: argparse.Namespace):  # noqa: ANN201 - a PseudonymKey or None
    from ..reports.pseudonymize import load_key

    if not args.pseudonymize:
        if args.key_from_env or args.no_pseudonym_key_storage:
            raise WorkbenchError("--key-from-env and --no-pseudonym-key-storage go with --pseudonymize.")
        return None
    try:
        key = load_key(from_env=args.key_from_env, one_off=args.no_pseudonym_key_storage)
    except KeyringUnavailable as exc:
        raise WorkbenchError(
            "No keyring is available on this machine to keep the pseudonym key: pass --key-from-env VAR to read "
            "the key from the environment variable VAR, or --no-pseudonym-key-storage to use a one-off key for "
            "this report (its pseudonyms will not match other reports').", details=exc.details) from exc
    if not key.stable:
        print("workbench: a one-off pseudonym key was used; its pseudonyms will not match other reports'.",
              file=sys.stderr)
    return key


def _size(path: Path) -> int:
    if path.is_dir():
        return sum(p.stat().st_size for p in path.iterdir() if p.is_file())
    return path.stat().st_size


def run_report(args: argparse.Namespace) -> int:
    from ..reports.build import export_report
    from ..reports.formats import format_for, unshown_note

    form = format_for(args.out, args.format)
    key = pseudonym_key(args)
    t0 = time.perf_counter()
    with open_workspace(args, readonly=True, create=False) as ws:
        report, out = export_report(ws, filters_from_args(ws, args), form, args.out, key=key, title=args.title,
                                    progress=progress_printer(args))
    seconds = time.perf_counter() - t0
    info = {"path": str(out), "format": form, "bytes": _size(out), "seconds": round(seconds, 2),
            "period": report.period, "pseudonymized": report.pseudonymized}
    if args.json:
        print_json(info)
    else:
        print(f"{out} ({info['bytes']:,} bytes, {report.period_text()}, {seconds:.1f}s)")
        for said in (report.notice, unshown_note(report)):
            if said:
                print(said)
    return 0


def run_pack(args: argparse.Namespace) -> int:
    if args.action == "verify":
        return run_verify(args)
    if args.file:
        raise WorkbenchError(f"Unexpected {args.file!r}: write a pack with --out FILE, or check one with "
                             "`workbench pack verify FILE`.")
    if not args.out:
        raise WorkbenchError("Name the audit pack to write with --out FILE (or check one with `workbench pack verify FILE`).")
    from ..reports.build import export_pack

    if args.pseudonymize and args.with_workspace:
        raise WorkbenchError("A pseudonymized audit pack cannot hold a copy of the workspace (it holds everyone's "
                             "personal data); leave out --with-workspace or --pseudonymize.")
    key = pseudonym_key(args)
    t0 = time.perf_counter()
    with open_workspace(args, readonly=True, create=False) as ws:
        report, result = export_pack(ws, filters_from_args(ws, args), Path(args.out), key=key, title=args.title,
                                     with_workspace=args.with_workspace, progress=progress_printer(args))
    info = {"path": str(result.path), "bytes": result.size, "members": sorted(result.members),
            "seconds": round(time.perf_counter() - t0, 2), "pseudonymized": report.pseudonymized}
    if args.json:
        print_json(info)
    else:
        print(f"{result.path} ({result.size:,} bytes, {len(result.members) + 1} files, {report.period_text()})")
    return 0


def run_verify(args: argparse.Namespace) -> int:
    from ..reports.pack import verify_pack

    if not args.file:
        raise WorkbenchError("Name the audit pack to check: workbench pack verify FILE.")
    result = verify_pack(Path(args.file))
    if args.json:
        print_json({"ok": result.ok, "checked": result.checked,
                    "problems": [{"file": n, "problem": w} for n, w in result.problems]})
    else:
        for name, what in result.problems:
            print(f"FAILED  {name} {what}")
        if result.ok:
            print(f"OK  {len(result.checked)} files match the manifest of {Path(args.file).name}.")
        else:
            print(f"{Path(args.file).name}: {len(result.problems)} of {len(result.problems) + len(result.checked)} "
                  "files do not match the manifest.", file=sys.stderr)
    return 0 if result.ok else 1
