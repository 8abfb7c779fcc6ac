"""``workbench metrics``: the headline figures of a period, against the period before it."""
from __future__ import annotations

import argparse
import datetime as dt

from .. import fmt
from ..errors import WorkbenchError
from ..metrics import Filters, headline
from ..metrics.filters import DEFAULT_DAYS, last_activity_day, reporting_tz, zone
from .common import add_workspace_arg, open_workspace, platforms_arg, print_json, print_table

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


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date (use YYYY-MM-DD)") from exc


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("metrics", help="print the headline figures of community health for a period")
    add_workspace_arg(p)
    p.add_argument("--from", dest="start", type=_date, metavar="DATE",
                   help="first day of the period (default: 90 days before --to)")
    p.add_argument("--to", dest="end", type=_date, metavar="DATE",
                   help="last day of the period, inclusive (default: the day of the latest activity)")
    p.add_argument("--platform", action="append", default=[], metavar="P",
                   help="only this platform (repeat, or separate with commas)")
    p.add_argument("--channel", action="append", type=int, default=[], metavar="ID",
                   help="only this channel (its id in the workspace; repeat for several)")
    p.add_argument("--timezone", metavar="ZONE",
                   help="reporting time zone for days (default: the workspace setting reporting.timezone, or UTC)")
    p.add_argument("--json", action="store_true", help="print JSON: period, figures, previous")
    p.set_defaults(func=run)


def filters_from_args(ws, args: argparse.Namespace) -> Filters:  # noqa: ANN001
    tz = args.timezone or reporting_tz(ws)
    zone(tz)
    end = args.end or last_activity_day(ws, tz)
    start = args.start
    if start is None and end is not None:
        start = end - dt.timedelta(days=DEFAULT_DAYS - 1)
    if start is not None and end is None:
        end = start
    if start is not None and end is not None and start > end:
        raise WorkbenchError(f"The period starts ({start}) after it ends ({end}).")
    platforms = tuple(sorted(platforms_arg(ws, args.platform)))
    return Filters(start=start, end=end, platforms=platforms, channels=tuple(args.channel), tz=tz)


def run(args: argparse.Namespace) -> int:
    with open_workspace(args, readonly=False, create=False) as ws:
        f = filters_from_args(ws, args)
        if f.start is None:
            figures: dict = {k: None for k in LABELS}
            previous: dict = dict(figures)
        else:
            figures = headline(ws, f)
            previous = headline(ws, f.previous())
    if args.json:
        print_json({"period": f.as_dict(), "figures": figures, "previous": previous})
        return 0
    where = ", ".join(f.platforms) if f.platforms else "all platforms"
    if f.channels:
        where += f", channels {', '.join(map(str, f.channels))}"
    if f.start is None:
        print("The workspace has no activity yet: import an export first (workbench import FILE).")
        return 0
    print(f"{f.start} to {f.end} ({f.days} days, {f.tz}), {where}; change against {f.previous().start} to "
          f"{f.previous().end}")
    rows = []
    for key, (label, show) in LABELS.items():
        change, _ = fmt.change(figures[key], previous[key])
        rows.append({"figure": label, "value": show(figures[key]), "previous": show(previous[key]),
                     "change": change})
    print_table(rows, ["figure", "value", "previous", "change"],
                headers={"figure": "Figure", "value": "This period", "previous": "Previous", "change": "Change"})
    return 0
