"""``workbench export-metrics``: the metric tables as CSV files, for checking and for other tools."""
from __future__ import annotations

import argparse
from pathlib import Path

from .common import add_workspace_arg, open_workspace


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("export-metrics", help="write the metric tables (people.csv, daily_active.csv, ...) to a folder")
    add_workspace_arg(p)
    p.add_argument("--out", required=True, metavar="DIR", help="folder to write the CSV files into")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    with open_workspace(args, create=False) as ws:
        from ..exports import write_metric_tables

        written = write_metric_tables(ws, Path(args.out))
    for path in written:
        print(path)
    return 0
