#!/usr/bin/env python3
"""Benchmark: taking an import run back out of a large workspace, and importing it again.

    .venv/bin/python benchmarks/remove_bench.py [--community DIR] [--messages 1000000]

Generates the community once (``../shared/tools/make_community.py --messages N --members 20000
--days 1095``) unless ``--community`` names one already made. Imports its Slack zip, its
DiscordChatExporter channels and its Telegram export as three runs into a fresh workspace, then
removes the Discord run (the one in the middle: later runs, threads and people are around it),
and imports the channels again. Then imports a later export of the Telegram chat that edits half
its messages, gives a third new reactions and renames the chat, and takes that run back out.
Prints the time of each step, the rows that left and came back, and the peak memory. Targets: a
removal takes less time than the import it takes back; importing the files again gives the
workspace's counts back exactly; the edited chat's rows are, after the removal, as before the
later export, row for row.
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
sys.path.insert(0, str(ROOT))
from workbench.removing import remove_run  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--community", type=Path, help="a folder make_community.py wrote (made here when not given)")
    ap.add_argument("--messages", type=int, default=1_000_000)
    args = ap.parse_args()
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
        edits = _later_export_taken_back(ws, folder / "telegram" / "result.json", Path(tmp) / "later")
        print(f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB "
              "(this process; the large files are read in a reading process of their own)")
        ws.close()
        if removing >= took["discord"] or not all(same.values()) or not edits:
            sys.exit("target not met")


def _telegram_rows(ws) -> str:  # noqa: ANN001 - a Workspace
    """A digest of what an edit can change in the Telegram chat's messages, accounts and name."""
    import hashlib

    h = hashlib.sha256()
    with ws.connect() as conn:
        for sql in ("SELECT id, external_id, text, size, edited_at, reaction_count FROM activity "
                    "WHERE platform = 'telegram' ORDER BY id",
                    "SELECT id, display_name, handle FROM account WHERE platform = 'telegram' ORDER BY id",
                    "SELECT id, display_name FROM person ORDER BY id",
                    "SELECT id, name FROM channel WHERE platform = 'telegram' ORDER BY id"):
            for row in conn.exec_driver_sql(sql):
                h.update(repr(tuple(row)).encode())
    return h.hexdigest()


def _later_export_taken_back(ws, export: Path, folder: Path) -> bool:  # noqa: ANN001 - a Workspace
    """A later export of the Telegram chat (every second message edited, every third given new
    reactions, the chat renamed) imported and taken back out: prints the times and whether the
    chat's rows are as before, row for row."""
    import json

    doc = json.loads(export.read_text(encoding="utf-8"))
    doc["name"] = f"{doc.get('name', 'chat')} (renamed)"
    for i, m in enumerate(doc["messages"]):
        if m.get("type") != "message":
            continue
        if i % 2 == 0:
            m["text"], m["edited"], m["edited_unixtime"] = f"{m.get('text', '')} (edited)", m["date"], m["date_unixtime"]
        if i % 3 == 0:
            m["reactions"] = [{"type": "emoji", "count": 1 + i % 5, "emoji": "\U0001f44d"}]
    folder.mkdir()
    (folder / "result.json").write_text(json.dumps(doc), encoding="utf-8")
    before = _telegram_rows(ws)
    t = time.perf_counter()
    result = ws.import_paths([folder / "result.json"])
    importing = time.perf_counter() - t
    print(f"a later Telegram export, edited: import run {result.run_id} {importing:.1f} s, {result.updated:,} rows "
          "updated", flush=True)
    t = time.perf_counter()
    removal = remove_run(ws, result.run_id)
    removing = time.perf_counter() - t
    same = _telegram_rows(ws) == before
    print(f"{removal.sentence()}")
    print(f"removal of run {result.run_id}: {removing:.1f} s ({removing / importing:.2f} of its import's "
          f"{importing:.1f} s); the chat's rows as before it: {same}", flush=True)
    return same and removing < importing


if __name__ == "__main__":
    main()
