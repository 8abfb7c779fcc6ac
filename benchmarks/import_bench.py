#!/usr/bin/env python3
"""Import benchmark: a large synthetic community through the Workspace facade, twice.

    .venv/bin/python benchmarks/import_bench.py [--community DIR] [--messages 1000000]

Generates the community once (``../shared/tools/make_community.py --messages 1000000 --members
20000 --days 1095``: a Slack zip, DiscordChatExporter channels, a Telegram result.json) unless
``--community`` names one already made, then, each in a fresh process:

1. imports all of it into a fresh workspace (activities/s, peak RSS), then imports it again
   (rows added, time);
2. a bare loop over the same files: parse, and ``executemany`` into two indexed tables with no
   checks at all: the floor that the real import is compared with.

Targets: first import within 1.5x of the bare loop, peak RSS under 600 MB, the second import adds
no rows in under half the first import's time.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MAKE_COMMUNITY = ROOT.parent / "shared" / "tools" / "make_community.py"
BATCH = 2000


def inputs(folder: Path) -> list[Path]:
    """The community's exports that the workbench has an importer for."""
    sys.path.insert(0, str(ROOT))
    from workbench.importers import registry

    paths = [folder / "slack_export.zip", folder / "discord", folder / "telegram" / "result.json"]
    found = []
    for p in paths:
        if registry.sniff(p) is not None or (p.is_dir() and any(registry.sniff(c) for c in p.iterdir())):
            found.append(p)
        else:
            print(f"note: no importer reads {p.name} yet; it is left out of both timings", file=sys.stderr)
    return found


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def reader_rss_mb(paths: list[Path]) -> float:
    """Peak memory of the reading process (``importers/reader_process.py``) on each input, each run
    alone from this small process (a child's peak as the kernel counts it starts from its parent's)."""
    import os
    import pickle

    sys.path.insert(0, str(ROOT))
    peak = 0.0
    for p in paths:
        from workbench.importers import reader_process, registry

        imp = registry.sniff(p)
        proc = subprocess.Popen([sys.executable, "-m", "workbench.importers.reader_process"], cwd=ROOT,
                                stdin=subprocess.PIPE, stdout=subprocess.DEVNULL)
        proc.stdin.write(pickle.dumps(reader_process.request(imp, p, p.name, {"staff": set(), "bots": set()})))
        proc.stdin.close()
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode != 0:
            sys.exit(f"reading {p.name} in a reading process failed ({proc.returncode})")
        peak = max(peak, usage.ru_maxrss / 1024)
    return peak


def phase_import(folder: Path, work: Path) -> dict:
    sys.path.insert(0, str(ROOT))
    from workbench.workspace import Workspace

    paths = inputs(folder)
    ws = Workspace.open(work / "bench.db")
    t0 = time.perf_counter()
    first = ws.import_paths(paths)
    t1 = time.perf_counter()
    counts = ws.counts()
    second = ws.import_paths(paths)
    t2 = time.perf_counter()
    after = ws.counts()
    # The same files read again in full: the identical-file check turned off, every record compared.
    reread = ws.import_paths(paths, options={name: {"reread": True} for name in ("slack", "discord-json", "telegram")})
    t3 = time.perf_counter()
    ws.close()
    return {"inputs": [p.name for p in paths], "first_s": t1 - t0, "activities": counts["activities"],
            "accounts": counts["accounts"], "first_added": first.added, "problems": first.problem_count,
            "second_s": t2 - t1, "second_added": second.added, "second_updated": second.updated,
            "unchanged_counts": {k: v for k, v in after.items() if k != "import_runs"} ==
            {k: v for k, v in counts.items() if k != "import_runs"},
            "reread_s": t3 - t2, "reread_added": reread.added, "reread_updated": reread.updated,
            "peak_rss_mb": peak_rss_mb()}


# -- the bare loop -------------------------------------------------------------------------------
BARE_SCHEMA = """
CREATE TABLE account (id INTEGER PRIMARY KEY, platform TEXT, external_id TEXT, name TEXT);
CREATE UNIQUE INDEX ux_account ON account(platform, external_id);
CREATE TABLE activity (id INTEGER PRIMARY KEY, platform TEXT, external_id TEXT, account TEXT,
                       channel TEXT, created_at TEXT, parent TEXT, text TEXT);
CREATE UNIQUE INDEX ux_activity ON activity(platform, external_id);
CREATE INDEX ix_activity_created ON activity(created_at);
"""
# The workspace's activity table has these further indexes (store/models.py); the "schema" bare
# loop adds them, so that it is the floor of writing this schema rather than of any schema.
SCHEMA_INDEXES = """
CREATE INDEX ix_activity_account_created ON activity(account, created_at);
CREATE INDEX ix_activity_parent_ext ON activity(platform, parent);
CREATE INDEX ix_activity_channel ON activity(channel);
"""


class Bare:
    def __init__(self, db: Path, *, schema_indexes: bool = False) -> None:
        self.conn = sqlite3.connect(db)
        self.conn.execute("PRAGMA journal_mode=WAL")
        self.conn.execute("PRAGMA synchronous=NORMAL")
        self.conn.executescript(BARE_SCHEMA + (SCHEMA_INDEXES if schema_indexes else ""))
        self.accounts: list[tuple] = []
        self.activities: list[tuple] = []
        self.n = 0

    def account(self, platform: str, ext: str, name: str) -> None:
        self.accounts.append((platform, ext, name))
        if len(self.accounts) >= BATCH:
            self.flush()

    def activity(self, *row) -> None:
        self.activities.append(row)
        if len(self.activities) >= BATCH:
            self.flush()

    def flush(self) -> None:
        self.conn.executemany("INSERT OR IGNORE INTO account (platform, external_id, name) VALUES (?, ?, ?)",
                              self.accounts)
        self.conn.executemany("INSERT INTO activity (platform, external_id, account, channel, created_at, parent, "
                              "text) VALUES (?, ?, ?, ?, ?, ?, ?)", self.activities)
        self.n += len(self.activities)
        self.accounts, self.activities = [], []

    def close(self) -> None:
        self.flush()
        self.conn.commit()
        self.conn.close()


def bare_slack(bare: Bare, path: Path) -> None:
    with zipfile.ZipFile(path) as z:
        for u in json.loads(z.read("users.json")):
            bare.account("slack", u["id"], u.get("real_name", ""))
        for name in sorted(z.namelist()):
            if "/" not in name or not name.endswith(".json"):
                continue
            chan = name.split("/")[0]
            for m in json.loads(z.read(name)):
                if m.get("subtype") == "channel_join":
                    continue
                author = m.get("user") or m.get("bot_id")
                bare.account("slack", author, "")
                parent = m.get("thread_ts") if m.get("thread_ts") not in (None, m["ts"]) else None
                bare.activity("slack", f"{chan}:{m['ts']}", author, chan, m["ts"], parent, m.get("text", ""))


def bare_discord(bare: Bare, folder: Path) -> None:
    import ijson

    for path in sorted(folder.glob("*.json")):
        with open(path, "rb") as f:
            for m in ijson.items(f, "messages.item"):
                if m.get("type") == "GuildMemberJoin":
                    continue
                a = m["author"]
                bare.account("discord", a["id"], a.get("nickname") or a.get("name", ""))
                ref = (m.get("reference") or {}).get("messageId")
                bare.activity("discord", m["id"], a["id"], path.stem, m["timestamp"], ref, m.get("content", ""))


def bare_telegram(bare: Bare, path: Path) -> None:
    import ijson

    with open(path, "rb") as f:
        for m in ijson.items(f, "messages.item"):
            bare.account("telegram", m["from_id"], m.get("from") or "")
            text = m["text"] if isinstance(m["text"], str) else "".join(
                t if isinstance(t, str) else t.get("text", "") for t in m["text"])
            bare.activity("telegram", str(m["id"]), m["from_id"], "chat", m["date_unixtime"],
                          m.get("reply_to_message_id"), text)


def phase_bare(folder: Path, work: Path, *, schema_indexes: bool = False) -> dict:
    paths = inputs(folder)
    bare = Bare(work / ("bare-schema.db" if schema_indexes else "bare.db"), schema_indexes=schema_indexes)
    t0 = time.perf_counter()
    for p in paths:
        if p.name.endswith(".zip"):
            bare_slack(bare, p)
        elif p.is_dir():
            bare_discord(bare, p)
        else:
            bare_telegram(bare, p)
    bare.close()
    return {"bare_s": time.perf_counter() - t0, "bare_rows": bare.n, "peak_rss_mb": peak_rss_mb()}


# -- driver ----------------------------------------------------------------------------------------
def run_phase(phase: str, folder: Path, work: Path) -> dict:
    os.sync()  # what the phase before wrote goes to disk now, not while this one is timed
    out = subprocess.run([sys.executable, __file__, "--phase", phase, "--community", str(folder),
                          "--work", str(work)], capture_output=True, text=True, check=False)
    if out.returncode != 0:
        sys.exit(f"the {phase} phase failed:\n{out.stderr[-4000:]}")
    sys.stderr.write(out.stderr)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--community", type=Path, help="a community made by make_community.py (made when absent)")
    ap.add_argument("--messages", type=int, default=1_000_000)
    ap.add_argument("--members", type=int, default=20_000)
    ap.add_argument("--days", type=int, default=1095)
    ap.add_argument("--phase", choices=["import", "bare", "bare-schema"], help=argparse.SUPPRESS)
    ap.add_argument("--work", type=Path, help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.phase:
        if a.phase == "import":
            print(json.dumps(phase_import(a.community, a.work)))
        else:
            print(json.dumps(phase_bare(a.community, a.work, schema_indexes=a.phase == "bare-schema")))
        return
    folder = a.community or Path(tempfile.mkdtemp(prefix="bench-community-"))
    if not (folder / "truth.json").is_file():
        print(f"Generating {a.messages:,} messages into {folder} ...", file=sys.stderr)
        subprocess.run([sys.executable, str(MAKE_COMMUNITY), "--out", str(folder), "--messages", str(a.messages),
                        "--members", str(a.members), "--days", str(a.days)], check=True)
    with tempfile.TemporaryDirectory(prefix="import-bench-") as tmp:
        work = Path(tmp)
        imp = run_phase("import", folder, work)
        imp["peak_reader_rss_mb"] = reader_rss_mb(inputs(folder))
        bare = run_phase("bare", folder, work)
        schema = run_phase("bare-schema", folder, work)
    ratio = imp["first_s"] / bare["bare_s"]
    print(f"inputs:            {', '.join(imp['inputs'])}")
    print(f"first import:      {imp['activities']:,} activities, {imp['accounts']:,} accounts in {imp['first_s']:.1f} s "
          f"= {imp['activities'] / imp['first_s']:,.0f} activities/s ({imp['problems']:,} problems)")
    print(f"peak RSS (import): {imp['peak_rss_mb']:.0f} MB, reading process {imp['peak_reader_rss_mb']:.0f} MB, "
          f"together {imp['peak_rss_mb'] + imp['peak_reader_rss_mb']:.0f} MB (target < 600)")
    print(f"second import:     {imp['second_s']:.1f} s, added {imp['second_added']:,}, updated {imp['second_updated']:,}, "
          f"status unchanged: {imp['unchanged_counts']} ({imp['second_s'] / imp['first_s']:.2f} of the first; target < 0.5)")
    print(f"read again in full: {imp['reread_s']:.1f} s, added {imp['reread_added']:,}, updated "
          f"{imp['reread_updated']:,} (the identical-file check off: every record parsed and compared)")
    print(f"bare loop:         {bare['bare_rows']:,} rows in {bare['bare_s']:.1f} s (peak RSS {bare['peak_rss_mb']:.0f} MB)")
    print(f"bare loop with the schema's activity indexes: {schema['bare_s']:.1f} s")
    print(f"first import / bare loop: {ratio:.2f}x (target <= 1.5); "
          f"against the bare loop with the schema's indexes: {imp['first_s'] / schema['bare_s']:.2f}x")


if __name__ == "__main__":
    main()
