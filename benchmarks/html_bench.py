#!/usr/bin/env python3
"""Benchmark: DiscordChatExporter HTML pages against the same channels as JSON.

    .venv/bin/python benchmarks/html_bench.py [--community DIR] [--channels 1]

Writes the community's Discord channels (the first ``--channels`` of them) as the exporter's HTML
pages would hold them (a group per run of one author's messages, a reply opening its own group, as
the exporter's template writes them), imports the pages into one fresh workspace and the JSON files
into another, each in a fresh process, and prints the time, the rate and the peak memory of each,
and how many messages the two workspaces hold alike (same author, instant, text, reply and
reaction count). Target: the pages give the JSON's messages, with memory bounded as for JSON.
"""
from __future__ import annotations

import argparse
import html
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import ijson

from import_bench import MAKE_COMMUNITY, ROOT, peak_rss_mb, reader_rss_mb

E = html.escape
HEAD = """<!DOCTYPE html>
<html lang="en">
<head>
    <title>{guild} - {channel}</title>
    <meta charset="utf-8">
    <style>
        .chatlog__message-group {{ margin-bottom: 1rem; }}
        .chatlog__author-tag {{ margin-left: 0.3rem; }}
    </style>
    <script>
        function scrollToMessage(event, id) {{ document.getElementById('chatlog__message-container-' + id); }}
    </script>
</head>
<body>
<div class="preamble">
    <div class="preamble__guild-icon-container">
        <img class="preamble__guild-icon" src="https://cdn.discordapp.com/icons/{guild_id}/icon.png" alt="Guild icon">
    </div>
    <div class="preamble__entries-container">
        <div class="preamble__entry">{guild}</div>
        <div class="preamble__entry">{category} / {channel}</div>
    </div>
</div>
<div class="chatlog">
"""
TAIL = """</div>
<div class="postamble">
    <div class="postamble__entry">Exported {n:,} message(s)</div>
</div>
</body>
</html>
"""


def _message(m: dict, first: bool) -> str:
    """One message as the exporter's template writes it (its indentation aside)."""
    a, mid, out = m["author"], m["id"], []
    out.append(f'<div id="chatlog__message-container-{mid}" class="chatlog__message-container " '
               f'data-message-id="{mid}">\n<div class="chatlog__message">\n<div class="chatlog__message-aside">\n')
    out.append(f'<img class="chatlog__avatar" src="https://cdn.discordapp.com/avatars/{a["id"]}/a.png" alt="Avatar">\n'
               if first else '<div class="chatlog__short-timestamp" title="Friday, March 1, 2024">8:06 AM</div>\n')
    out.append('</div>\n<div class="chatlog__message-primary">\n')
    ref = (m.get("reference") or {}).get("messageId")
    if first and ref:
        out.append('<div class="chatlog__reply">\n<div class="chatlog__reply-author" title="someone">Someone</div>\n'
                   f'<div class="chatlog__reply-content">\n<span class="chatlog__reply-link" '
                   f"onclick=\"scrollToMessage(event, '{ref}')\"><!--wmm:ignore-->earlier<!--/wmm:ignore--></span>\n"
                   '</div>\n</div>\n')
    if first:
        out.append(f'<div class="chatlog__header">\n<span class="chatlog__author" title="{E(a["name"])}" '
                   f'data-user-id="{a["id"]}">{E(a.get("nickname") or a["name"])}</span>\n')
        if a.get("isBot"):
            out.append('<span class="chatlog__author-tag">BOT</span>\n')
        out.append(f'<span class="chatlog__timestamp"><a href="#chatlog__message-container-{mid}">3/1/2024 8:05 AM</a>'
                   '</span>\n</div>\n')
    if m.get("content"):
        out.append('<div class="chatlog__content chatlog__markdown">\n<span class="chatlog__markdown-preserve">'
                   f'<!--wmm:ignore-->{E(m["content"])}<!--/wmm:ignore--></span>\n</div>\n')
    if m.get("reactions"):
        out.append('<div class="chatlog__reactions">\n')
        for r in m["reactions"]:
            out.append(f'<div class="chatlog__reaction" title="{E(r["emoji"].get("code") or "")}">\n'
                       f'<img class="chatlog__emoji chatlog__emoji--small" alt="{E(r["emoji"]["name"])}" src="e.svg">\n'
                       f'<span class="chatlog__reaction-count">{r["count"]}</span>\n</div>\n')
        out.append('</div>\n')
    out.append('</div>\n</div>\n</div>\n')
    return "".join(out)


def write_page(channel_json: Path, out: Path) -> int:
    """The channel's page: a group per run of one author's messages; a reply opens its own group."""
    with open(channel_json, "rb") as f:
        start = f.read(1 << 16)
    head = json.loads(start[:start.index(b'"messages"')].rstrip().rstrip(b",") + b"}")
    n, last = 0, None
    with open(out, "w", encoding="utf-8") as w, open(channel_json, "rb") as f:
        w.write(HEAD.format(guild=E(head["guild"]["name"]), guild_id=head["guild"]["id"],
                            category=E(head["channel"].get("category") or ""), channel=E(head["channel"]["name"])))
        for m in ijson.items(f, "messages.item", use_float=True):
            first = m["author"]["id"] != last or bool((m.get("reference") or {}).get("messageId"))
            if first:
                w.write(("</div>\n" if n else "") + '<div class="chatlog__message-group">\n')
            w.write(_message(m, first))
            last, n = m["author"]["id"], n + 1
        w.write(("</div>\n" if n else "") + TAIL.format(n=n))
    return n


def phase_import(paths: list[Path], db: Path) -> dict:
    sys.path.insert(0, str(ROOT))
    from workbench.workspace import Workspace

    ws = Workspace.open(db)
    t0 = time.perf_counter()
    result = ws.import_paths(paths)
    seconds = time.perf_counter() - t0
    counts = ws.counts()
    ws.close()
    return {"seconds": seconds, "activities": counts["activities"], "problems": result.problem_count,
            "peak_rss_mb": peak_rss_mb()}


def alike(pages_db: Path, json_db: Path) -> int:
    import sqlite3

    with sqlite3.connect(pages_db) as conn:
        conn.execute("ATTACH ? AS j", (str(json_db),))
        return conn.execute("""
            SELECT count(*) FROM activity a JOIN j.activity b ON a.external_id = b.external_id
            JOIN account x ON x.id = a.account_id JOIN j.account y ON y.id = b.account_id
            WHERE x.external_id = y.external_id AND a.created_at = b.created_at AND a.text = b.text
              AND coalesce(a.parent_external_id, '') = coalesce(b.parent_external_id, '')
              AND a.reaction_count = b.reaction_count AND a.kind = b.kind""").fetchone()[0]


def _run_import(paths: list[Path], db: Path) -> dict:
    out = subprocess.run([sys.executable, __file__, "--phase", "import", "--db", str(db), *map(str, paths)],
                         capture_output=True, text=True, check=False)
    if out.returncode != 0:
        sys.exit(f"the import failed:\n{out.stderr[-4000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--community", type=Path, default=Path("/tmp/bench-community"),
                    help="a community made by make_community.py (made there when absent)")
    ap.add_argument("--channels", type=int, default=1, help="how many of its Discord channels to write as pages")
    ap.add_argument("--phase", choices=["import"], help=argparse.SUPPRESS)
    ap.add_argument("--db", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("paths", nargs="*", type=Path, help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.phase:
        print(json.dumps(phase_import(a.paths, a.db)))
        return
    if not (a.community / "truth.json").is_file():
        print(f"Generating a community into {a.community} ...", file=sys.stderr)
        subprocess.run([sys.executable, str(MAKE_COMMUNITY), "--out", str(a.community), "--messages", "1000000",
                        "--members", "20000", "--days", "1095"], check=True)
    channels = sorted((a.community / "discord").glob("*.json"))[:a.channels]
    with tempfile.TemporaryDirectory(prefix="html-bench-") as tmp:
        work = Path(tmp)
        pages, n = [], 0
        for channel in channels:
            pages.append(work / f"{channel.stem}.html")
            n += write_page(channel, pages[-1])
        size, json_size = sum(p.stat().st_size for p in pages), sum(c.stat().st_size for c in channels)
        print(f"pages:             {len(pages)}, {size / 1e6:,.0f} MB, {n:,} messages "
              f"(the same channels as JSON: {json_size / 1e6:,.0f} MB)")
        as_html = _run_import(pages, work / "pages.db")
        html_reader = reader_rss_mb(pages)
        as_json = _run_import(channels, work / "json.db")
        same = alike(work / "pages.db", work / "json.db")
    for label, r, reader in (("pages (HTML)", as_html, html_reader), ("JSON", as_json, None)):
        print(f"{label + ':':<19}{r['activities']:,} activities in {r['seconds']:.1f} s = "
              f"{r['activities'] / r['seconds']:,.0f} activities/s ({r['problems']:,} problems); "
              f"peak {r['peak_rss_mb']:.0f} MB" + (f", reading process {reader:.0f} MB" if reader else ""))
    print(f"alike:             {same:,} of {as_json['activities']:,} messages the same in both workspaces")


if __name__ == "__main__":
    main()
