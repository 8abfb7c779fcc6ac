"""What every command shares: the ``--workspace`` option, opening it, and printing results."""
from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from typing import Any

from wcwidth import wcswidth, wcwidth

from ..workspace import Workspace


def add_workspace_arg(p: argparse.ArgumentParser) -> None:
    p.add_argument("--workspace", "-w", metavar="PATH",
                   help="workspace file or database URL (default: the workspace in your user data folder)")


def open_workspace(args: argparse.Namespace, *, readonly: bool = False, create: bool = True) -> Workspace:
    return Workspace.open(getattr(args, "workspace", None), readonly=readonly, create=create)


def progress_printer(args: argparse.Namespace):  # noqa: ANN201 - a progress function or None
    """Progress on the terminal ("\r 42% Reading general.json"), a line rewritten as the percentage
    moves; None when standard error is no terminal or the output is JSON."""
    if not sys.stderr.isatty() or getattr(args, "json", False):
        return None
    state = {"last": -1}

    def report(fraction: float, message: str) -> None:
        pct = int(fraction * 100)
        if pct != state["last"]:
            state["last"] = pct
            sys.stderr.write(f"\r{pct:3d}% {message[:60]:<60}")
            sys.stderr.flush()
            if fraction >= 1.0:
                sys.stderr.write("\n")
    return report


def people_named(ws: Workspace, ids: list[int]) -> str:
    """People as a sentence names them: "Xavi García (person 218), Uma Ivanova (person 523)"."""
    from sqlalchemy import select

    from ..store.models import Person

    with ws.connect() as conn:
        names = dict(conn.execute(select(Person.id, Person.display_name).where(Person.id.in_(ids))).all())
    return ", ".join(f"{names[p]} (person {p})" if names.get(p) else f"person {p}" for p in dict.fromkeys(ids))


def print_json(data: Any) -> None:
    json.dump(data, sys.stdout, ensure_ascii=False, indent=None, default=str)
    sys.stdout.write("\n")


def print_table(rows: list[dict], columns: list[str], *, headers: dict[str, str] | None = None) -> None:
    """A plain aligned text table for the terminal, its headings written as words ('Last seen')."""
    headers = headers or {}
    titles = [(t := headers.get(c, c.replace("_", " ")))[:1].upper() + t[1:] for c in columns]
    cells = [[str(r.get(c, "")) for c in columns] for r in rows]
    widths = [max([cells_of(t)] + [cells_of(row[i]) for row in cells]) for i, t in enumerate(titles)]
    for row in (titles, *cells):
        print("  ".join(v + " " * (w - cells_of(v)) for v, w in zip(row, widths)).rstrip())


def cells_of(text: str) -> int:
    """How many columns a terminal gives the text: two for a Chinese character or an emoji, none
    for a combining accent or a zero-width character (so "李明" lines up with "Ana")."""
    width = wcswidth(text)
    return width if width >= 0 else sum(max(wcwidth(ch), 0) for ch in text)


def platforms_arg(ws: Workspace, values: list[str]) -> tuple[str, ...]:
    """``--platform`` values (repeated or comma-separated) checked against the workspace: a name it
    does not hold is a mistake to say, not a period of zeros."""
    from sqlalchemy import select

    from ..errors import WorkbenchError
    from ..store.models import Account, Channel, Source

    asked = tuple(dict.fromkeys(p.strip().lower() for arg in values for p in arg.split(",") if p.strip()))
    if not asked:
        return ()
    with ws.connect() as conn:
        held = set(conn.execute(select(Channel.platform).distinct()).scalars())
        held |= set(conn.execute(select(Source.platform).distinct()).scalars())
        held |= set(conn.execute(select(Account.platform).distinct()).scalars())
    unknown = [p for p in asked if p not in held]
    if unknown:
        raise WorkbenchError(f"This workspace holds nothing from {', '.join(unknown)}; its platforms are "
                             f"{', '.join(sorted(held)) or 'none yet'}.")
    return asked


def date_arg(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date like 2024-03-01 (YYYY-MM-DD)") from None


def add_period_args(p: argparse.ArgumentParser) -> None:
    """``--from``, ``--to``, ``--platform``, ``--channel`` and ``--timezone``, read by ``filters_from_args``."""
    p.add_argument("--from", dest="start", type=date_arg, metavar="DATE",
                   help="first day of the period (default: 90 days before --to)")
    p.add_argument("--to", dest="end", type=date_arg, metavar="DATE",
                   help="last day of the period, inclusive (default: the day of the latest activity)")
    p.add_argument("--platform", action="append", default=[], metavar="NAME",
                   help="only this platform (repeat, or separate with commas)")
    p.add_argument("--channel", action="append", default=[], metavar="NAME",
                   help="only this channel, by name, #name, platform id or workspace id (repeat for several)")
    p.add_argument("--timezone", metavar="ZONE",
                   help="reporting time zone for days (default: the workspace setting reporting.timezone, or UTC)")


def filters_from_args(ws: Workspace, args: argparse.Namespace):  # noqa: ANN201 - a Filters
    """The period and filters the options name. Without --to the period ends on the day of the
    latest activity (in the reporting time zone); without --from it is the 90 days up to --to."""
    from ..errors import WorkbenchError
    from ..metrics.filters import (
        DEFAULT_DAYS,
        Filters,
        last_activity_day,
        reporting_tz,
        zone,
    )
    from ..reports.channels import resolve_channels

    tz = args.timezone or reporting_tz(ws)
    zone(tz)
    end = args.end or last_activity_day(ws, tz)
    start = args.start
    if start is None and end is not None:
        start = end - dt.timedelta(days=DEFAULT_DAYS - 1)
    if start is not None and end is None:  # an empty workspace: the one day asked for
        end = start
    if start is not None and end is not None and start > end:
        raise WorkbenchError(f"The period starts ({start}) after it ends ({end}).")
    platforms = platforms_arg(ws, args.platform)
    channels = resolve_channels(ws, args.channel, platforms) if args.channel else ()
    return Filters(start=start, end=end, platforms=tuple(sorted(platforms)), channels=channels, tz=tz)
