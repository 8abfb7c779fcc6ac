#!/usr/bin/env python3
"""Benchmark: one very large DiscordChatExporter channel file, read with bounded memory.

    .venv/bin/python benchmarks/big_channel_bench.py [--community DIR] [--copies 3]

Writes one channel file holding the community's Discord messages ``--copies`` times over (each
copy's message ids made new, so every message is imported; about 250 MB per copy of the default
community), imports it into a fresh workspace in a fresh process, and prints the time, the rate
and the peak memory of the import process and of the reading process. Target: memory bounded
whatever the size of the file (a multi-GB channel must not be loaded whole), so the peaks stay
what they are for a small file.
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import ijson

from import_bench import MAKE_COMMUNITY, ROOT, peak_rss_mb, reader_rss_mb


def write_channel(folder: Path, out: Path, copies: int) -> int:
    """One DCE channel file: the head of the community's first channel file, then the messages of
    all its channel files, ``copies`` times (ids suffixed with the copy's number)."""
    files = sorted((folder / "discord").glob("*.json"))
    with open(files[0], "rb") as f:  # what DiscordChatExporter writes before the messages
        start = f.read(1 << 16)
    head = json.loads(start[:start.index(b'"messages"')].rstrip().rstrip(b",") + b"}")
    n = 0
    with open(out, "w", encoding="utf-8") as w:
        w.write(json.dumps(head, ensure_ascii=False)[:-1] + ', "messages": [\n')
        for copy in range(copies):
            for path in files:
                with open(path, "rb") as f:
                    for m in ijson.items(f, "messages.item", use_float=True):
                        m["id"] = f"{m['id']}{copy}"
                        if isinstance(m.get("reference"), dict) and m["reference"].get("messageId"):
                            m["reference"]["messageId"] = f"{m['reference']['messageId']}{copy}"
                        w.write((",\n" if n else "") + json.dumps(m, ensure_ascii=False))
                        n += 1
        w.write(f'\n], "messageCount": {n}}}\n')
    return n


def phase_import(path: Path, work: Path) -> dict:
    sys.path.insert(0, str(ROOT))
    from workbench.workspace import Workspace

    ws = Workspace.open(work / "big.db")
    t0 = time.perf_counter()
    result = ws.import_paths([path])
    seconds = time.perf_counter() - t0
    counts = ws.counts()
    ws.close()
    return {"seconds": seconds, "activities": counts["activities"], "added": result.added,
            "problems": result.problem_count, "peak_rss_mb": peak_rss_mb()}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--community", type=Path, default=Path("/tmp/bench-community"),
                    help="a community made by make_community.py (made there when absent)")
    ap.add_argument("--copies", type=int, default=3, help="how many times the Discord messages are written")
    ap.add_argument("--phase", choices=["import"], help=argparse.SUPPRESS)
    ap.add_argument("--file", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--work", type=Path, help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.phase:
        print(json.dumps(phase_import(a.file, a.work)))
        return
    if not (a.community / "truth.json").is_file():
        print(f"Generating a community into {a.community} ...", file=sys.stderr)
        subprocess.run([sys.executable, str(MAKE_COMMUNITY), "--out", str(a.community), "--messages", "1000000",
                        "--members", "20000", "--days", "1095"], check=True)
    with tempfile.TemporaryDirectory(prefix="big-channel-bench-") as tmp:
        work = Path(tmp)
        channel = work / "AI Builders - big channel [1100000000000000199].json"
        t0 = time.perf_counter()
        n = write_channel(a.community, channel, a.copies)
        size = channel.stat().st_size
        print(f"channel file:      {size / 1e6:,.0f} MB, {n:,} messages (written in {time.perf_counter() - t0:.0f} s)")
        out = subprocess.run([sys.executable, __file__, "--phase", "import", "--file", str(channel), "--work", str(work)],
                             capture_output=True, text=True, check=False)
        if out.returncode != 0:
            sys.exit(f"the import failed:\n{out.stderr[-4000:]}")
        imp = json.loads(out.stdout.strip().splitlines()[-1])
        reader = reader_rss_mb([channel])
    print(f"import:            {imp['activities']:,} activities in {imp['seconds']:.1f} s = "
          f"{imp['activities'] / imp['seconds']:,.0f} activities/s ({imp['problems']:,} problems)")
    print(f"peak RSS:          import process {imp['peak_rss_mb']:.0f} MB, reading process {reader:.0f} MB "
          f"({size / 1e6:,.0f} MB file)")


if __name__ == "__main__":
    main()
