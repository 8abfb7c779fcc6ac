"""`workbench report` and `workbench pack` through the real entry point, with no display."""
from __future__ import annotations

import csv
import json
import os
import zipfile

import pytest
from openpyxl import load_workbook

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def db(community_db):
    return community_db()[0]


def test_every_format_is_written_headless(cli, db, tmp_path):
    env_display = os.environ.pop("DISPLAY", None)
    try:
        for fmt, out in (("html", "r.html"), ("pdf", "r.pdf"), ("xlsx", "r.xlsx"), ("csv", "tables")):
            r = cli("report", "--workspace", db, "--format", fmt, "--out", tmp_path / out, "--json")
            assert r.code == 0, r
            assert r.json()["bytes"] > 1000
    finally:
        if env_display is not None:
            os.environ["DISPLAY"] = env_display
    assert (tmp_path / "r.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert (tmp_path / "r.pdf").read_bytes().startswith(b"%PDF-")
    assert (tmp_path / "tables" / "top_helpers.csv").is_file()
    assert "Summary" in load_workbook(tmp_path / "r.xlsx").sheetnames


def test_the_format_follows_the_files_name_and_a_contradiction_is_refused(cli, db, tmp_path):
    r = cli("report", "--workspace", db, "--out", tmp_path / "q3.PDF", "--json")  # no --format
    assert r.code == 0 and r.json()["format"] == "pdf", r
    assert (tmp_path / "q3.PDF").read_bytes().startswith(b"%PDF-")
    r = cli("report", "--workspace", db, "--out", tmp_path / "q3.xlsx", "--format", "pdf")
    assert r.code == 2 and r.err.strip() == ("workbench: q3.xlsx is named for Excel workbook, but the format chosen is "
                                             "PDF: change the format or the name."), r
    assert not (tmp_path / "q3.xlsx").exists()
    r = cli("report", "--workspace", db, "--out", tmp_path / "q3", "--json")  # a name that says nothing: HTML
    assert r.code == 0 and r.json()["format"] == "html"
    r = cli("report", "--workspace", db, "--out", tmp_path / "acme 2026.12", "--json")  # nor does a dated name
    assert r.code == 0 and r.json()["format"] == "html"


def test_a_name_for_a_kind_of_file_no_report_is_written_as_is_refused(cli, db, tmp_path):
    """``--out report.csv`` or ``--out report.docx`` with no --format: not HTML under that name,
    which would open as rubbish, but a sentence saying what to do; nothing is written. An audit
    pack named ``audit.pdf`` likewise."""
    r = cli("report", "--workspace", db, "--out", tmp_path / "q3.csv")
    assert r.code == 2 and r.err.strip() == (
        "workbench: q3.csv: a report's CSV is a folder of tables, one file each; give a folder with --format csv "
        "(--format csv --out report-tables)."), r
    r = cli("report", "--workspace", db, "--out", tmp_path / "q3.docx")
    assert r.code == 2 and r.err.strip() == (
        "workbench: q3.docx: the workbench does not write .docx files; name the report .html, .pdf or .xlsx, or "
        "choose a format with --format."), r
    # nor is an audit pack (a zip) written under a report's name
    r = cli("pack", "--workspace", db, "--out", tmp_path / "audit.pdf")
    assert r.code == 2 and r.err.strip() == (
        "workbench: audit.pdf: an audit pack is a zip of the report, its tables and its manifest, which would open "
        "as rubbish under that name; name it .wbpack."), r
    assert list(tmp_path.iterdir()) == []


def test_the_period_and_platform_are_the_ones_asked_for(cli, db, tmp_path):
    r = cli("report", "--workspace", db, "--from", "2023-06-01", "--to", "2023-06-30", "--platform", "discord",
            "--format", "xlsx", "--out", tmp_path / "june.xlsx", "--json")
    assert r.code == 0, r
    assert r.json()["period"]["from"] == "2023-06-01" and r.json()["period"]["platforms"] == ["discord"]
    rows = list(load_workbook(tmp_path / "june.xlsx")["Active people"].iter_rows(values_only=True))
    assert len(rows) == 1 + 30
    assert "Discord" in str(list(load_workbook(tmp_path / "june.xlsx")["Summary"].iter_rows(values_only=True)))


def test_a_period_without_activity_says_so_and_where_the_activity_is(cli, db, tmp_path):
    """A report of a year before the community began has nothing to chart: it says which dates hold
    activity, on the command line, at the top of the HTML and in the XLSX summary, instead of
    empty axes."""
    from html import escape

    from workbench.workspace import Workspace

    with Workspace.open(db, readonly=True) as ws:
        with ws.connect() as conn:
            first, last = conn.exec_driver_sql("select min(created_at), max(created_at) from activity").one()
    said = (f"No activity in this period. The workspace's activity runs from {first[:10]} to {last[:10]} (UTC).")
    r = cli("report", "--workspace", db, "--from", "1990-01-01", "--to", "1990-12-31", "--out", tmp_path / "r.html")
    assert r.code == 0 and r.out.splitlines()[-1] == said, r
    html = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert f'<p class="notice"><b>{escape(said)}</b></p>' in html and "<svg" not in html
    r = cli("report", "--workspace", db, "--from", "1990-01-01", "--to", "1990-12-31", "--format", "xlsx",
            "--out", tmp_path / "r.xlsx")
    assert r.code == 0, r
    assert ("Note", said) in [r[:2] for r in load_workbook(tmp_path / "r.xlsx")["Summary"].iter_rows(values_only=True)]
    r = cli("report", "--workspace", db, "--from", "2023-06-01", "--to", "2023-06-30", "--out", tmp_path / "j.html")
    assert r.code == 0 and "No activity" not in r.out and "<svg" in (tmp_path / "j.html").read_text(encoding="utf-8")


def test_the_champion_tables_are_those_of_the_reports_period(cli, db, tmp_path):
    r = cli("report", "--workspace", db, "--from", "2023-04-02", "--to", "2023-06-30", "--format", "csv",
            "--out", tmp_path / "q2")
    assert r.code == 0, r
    with open(tmp_path / "q2" / "champion_candidates.csv", encoding="utf-8-sig") as f:  # with Excel's BOM
        in_report = [int(row["person_id"]) for row in csv.DictReader(f)]
    asked = cli("champions", "candidates", "--workspace", db, "--as-of", "2023-06-30", "--json", "--limit", "0")
    latest = cli("champions", "candidates", "--workspace", db, "--json", "--limit", "0")
    assert [c["person_id"] for c in asked.json()][:len(in_report)] == in_report
    assert [c["person_id"] for c in latest.json()][:len(in_report)] != in_report  # another period, other people
    # A file where the folder should be: one sentence, for the report and for the metric tables alike.
    taken = tmp_path / "taken"
    taken.write_text("mine", encoding="utf-8")
    r = cli("report", "--workspace", db, "--format", "csv", "--out", taken)
    assert r.code == 2 and r.err.strip() == f"workbench: {taken} is a file; CSV reports are written to a folder."
    r = cli("export-metrics", "--workspace", db, "--out", taken)
    assert r.code == 2 and r.err.strip() == f"workbench: {taken} is a file; the metric tables are written to a folder."
    assert taken.read_text(encoding="utf-8") == "mine"


def test_xlsx_figures_equal_workbench_metrics_json(cli, db, tmp_path):
    metrics = cli("metrics", "--workspace", db, "--json")
    assert metrics.code == 0, metrics
    expected = metrics.json()
    r = cli("report", "--workspace", db, "--format", "xlsx", "--out", tmp_path / "r.xlsx")
    assert r.code == 0, r
    rows = list(load_workbook(tmp_path / "r.xlsx")["Summary"].iter_rows(values_only=True))
    start = next(i for i, row in enumerate(rows) if row[:2] == ("figure", "label"))
    sheet = {row[0]: (row[2], row[3]) for row in rows[start + 1:] if row[0]}
    assert set(sheet) == set(expected["figures"])
    for key, value in expected["figures"].items():
        assert sheet[key][0] == pytest.approx(value, rel=1e-12), key
        assert sheet[key][1] == pytest.approx(expected["previous"][key], rel=1e-12), key


def test_pack_verify_passes_then_fails_naming_the_changed_file(cli, db, tmp_path):
    pack = tmp_path / "audit.wbpack"
    r = cli("pack", "--workspace", db, "--out", pack)
    assert r.code == 0, r
    ok = cli("pack", "verify", pack)
    assert ok.code == 0 and ok.out.startswith("OK"), ok
    changed = tmp_path / "changed.wbpack"
    with zipfile.ZipFile(pack) as zin, zipfile.ZipFile(changed, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename == "report/report.html":
                data = data.replace(b"Community health report", b"Community health rep0rt", 1)
            zout.writestr(info.filename, data)
    bad = cli("pack", "verify", changed)
    assert bad.code != 0, bad
    assert "FAILED  report/report.html" in bad.out
    assert "report.pdf" not in bad.out


def test_without_a_keyring_the_error_names_the_ways_out(cli, db, tmp_path, monkeypatch):
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
    r = cli("report", "--workspace", db, "--pseudonymize", "--out", tmp_path / "r.html")
    assert r.code == 2, r
    assert "--key-from-env VAR" in r.err and "--no-pseudonym-key-storage" in r.err
    assert "Traceback" not in r.err and not (tmp_path / "r.html").exists()


def test_a_key_from_the_environment_gives_the_same_pseudonyms_twice(cli, db, tmp_path, monkeypatch):
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
    monkeypatch.setenv("CLIENT_KEY", "a-long-key-for-this-client-0001")
    for name in ("a", "b"):
        r = cli("report", "--workspace", db, "--pseudonymize", "--key-from-env", "CLIENT_KEY", "--format", "csv",
                "--out", tmp_path / name)
        assert r.code == 0, r
    a = (tmp_path / "a" / "top_helpers.csv").read_text(encoding="utf-8-sig")
    assert a == (tmp_path / "b" / "top_helpers.csv").read_text(encoding="utf-8-sig")
    assert a.count("Member ") >= 10
    one_off = cli("report", "--workspace", db, "--pseudonymize", "--no-pseudonym-key-storage", "--format", "csv",
                  "--out", tmp_path / "c")
    assert one_off.code == 0 and "one-off" in one_off.err, one_off


def test_a_pseudonymized_pack_with_the_workspace_is_refused(cli, db, tmp_path):
    r = cli("pack", "--workspace", db, "--out", tmp_path / "x.wbpack", "--pseudonymize",
            "--no-pseudonym-key-storage", "--with-workspace")
    assert r.code == 2 and "cannot hold a copy of the workspace" in r.err, r
    assert not (tmp_path / "x.wbpack").exists()


def test_pack_json_lists_the_members(cli, db, tmp_path):
    r = cli("pack", "--workspace", db, "--out", tmp_path / "w.wbpack", "--with-workspace", "--json")
    assert r.code == 0, r
    assert "workspace/workspace.db" in r.json()["members"]
    v = cli("pack", "verify", tmp_path / "w.wbpack", "--json")
    assert v.code == 0 and json.loads(v.out)["ok"] is True


def _dce_channel(guild: dict, channel: dict, messages: list[tuple[str, str, str, str]]) -> dict:
    """A DiscordChatExporter channel file: messages as (id, minute, author's name, text)."""
    return {"guild": guild, "channel": channel, "dateRange": {"after": None, "before": None},
            "messages": [{"id": mid, "type": "Default", "timestamp": f"2024-03-04T10:{minute}:00+00:00",
                          "content": text, "reactions": [], "mentions": [],
                          "author": {"id": f"7000{sum(map(ord, who))}", "name": who, "discriminator": "0000",
                                     "isBot": False}} for mid, minute, who, text in messages]}


def test_a_pseudonymized_report_names_direct_messages_by_pseudonyms_not_by_the_people_in_them(
        cli, ws_path, tmp_path, monkeypatch):
    """Discord and Telegram name a direct-message chat after the other person, and a group DM
    after its members: in a pseudonymized report, on every page that names channels (the busiest
    channels, the unanswered questions, the scope), such a chat is "DM 1a2b3c4d" or "group DM ...",
    the same in every report made with the key, while a community's channels keep their names. The
    names of the files they came from (DiscordChatExporter names a DM's file after it) lose them too,
    in the report's import runs and in an audit pack's manifest."""
    exports = tmp_path / "exports"
    exports.mkdir()
    dms = {"id": "0", "name": "Direct Messages"}
    files = {
        "help.json": _dce_channel({"id": "900", "name": "Builders"},
                                  {"id": "901", "type": "GuildTextChat", "name": "help"},
                                  [("9011", "00", "ana", "welcome, everyone"), ("9012", "05", "ben", "thanks!")]),
        "Direct Messages - Private - Jo [801].json": _dce_channel(dms, {"id": "801", "type": "DirectTextChat", "name": "Jo"},
                                [("8011", "10", "jo", "can you look at my fine-tune config?")]),
        "Direct Messages - Group - Priyanka, Jo [802].json": _dce_channel(dms, {"id": "802", "type": "DirectGroupTextChat", "name": "Priyanka, Jo"},
                                   [("8021", "20", "priyanka", "who has the slides?")]),
    }
    for name, content in files.items():
        (exports / name).write_text(json.dumps(content), encoding="utf-8")
    assert cli("import", "--workspace", ws_path, exports).code == 0
    monkeypatch.setenv("CLIENT_KEY", "k" * 32)
    hidden = ("--pseudonymize", "--key-from-env", "CLIENT_KEY", "--from", "2024-03-01", "--to", "2024-03-31")

    tables = {}
    for run in ("first", "again"):
        r = cli("report", "--workspace", ws_path, *hidden, "--format", "csv", "--out", tmp_path / run)
        assert r.code == 0, r
        with open(tmp_path / run / "activity_by_channel.csv", encoding="utf-8-sig") as f:
            by_channel = {row["channel"] for row in csv.DictReader(f)}
        with open(tmp_path / run / "unanswered.csv", encoding="utf-8-sig") as f:
            unanswered = {row["channel"] for row in csv.DictReader(f)}
        tables[run] = (by_channel, unanswered)
    by_channel, unanswered = tables["first"]
    assert tables["again"] == tables["first"]  # the same names in every report made with the key
    # a DM is labelled as one ("Discord DM 1a2b3c4d"), without a channel's "#"
    dm = next(c for c in by_channel if c.startswith("Discord DM "))
    group = next(c for c in by_channel if c.startswith("Discord group DM "))
    assert by_channel == {"Discord #help", dm, group}
    assert unanswered == {dm.removeprefix("Discord "), group.removeprefix("Discord ")}
    assert len(dm.rsplit(" ", 1)[1]) == len(group.rsplit(" ", 1)[1]) == 8
    with open(tmp_path / "first" / "import_runs.csv", encoding="utf-8-sig") as f:
        (run,) = csv.DictReader(f)
    assert sorted(run["file_names"].split(", ")) == [
        "exports/Direct Messages - Group - [removed] [802].json",
        "exports/Direct Messages - Private - [removed] [801].json", "exports/help.json"]
    r = cli("pack", "--workspace", ws_path, *hidden, "--out", tmp_path / "client.wbpack")
    assert r.code == 0, r
    with zipfile.ZipFile(tmp_path / "client.wbpack") as pack:
        manifest = pack.read("manifest.json").decode("utf-8")
    assert "Direct Messages - Private - [removed] [801].json" in manifest
    assert " Jo " not in manifest and "Priyanka" not in manifest

    page = tmp_path / "chosen.html"
    r = cli("report", "--workspace", ws_path, *hidden, "--channel", "Jo", "--channel", "help", "--out", page)
    assert r.code == 0, r
    html = page.read_text(encoding="utf-8")
    assert f"channels #help, {dm.removeprefix('Discord ')}" in html
    whole = tmp_path / "whole.html"
    assert cli("report", "--workspace", ws_path, *hidden, "--out", whole).code == 0
    for text in (html, whole.read_text(encoding="utf-8")):
        assert "#Jo" not in text and ">Jo<" not in text and "Priyanka" not in text
    plain = tmp_path / "plain.html"
    assert cli("report", "--workspace", ws_path, "--from", "2024-03-01", "--out", plain).code == 0
    plain_text = plain.read_text(encoding="utf-8")  # named as they are when not pseudonymized
    assert "Discord DM Jo" in plain_text and "Discord group DM Priyanka" in plain_text


def test_an_audit_pack_given_as_a_workspace_or_an_export_says_how_to_open_it(cli, db, tmp_path):
    """A client handed a pack may try it where a workspace or an export goes: each says what it is and
    the two ways to open it, whatever the file is called, and nothing is written."""
    pack = tmp_path / "audit.wbpack"
    assert cli("pack", "--workspace", db, "--out", pack).code == 0
    r = cli("status", "--workspace", pack)
    assert r.code == 2 and f"{pack} is an audit pack, not a workspace: open it in the window (File ▸ Open audit " \
        f"pack…, or drop it on the window) or check it with `workbench pack verify {pack}`." in r.err, r
    renamed = tmp_path / "from-the-consultant.zip"
    renamed.write_bytes(pack.read_bytes())
    ws = tmp_path / "mine.db"
    for given in (pack, renamed):
        r = cli("import", "--workspace", ws, given)
        assert r.code != 0 and f"{given} is an audit pack, not an export: open it in the window" in r.err, r
        assert "unzip it" not in r.err  # its folder imports as nothing
    assert not ws.exists()  # no workspace made for an import that reads nothing
    other = tmp_path / "other.zip"
    with zipfile.ZipFile(other, "w") as z:  # a manifest.json of something else is no pack
        z.writestr("manifest.json", '{"name": "my-extension", "version": "1.0"}')
    r = cli("import", "--workspace", ws, other)
    assert r.code != 0 and "audit pack" not in r.err, r


def _on_a_terminal(*args) -> tuple[int, str, str]:  # noqa: ANN002
    """Run the command with its standard error on a terminal (a pseudo-terminal), as a person at
    a prompt does: (exit code, output, what the terminal showed)."""
    import pty
    import subprocess
    import sys

    try:
        master, slave = pty.openpty()
    except OSError:  # a container without /dev/ptmx
        pytest.skip("this machine has no pseudo-terminals")
    proc = subprocess.Popen([sys.executable, "-m", "workbench", *map(str, args)], stdout=subprocess.PIPE,
                            stderr=slave, env=os.environ.copy())
    os.close(slave)
    shown = []
    while True:
        try:
            data = os.read(master, 4096)
        except OSError:  # the command has ended and closed its end
            break
        if not data:
            break
        shown.append(data)
    out = proc.stdout.read().decode()
    proc.wait(60)
    os.close(master)
    return proc.returncode, out, b"".join(shown).decode()


def test_on_a_terminal_an_import_a_report_and_a_pack_say_their_steps_as_they_go(tmp_path):
    """At a prompt the percentage and the step are rewritten on one line as the work goes, up to
    "100%" once it is saved or written; the output itself stays the summary."""
    from pathlib import Path

    guild = Path(__file__).resolve().parent.parent / "data" / "discord" / "guild"
    ws = tmp_path / "w.db"
    code, out, shown = _on_a_terminal("import", guild, "--workspace", ws)
    steps = [line.strip() for line in shown.replace("\r\n", "\n").split("\r")]
    assert code == 0 and out.splitlines()[0].endswith("guild: DiscordChatExporter JSON"), (out, shown)
    assert steps[-6:] == ["95% Indexing 5 activities", "96% Linking replies and threads",
                          "97% Counting the activity of each day", "98% Joining accounts that share an e-mail address",
                          "99% Checking and saving the workspace", "100% Import finished"], steps
    code, out, shown = _on_a_terminal("report", "--workspace", ws, "--format", "pdf", "--out", tmp_path / "r.pdf")
    steps = [line.strip() for line in shown.replace("\r\n", "\n").split("\r")]
    assert code == 0 and "r.pdf (" in out, (out, shown)
    assert steps[0] == "" and steps[1].endswith("% Computing the period's metrics") and \
        steps[-2:] == ["70% Writing the PDF report", "100% Report written"], steps
    code, out, shown = _on_a_terminal("pack", "--workspace", ws, "--out", tmp_path / "r.wbpack")
    steps = [line.strip() for line in shown.replace("\r\n", "\n").split("\r")]
    assert code == 0 and "r.wbpack (" in out and "% Writing the manifest" in shown and steps[-1] == "100% Done", steps
    code, out, shown = _on_a_terminal("report", "--workspace", ws, "--out", tmp_path / "r.html", "--json")
    assert code == 0 and json.loads(out)["format"] == "html" and shown == ""  # JSON: nothing but the JSON
