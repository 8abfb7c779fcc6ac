"""``workbench champions`` (candidates, weights, gap, log, move, history) and ``workbench recognize``."""
from __future__ import annotations

import argparse
import math

from .. import fmt
from .common import add_workspace_arg, date_arg, open_workspace, people_named, print_json, print_table

STAGE_CHOICES = ("candidate", "nominated", "champion", "alumni", "none")


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("champions", help="champion candidates, the recognition gap, the champion programme")
    csub = p.add_subparsers(dest="champions_command", metavar="ACTION", required=True)

    s = csub.add_parser("candidates", help="ranked champion candidates with their score in parts")
    add_workspace_arg(s)
    s.add_argument("--json", action="store_true", help="print a JSON list of candidates")
    s.add_argument("--limit", type=int, default=20, metavar="N", help="at most N candidates (default 20; 0: all)")
    s.add_argument("--as-of", type=date_arg, default=None, metavar="DATE",
                   help="the period's last day, YYYY-MM-DD (default: the day of the latest activity)")
    s.add_argument("--weight", action="append", type=weight_arg, default=[], metavar="PART=X",
                   help="what if this part of the score weighed X (answers, newcomer_replies, people_helped, "
                        "reactions, active_days); not saved; repeat for several")
    s.set_defaults(func=run_candidates)

    s = csub.add_parser("weights", help="the champion score's weights, as the Champions page's what-if panel saves "
                                        "them: list them, or save some: workbench champions weights answers=4")
    add_workspace_arg(s)
    s.add_argument("weights", nargs="*", type=weight_arg, metavar="PART=X",
                   help="a part of the score and its new weight, zero or more (the parts the list names)")
    s.add_argument("--defaults", action="store_true", help="put the default weights back")
    s.add_argument("--json", action="store_true", help="print JSON: {part: weight}")
    s.set_defaults(func=run_weights)

    s = csub.add_parser("gap", help="strong contributors (top tenth by champion score) not thanked in 180 days")
    add_workspace_arg(s)
    s.add_argument("--json", action="store_true", help="print a JSON list")
    s.add_argument("--as-of", type=date_arg, default=None, metavar="DATE", help="the period's last day, YYYY-MM-DD")
    s.set_defaults(func=run_gap)

    s = csub.add_parser("log", help="every recognition, newest first, on the day it was given")
    add_workspace_arg(s)
    s.add_argument("person", nargs="?", default=None, metavar="PERSON",
                   help="only this person's (a person id, platform:account id, or a user name, e-mail or name "
                        "only one person has)")
    s.add_argument("--json", action="store_true", help="print a JSON list (given_at as a UTC time)")
    s.add_argument("--delete", nargs="+", type=int, default=None, metavar="ID",
                   help="delete these recognitions from the log (the ids of its first column); they are kept "
                        "apart: --undo-delete brings them back, and an import does not add them again")
    s.add_argument("--undo-delete", action="store_true", help="bring back the recognitions deleted last")
    s.set_defaults(func=run_log)

    s = csub.add_parser("move", help="move a person to a stage of the programme (date and reason recorded)")
    add_workspace_arg(s)
    s.add_argument("person", metavar="PERSON",
                   help="person id, platform:account id, or a user name, e-mail or name only one person has")
    s.add_argument("stage", choices=STAGE_CHOICES, metavar="STAGE", help=", ".join(STAGE_CHOICES))
    s.add_argument("--reason", "-r", required=True, metavar="R", help="why (kept in the person's history)")
    s.add_argument("--by", default="", metavar="NAME", help="who moves them")
    s.set_defaults(func=run_move)

    s = csub.add_parser("history", help="a person's history in the programme")
    add_workspace_arg(s)
    s.add_argument("person", metavar="PERSON",
                   help="a person id, platform:account id, or a user name, e-mail or name only one person has")
    s.add_argument("--json", action="store_true", help="print JSON")
    s.set_defaults(func=run_history)

    r = sub.add_parser("recognize", help="record a recognition (shout-out, badge, swag, role, invitation...)")
    add_workspace_arg(r)
    r.add_argument("person", nargs="+", metavar="PERSON",
                   help="person id, platform:account id, or a user name, e-mail or name only one person has")
    r.add_argument("--kind", "-k", required=True, metavar="K",
                   help="shout-out, badge, swag, role, invitation, or a kind of your own")
    r.add_argument("--note", "-n", default="", metavar="N", help="what it was for")
    r.add_argument("--date", type=date_arg, default=None, metavar="D",
                   help="the day, YYYY-MM-DD, in the reporting time zone (default: now)")
    r.add_argument("--by", default="", metavar="NAME", help="who gave it")
    r.set_defaults(func=run_recognize)


def _records(df) -> list[dict]:  # noqa: ANN001 - a DataFrame
    import pandas as pd

    out = []
    for row in df.to_dict(orient="records"):
        clean = {}
        for k, v in row.items():
            if isinstance(v, float) and math.isnan(v):
                v = None
            elif v is pd.NaT:
                v = None
            elif isinstance(v, pd.Timestamp):
                v = v.isoformat()
            elif hasattr(v, "item"):
                v = v.item()
            if k == "platforms" and isinstance(v, str):  # a list, as `workbench people list --json` gives it
                v = [p.strip() for p in v.split(",") if p.strip()]
            clean[k] = v
        out.append(clean)
    return out


def _num(x: float) -> str:
    return f"{x:,.0f}" if float(x).is_integer() else f"{x:,.1f}"


def _score(x: float) -> str:
    """A champion score as the window shows it: one decimal, 17.0 too, so that a column of them aligns."""
    return f"{x:,.1f}"


def weight_arg(text: str) -> tuple[str, str]:
    """``PART=X``: a part of the champion score and a weight (checked as a number when it is used)."""
    from ..champions.score import COMPONENTS

    part, sep, value = text.partition("=")
    part = part.strip().lower().replace("-", "_")
    if not sep or not value.strip():
        raise argparse.ArgumentTypeError(f"“{text}” is not PART=NUMBER (for example answers=3)")
    if part not in COMPONENTS:
        raise argparse.ArgumentTypeError(f"“{part}” is not a part of the champion score; its parts are "
                                         f"{', '.join(COMPONENTS)}")
    return part, value.strip()


def run_candidates(args: argparse.Namespace) -> int:
    from ..champions.score import candidates, clean_weights, load_weights

    with open_workspace(args, readonly=True, create=False) as ws:
        weights = clean_weights({**load_weights(ws), **dict(args.weight)})
        df = candidates(ws, limit=args.limit or None, as_of=args.as_of, weights=weights)
    period = df.attrs.get("period")
    if args.json:
        print_json(_records(df))
        return 0
    if df.empty:
        print("No candidates: nobody outside staff, bots, deleted accounts and current champions helped anyone "
              "in the period.")
        return 0
    if period is not None:
        print(f"Champion candidates, {period.text()} ({period.tz}); "
              + ", ".join(f"{k.replace('_', ' ')} ×{_num(v)}" for k, v in weights.items())
              + (" (what-if weights, not saved)" if args.weight else ""))
    rows = [{**r, "score": _score(r["score"]), "platforms": fmt.platform_names(r["platforms"])}
            for r in _records(df)]
    print_table(rows, ["rank", "person_id", "name", "platforms", "score", "answers", "newcomer_replies",
                       "people_helped", "reactions", "active_days"],
                headers={"person_id": "person", "newcomer_replies": "newcomer replies",
                         "people_helped": "people helped", "active_days": "active days"})
    return 0


def run_weights(args: argparse.Namespace) -> int:
    from ..champions.score import COMPONENTS, DEFAULT_WEIGHTS, LABELS, load_weights, save_weights
    from ..errors import WorkbenchError

    if args.defaults and args.weights:
        raise WorkbenchError("--defaults puts every default weight back and takes no PART=X.")
    change = args.defaults or bool(args.weights)
    with open_workspace(args, readonly=not change, create=False) as ws:
        if args.defaults:
            weights = save_weights(ws, DEFAULT_WEIGHTS)
        elif args.weights:
            weights = save_weights(ws, {**load_weights(ws), **dict(args.weights)})
        else:
            weights = load_weights(ws)
    if args.json:
        print_json(weights)
        return 0
    print_table([{"part": c, "what": LABELS[c], "weight": f"{weights[c]:g}", "default": f"{DEFAULT_WEIGHTS[c]:g}"}
                 for c in COMPONENTS], ["part", "what", "weight", "default"])
    if change:
        print("Saved: the Champions page, the recognition gap and the reports rank people by these weights.")
    return 0


def _local_day(iso: str, tz: str) -> str:
    """The day of a UTC time in the reporting zone."""
    import pandas as pd

    from ..metrics.filters import zone

    return pd.Timestamp(iso).tz_convert(zone(tz)).strftime("%Y-%m-%d")


def run_gap(args: argparse.Namespace) -> int:
    from ..champions.recognition import recognition_gap

    with open_workspace(args, readonly=True, create=False) as ws:
        df = recognition_gap(ws, as_of=args.as_of)
    if args.json:
        print_json(_records(df))
        return 0
    if df.empty and not df.attrs.get("top_decile"):
        period = df.attrs.get("period")
        print(f"No gap to show: nobody contributed{' from ' + period.text() if period else ''} "
              f"({period.tz if period else 'UTC'}).")
        return 0
    period, top = df.attrs["period"], df.attrs["top_decile"]
    # Up to a day in the past, the 180 days are those up to it (and so are the recognitions counted).
    within = f"the 180 days up to {period.end.isoformat()}" if args.as_of else "180 days"
    if df.empty:
        print(f"No gap: every strong contributor was recognized in {within if args.as_of else 'the last 180 days'}.")
        return 0
    print(f"Strong contributors not thanked in {within}: {fmt.number(len(df))} of the "
          f"{fmt.plural(top, 'person', 'people')} in the top tenth by champion score, {period.text()} ({period.tz})")
    rows = [{**r, "score": _score(r["score"]), "platforms": fmt.platform_names(r["platforms"]),
             "last_active_at": _local_day(r["last_active_at"], df.attrs["period"].tz),
             "last_recognized_at": _local_day(r["last_recognized_at"], df.attrs["period"].tz)
             if r["last_recognized_at"] else "never"} for r in _records(df)]
    print_table(rows, ["person_id", "name", "platforms", "score", "last_active_at", "last_recognized_at"],
                headers={"person_id": "person", "last_active_at": "last active",
                         "last_recognized_at": "last recognized"})
    return 0


def run_log(args: argparse.Namespace) -> int:
    from ..champions.programme import resolve_person
    from ..champions.recognition import recognition_log
    from ..metrics.filters import reporting_tz

    if args.delete or args.undo_delete:
        return _change_log(args)
    with open_workspace(args, readonly=True, create=False) as ws:
        df, tz = recognition_log(ws), reporting_tz(ws)
        pid = resolve_person(ws, args.person) if args.person else None
        who = people_named(ws, [pid]) if pid is not None else ""
    if pid is not None:
        df = df[df["person_id"] == pid]
    if args.json:
        print_json(_records(df))
        return 0
    if df.empty:
        print(f"{who[:1].upper()}{who[1:]} has no recognition yet." if who else
              "No recognition yet: record one with `workbench recognize PERSON --kind K`, or import a CSV of them.")
        return 0
    rows = [{**r, "given_at": _local_day(r["given_at"], tz), "platforms": fmt.platform_names(r["platforms"]),
             "source": fmt.recognition_source(r["source"])} for r in _records(df)]
    print_table(rows, ["id", "given_at", "person_id", "name", "platforms", "kind", "note", "given_by", "source"],
                headers={"given_at": f"day ({tz})", "person_id": "person", "given_by": "given by"})
    return 0


def _change_log(args: argparse.Namespace) -> int:
    """``champions log --delete ID...`` or ``--undo-delete``: all the ids are checked before any is deleted."""
    from ..champions.recognition import delete_recognitions, recognition_log, undo_delete
    from ..errors import NotFound, WorkbenchError

    if args.delete and args.undo_delete:
        raise WorkbenchError("Give --delete or --undo-delete, not both.")
    with open_workspace(args, create=False) as ws:
        if args.undo_delete:
            back = undo_delete(ws)
            said = "; ".join(f"the {b['kind']} of {b['name']} (recognition {b['id']})" for b in back)
            print(f"Brought back {said}." if back else "No recognition was deleted: there is nothing to bring back.")
            return 0
        log = recognition_log(ws).set_index("id")
        missing = [i for i in dict.fromkeys(args.delete) if i not in log.index]
        if missing:
            raise NotFound(f"There is no recognition {', '.join(map(str, missing))} in this workspace "
                           "(`workbench champions log` lists them with their ids); nothing was deleted.")
        delete_recognitions(ws, args.delete)
    ids = list(dict.fromkeys(args.delete))
    said = "; ".join(f"the {log.at[i, 'kind']} of {log.at[i, 'name']} (recognition {i})" for i in ids)
    print(f"Deleted {said}. `workbench champions log --undo-delete` brings {'it' if len(ids) == 1 else 'them'} back.")
    return 0


def run_move(args: argparse.Namespace) -> int:
    from ..champions.programme import move, resolve_person

    with open_workspace(args, create=False) as ws:
        pid = resolve_person(ws, args.person)
        move(ws, pid, args.stage, reason=args.reason, by=args.by)
        who = people_named(ws, [pid])
    where = "out of the programme" if args.stage == "none" else f"to {args.stage}"
    print(f"Moved {who} {where}.")
    return 0


def run_history(args: argparse.Namespace) -> int:
    from ..champions.programme import history, resolve_person

    from ..metrics.filters import reporting_tz, zone

    with open_workspace(args, readonly=True, create=False) as ws:
        pid = resolve_person(ws, args.person)
        rows = history(ws, pid)
        who, tz = people_named(ws, [pid]), reporting_tz(ws)
    if args.json:
        print_json(rows)
        return 0
    if not rows:
        print(f"{who[:1].upper()}{who[1:]} is not in the programme, and never was.")
        return 0
    print(f"{who}, newest first:")
    # Times in the reporting time zone, named in the heading, as the window shows them.
    print_table([{**r, "changed_at": r["changed_at"].astimezone(zone(tz)).strftime("%Y-%m-%d %H:%M"),
                  "previous_stage": r["previous_stage"] or "—", "changed_by": r["changed_by"] or "—"}
                 for r in rows],
                ["changed_at", "previous_stage", "stage", "reason", "changed_by"],
                headers={"changed_at": f"when ({tz})", "previous_stage": "from", "stage": "to", "changed_by": "by"})
    return 0


def run_recognize(args: argparse.Namespace) -> int:
    from ..champions.programme import resolve_person
    from ..champions.recognition import add_recognition

    with open_workspace(args, create=False) as ws:
        pids = [resolve_person(ws, p) for p in args.person]
        ids = add_recognition(ws, pids, kind=args.kind, note=args.note, given_at=args.date, given_by=args.by)
        who = people_named(ws, pids)
    print(f"Recorded {fmt.plural(len(ids), 'recognition')} ({args.kind}) for {who}.")
    return 0
