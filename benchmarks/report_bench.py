"""Benchmark: import + HTML report of a community's Discord channels, against chat-analytics 1.1.2.

Both tools read the same DiscordChatExporter JSON files in the same run; the script prints each
one's time, the report sizes, and the ratio (chat-analytics time / workbench time). Target: the
workbench at least 3x faster, with a report that opens at once (one HTML file, no scripts).

  python benchmarks/report_bench.py                       # /tmp/bench-community, made if missing
  python benchmarks/report_bench.py --community DIR --chat-analytics DIR

The community is made by ../shared/tools/make_community.py (--messages 1000000 --members 20000
--days 1095 by default). chat-analytics is installed with npm into a temporary folder unless
--chat-analytics names a folder where it is installed already.
"""
from __future__ import annotations

import argparse
import glob
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MAKE_COMMUNITY = ROOT.parent / "shared" / "tools" / "make_community.py"
CHAT_ANALYTICS = "chat-analytics@1.1.2"


def run(cmd: list[str], **kw) -> float:  # noqa: ANN003
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, **kw)
    seconds = time.perf_counter() - t0
    if proc.returncode != 0:
        sys.exit(f"{' '.join(map(str, cmd[:3]))} ... failed ({proc.returncode}):\n{proc.stdout[-2000:]}\n{proc.stderr[-2000:]}")
    return seconds


def ensure_community(folder: Path, messages: int, members: int, days: int) -> Path:
    if (folder / "discord").is_dir() and (folder / "truth.json").is_file():
        return folder
    print(f"making the community in {folder} ({messages:,} messages, {members:,} members, {days} days) ...")
    run([sys.executable, str(MAKE_COMMUNITY), "--out", str(folder), "--messages", str(messages),
         "--members", str(members), "--days", str(days)])
    return folder


def ensure_chat_analytics(folder: Path | None, tmp: Path) -> Path:
    if folder is not None:
        cli = folder / "node_modules" / ".bin" / "chat-analytics"
        if cli.exists():
            return cli
    where = tmp / "chat-analytics"
    where.mkdir()
    print(f"installing {CHAT_ANALYTICS} with npm ...")
    run(["npm", "install", "--no-audit", "--no-fund", "--silent", CHAT_ANALYTICS], cwd=where)
    return where / "node_modules" / ".bin" / "chat-analytics"


def size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) if path.is_dir() else path.stat().st_size


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--community", type=Path, default=Path("/tmp/bench-community"))
    ap.add_argument("--messages", type=int, default=1_000_000)
    ap.add_argument("--members", type=int, default=20_000)
    ap.add_argument("--days", type=int, default=1095)
    ap.add_argument("--chat-analytics", type=Path, help="a folder where chat-analytics 1.1.2 is installed")
    ap.add_argument("--keep", type=Path, help="keep the reports in this folder")
    args = ap.parse_args()

    community = ensure_community(args.community, args.messages, args.members, args.days)
    channels = sorted(glob.glob(str(community / "discord" / "*.json")))
    data_bytes = sum(os.path.getsize(p) for p in channels)
    print(f"input: {len(channels)} Discord channel files, {data_bytes / 1e6:,.0f} MB")
    with tempfile.TemporaryDirectory(prefix="report-bench-") as tmp_name:
        tmp = Path(tmp_name)
        ca = ensure_chat_analytics(args.chat_analytics, tmp)
        os.sync()  # npm's files written out before the clock starts, not while the workspace is written
        py = [sys.executable, "-m", "workbench"]
        env = {**os.environ, "WORKBENCH_HOME": str(tmp / "home")}
        ws = tmp / "bench.db"
        t_import = run([*py, "import", "--workspace", str(ws), str(community / "discord")], cwd=ROOT, env=env)
        html = tmp / "workbench-report.html"
        t_report = run([*py, "report", "--workspace", str(ws), "--format", "html", "--out", str(html)], cwd=ROOT, env=env)
        wb_total = t_import + t_report
        print(f"workbench      import {t_import:7.1f}s  report {t_report:5.1f}s  total {wb_total:7.1f}s  "
              f"report {size(html) / 1e3:,.0f} kB, {size(ws) / 1e6:,.0f} MB workspace")
        ca_out = tmp / "chat-analytics-report.html"
        t_ca = run(["node", "--max-old-space-size=8192", str(ca), "-p", "discord", "-i", *channels, "-o", str(ca_out)],
                   cwd=tmp)
        print(f"chat-analytics total {t_ca:7.1f}s  report {size(ca_out) / 1e3:,.0f} kB")
        print(f"ratio: chat-analytics / workbench = {t_ca / wb_total:.2f}x (target: at least 3x)")
        if args.keep:
            args.keep.mkdir(parents=True, exist_ok=True)
            shutil.copy2(html, args.keep / html.name)
            shutil.copy2(ca_out, args.keep / ca_out.name)
    return 0


if __name__ == "__main__":
    sys.exit(main())
