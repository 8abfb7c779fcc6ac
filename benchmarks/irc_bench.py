"""IRC channel logs: how fast a month of a busy channel imports, whether memory stays flat on one
long log, and what reading the logs again costs.

Writes a synthetic Supybot/Limnoria ChannelLogger folder (``net/#bench/#bench.<day>.log``, the
given days of the given lines each: messages, some addressed to someone, joins and quits) and the
same lines as one long log, then imports each into a fresh workspace with the real command line:

1. the folder of daily logs, then the same folder again (adds nothing), then with one line added
   to the last day (adds one);
2. the one long log (memory must stay bounded as the log grows: 4x the lines, not 4x the memory).

Prints the time, lines and activities per second, and each command's peak RSS.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORDS = ("how do i run the model on gpu cpu memory error fine tune dataset token batch size loss nan eval prompt "
         "checkpoint quantize lora adapter").split()


def write_logs(folder: Path, days: int, lines: int, nicks: int, seed: int) -> tuple[list[Path], int]:
    rnd = random.Random(seed)
    names = [f"user{i}" for i in range(nicks)]
    channel = folder / "net" / "#bench"
    channel.mkdir(parents=True)
    start = dt.datetime(2024, 1, 1, tzinfo=dt.timezone.utc)
    written = []
    for day in range(days):
        at = start + dt.timedelta(days=day)
        path = channel / f"#bench.{at:%Y-%m-%d}.log"
        out = []
        for _ in range(lines):
            at += dt.timedelta(seconds=rnd.randint(1, 8))
            nick, r = rnd.choice(names), rnd.random()
            stamp = f"{at:%Y-%m-%dT%H:%M:%S}+0000"
            if r < 0.05:
                out.append(f"{stamp}  *** {nick} has joined #bench")
            elif r < 0.10:
                out.append(f"{stamp}  *** {nick} has quit IRC")
            else:
                text = " ".join(rnd.choices(WORDS, k=rnd.randint(3, 15)))
                if rnd.random() < 0.3:
                    text = f"{rnd.choice(names)}: {text}"
                out.append(f"{stamp}  <{nick}> {text}{'?' if rnd.random() < 0.2 else ''}")
        path.write_text("\n".join(out) + "\n", encoding="utf-8")
        written.append(path)
    return written, days * lines


def run(workspace: Path, target: Path) -> dict:
    """``workbench import --json`` in a process of its own: its time, summary (``added``, ``by_kind``)
    and peak RSS in MB (the largest of it and the reading process it waited for)."""
    with tempfile.TemporaryFile("w+") as out:
        t0 = time.perf_counter()
        proc = subprocess.Popen([sys.executable, "-m", "workbench", "import", "--workspace", str(workspace), "--json",
                                 str(target)], cwd=ROOT, stdout=out, stderr=subprocess.DEVNULL)
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        took = time.perf_counter() - t0
        if proc.returncode != 0:
            sys.exit(f"importing {target.name} failed ({proc.returncode})")
        out.seek(0)
        return {"s": took, "peak_mb": usage.ru_maxrss / 1024, **json.loads(out.read())}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--days", type=int, default=30)
    ap.add_argument("--lines", type=int, default=10_000, help="lines per day")
    ap.add_argument("--nicks", type=int, default=2_000)
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="irc-bench-") as tmp:
        work = Path(tmp)
        days, total = write_logs(work / "logs", a.days, a.lines, a.nicks, a.seed)
        one = work / "one" / "net" / "#bench" / "#bench.log"
        one.parent.mkdir(parents=True)
        with open(one, "wb") as f:
            for p in days:
                f.write(p.read_bytes())
        size = sum(p.stat().st_size for p in days) / 2**20
        print(f"logs: {len(days)} days x {a.lines:,} lines = {total:,} lines, {size:.0f} MB")

        folder = work / "logs" / "net"
        first = run(work / "a.db", folder)
        acts = first["added_by_kind"].get("activities", 0)
        print(f"first import:  {first['s']:.1f} s, {total / first['s']:,.0f} lines/s, {acts:,} activities "
              f"({acts / first['s']:,.0f}/s); peak RSS {first['peak_mb']:.0f} MB")
        again = run(work / "a.db", folder)
        print(f"again:         {again['s']:.1f} s, added {again['added']:,}")
        last = re.match(r"\S+", days[-1].read_text(encoding="utf-8").splitlines()[-1]).group(0)
        with open(days[-1], "a", encoding="utf-8") as f:
            f.write(f"{last}  <user1> one more line\n")
        grown = run(work / "a.db", folder)
        print(f"a day grown by one line: {grown['s']:.1f} s, added {grown['added']:,}")
        long = run(work / "b.db", one)
        print(f"one log of {one.stat().st_size / 2**20:.0f} MB: {long['s']:.1f} s, {total / long['s']:,.0f} lines/s; "
              f"peak RSS {long['peak_mb']:.0f} MB (the daily logs': {first['peak_mb']:.0f} MB)")

if __name__ == "__main__":
    main()
