#!/usr/bin/env python3
"""Metrics benchmark: the whole Dashboard on a large community, from a cold start and after filter changes.

    .venv/bin/python benchmarks/metrics_bench.py [--community DIR] [--workspace FILE] [--repeat 3]

Uses the community of ``../shared/tools/make_community.py --messages 1000000 --members 20000 --days
1095`` (``/tmp/bench-community`` when it is there, else generated), imported once into a workspace
that later runs reuse (``/tmp/metrics-bench/bench.db`` by default). Then, each cold start in a fresh
process:

1. cold start: open the workspace and compute every figure of the Dashboard (headline, previous
   period, all charts and tables) for the default filters (the last 90 days);
2. filter changes in the same process: a platform, a channel, a longer period, all time, a
   reporting time zone other than UTC, and back.

Targets: cold start under 2 s, each filter change under 300 ms.
"""
from __future__ import annotations

import argparse
import dataclasses
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MAKE_COMMUNITY = ROOT.parent / "shared" / "tools" / "make_community.py"
DEFAULT_COMMUNITY = Path("/tmp/bench-community")
DEFAULT_WORKSPACE = Path("/tmp/metrics-bench/bench.db")


def ensure_workspace(community: Path, workspace: Path, messages: int, members: int, days: int) -> None:
    sys.path.insert(0, str(ROOT))
    from workbench.metrics.rollup import in_step, rebuild
    from workbench.workspace import Workspace

    if not (community / "truth.json").is_file():
        print(f"Generating {messages:,} messages into {community} ...", file=sys.stderr)
        subprocess.run([sys.executable, str(MAKE_COMMUNITY), "--out", str(community), "--messages", str(messages),
                        "--members", str(members), "--days", str(days)], check=True)
    fresh = not workspace.exists()
    ws = Workspace.open(workspace)
    try:
        if fresh or ws.counts()["activities"] == 0:
            print(f"Importing {community} into {workspace} (once) ...", file=sys.stderr)
            t0 = time.perf_counter()
            ws.import_paths([community / "slack_export.zip", community / "discord", community / "telegram" / "result.json"])
            print(f"  imported in {time.perf_counter() - t0:.0f} s", file=sys.stderr)
        with ws.write_conn("rollup") as conn:
            if not in_step(conn):
                rebuild(conn)
    finally:
        ws.close()


def phase(workspace: Path, drop_cache: bool) -> dict:
    """One cold start and the filter changes, in this (fresh) process."""
    sys.path.insert(0, str(ROOT))
    t0 = time.perf_counter()
    from workbench.metrics import Filters, compute_dashboard
    from workbench.metrics.columns import cache_path
    from workbench.workspace import Workspace

    t_import = time.perf_counter() - t0
    ws = Workspace.open(workspace)
    path = cache_path(ws)
    if drop_cache and path is not None and path.exists():
        path.unlink()
    t1 = time.perf_counter()
    f = Filters.default_for(ws)
    d = compute_dashboard(ws, f)
    cold = time.perf_counter() - t1
    help_channel = int(d.channels.loc[d.channels["name"] == "help", "channel_id"].iloc[0])
    changes = [
        ("platform: discord", dataclasses.replace(f, platforms=("discord",))),
        ("platform: slack", dataclasses.replace(f, platforms=("slack",))),
        ("channel: #help", dataclasses.replace(f, channels=(help_channel,))),
        ("all platforms again", f),
        ("last 365 days", dataclasses.replace(f, start=f.end.replace(year=f.end.year - 1))),
        ("all time", dataclasses.replace(f, start=None, end=None)),
        ("time zone Asia/Kolkata", dataclasses.replace(f, tz="Asia/Kolkata")),
        ("Kolkata, telegram", dataclasses.replace(f, tz="Asia/Kolkata", platforms=("telegram",))),
    ]
    timings = {}
    for label, g in changes:
        t = time.perf_counter()
        compute_dashboard(ws, g)
        timings[label] = time.perf_counter() - t
    counts = ws.counts()
    ws.close()
    return {"python_imports_s": t_import, "cold_s": cold, "changes": timings, "activities": counts["activities"],
            "people": counts["people"], "headline": d.headline, "period": f.as_dict()}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--community", type=Path, default=DEFAULT_COMMUNITY)
    ap.add_argument("--workspace", type=Path, default=DEFAULT_WORKSPACE)
    ap.add_argument("--messages", type=int, default=1_000_000)
    ap.add_argument("--members", type=int, default=20_000)
    ap.add_argument("--days", type=int, default=1095)
    ap.add_argument("--repeat", type=int, default=3, help="cold starts, each in a fresh process")
    ap.add_argument("--phase", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--drop-cache", action="store_true", help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.phase:
        print(json.dumps(phase(a.workspace, a.drop_cache), default=str))
        return
    a.workspace.parent.mkdir(parents=True, exist_ok=True)
    ensure_workspace(a.community, a.workspace, a.messages, a.members, a.days)
    runs = []
    # The first process starts with no activity columns on disk (as the first open after an
    # import); the others find them there (as every later start).
    for i in range(a.repeat + 1):
        extra = ["--drop-cache"] if i == 0 else []
        out = subprocess.run([sys.executable, __file__, "--phase", "--workspace", str(a.workspace), *extra],
                             capture_output=True, text=True, check=False)
        if out.returncode != 0:
            sys.exit(f"the benchmark phase failed:\n{out.stderr[-4000:]}")
        runs.append(json.loads(out.stdout.strip().splitlines()[-1]))
    uncached, runs = runs[0], runs[1:]
    first = runs[0]
    colds = [r["cold_s"] for r in runs]
    print(f"workspace:     {a.workspace} ({first['activities']:,} activities, {first['people']:,} people)")
    print(f"period:        {first['period']['from']} to {first['period']['to']} ({first['period']['timezone']})")
    print(f"headline:      {json.dumps(first['headline'])}")
    print(f"python imports (not in the cold start): {statistics.median(r['python_imports_s'] for r in runs):.2f} s")
    print(f"first start after an import (columns read from the database): {uncached['cold_s']:.2f} s")
    print(f"cold start, whole Dashboard: median {statistics.median(colds):.2f} s, "
          f"runs {', '.join(f'{c:.2f}' for c in colds)} (target < 2 s)")
    worst = 0.0
    for label in first["changes"]:
        values = [r["changes"][label] for r in [uncached, *runs]]
        worst = max(worst, statistics.median(values))
        print(f"filter change, {label:<24} median {statistics.median(values) * 1000:6.0f} ms "
              f"(runs {', '.join(f'{v * 1000:.0f}' for v in values)})")
    print(f"slowest filter change (median): {worst * 1000:.0f} ms (target < 300 ms)")


if __name__ == "__main__":
    main()
