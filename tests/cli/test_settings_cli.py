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
    assert lines[1].split() == ["reporting.timezone", "Reporting", "time", "zone", "UTC", "(the", "default)"]
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
    assert r.code == 0 and r.out.strip() == "Slack address of export (slack.address.T0TEST): none."
    r = cli("unanswered", "--workspace", ws_path, "--from", "2024-01-01", "--to", "2024-01-03", "--json")
    assert [q["link"] for q in r.json()["questions"]] == ["https://slack.com/app_redirect?channel=C0HELP&team=T0TEST"]
    assert cli("settings", "--workspace", ws_path, "--unset").code == 2


def test_the_address_a_shared_file_shows_opens_slack_questions_at_their_message(cli, ws_path, tmp_path):
    """A Slack export names its workspace by id, but a file a member shared has its page at the
    workspace's address: the questions open at their message with nothing given, and an address
    given takes its place until it is unset."""
    import json
    import shutil

    export = tmp_path / "export"
    shutil.copytree(SLACK, export)
    (export / "help" / "2024-01-03.json").write_text(json.dumps([
        {"type": "message", "user": "U03HOST", "text": "Which GPU for fine-tuning?", "ts": "1704290000.000100"},
        {"type": "message", "user": "U01ADMIN", "text": "our benchmark sheet", "ts": "1704290100.000200",
         "files": [{"id": "F0ABC", "name": "gpus.png",
                    "url_private": "https://files.slack.com/files-pri/T0TEST-F0ABC/gpus.png",
                    "permalink": "https://builders.slack.com/files/U01ADMIN/F0ABC/gpus.png"}]}]))
    assert cli("import", "--workspace", ws_path, export).code == 0

    def links():
        r = cli("unanswered", "--workspace", ws_path, "--from", "2024-01-01", "--to", "2024-01-03", "--json")
        return [q["link"] for q in r.json()["questions"] if q["question"] == "Which GPU for fine-tuning?"]

    assert links() == ["https://builders.slack.com/archives/C0HELP/p1704290000000100"]
    listed = cli("settings", "--workspace", ws_path).out.splitlines()[3]
    assert listed.split()[0] == "slack.address.T0TEST" and listed.endswith("builders.slack.com (found in the export)")

    r = cli("settings", "--workspace", ws_path, "slack.address.T0TEST", "acme-builders")
    assert r.code == 0 and links() == ["https://acme-builders.slack.com/archives/C0HELP/p1704290000000100"]
    r = cli("settings", "--workspace", ws_path, "slack.address.T0TEST", "--unset")
    assert r.out.strip() == "Slack address of export (slack.address.T0TEST): builders.slack.com (found in the export)."
    assert links() == ["https://builders.slack.com/archives/C0HELP/p1704290000000100"]
