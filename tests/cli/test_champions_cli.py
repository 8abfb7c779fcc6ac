"""``workbench champions ...``, ``workbench recognize`` and candidates.csv, through the real entry point."""
from __future__ import annotations

import csv
import datetime as dt
import sys
from zoneinfo import ZoneInfo
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "champions"))
from champion_helpers import account, at, day_series, msg, person_of, write  # noqa: E402


@pytest.fixture
def helpdesk(ws, ws_path):
    write(ws, [account("alice", name="Alice Ng"), account("bob"), account("carol"), account("dave", staff=True),
               account("alice-d", platform="discord", name="Alice Ng"),
               msg("bob", at("2024-03-01", "09:00"), text="How do I install?", ext="q1"),
               msg("alice", at("2024-03-01", "10:00"), text="pip install", parent="q1", reactions=2),
               msg("dave", at("2024-03-01", "11:00"), text="docs", parent="q1"),
               msg("carol", at("2024-03-02", "09:00"), text="hi all"),
               *day_series("dave", "2024-02-01", 20)])
    return ws_path, {w: person_of(ws, w) for w in ("alice", "bob", "carol", "dave")}


def test_candidates_as_json_and_table(cli, helpdesk):
    path, p = helpdesk
    r = cli("champions", "candidates", "--workspace", path, "--json")
    assert r.code == 0, r
    rows = r.json()
    assert [x["person_id"] for x in rows] == [p["alice"], p["bob"], p["carol"]]
    assert rows[0]["answers"] == 1 and rows[0]["newcomer_replies"] == 1 and rows[0]["score"] == pytest.approx(7.7)
    r = cli("champions", "candidates", "--workspace", path, "--limit", "1")
    assert r.code == 0 and "Alice Ng" in r.out and "Carol" not in r.out and "2024-03-02" in r.out
    # Headings as words, as every other table of the command line writes them.
    assert r.out.splitlines()[1].split()[:6] == ["Rank", "Person", "Name", "Platforms", "Score", "Answers"], r.out
    # Two people called Alice Ng (her Slack and her Discord accounts, not yet joined) tell apart by their
    # platforms; once joined, she is one person on both.
    assert rows[0]["platforms"] == ["slack"] and r.out.splitlines()[2].split()[:5] == ["1", str(p["alice"]), "Alice",
                                                                                     "Ng", "Slack"], r.out
    other = [x for x in cli("people", "list", "-w", path, "--json", "--limit", "0").json()
             if x["name"] == "Alice Ng" and x["person_id"] != p["alice"]]
    assert len(other) == 1
    assert cli("people", "merge", str(p["alice"]), str(other[0]["person_id"]), "-w", path).code == 0
    r = cli("champions", "candidates", "--workspace", path, "--limit", "1")
    assert r.out.splitlines()[2].split()[3:6] == ["Ng", "Discord,", "Slack"], r.out
    assert cli("champions", "gap", "-w", path).out.splitlines()[2].split()[1:5] == ["Alice", "Ng", "Discord,",
                                                                                    "Slack"]
    # A score is written with its decimal, a whole one too, so that the column aligns as the window's does.
    r = cli("champions", "candidates", "--workspace", path, "--weight", "active_days=1")
    assert [line.split()[-6] for line in r.out.splitlines()[2:]] == ["8.2", "1.0", "1.0"], r.out


def test_move_recognize_and_gap(cli, helpdesk):
    from workbench.workspace import Workspace

    path, p = helpdesk
    r = cli("champions", "gap", "--workspace", path, "--json")
    assert r.code == 0 and [x["person_id"] for x in r.json()] == [p["alice"]]
    assert r.json()[0]["last_active_at"] == "2024-03-01T10:00:00+00:00"
    # The table says the day she was last active, in the reporting zone.
    r = cli("champions", "gap", "--workspace", path)
    # What the list is, as the Recognition page says it, then the list.
    assert r.out.splitlines()[0] == ("Strong contributors not thanked in 180 days: 1 of the 1 person in the top "
                                     "tenth by champion score, 2023-12-04 to 2024-03-02 (UTC)"), r.out
    assert r.out.splitlines()[1].split()[-4:] == ["Last", "active", "Last", "recognized"], r.out
    assert r.out.splitlines()[2].split()[-2:] == ["2024-03-01", "never"], r.out
    with Workspace.open(path) as ws:  # 10:00 UTC is the next day there
        ws.set_setting("reporting.timezone", "Pacific/Kiritimati")
    assert cli("champions", "gap", "--workspace", path).out.splitlines()[2].split()[-2:] == ["2024-03-02", "never"]
    with Workspace.open(path) as ws:
        ws.set_setting("reporting.timezone", "UTC")
    r = cli("recognize", "alice", "--workspace", path, "--kind", "swag", "--note", "Hoodie", "--date", "2024-03-05",
            "--by", "Kim")
    assert r.code == 0 and r.out.strip() == f"Recorded 1 recognition (swag) for Alice Ng (person {p['alice']}).", r
    r = cli("recognize", "alice", "--workspace", path, "--kind", "swag", "--date", "2062-03-05")  # 2026 mistyped
    assert r.code == 2 and "A recognition is recorded once it is given: 2062-03-05 is after today" in r.err, r
    assert len(cli("champions", "log", "--workspace", path, "--json").json()) == 1
    assert cli("champions", "gap", "--workspace", path, "--json").json() == []
    assert cli("champions", "gap", "--workspace", path).out.startswith("No gap: every strong contributor")
    # On 1 March she had not been thanked yet: up to that day, the swag of the 5th does not count.
    r = cli("champions", "gap", "--workspace", path, "--as-of", "2024-03-01")
    assert r.out.splitlines()[0].startswith("Strong contributors not thanked in the 180 days up to 2024-03-01: 1 of")
    assert r.out.splitlines()[2].split()[1:3] + r.out.splitlines()[2].split()[-1:] == ["Alice", "Ng", "never"], r.out
    r = cli("champions", "gap", "--workspace", path, "--as-of", "2030-01-01")  # a period with nobody in it
    assert r.code == 0 and r.out.strip() == "No gap to show: nobody contributed from 2029-10-04 to 2030-01-01 (UTC)."
    r = cli("champions", "move", str(p["alice"]), "champion", "--workspace", path, "--reason", "answers everyone")
    assert r.code == 0 and r.out.strip() == f"Moved Alice Ng (person {p['alice']}) to champion."
    assert [x["person_id"] for x in cli("champions", "candidates", "-w", path, "--json").json()] == [p["bob"], p["carol"]]
    with Workspace.open(path) as ws:
        ws.set_setting("reporting.timezone", "Asia/Kolkata")  # UTC+5:30
    r = cli("champions", "history", "alice", "--workspace", path)
    lines = r.out.splitlines()
    assert lines[0] == f"Alice Ng (person {p['alice']}), newest first:", r.out
    assert lines[1].split() == ["When", "(Asia/Kolkata)", "From", "To", "Reason", "By"], r.out
    moved = dt.datetime.fromisoformat(cli("champions", "history", "alice", "-w", path, "--json").json()[0]["changed_at"])
    local = moved.astimezone(ZoneInfo("Asia/Kolkata")).strftime("%Y-%m-%d %H:%M")
    assert lines[2].split() == [*local.split(), "—", "champion", "answers", "everyone", "—"], r.out
    r = cli("champions", "history", "bob", "--workspace", path)
    assert r.out.strip() == f"Bob (person {p['bob']}) is not in the programme, and never was.", r.out
    r = cli("champions", "move", "nobody", "champion", "--workspace", path, "--reason", "x")
    assert r.code == 2 and "No person is called “nobody”" in r.err
    r = cli("recognize", "Alice Ng", "--workspace", path, "--kind", "badge")
    assert r.code == 2 and "2 people are called" in r.err


def test_the_log_gives_each_recognition_on_the_day_it_was_given(cli, helpdesk):
    """In Kiritimati (UTC+14) a swag "on 1 June 2023" is 1 June there (22:00 UTC on 31 May): so the
    log says, and so does the gap, where Alice, thanked long ago, still is."""
    from workbench.workspace import Workspace

    path, p = helpdesk
    with Workspace.open(path) as ws:
        ws.set_setting("reporting.timezone", "Pacific/Kiritimati")
    assert cli("champions", "log", "-w", path).out.startswith("No recognition yet: record one")
    assert cli("recognize", "alice", "-w", path, "--kind", "swag", "--date", "2023-06-01", "--by", "Kim").code == 0
    assert cli("recognize", "bob", "-w", path, "--kind", "shout-out", "--note", "Kind words", "--date", "2024-03-05").code == 0
    lines = cli("champions", "log", "-w", path).out.splitlines()
    assert lines[0].split()[:4] == ["Id", "Day", "(Pacific/Kiritimati)", "Person"], lines
    assert lines[1].split() == ["2", "2024-03-05", str(p["bob"]), "Bob", "Slack", "shout-out", "Kind", "words", "by",
                                "hand"]
    assert lines[2].split() == ["1", "2023-06-01", str(p["alice"]), "Alice", "Ng", "Slack", "swag", "Kim", "by", "hand"]
    given = cli("champions", "log", "alice", "-w", path, "--json").json()
    assert [(g["person_id"], g["given_at"]) for g in given] == [(p["alice"], "2023-05-31T22:00:00+00:00")]
    assert cli("champions", "log", "carol", "-w", path).out.strip() == \
        f"Carol (person {p['carol']}) has no recognition yet."
    gap = cli("champions", "gap", "-w", path).out.splitlines()
    assert gap[2].split()[-2:] == ["2024-03-02", "2023-06-01"], gap


def test_a_recognition_is_deleted_from_the_log_by_its_id_and_brought_back(cli, helpdesk):
    """The command line could record a recognition but not take one back: a swag recorded for the
    wrong person stayed in the log. The log's ids name them; all are checked before any is deleted."""
    path, p = helpdesk
    assert cli("recognize", "alice", "-w", path, "--kind", "swag", "--date", "2023-06-01").code == 0
    assert cli("recognize", "bob", "-w", path, "--kind", "badge", "--date", "2024-03-05").code == 0
    r = cli("champions", "log", "-w", path, "--delete", "1", "7")
    assert r.code == 2 and r.err.strip() == ("workbench: There is no recognition 7 in this workspace (`workbench "
                                             "champions log` lists them with their ids); nothing was deleted."), r
    r = cli("champions", "log", "-w", path, "--delete", "1")
    assert r.code == 0 and r.out.strip() == ("Deleted the swag of Alice Ng (recognition 1). `workbench champions log "
                                             "--undo-delete` brings it back."), r
    assert [g["kind"] for g in cli("champions", "log", "-w", path, "--json").json()] == ["badge"]
    r = cli("champions", "log", "-w", path, "--undo-delete")
    assert r.out.strip() == "Brought back the swag of Alice Ng (recognition 1).", r
    assert [(g["id"], g["person_id"], g["kind"]) for g in cli("champions", "log", "-w", path, "--json").json()] == [
        (2, p["bob"], "badge"), (1, p["alice"], "swag")]
    r = cli("champions", "log", "-w", path, "--undo-delete")
    assert r.out.strip() == "No recognition was deleted: there is nothing to bring back.", r


def test_export_metrics_writes_candidates_csv(cli, helpdesk, tmp_path):
    path, p = helpdesk
    out = tmp_path / "out"
    r = cli("export-metrics", "--workspace", path, "--out", out)
    assert r.code == 0, r
    with open(out / "candidates.csv", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert list(rows[0]) == ["rank", "person_id", "name", "score", "accounts"]
    assert (rows[0]["rank"], rows[0]["person_id"], rows[0]["score"], rows[0]["accounts"]) == \
        ("1", str(p["alice"]), "7.7", "slack:alice")


def test_weights_are_listed_saved_and_tried_without_saving(cli, helpdesk):
    """`champions weights` lists the score's weights and saves new ones (as the Champions page's
    Save weights does); `candidates --weight` ranks by other weights without saving them; a weight
    that is not a number of zero or more, or a part the score has not, is one sentence."""
    path, p = helpdesk
    defaults = {"answers": 3, "newcomer_replies": 2, "people_helped": 2, "reactions": 0.1, "active_days": 0.5}
    assert cli("champions", "weights", "--workspace", path, "--json").json() == defaults
    table = cli("champions", "weights", "--workspace", path).out.splitlines()
    assert table[0].split() == ["Part", "What", "Weight", "Default"]
    assert table[4].split()[0] == "reactions" and table[4].split()[-2:] == ["0.1", "0.1"]

    # What if reactions counted for a lot: Alice (2 reactions) gains 2 x 10 points; nothing is saved.
    tried = cli("champions", "candidates", "--workspace", path, "--json", "--weight", "reactions=10").json()
    assert tried[0]["person_id"] == p["alice"] and tried[0]["score"] == pytest.approx(7.7 - 0.2 + 20)
    said = cli("champions", "candidates", "--workspace", path, "--weight", "reactions=10").out.splitlines()[0]
    assert "reactions ×10" in said and said.endswith("(what-if weights, not saved)")
    assert cli("champions", "weights", "--workspace", path, "--json").json() == defaults

    # Saved, the weights rank the candidates from then on; --defaults puts them back.
    r = cli("champions", "weights", "--workspace", path, "answers=5", "active-days=0")
    assert r.code == 0 and r.out.strip().endswith("rank people by these weights."), r
    assert cli("champions", "weights", "--workspace", path, "--json").json() == {**defaults, "answers": 5,
                                                                                 "active_days": 0}
    alice = cli("champions", "candidates", "--workspace", path, "--json").json()[0]
    assert alice["person_id"] == p["alice"]
    assert alice["score"] == pytest.approx(5 * alice["answers"] + 2 * alice["newcomer_replies"]
                                           + 2 * alice["people_helped"] + 0.1 * alice["reactions"])
    assert cli("champions", "weights", "--workspace", path, "--defaults").code == 0
    assert cli("champions", "weights", "--workspace", path, "--json").json() == defaults

    r = cli("champions", "weights", "--workspace", path, "answers=-1")
    assert r.code == 2 and r.err.strip() == \
        "workbench: The weight of answers to others' questions must be zero or more, not '-1'."
    r = cli("champions", "weights", "--workspace", path, "kudos=1")
    assert r.code == 2 and "“kudos” is not a part of the champion score; its parts are answers, " in r.err
    assert cli("champions", "weights", "--workspace", path, "--json").json() == defaults
