"""``workbench people``: merge suggestions, merges and unmerges, the member list, a person's profile,
tags and notes, bot and staff flags."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .. import fmt
from ..errors import WorkbenchError
from ..people.merge import who
from .common import add_workspace_arg, open_workspace, people_named, platforms_arg, print_json, print_table


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("people", help="people across platforms: merge suggestions, merges, flags, the member list")
    psub = p.add_subparsers(dest="people_command", metavar="ACTION", required=True)

    s = psub.add_parser("suggestions", help="people who are probably the same human, with the reasons")
    add_workspace_arg(s)
    s.add_argument("--json", action="store_true",
                   help="print a JSON list of {a, b, confidence, reasons, a_name, b_name, a_platforms, b_platforms}")
    s.add_argument("--min-confidence", type=float, default=None, metavar="X",
                   help="show suggestions at or above this confidence, 0..1 (default: the workbench's default)")
    s.add_argument("--accept", action="store_true",
                   help="merge every suggestion shown, in one go (each can be undone with `workbench people unmerge`)")
    s.set_defaults(func=run_suggestions)

    s = psub.add_parser("merge", help="merge person B into person A (undo with `people unmerge`)")
    add_workspace_arg(s)
    s.add_argument("a", type=int, metavar="A", help="the person that stays")
    s.add_argument("b", type=int, metavar="B", help="the person merged into A")
    s.add_argument("--reason", default="", metavar="R", help="why (kept in the merge history)")
    s.set_defaults(func=run_merge)

    s = psub.add_parser("unmerge", help="split a person back into the people merged into it")
    add_workspace_arg(s)
    s.add_argument("person", type=int, metavar="PERSON",
                   help="a person others were merged into (all come apart), or one merged away (it comes back)")
    s.set_defaults(func=run_unmerge)

    s = psub.add_parser("reject", help="say two people are not the same human (never suggested again)")
    add_workspace_arg(s)
    s.add_argument("a", type=int, metavar="A", help="a person id (as `people suggestions` lists them)")
    s.add_argument("b", type=int, metavar="B", help="the other person's id")
    s.set_defaults(func=run_reject)

    s = psub.add_parser("list", help="the member directory")
    add_workspace_arg(s)
    s.add_argument("--search", "-s", default="", metavar="S", help="name, handle or e-mail (parts of words match)")
    s.add_argument("--platform", action="append", default=[], metavar="P",
                   help="only people on this platform (repeat, or separate with commas, for any of several)")
    s.add_argument("--tag", action="append", default=[], metavar="T",
                   help="only people with this tag (repeat for any of several)")
    s.add_argument("--level", action="append", default=[], metavar="L", type=str.capitalize,
                   choices=["Leading", "Contributing", "Participating", "Exploring", "Inactive"],
                   help="only people at this engagement level: leading, contributing, participating, exploring, "
                        "inactive (repeat for any of several)")
    s.add_argument("--bots", action="store_true", help="include bots")
    s.add_argument("--limit", type=int, default=100, help="at most this many rows (default 100; 0: all)")
    s.add_argument("--json", action="store_true", help="print JSON")
    s.set_defaults(func=run_list)

    person_help = "a person id, platform:account id, or a user name, e-mail or name only one person has"
    s = psub.add_parser("show", help="a person's profile: accounts, champion programme, recognitions, tags, notes, "
                                     "merges and latest activity, as the People page shows it")
    add_workspace_arg(s)
    s.add_argument("person", metavar="PERSON", help=person_help)
    s.add_argument("--latest", type=int, default=10, metavar="N",
                   help="how many of the latest activities to list (default 10; 0: none)")
    s.add_argument("--json", action="store_true", help="print JSON (times in UTC)")
    s.set_defaults(func=run_show)

    s = psub.add_parser("tag", help="tag a person (a tag filters the member list), or --remove tags")
    add_workspace_arg(s)
    s.add_argument("person", metavar="PERSON", help=person_help)
    s.add_argument("tags", nargs="+", metavar="TAG", help="one or more tags (quote a tag of several words)")
    s.add_argument("--remove", action="store_true", help="take these tags off the person")
    s.set_defaults(func=run_tag)

    s = psub.add_parser("note", help="write a note about a person (shown in the profile, newest first)")
    add_workspace_arg(s)
    s.add_argument("person", metavar="PERSON", help=person_help)
    s.add_argument("text", metavar="TEXT", help="the note (quote it)")
    s.set_defaults(func=run_note)

    s = psub.add_parser("flag", help="mark a person as bot or staff (or not)")
    add_workspace_arg(s)
    s.add_argument("person", metavar="PERSON", help=person_help)
    s.add_argument("--bot", dest="bot", action="store_true", default=None,
                   help="a bot: left out of every figure (kept over re-imports)")
    s.add_argument("--no-bot", dest="bot", action="store_false", help="not a bot, whatever the export says")
    s.add_argument("--staff", dest="staff", action="store_true", default=None,
                   help="staff: counted in activity, never a champion candidate")
    s.add_argument("--no-staff", dest="staff", action="store_false", help="not staff")
    s.set_defaults(func=run_flag)

    s = psub.add_parser("staff", help="mark accounts as staff by handle or e-mail (arguments or a file, one a line)")
    add_workspace_arg(s)
    s.add_argument("names", nargs="*", metavar="HANDLE_OR_EMAIL", help="handles or e-mail addresses of accounts")
    s.add_argument("--file", metavar="FILE", help="a text file of handles or e-mails, one a line")
    s.add_argument("--remove", action="store_true", help="mark them as not staff")
    s.set_defaults(func=run_staff)


def run_suggestions(args: argparse.Namespace) -> int:
    from ..people.identity import DEFAULT_MIN_CONFIDENCE, suggestions_for

    threshold = DEFAULT_MIN_CONFIDENCE if args.min_confidence is None else args.min_confidence
    if not 0 <= threshold <= 1:
        raise WorkbenchError("--min-confidence is a number from 0 to 1.")
    with open_workspace(args, create=False) as ws:
        found = suggestions_for(ws, min_confidence=threshold)
        if args.accept and found:
            from ..people.merge import merge_many

            events = merge_many(ws, [s.accepted for s in found], by=who("command line"))
            passed = len(found) - len(events)
            if args.json:
                print_json({"merged": len(events), "merge_events": events, "already_joined": passed})
                return 0
            print(f"Merged {fmt.plural(len(events), 'pair')} of people at or above {threshold:.2f}"
                  + (f" ({fmt.plural(passed, 'suggestion')} already joined by the others)" if passed else "")
                  + ". Take a person apart again with `workbench people unmerge PERSON`.")
            return 0
    if args.json:
        print_json([s.as_dict() for s in found])
        return 0
    if not found:
        print(f"No merge suggestions at or above {threshold:.2f}.")
        return 0

    def side(name: str, platforms: tuple[str, ...]) -> str:  # as the window writes it: "Ana Silva (Slack)"
        return f"{fmt.snippet(name, 40)} ({fmt.platform_names(platforms)})"

    rows = [{"a": s.a, "b": s.b, "conf": f"{s.confidence:.2f}", "a_who": side(s.a_name, s.a_platforms),
             "b_who": side(s.b_name, s.b_platforms), "why": "; ".join(s.reasons)} for s in found]
    print_table(rows, ["a", "b", "conf", "a_who", "b_who", "why"],
                headers={"a": "A", "b": "B", "conf": "Confidence", "a_who": "Person A", "b_who": "Person B",
                         "why": "Reasons"})
    print(f"{fmt.plural(len(found), 'suggestion')}. Merge with `workbench people merge A B`, "
          "or `workbench people reject A B`.")
    return 0


def run_merge(args: argparse.Namespace) -> int:
    from sqlalchemy import select

    from ..people.merge import merge
    from ..store.models import MergeEvent

    with open_workspace(args, create=False) as ws:
        ev = merge(ws, args.a, args.b, reason=args.reason, by=who("command line"))
        with ws.connect() as conn:  # A or B may have been merged before: name the people really joined
            target, other = conn.execute(select(MergeEvent.target_person_id, MergeEvent.other_person_id)
                                         .where(MergeEvent.id == ev)).one()
    print(f"Merged person {other} into person {target} (merge {ev}); undo with `workbench people unmerge {other}`.")
    return 0


def run_unmerge(args: argparse.Namespace) -> int:
    from ..people.merge import unmerge

    with open_workspace(args, create=False) as ws:
        events = unmerge(ws, args.person, by=who("command line"))
    print(f"Undid {fmt.plural(len(events), 'merge')} of person {args.person}.")
    return 0


def run_reject(args: argparse.Namespace) -> int:
    from ..people.merge import reject

    with open_workspace(args, create=False) as ws:
        reject(ws, args.a, args.b, by=who("command line"))
    print(f"Person {args.a} and person {args.b} will not be suggested as one person again.")
    return 0


def run_list(args: argparse.Namespace) -> int:
    from ..metrics.filters import reporting_tz, zone
    from ..people.directory import DirectoryFilter, count, ensure_summary, flags_of, page

    with open_workspace(args, create=False) as ws:
        ensure_summary(ws)
        tz = zone(reporting_tz(ws))  # a day of the reporting time zone, as the metrics count days
        platforms = platforms_arg(ws, args.platform)
        f = DirectoryFilter(search=args.search, platforms=platforms, tags=tuple(args.tag),
                            levels=tuple(args.level), bots="include" if args.bots else "hide")
        with ws.connect() as conn:
            total = count(conn, f)
            rows = page(conn, f, sort="activities", descending=True, limit=args.limit or total or 1)
    if args.json:
        print_json([{"person_id": r["person_id"], "name": r["name"], "platforms": r["platforms"],
                     "first_seen": r["first_seen"].isoformat() if r["first_seen"] else None,
                     "last_seen": r["last_seen"].isoformat() if r["last_seen"] else None,
                     "activities": r["activities"], "level": r["level"], "tags": r["tags"],
                     "bot": r["is_bot"], "staff": r["is_staff"], "deleted": r["is_gone"]} for r in rows])
        return 0
    if not rows:
        print("No people" + (f" match '{args.search}'" if args.search else "")
              + (f" on {fmt.platform_names(platforms)}" if platforms else "")
              + (f" tagged {' or '.join(args.tag)}" if args.tag else "")
              + (f" at level {' or '.join(args.level)}" if args.level else "")
              + ("" if args.bots else " (bots are left out; --bots includes them)") + ".")
        return 0
    table = [{"id": r["person_id"], "name": fmt.snippet(r["name"], 40),
              "platforms": fmt.platform_names(r["platforms"]),
              "last": f"{r['last_seen'].astimezone(tz):%Y-%m-%d}" if r["last_seen"] else "",
              "n": fmt.number(r["activities"]),
              "level": r["level"], "flags": " ".join(flags_of(r))}
             for r in rows]
    print_table(table, ["id", "name", "platforms", "last", "n", "level", "flags"],
                headers={"id": "Person", "name": "Name", "platforms": "Platforms", "last": "Last seen",
                         "n": "Activities", "level": "Level", "flags": "Flags"})
    if total > len(rows):
        print(f"... {fmt.number(total - len(rows))} more of {fmt.number(total)} (use --limit 0 for all).")
    return 0


def run_show(args: argparse.Namespace) -> int:
    import dataclasses
    import json

    from ..champions.programme import resolve_person
    from ..metrics.filters import reporting_tz, zone
    from ..people.profile import profile

    if args.latest < 0:
        raise WorkbenchError("--latest takes a number of activities, 0 or more.")
    with open_workspace(args, readonly=True, create=False) as ws:
        pid = resolve_person(ws, args.person)
        name = reporting_tz(ws)
        with ws.connect() as conn:
            p = profile(conn, pid, timeline_limit=args.latest, tz=zone(name))
    if args.json:  # times and days as ISO 8601 (times in UTC), as the other commands write them
        print_json(json.loads(json.dumps(dataclasses.asdict(p), default=lambda v: v.isoformat())))
    else:
        _print_profile(p, name, latest=args.latest)
    return 0


HELPING_ROWS = 10  # people listed under "Replied to" and "Got replies from"; --json gives them all


def _print_profile(p, name: str, *, latest: int) -> None:  # noqa: ANN001 - a Profile
    """The profile as tables, its days and times in the reporting zone ``name``."""
    from ..metrics.filters import zone
    from ..people.profile import history_text

    tz = zone(name)

    def day(t) -> str:  # noqa: ANN001 - a UTC time or None
        return f"{t.astimezone(tz):%Y-%m-%d}" if t else ""

    total = sum(a["activities"] for a in p.accounts)
    flags = [w for w, on in (("bot", p.is_bot), ("staff", p.is_staff)) if on]
    print(f"{p.name or 'Person ' + str(p.person_id)} (person {p.person_id})")
    print(f"{fmt.plural(len(p.accounts), 'account')} on {fmt.platform_names({a['platform'] for a in p.accounts})}"
          f" · {fmt.plural(total, 'activity', 'activities')}" + (f" · {', '.join(flags)}" if flags else ""))
    print(f"Champion programme: {p.champion_stage or 'not in the programme'}")
    print(f"Tags: {', '.join(p.tags) or 'none'}")
    print(f"(days in {name})")

    def section(title: str, rows: list[dict], columns: list[str], headers: dict[str, str], none: str) -> None:
        print(f"\n{title}")
        if rows:
            print_table(rows, columns, headers=headers)
        else:
            print(none)

    section("Accounts", [{"platform": fmt.platform_name(a["platform"]), "handle": a["handle"] or "",
                          "name": fmt.snippet(a["display_name"], 40), "email": a["email"] or "",
                          "n": fmt.number(a["activities"]), "first": day(a["first"]), "last": day(a["last"]),
                          "flags": ", ".join(w for w, on in (("bot", a["is_bot"]), ("staff", a["is_staff"]),
                                                             ("deleted", a["is_deleted"]),
                                                             ("set by hand", a["flags_set_by_user"])) if on)}
                         for a in p.accounts],
            ["platform", "handle", "name", "email", "n", "first", "last", "flags"],
            {"email": "e-mail", "n": "activities", "first": "first seen", "last": "last seen"}, "No accounts.")
    section("Champion programme", [{"day": day(m["changed_at"]), "stage": m["stage"], "reason": m["reason"] or "",
                                    "by": m["changed_by"] or ""} for m in p.programme],
            ["day", "stage", "reason", "by"], {}, "Never in the programme.")
    section("Recognitions", [{"day": day(r["given_at"]), "kind": r["kind"], "note": r["note"] or "",
                              "by": r["given_by"] or ""} for r in p.recognitions],
            ["day", "kind", "note", "by"], {"by": "given by"}, "None yet.")
    for title, people, none in (("Replied to (the most often first)", p.helps, "Has not replied to anyone."),
                                ("Got replies from", p.helped_by, "No one has replied to them.")):
        section(title, [{"name": fmt.snippet(x["name"], 40), "person": str(x["person_id"]),
                         "replies": fmt.number(x["replies"]), "last": day(x["last"])} for x in people[:HELPING_ROWS]],
                ["name", "person", "replies", "last"], {"last": "latest reply"}, none)
        if len(people) > HELPING_ROWS:
            print(f"... and {fmt.plural(len(people) - HELPING_ROWS, 'other', 'others')} (--json lists them all).")
    section("Notes", [{"day": day(n["created_at"]), "author": n["author"] or "", "text": fmt.snippet(n["text"], 200)}
                      for n in p.notes], ["day", "author", "text"], {"text": "note"}, "No notes.")
    section("Merge history", [{"day": day(h["at"]), "what": history_text(h, p.person_id)} for h in p.history],
            ["day", "what"], {}, "Never merged.")
    if latest:
        section(f"Latest activity (times in {name})",
                [{"when": f"{t['at'].astimezone(tz):%Y-%m-%d %H:%M}", "platform": fmt.platform_name(t["platform"]),
                  "channel": t["channel"] or "", "what": fmt.snippet(t["text"], 70), "link": t["link"]}
                 for t in p.timeline],
                ["when", "platform", "channel", "what", "link"], {}, "No activity.")


def run_tag(args: argparse.Namespace) -> int:
    from ..champions.programme import resolve_person
    from ..people.profile import add_tag, profile, remove_tag

    with open_workspace(args, create=False) as ws:
        pid = resolve_person(ws, args.person)
        for tag in args.tags:
            (remove_tag if args.remove else add_tag)(ws, pid, tag)
        with ws.connect() as conn:
            tags = profile(conn, pid, timeline_limit=0).tags
        whose = people_named(ws, [pid])
    print(f"{whose[:1].upper()}{whose[1:]}: tags {', '.join(tags) if tags else 'none'}.")
    return 0


def run_note(args: argparse.Namespace) -> int:
    from ..champions.programme import resolve_person
    from ..people.profile import add_note

    with open_workspace(args, create=False) as ws:
        pid = resolve_person(ws, args.person)
        add_note(ws, pid, args.text, author=who("command line"))
        whose = people_named(ws, [pid])
    print(f"Note added to {whose}.")
    return 0


def run_flag(args: argparse.Namespace) -> int:
    from ..champions.programme import resolve_person
    from ..people.flags import set_person_flags

    if args.bot is None and args.staff is None:
        raise WorkbenchError("Say which flag to set: --bot, --no-bot, --staff or --no-staff.")
    changes = {k: v for k, v in (("bot", args.bot), ("staff", args.staff)) if v is not None}
    with open_workspace(args, create=False) as ws:
        pid = set_person_flags(ws, resolve_person(ws, args.person), **changes)
        whose = people_named(ws, [pid])
    said = ", ".join(("" if v else "not ") + k for k, v in changes.items())
    print(f"Marked {whose}: {said}.")
    return 0


def run_staff(args: argparse.Namespace) -> int:
    from ..people.flags import mark_staff_by_list

    names = list(args.names)
    if args.file:
        try:
            names += Path(args.file).expanduser().read_text(encoding="utf-8-sig").splitlines()
        except OSError as exc:
            raise WorkbenchError(f"{args.file} cannot be read ({exc.strerror or exc}).") from exc
    if not any(n.strip() for n in names):
        raise WorkbenchError("Give handles or e-mail addresses, or --file with one a line.")
    with open_workspace(args, create=False) as ws:
        result = mark_staff_by_list(ws, names, staff=not args.remove)
    print(f"{fmt.plural(len(result.marked), 'account')} marked as {'not ' if args.remove else ''}staff.")
    for item in result.unknown:
        print(f"  not found: {item}", file=sys.stderr)
    return 1 if result.unknown and not result.marked else 0
