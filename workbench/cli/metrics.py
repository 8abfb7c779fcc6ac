"""``workbench metrics``: the headline figures of a period, against the period before it."""
from __future__ import annotations

import argparse

from .. import fmt
from ..errors import WorkbenchError
from .common import (
    add_period_args,
    add_workspace_arg,
    filters_from_args,
    open_workspace,
    print_json,
    print_table,
)

LABELS = {
    "active_people": ("Active people", fmt.number),
    "new_people": ("New people", fmt.number),
    "stickiness": ("Stickiness (DAU/MAU)", lambda v: "—" if v is None else f"{v:.2f}"),
    "ttfr_median_s": ("Median time to first response", fmt.duration),
    "ttfr_p90_s": ("90th percentile time to first response", fmt.duration),
    "response_rate_24h": ("Questions answered within 24 hours", fmt.percent),
    "response_rate_ever": ("Questions answered", fmt.percent),
    "absence_factor": ("Contributor absence factor", fmt.number),
    "questions": ("Questions", fmt.number),
    "unanswered": ("Unanswered questions", fmt.number),
    "activities": ("Activities", fmt.number),
}


NO_ACTIVITY = "The workspace has no activity yet: import an export first (workbench import FILE)."


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("metrics", help="print the headline figures of community health for a period")
    add_workspace_arg(p)
    add_period_args(p)
    p.add_argument("--json", action="store_true", help="print JSON: period, figures, previous")
    p.set_defaults(func=run)
    p = sub.add_parser("unanswered", help="the questions of a period nobody has answered yet, the oldest first, "
                                          "with the link to where each was asked")
    add_workspace_arg(p)
    add_period_args(p)
    p.add_argument("--limit", type=int, default=50, metavar="N", help="list the N oldest (default 50; 0: all)")
    p.add_argument("--json", action="store_true", help="print JSON: period, total, questions")
    p.set_defaults(func=run_unanswered)
    p = sub.add_parser("helpers", help="who helps whom: the period's strongest ties of the helper network, the most "
                                       "replies first, as the Dashboard draws them")
    add_workspace_arg(p)
    add_period_args(p)
    p.add_argument("--limit", type=int, default=40, metavar="N", help="list the N strongest ties (default 40; 0: all)")
    p.add_argument("--json", action="store_true", help="print JSON: period, total, ties")
    p.set_defaults(func=run_helpers)


def run(args: argparse.Namespace) -> int:
    from ..metrics.filters import scope_parts

    with open_workspace(args, readonly=False, create=False) as ws:
        f = filters_from_args(ws, args)
        if f.start is None:
            figures: dict = {k: None for k in LABELS}
            previous: dict = dict(figures)
        else:
            from ..metrics import headline

            figures = headline(ws, f)
            previous = headline(ws, f.previous())
        where = "; ".join(p for p in scope_parts(ws, f) if p != "all channels")
    if args.json:
        print_json({"period": f.as_dict(), "figures": figures, "previous": previous})
        return 0
    if f.start is None:
        print(NO_ACTIVITY)
        return 0
    print(f"{f.start} to {f.end} ({f.days} days, {f.tz}); {where}; change against {f.previous().start} to "
          f"{f.previous().end}")
    from ..metrics.dashboard import headline_kind

    rows = []
    for key, (label, show) in LABELS.items():
        change, _ = fmt.change(figures[key], previous[key], headline_kind(key))
        rows.append({"figure": label, "value": show(figures[key]), "previous": show(previous[key]),
                     "change": change})
    print_table(rows, ["figure", "value", "previous", "change"],
                headers={"figure": "Figure", "value": "This period", "previous": "Previous", "change": "Change"})
    return 0


def run_unanswered(args: argparse.Namespace) -> int:
    """The Dashboard's unanswered questions, for a terminal or a weekly job: each with how long it
    has waited, where, who asked, and the link that opens it there (when its export holds one)."""
    from ..metrics.support import unanswered

    if args.limit < 0:
        raise WorkbenchError(f"--limit {args.limit}: give a number of questions, or 0 for all of them.")
    with open_workspace(args, readonly=False, create=False) as ws:
        f = filters_from_args(ws, args)
        frame = unanswered(ws, f, limit=args.limit or None) if f.start is not None else None
    total = int(frame.attrs.get("total", len(frame))) if frame is not None else 0
    questions = [] if frame is None else [
        {"asked_at": _iso_in_zone(r.asked_at, f.tz), "waiting_days": int(r.waiting_days), "platform": r.platform,
         "channel": r.channel, "author": r.author, "question": r.excerpt, "link": r.link or None}
        for r in frame.itertuples(index=False)]
    if args.json:
        print_json({"period": f.as_dict(), "total": total, "questions": questions})
        return 0
    if f.start is None:
        print(NO_ACTIVITY)
        return 0
    if not questions:
        print(f"No unanswered questions from {f.start} to {f.end} ({f.tz}).")
        return 0
    shown = "the oldest first" if len(questions) == total else \
        "the oldest" if len(questions) == 1 else f"the {fmt.number(len(questions))} oldest"
    print(f"{fmt.number(total)} unanswered question{'s' if total != 1 else ''} from {f.start} to {f.end} "
          f"({f.tz}), {shown}:")
    print_table([{"waiting": fmt.plural(q["waiting_days"], "day"),
                  "where": f"{fmt.platform_name(q['platform'])} #{q['channel']}" if q["channel"]
                  else fmt.platform_name(q["platform"]),
                  "author": fmt.snippet(q["author"], 24), "question": fmt.snippet(q["question"], 60),
                  "link": q["link"] or ""} for q in questions],
                ["waiting", "where", "author", "question", "link"])
    return 0


def run_helpers(args: argparse.Namespace) -> int:
    """The helper network's strongest ties: who replied to whom, how often, and how often while
    the person helped was a newcomer (in their first 30 days)."""
    from ..metrics.network import helper_edges, helper_ties

    if args.limit < 0:
        raise WorkbenchError(f"--limit {args.limit}: give a number of ties, or 0 for all of them.")
    with open_workspace(args, readonly=False, create=False) as ws:
        f = filters_from_args(ws, args)
        total = len(helper_edges(ws, f)) if f.start is not None else 0
        frame = helper_ties(ws, f, n=args.limit or max(total, 1)) if f.start is not None else None
    ties = [] if frame is None else [
        {"helper_person_id": int(r.helper_person_id), "helper": r.helper, "helped_person_id": int(r.helped_person_id),
         "helped": r.helped, "replies": int(r.replies), "newcomer_replies": int(r.newcomer_replies)}
        for r in frame.itertuples(index=False)]
    if args.json:
        print_json({"period": f.as_dict(), "total": total, "ties": ties})
        return 0
    if f.start is None:
        print(NO_ACTIVITY)
        return 0
    if not ties:
        print(f"No one replied to someone else from {f.start} to {f.end} ({f.tz}).")
        return 0
    shown = "the strongest first" if len(ties) == total else f"the {fmt.number(len(ties))} strongest"
    print(f"{fmt.plural(total, 'tie')} of helping from {f.start} to {f.end} ({f.tz}), {shown}:")
    print_table([{"helper": f"{fmt.snippet(t['helper'], 28)} ({t['helper_person_id']})",
                  "helped": f"{fmt.snippet(t['helped'], 28)} ({t['helped_person_id']})",
                  "replies": fmt.number(t["replies"]), "newcomer": fmt.number(t["newcomer_replies"])} for t in ties],
                ["helper", "helped", "replies", "newcomer"],
                headers={"helper": "Helper (person)", "helped": "Helped (person)", "replies": "Replies",
                         "newcomer": "To a newcomer"})
    return 0


def _iso_in_zone(t, tz: str) -> str:  # noqa: ANN001 - a Timestamp
    """An instant as ISO 8601 in the reporting time zone (the offset written)."""
    return t.tz_convert(tz).isoformat()
