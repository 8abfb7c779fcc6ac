"""``workbench metrics``: the headline figures of a period, against the period before it."""
from __future__ import annotations

import argparse

from .. import fmt
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


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("metrics", help="print the headline figures of community health for a period")
    add_workspace_arg(p)
    add_period_args(p)
    p.add_argument("--json", action="store_true", help="print JSON: period, figures, previous")
    p.set_defaults(func=run)


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
        print("The workspace has no activity yet: import an export first (workbench import FILE).")
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
