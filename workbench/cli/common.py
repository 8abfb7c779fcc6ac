"""What every command shares: the ``--workspace`` option, opening it, and printing results."""
from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from ..workspace import Workspace


def add_workspace_arg(p: argparse.ArgumentParser) -> None:
    p.add_argument("--workspace", "-w", metavar="PATH",
                   help="workspace file or database URL (default: the workspace in your user data folder)")


def open_workspace(args: argparse.Namespace, *, readonly: bool = False, create: bool = True) -> Workspace:
    return Workspace.open(getattr(args, "workspace", None), readonly=readonly, create=create)


def print_json(data: Any) -> None:
    json.dump(data, sys.stdout, ensure_ascii=False, indent=None, default=str)
    sys.stdout.write("\n")


def fmt_int(n: int) -> str:
    return f"{n:,}"


def print_table(rows: list[dict], columns: list[str], *, headers: dict[str, str] | None = None) -> None:
    """A plain aligned text table for the terminal."""
    headers = headers or {}
    titles = [headers.get(c, c) for c in columns]
    cells = [[str(r.get(c, "")) for c in columns] for r in rows]
    widths = [max([len(t)] + [len(row[i]) for row in cells]) for i, t in enumerate(titles)]
    print("  ".join(t.ljust(w) for t, w in zip(titles, widths)).rstrip())
    for row in cells:
        print("  ".join(v.ljust(w) for v, w in zip(row, widths)).rstrip())


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
