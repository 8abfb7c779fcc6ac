"""Core commands: gui, import, runs, status, demo, password."""
from __future__ import annotations

import argparse
import importlib
import sys

from .. import fmt
from ..errors import WorkbenchError
from ..store.db import demo_workspace_path
from .common import add_workspace_arg, open_workspace, print_json, print_table, progress_printer


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("gui", help="open the window (the default command)")
    add_workspace_arg(p)
    p.add_argument("--demo", action="store_true", help="open the demo workspace, building it first if needed")
    p.set_defaults(func=run_gui)

    p = sub.add_parser("import", help="import export files, folders or zips (the format is detected)",
                       description="Import export files, folders or zips into the workspace, as one run: all or\n"
                                   "nothing. The format is detected from the file.",
                       formatter_class=argparse.RawDescriptionHelpFormatter, add_help=False)
    p.add_argument("-h", "--help", action=_HelpWithFormats, nargs=0, help="show this help and the formats read, and exit")
    add_workspace_arg(p)
    p.add_argument("paths", nargs="+", metavar="PATH", help="an export file, a folder of them, or a zip")
    p.add_argument("--json", action="store_true", help="print the summary as JSON")
    p.add_argument("--mapping", metavar="FILE",
                   help="a JSON column mapping for a CSV file (saved in the workspace and reused for the same columns)")
    p.add_argument("--timezone", metavar="TZ",
                   help="time zone of dates written without one (Europe/Berlin, UTC, +02:00; default UTC): "
                        "a CSV's, and a Telegram export's local times where it has no date_unixtime")
    p.set_defaults(func=run_import)

    p = sub.add_parser("runs", help="the import runs, newest first; with a run's number, its files (with their "
                                    "SHA-256), its problems and the files it left alone",
                       description="The import runs, newest first. `workbench runs N` shows run N: its files\n"
                                   "(name, size, format, SHA-256), its problems and the files it left alone.\n"
                                   "`workbench runs N --remove` takes what run N brought back out of the workspace\n"
                                   "(the wrong export, or one read in the wrong time zone); the run stays in the\n"
                                   "history, marked as removed, and importing its files again brings it all back\n"
                                   "(`workbench runs N --bring-back` imports what it was given again).",
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    add_workspace_arg(p)
    p.add_argument("run", nargs="?", type=int, metavar="N", help="the run to show")
    p.add_argument("--remove", action="store_true",
                   help="take what run N brought out of the workspace: its activities, reactions, joins and "
                        "recognitions, and the accounts, channels and sources only it brought")
    p.add_argument("--bring-back", action="store_true",
                   help="import again what removed run N was given (its files, checked to be still there and "
                        "the same size, and its options): the removal undone")
    p.add_argument("--json", action="store_true", help="print the runs (or the run) as JSON")
    p.set_defaults(func=run_runs)

    p = sub.add_parser("status", help="what the workspace holds")
    add_workspace_arg(p)
    p.add_argument("--json", action="store_true", help="print the counts as JSON")
    p.set_defaults(func=run_status)

    p = sub.add_parser("demo", help="build a demo workspace from a synthetic community")
    add_workspace_arg(p)
    p.add_argument("--members", type=int, default=300, help="members in the demo community (default 300)")
    p.add_argument("--seed", type=int, default=11,
                   help="the synthetic community's random seed (default 11): one seed, one community")
    p.add_argument("--if-missing", action="store_true", help="do nothing when the workspace already has data")
    p.set_defaults(func=run_demo)

    p = sub.add_parser("password", help="keep a database server's password in the system keyring, so that "
                                        "--workspace needs no password in it (or --forget it)")
    add_workspace_arg(p)
    p.add_argument("--forget", action="store_true", help="remove the kept password from the keyring")
    p.set_defaults(func=run_password)


class _HelpWithFormats(argparse.Action):
    """``workbench import --help``: the help, then every format the workbench reads. The importers
    are loaded only when asked, so that every other command starts without them."""

    def __call__(self, parser, namespace, values, option_string=None):  # noqa: ANN001, ANN204
        from ..importers import registry

        parser.epilog = "formats read (a file, a folder of them, or a zip):\n" + "\n".join(
            sorted((f"  {imp.label}" for imp in registry.all_importers()), key=str.casefold))
        parser.print_help()
        parser.exit()


def run_gui(args: argparse.Namespace) -> int:
    location = args.workspace
    if getattr(args, "demo", False):
        location = location or str(demo_workspace_path())
        _ensure_demo(location)
    # The core never imports the GUI; the command line starts it by name only when asked, so every
    # other command runs on a machine without Qt.
    app = importlib.import_module("workbench.ui.app")
    return app.main(workspace=location)


def _ensure_demo(location: str, *, members: int = 300, seed: int = 11) -> None:
    from ..demo import build_demo

    with open_workspace(argparse.Namespace(workspace=location)) as ws:
        if ws.counts()["activities"] == 0:
            print(f"Building the demo workspace at {ws.location} ...", file=sys.stderr)
            build_demo(ws, members=members, seed=seed)


def _import_options(args: argparse.Namespace) -> dict[str, dict] | None:
    """``--mapping FILE`` and ``--timezone TZ`` as the importers' options (the CSV's; Telegram's
    for local times without an instant)."""
    import json
    from pathlib import Path

    from ..errors import ImportFailed

    csv_opts: dict = {}
    if getattr(args, "mapping", None):
        path = Path(args.mapping).expanduser()
        try:
            csv_opts["mapping"] = json.loads(path.read_text(encoding="utf-8-sig"))
        except OSError as exc:
            raise ImportFailed(f"{args.mapping}: the mapping file cannot be read ({exc.strerror or exc}).") from exc
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise ImportFailed(f"{args.mapping}: the mapping file is not valid JSON ({exc}).") from exc
    options: dict[str, dict] = {}
    if getattr(args, "timezone", None):
        from ..importers.textio import zone

        zone(args.timezone)  # an unknown zone is one sentence before anything is read
        csv_opts["timezone"] = args.timezone
        options["telegram"] = {"timezone": args.timezone}
    if csv_opts:
        options["csv"] = csv_opts
    return options or None


def run_import(args: argparse.Namespace) -> int:
    from ..importing import plan

    plan(args.paths)  # every path checked before the workspace is even opened: nothing written on error
    options = _import_options(args)
    with open_workspace(args) as ws:
        result = ws.import_paths(args.paths, progress=progress_printer(args), options=options)
    return _said_import(result, args)


def _said_import(result, args: argparse.Namespace) -> int:  # noqa: ANN001 - an ImportResult
    if args.json:
        print_json(result.as_dict())
        return 0
    for path, label in result.inputs:
        print(f"{path}: {label}")
    kinds = fmt.counts(result.by_kind)
    if result.run_id is None:
        print("Nothing new: the workspace already holds all of it, so it is unchanged and no import run was "
              "recorded.")
        for p in [*result.notes, *result.problems][:20]:
            print(f"  {p}")
        return 0
    else:
        updated = fmt.updated(result.updated, result.updated_by_kind)
        print(f"Import run {result.run_id}: read {fmt.number(result.read)} records; added {kinds or 'nothing new'}; "
              f"updated {updated}, unchanged {fmt.number(result.unchanged)}, skipped {fmt.number(result.skipped)}.")
    if result.first_at:
        print(f"Activity from {result.first_at:%Y-%m-%d %H:%M} to {result.last_at:%Y-%m-%d %H:%M} UTC.")
    if result.problem_count:
        print(f"{fmt.plural(result.problem_count, 'problem')}:")
        for p in result.problems[:20]:
            print(f"  {p}")
        if result.problem_count > 20:
            print(f"  ... and {fmt.number(result.problem_count - 20)} more (see the Imports page or --json).")
    if result.notes:
        print("Left alone:")
        for p in result.notes[:20]:
            print(f"  {p}")
        if len(result.notes) > 20:
            print(f"  ... and {fmt.number(len(result.notes) - 20)} more (see `workbench runs {result.run_id}`).")
    return 0


def run_runs(args: argparse.Namespace) -> int:
    from ..history import import_runs, run_problems
    from ..records import Problem

    if args.remove and args.bring_back:
        raise WorkbenchError("Say one of --remove and --bring-back.")
    if args.remove:
        return _remove_run(args)
    if args.bring_back:
        return _bring_back_run(args)
    with open_workspace(args, readonly=True, create=False) as ws:
        runs = import_runs(ws)
        if args.run is None:
            _print_runs(runs, as_json=args.json)
            return 0
        run = next((r for r in runs if r.id == args.run), None)
        if run is None:
            known = f"its runs are {', '.join(str(r.id) for r in reversed(runs))}" if runs else "it has none yet"
            raise WorkbenchError(f"{ws.location} has no import run {args.run}: {known}.")
        problems, notes = ([Problem(*row) for row in run_problems(ws, run.id, None, kind=k)]
                           for k in ("problem", "note"))
    if args.json:
        print_json(_run_json(run) | {"problems": [p.as_dict() for p in problems],
                                     "left_alone": [n.as_dict() for n in notes]})
        return 0
    _print_run(run, problems, notes)
    return 0


def _remove_run(args: argparse.Namespace) -> int:
    from ..removing import remove_run

    if args.run is None:
        raise WorkbenchError("Say which run to remove: `workbench runs N --remove` (`workbench runs` lists them).")
    with open_workspace(args, create=False) as ws:
        removal = remove_run(ws, args.run)
    if args.json:
        print_json(removal.as_dict())
    else:
        print(removal.sentence())
    return 0


def _bring_back_run(args: argparse.Namespace) -> int:
    from ..removing import read_only_its_files, to_bring_back

    if args.run is None:
        raise WorkbenchError("Say which run to bring back: `workbench runs N --bring-back` (`workbench runs` lists "
                             "them).")
    with open_workspace(args, create=False) as ws:
        progress = progress_printer(args)
        digests: dict = {}  # the files' digests taken once, by the check
        paths, options = to_bring_back(ws, args.run, progress, digests=digests)
        result = ws.import_paths(paths, progress=progress, options=options, before_commit=read_only_its_files(args.run),
                                 digests=digests)
    return _said_import(result, args)


def _print_runs(runs, *, as_json: bool) -> None:  # noqa: ANN001 - RunSummary rows
    if as_json:
        print_json([_run_json(r) for r in runs])
    elif not runs:
        print("No import runs yet: import an export with `workbench import PATH`.")
    else:
        print_table([{"run": r.id, "when": fmt.when(r.started_at) + (" (removed)" if r.removed_at else ""),
                      "files": r.file_names, "formats": r.formats_in_short,
                      "read": fmt.number(r.read), "added": fmt.number(r.added), "updated": fmt.number(r.updated),
                      "skipped": fmt.number(r.skipped), "problems": fmt.number(r.problem_count),
                      "left_alone": fmt.number(r.note_count)} for r in runs],
                    ["run", "when", "files", "formats", "read", "added", "updated", "skipped", "problems", "left_alone"])


def _print_run(run, problems, notes) -> None:  # noqa: ANN001 - a RunSummary, its Problems and notes
    from ..importers.registry import format_name

    updated = fmt.updated(run.updated, run.updated_by_kind)
    print(f"Import run {run.id}, {fmt.when(run.started_at)}: read {fmt.number(run.read)} records; added "
          f"{fmt.counts(run.counts) or 'nothing new'}; updated {updated}, unchanged {fmt.number(run.unchanged)}, "
          f"skipped {fmt.number(run.skipped)}.")
    if run.first_activity_at:
        print(f"Activity from {run.first_activity_at:%Y-%m-%d %H:%M} to {run.last_activity_at:%Y-%m-%d %H:%M} UTC.")
    if run.removal:
        print(f"{run.removal} Importing its files again brings it back.")
    print(f"{fmt.plural(len(run.files), 'file')}:")
    print_table([{"file": f.name, "size": fmt.number(f.size), "format": format_name(f.importer), "sha256": f.sha256}
                 for f in run.files], ["file", "size", "format", "sha256"], headers={"sha256": "SHA-256"})
    if not problems:
        print("No problems.")
    for title, said in ((fmt.plural(len(problems), "problem"), problems), ("Left alone", notes)):
        if said:
            print(f"{title}:")
            for p in said:
                print(f"  {p}")


def _run_json(r) -> dict:  # noqa: ANN001 - a RunSummary
    from ..importers.registry import format_name

    def iso(t):  # noqa: ANN001, ANN202
        return t.isoformat() if t else None

    return {"run": r.id, "started_at": iso(r.started_at), "finished_at": iso(r.finished_at), "read": r.read,
            "added": r.added, "updated": r.updated, "unchanged": r.unchanged, "skipped": r.skipped,
            "added_by_kind": r.counts, "updated_by_kind": r.updated_by_kind, "first_activity": iso(r.first_activity_at),
            "last_activity": iso(r.last_activity_at),
            "problem_count": r.problem_count, "left_alone_count": r.note_count,
            "removed_at": iso(r.removed_at), "removed": r.removed or None,
            "files": [{"name": f.name, "size": f.size, "sha256": f.sha256, "format": format_name(f.importer),
                       "importer": f.importer, "importer_version": f.importer_version} for f in r.files]}


def run_status(args: argparse.Namespace) -> int:
    # Asking about a workspace never makes one: a mistyped path is said, not created empty.
    with open_workspace(args, create=False) as ws:
        counts = ws.counts()
        if args.json:
            print_json(counts)
            return 0
        print(f"Workspace: {ws.location}")
        for key, label in [("sources", "Sources"), ("accounts", "Accounts"), ("people", "People"),
                           ("activities", "Activities"), ("import_runs", "Import runs")]:
            print(f"{label + ':':<14}{fmt.number(counts[key]):>12}")
        last = ws.last_import_at()
        if last:
            print(f"Last import:  {last:%Y-%m-%d %H:%M} UTC")
    return 0


def run_demo(args: argparse.Namespace) -> int:
    from ..demo import build_demo

    location = args.workspace or str(demo_workspace_path())
    with open_workspace(argparse.Namespace(workspace=location)) as ws:
        if ws.counts()["activities"]:
            if args.if_missing:
                return 0
            print(f"workbench: {ws.location} already holds data; the demo is built into a new workspace "
                  "(choose another --workspace).", file=sys.stderr)
            return 2
        summary = build_demo(ws, members=args.members, seed=args.seed)
        counts = ws.counts()
    print(f"Demo workspace: {location}")
    print(f"{fmt.number(counts['people'])} people, {fmt.number(counts['accounts'])} accounts, "
          f"{fmt.number(counts['activities'])} activities from {summary['platforms']}.")
    return 0


def run_password(args: argparse.Namespace) -> int:
    """Ask for the password of ``--workspace`` (a server address with a user), check that the server
    takes it, and keep it in the OS keyring: never in a file, the workspace or the address."""
    from getpass import getpass

    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import DBAPIError

    from ..errors import WorkbenchError
    from ..secrets import delete_secret, set_secret
    from ..store import db

    url = make_url(db.to_url(args.workspace))
    if url.get_backend_name() == "sqlite":
        raise WorkbenchError("A workspace file needs no password: this is for a database server "
                             "(--workspace postgresql+psycopg://user@host/database).")
    if not url.username:
        raise WorkbenchError(f"The address {url.render_as_string()} names no user (postgresql+psycopg://user@host/database).")
    shown = url.set(password=None).render_as_string()
    name = db.password_name(url)
    if args.forget:
        delete_secret(name)
        print(f"The keyring keeps no password for {shown} now.")
        return 0
    password = url.password or (getpass(f"Password for {shown}: ") if sys.stdin.isatty()
                                else sys.stdin.readline().rstrip("\r\n"))
    if not password:
        raise WorkbenchError("No password was given; nothing was kept.")
    engine = create_engine(url.set(password=password))
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except DBAPIError as exc:
        raise WorkbenchError(f"{shown} did not take the password, so it was not kept: "
                             f"{str(exc.orig).strip().splitlines()[-1]}") from exc
    finally:
        engine.dispose()
    set_secret(name, password)
    print(f"The password for {shown} is kept in the system keyring: --workspace {shown} opens without it.")
    return 0
