#!/usr/bin/env python3
"""Benchmark: taking an import run back out of a large workspace, and importing it again.

    .venv/bin/python benchmarks/remove_bench.py [--community DIR] [--messages 1000000]

Generates the community once (``../shared/tools/make_community.py --messages N --members 20000
--days 1095``) unless ``--community`` names one already made. Imports its Slack zip, its
DiscordChatExporter channels and its Telegram export as three runs into a fresh workspace, then
removes the Discord run (the one in the middle: later runs, threads and people are around it),
and imports the channels again. Prints the time of each step, the rows that left and came back,
and the peak memory. Target: a removal takes less time than the import it takes back, and
importing the files again gives the workspace's counts back exactly.
"""
from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MAKE_COMMUNITY = ROOT.parent / "shared" / "tools" / "make_community.py"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--community", type=Path, help="a folder make_community.py wrote (made here when not given)")
    ap.add_argument("--messages", type=int, default=1_000_000)
    args = ap.parse_args()
    sys.path.insert(0, str(ROOT))
    from workbench.removing import remove_run
    from workbench.workspace import Workspace

    with tempfile.TemporaryDirectory(prefix="remove-bench-") as tmp:
        folder = args.community
        if folder is None:
            folder = Path(tmp) / "community"
            print(f"making a community of {args.messages:,} messages…", flush=True)
            subprocess.run([sys.executable, str(MAKE_COMMUNITY), "--out", str(folder), "--messages",
                            str(args.messages), "--members", "20000", "--days", "1095", "--seed", "7"], check=True)
        ws = Workspace.open(Path(tmp) / "bench.db")
        inputs = [folder / "slack_export.zip", folder / "discord", folder / "telegram" / "result.json"]
        took = {}
        for path in inputs:
            t = time.perf_counter()
            result = ws.import_paths([path])
            took[path.name] = time.perf_counter() - t
            print(f"import run {result.run_id} ({path.name}): {took[path.name]:.1f} s, "
                  f"{result.by_kind.get('activities', 0):,} activities", flush=True)
        whole = ws.counts()
        t = time.perf_counter()
        removal = remove_run(ws, 2)
        removing = time.perf_counter() - t
        print(f"{removal.sentence()}")
        print(f"removal of run 2: {removing:.1f} s ({removing / took['discord']:.2f} of its import's "
              f"{took['discord']:.1f} s)", flush=True)
        after = ws.counts()
        t = time.perf_counter()
        ws.import_paths([folder / "discord"])
        again = time.perf_counter() - t
        back = ws.counts()
        same = {k: back[k] == whole[k] for k in ("sources", "accounts", "people", "activities")}
        print(f"imported again: {again:.1f} s; activities {whole['activities']:,} -> {after['activities']:,} -> "
              f"{back['activities']:,}; counts as before the removal: {all(same.values())} {same}")
        print(f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB "
              "(this process; the large files are read in a reading process of their own)")
        ws.close()
        if removing >= took["discord"] or not all(same.values()):
            sys.exit("target not met")


if __name__ == "__main__":
    main()
