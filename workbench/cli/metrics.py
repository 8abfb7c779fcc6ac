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
    for name, func, about, limit, json_keys in (
            ("metrics", run, "print the headline figures of community health for a period", None,
             "period, figures, previous"),
            ("unanswered", run_unanswered, "the questions of a period nobody has answered yet, the oldest first, "
             "with the link to where each was asked", (50, "the N oldest"), "period, total, questions"),
            ("helpers", run_helpers, "who helps whom: the period's ties of the helper network (who replied to "
             "whom, how often), the most replies first", (40, "the N strongest ties"), "period, total, ties")):
        p = sub.add_parser(name, help=about)
        add_workspace_arg(p)
        add_period_args(p)
        if limit is not None:
            p.add_argument("--limit", type=int, default=limit[0], metavar="N",
                           help=f"list {limit[1]} (default {limit[0]}; 0: all)")
        p.add_argument("--json", action="store_true", help=f"print JSON: {json_keys}")
        p.set_defaults(func=func)


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
    from ..metrics.base import base
    from ..metrics.support import unanswered, where_asked

    _check_limit(args, "questions")
    with open_workspace(args, readonly=False, create=False) as ws:
        f = filters_from_args(ws, args)
        frame = unanswered(ws, f, limit=args.limit or None) if f.start is not None else None
        where = [] if frame is None else where_asked(frame, base(ws).channels)  # the base unanswered read
    total = int(frame.attrs.get("total", len(frame))) if frame is not None else 0
    questions = [] if frame is None else [
        {"asked_at": _iso_in_zone(r.asked_at, f.tz), "waiting_days": int(r.waiting_days), "platform": r.platform,
         "channel": r.channel, "author": r.author, "question": r.excerpt, "link": r.link or None,
         "where": at}
        for r, at in zip(frame.itertuples(index=False), where, strict=True)]
    if _said_without_a_table(args, f, {"period": f.as_dict(), "total": total, "questions": questions}, questions,
                             "No unanswered questions"):
        return 0
    shown = "the oldest first" if len(questions) == total else \
        "the oldest" if len(questions) == 1 else f"the {fmt.number(len(questions))} oldest"
    print(f"{fmt.number(total)} unanswered question{'s' if total != 1 else ''} from {f.start} to {f.end} "
          f"({f.tz}), {shown}:")
    print_table([{"waiting": fmt.plural(q["waiting_days"], "day"), "where": q.pop("where"),
                  "author": fmt.snippet(q["author"], 24), "question": fmt.snippet(q["question"], 60),
                  "link": q["link"] or ""} for q in questions],
                ["waiting", "where", "author", "question", "link"])
    return 0


def run_helpers(args: argparse.Namespace) -> int:
    """The helper network's strongest ties: who replied to whom, how often, and how often while
    the person helped was a newcomer (in their first 30 days)."""
    from ..metrics.network import helper_ties

    _check_limit(args, "ties")
    with open_workspace(args, readonly=False, create=False) as ws:
        f = filters_from_args(ws, args)
        every = helper_ties(ws, f, n=None) if f.start is not None else None
    total = len(every) if every is not None else 0
    frame = every.head(args.limit) if every is not None and args.limit else every
    ties = [] if frame is None else [
        {"helper_person_id": int(r.helper_person_id), "helper": r.helper, "helped_person_id": int(r.helped_person_id),
         "helped": r.helped, "replies": int(r.replies), "newcomer_replies": int(r.newcomer_replies)}
        for r in frame.itertuples(index=False)]
    if _said_without_a_table(args, f, {"period": f.as_dict(), "total": total, "ties": ties}, ties,
                             "No one replied to someone else"):
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


def _check_limit(args: argparse.Namespace, noun: str) -> None:
    if args.limit < 0:
        raise WorkbenchError(f"--limit {args.limit}: give a number of {noun}, or 0 for all of them.")


def _said_without_a_table(args: argparse.Namespace, f, doc: dict, rows: list, nothing: str) -> bool:  # noqa: ANN001
    """What a listing prints instead of its table: the JSON ``doc`` when asked, a sentence when the
    workspace has no activity or the period has no ``rows`` ("<nothing> from D to D (zone)."). True
    when that was all there was to print."""
    if args.json:
        print_json(doc)
    elif f.start is None:
        print(NO_ACTIVITY)
    elif not rows:
        print(f"{nothing} from {f.start} to {f.end} ({f.tz}).")
    else:
        return False
    return True


def _iso_in_zone(t, tz: str) -> str:  # noqa: ANN001 - a Timestamp
    """An instant as ISO 8601 in the reporting time zone (the offset written)."""
    return t.tz_convert(tz).isoformat()
