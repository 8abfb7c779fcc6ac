"""`workbench settings`: the window's Workspace ▸ Settings… on the command line, checked alike."""
from __future__ import annotations

from pathlib import Path

SLACK = Path(__file__).resolve().parent.parent / "data" / "slack" / "export"


def test_settings_are_listed_checked_and_kept(cli, ws_path, tmp_path):
    import json
    import shutil

    export = tmp_path / "export"
    shutil.copytree(SLACK, export)
    (export / "help" / "2024-01-03.json").write_text(json.dumps([  # a question nobody answered
        {"type": "message", "user": "U03HOST", "text": "Which GPU for fine-tuning?", "ts": "1704290000.000100"}]))
    assert cli("import", "--workspace", ws_path, export).code == 0
    r = cli("settings", "--workspace", ws_path)
    assert r.code == 0, r
    lines = r.out.splitlines()
    assert lines[0].split() == ["Key", "Setting", "Value"]
    assert lines[1].split() == ["reporting.timezone", "Reporting", "time", "zone", "UTC", "(default)"]
    assert lines[3].split()[:2] == ["slack.address.T0TEST", "Slack"] and lines[3].endswith("—")

    for key, value, said in (("reporting.timezone", "Mars/Olympus", "not a time zone"),
                             ("questions.marker", "", "cannot be empty"),
                             ("slack.address.T0TEST", "evil.example", "not a Slack workspace's address"),
                             ("slack.address.T9OTHER", "acme", "not a setting of this workspace")):
        r = cli("settings", "--workspace", ws_path, key, value)
        assert r.code == 2 and said in r.err, r
    assert cli("settings", "--workspace", ws_path, "--json").json()[2]["value"] is None  # nothing was kept

    r = cli("settings", "--workspace", ws_path, "slack.address.T0TEST", "Builders")
    assert r.code == 0 and r.out.strip() == "Slack address of export (slack.address.T0TEST): builders.slack.com.", r
    assert cli("settings", "--workspace", ws_path, "reporting.timezone", "Asia/Tokyo").code == 0
    r = cli("unanswered", "--workspace", ws_path, "--from", "2024-01-01", "--to", "2024-01-03", "--json")
    assert r.json()["period"]["timezone"] == "Asia/Tokyo"  # the workspace's zone, now
    assert [(q["question"], q["link"]) for q in r.json()["questions"]] == [
        ("Which GPU for fine-tuning?", "https://builders.slack.com/archives/C0HELP/p1704290000000100")]
    r = cli("settings", "--workspace", ws_path, "slack.address.T0TEST", "--unset")
    assert r.code == 0 and r.out.strip() == "Slack address of export (slack.address.T0TEST): none (the default)."
    r = cli("unanswered", "--workspace", ws_path, "--from", "2024-01-01", "--to", "2024-01-03", "--json")
    assert [q["link"] for q in r.json()["questions"]] == ["https://slack.com/app_redirect?channel=C0HELP&team=T0TEST"]
    assert cli("settings", "--workspace", ws_path, "--unset").code == 2
