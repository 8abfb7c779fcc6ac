"""`workbench metrics` and `workbench export-metrics` through the real entry point, on a small
workspace worked out by hand and on a synthetic community whose truth is known."""
from __future__ import annotations

import csv
import datetime as dt
import statistics

import pytest
from sqlalchemy import insert

UTC = dt.timezone.utc


def _small(ws_path):
    from workbench.records import AccountRec, ActivityRec
    from workbench.store.links import resolve_links
    from workbench.store.models import ImportRun
    from workbench.store.writer import Writer
    from workbench.workspace import Workspace

    def m(who, day, hour, text="hi", parent=None, ext=None, platform="slack"):
        return ActivityRec(platform, ext or f"{who}-{day}-{hour}", who,
                           dt.datetime.fromisoformat(f"2024-03-{day:02d}T{hour:02d}:00").replace(tzinfo=UTC),
                           channel_external_id="general", parent_external_id=parent, text=text)

    ws = Workspace.open(ws_path)
    with ws.write_conn("import") as conn:
        run = conn.execute(insert(ImportRun.__table__).values(status="done", counts={})).inserted_primary_key[0]
        w = Writer(conn, run)
        w.add_all([AccountRec("slack", "bot", is_bot=True),
                   m("ana", 10, 9, "how?", ext="q1"), m("ben", 10, 12, "like this", parent="q1"),
                   m("ana", 11, 9, "and this?", ext="q2"), m("bot", 11, 10, "beep", parent="q2"),
                   m("ben", 2, 9), m("dee", 10, 9, platform="discord"), m("bot", 12, 9)])
        w.flush()
        resolve_links(conn)
    ws.close()


def test_metrics_json_prints_the_period_figures_and_previous(cli, ws_path):
    _small(ws_path)
    r = cli("metrics", "--workspace", ws_path, "--from", "2024-03-06", "--to", "2024-03-12", "--json")
    assert r.code == 0, r
    doc = r.json()
    assert doc["period"]["from"] == "2024-03-06" and doc["period"]["to"] == "2024-03-12"
    fig, prev = doc["figures"], doc["previous"]
    assert (fig["active_people"], fig["activities"], fig["questions"], fig["unanswered"]) == (3, 4, 2, 1)
    assert fig["ttfr_median_s"] == 3 * 3600 and fig["response_rate_ever"] == 0.5
    assert fig["new_people"] == 2  # ana and dee; ben came on 2 March
    assert (prev["active_people"], prev["activities"], prev["questions"]) == (1, 1, 0)
    r = cli("metrics", "--workspace", ws_path, "--from", "2024-03-06", "--to", "2024-03-12", "--platform", "discord",
            "--json")
    assert r.code == 0, r
    assert (r.json()["figures"]["active_people"], r.json()["figures"]["questions"]) == (1, 0)


def test_metrics_for_people_reads_as_a_table(cli, ws_path):
    _small(ws_path)
    r = cli("metrics", "--workspace", ws_path, "--from", "2024-03-06", "--to", "2024-03-12")
    assert r.code == 0, r
    assert r.out.startswith("2024-03-06 to 2024-03-12 (7 days, UTC); all platforms; change against 2024-02-28 to "
                            "2024-03-05\n")
    # The scope in words: platforms as people write them, channels by name (they were numbered: "channels 2").
    r = cli("metrics", "--workspace", ws_path, "--from", "2024-03-06", "--to", "2024-03-12", "--platform", "discord",
            "--channel", "general")
    assert r.out.splitlines()[0].split("; ")[1:3] == ["Discord", "channels #general"], r.out
    r = cli("metrics", "--workspace", ws_path, "--from", "2024-03-06", "--to", "2024-03-12", "--channel", "general")
    assert r.out.splitlines()[0].split("; ")[1:3] == ["all platforms", "channels Discord #general, Slack #general"]
    line = next(x for x in r.out.splitlines() if x.startswith("Median time to first response"))
    assert line.split()[5:6] == ["3h"]
    assert "Active people" in r.out and "▲ 200%" in r.out
    # stickiness went from 0.25 to 0.31: the change is the difference, not "▲ 25%" of a ratio
    line = next(x for x in r.out.splitlines() if x.startswith("Stickiness"))
    assert line.split()[-4:] == ["0.31", "0.25", "▲", "0.06"], line


def test_metrics_refuses_a_backwards_period(cli, ws_path):
    _small(ws_path)
    r = cli("metrics", "--workspace", ws_path, "--from", "2024-03-12", "--to", "2024-03-06")
    assert r.code == 2 and "starts (2024-03-12) after it ends (2024-03-06)" in r.err, r


def test_a_platform_the_workspace_does_not_hold_is_named_not_counted_as_zero(cli, ws_path, tmp_path):
    _small(ws_path)
    r = cli("metrics", "--workspace", ws_path, "--platform", "discrod")
    assert r.code == 2 and "holds nothing from discrod" in r.err, r
    r = cli("report", "--workspace", ws_path, "--platform", "discrod", "--out", tmp_path / "r.html")
    assert r.code == 2 and "holds nothing from discrod" in r.err and not (tmp_path / "r.html").exists(), r


def _seconds(iso: str) -> int:
    return int(dt.datetime.fromisoformat(iso.replace("Z", "+00:00")).timestamp())


@pytest.mark.slow
def test_export_metrics_agrees_with_the_truth_of_a_synthetic_community(cli, community_db, copy_db, tmp_path):
    db, truth = community_db(messages=20000, members=800)
    path = copy_db(db)
    out = tmp_path / "out"
    r = cli("export-metrics", "--workspace", path, "--out", out)
    assert r.code == 0, r

    with open(out / "daily_active.csv", newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    got = {(row["platform"], row["date"]): int(row["people"]) for row in rows}
    want = {(plat, day): n for plat, days in truth["daily_active_people"].items() for day, n in days.items()}
    assert len(want) > 700
    assert got == want

    with open(out / "questions.csv", newline="", encoding="utf-8") as f:
        questions = list(csv.DictReader(f))
    exported: dict[tuple[str, int], list] = {}
    for q in questions:
        first = _seconds(q["first_response_utc"]) if q["first_response_utc"] else None
        exported.setdefault((q["platform"], _seconds(q["asked_utc"])), []).append(first)
    expected: dict[tuple[str, int], list] = {}
    for q in truth["questions"]:
        first = _seconds(q["first_answer"]) if q["first_answer"] else None
        expected.setdefault((q["platform"], _seconds(q["asked"])), []).append(first)
    assert len(truth["questions"]) > 500
    missing = {k: v for k, v in expected.items() if sorted(exported.get(k, []), key=str) != sorted(v, key=str)}
    assert not missing, f"{len(missing)} of {len(expected)} questions differ, e.g. {list(missing.items())[:3]}"
    assert len(questions) == len(truth["questions"])

    # Median TTFR and response rates over the whole history, worked out from the truth.
    waits = [_seconds(q["first_answer"]) - _seconds(q["asked"]) for q in truth["questions"] if q["first_answer"]]
    days = sorted({d for per in truth["daily_active_people"].values() for d in per})
    r = cli("metrics", "--workspace", path, "--from", days[0], "--to", days[-1], "--json")
    assert r.code == 0, r
    fig = r.json()["figures"]
    assert fig["questions"] == len(truth["questions"])
    assert fig["ttfr_median_s"] == statistics.median(waits)
    assert fig["response_rate_ever"] == len(waits) / len(truth["questions"])
    assert fig["response_rate_24h"] == sum(w <= 86400 for w in waits) / len(truth["questions"])
    assert fig["unanswered"] == len(truth["questions"]) - len(waits)


def test_metrics_and_report_read_the_period_options_alike(cli, ws_path, tmp_path):
    _small(ws_path)
    # --from alone runs to the latest activity (12 March), in both commands; a channel is named.
    m = cli("metrics", "--workspace", ws_path, "--from", "2024-03-09", "--channel", "#general", "--json")
    assert m.code == 0, m
    assert (m.json()["period"]["from"], m.json()["period"]["to"]) == ("2024-03-09", "2024-03-12")
    assert m.json()["figures"]["active_people"] == 3  # ana, ben, dee; the bot is not a person
    r = cli("report", "--workspace", ws_path, "--from", "2024-03-09", "--channel", "#general", "--format", "xlsx",
            "--out", tmp_path / "r.xlsx", "--json")
    assert r.code == 0, r
    assert (r.json()["period"]["from"], r.json()["period"]["to"]) == ("2024-03-09", "2024-03-12")
    bad = cli("metrics", "--workspace", ws_path, "--from", "9 March")
    assert bad.code == 2 and "'9 March' is not a date like 2024-03-01" in bad.err, bad


def test_unanswered_lists_the_questions_nobody_answered_with_where_to_answer_them(cli, ws_path, tmp_path):
    """Ana's second question had only a bot's reply: it waits, and says so; a question imported
    from DiscordChatExporter comes with the link to its message."""
    import json

    _small(ws_path)
    r = cli("unanswered", "--workspace", ws_path, "--from", "2024-03-06", "--to", "2024-03-12", "--json")
    assert r.code == 0, r
    doc = r.json()
    assert doc["total"] == 1 and len(doc["questions"]) == 1
    q = doc["questions"][0]
    assert (q["question"], q["asked_at"], q["waiting_days"], q["link"]) == (
        "and this?", "2024-03-11T09:00:00+00:00", 1, None)  # a Slack id the export never wrote: no link
    r = cli("unanswered", "--workspace", ws_path, "--from", "2024-03-06", "--to", "2024-03-12")
    assert r.out.splitlines()[0] == "1 unanswered question from 2024-03-06 to 2024-03-12 (UTC), the oldest first:"
    assert "and this?" in r.out.splitlines()[2] and "1 day" in r.out.splitlines()[2]

    export = {"guild": {"id": "1100000000000000000", "name": "AI Builders"},
              "channel": {"id": "1100000000000000101", "type": "GuildTextChat", "name": "help"},
              "messages": [{"id": f"114700000000000000{i}", "type": "Default",
                            "timestamp": f"2024-03-1{i}T10:00:00+01:00", "content": f"Question {i}: how do I start?",
                            "author": {"id": "1000000000000000001", "name": "nia", "isBot": False}}
                           for i in (1, 2)]}
    path = tmp_path / "AI Builders - help [1100000000000000101].json"
    path.write_text(json.dumps(export), encoding="utf-8")
    assert cli("import", "--workspace", ws_path, path).code == 0
    r = cli("unanswered", "--workspace", ws_path, "--from", "2024-03-06", "--to", "2024-03-12", "--platform",
            "discord", "--limit", "1", "--json")
    assert r.json()["total"] == 2 and [q["link"] for q in r.json()["questions"]] == [
        "https://discord.com/channels/1100000000000000000/1100000000000000101/1147000000000000001"]
    r = cli("unanswered", "--workspace", ws_path, "--from", "2024-03-06", "--to", "2024-03-12", "--platform",
            "discord", "--limit", "1")
    assert r.out.splitlines()[0] == "2 unanswered questions from 2024-03-06 to 2024-03-12 (UTC), the oldest:"
    assert "Discord #help" in r.out.splitlines()[2]
    assert cli("unanswered", "--workspace", ws_path, "--limit", "-3").code == 2


def test_helpers_lists_who_helps_whom_as_the_replies_say(cli, community_db, copy_db, tmp_path):
    """`workbench helpers` gives the Dashboard's ties of the helper network: each pair of people
    with the replies from one to the other, the most first; counted again here from the replies'
    links in SQL (humans only, not to oneself), they agree. export-metrics writes the whole
    network, all time, as an edge list."""
    from sqlalchemy import text

    from workbench.workspace import Workspace

    db, _truth = community_db(messages=20000, members=800)
    path = copy_db(db)
    r = cli("helpers", "--workspace", path, "--json", "--limit", "0")
    assert r.code == 0, r
    doc = r.json()
    start, end = doc["period"]["from"], doc["period"]["to"]
    with Workspace.open(path) as ws, ws.connect() as conn:
        want = {(int(a), int(b)): int(n) for a, b, n in conn.execute(text(
            "SELECT ra.person_id, pa.person_id, count(*) FROM activity r "
            "JOIN account ra ON ra.id = r.account_id JOIN activity p ON p.id = r.parent_id "
            "JOIN account pa ON pa.id = p.account_id "
            "WHERE NOT ra.is_bot AND NOT pa.is_bot AND ra.person_id != pa.person_id "
            "AND r.created_at >= :start AND r.created_at < :end GROUP BY 1, 2"),
            {"start": f"{start} 00:00:00", "end": f"{dt.date.fromisoformat(end) + dt.timedelta(days=1)} 00:00:00"})}
    got = {(t["helper_person_id"], t["helped_person_id"]): t["replies"] for t in doc["ties"]}
    assert len(want) > 100 and doc["total"] == len(want) and got == want
    counts = [t["replies"] for t in doc["ties"]]
    assert counts == sorted(counts, reverse=True)
    assert all(0 <= t["newcomer_replies"] <= t["replies"] for t in doc["ties"])
    table = cli("helpers", "--workspace", path, "--limit", "3").out.splitlines()
    assert table[0] == f"{len(want):,} ties of helping from {start} to {end} (UTC), the 3 strongest:"
    top = doc["ties"][0]
    assert table[1].split() == ["Helper", "(person)", "Helped", "(person)", "Replies", "To", "a", "newcomer"]
    assert f"({top['helper_person_id']})" in table[2] and table[2].split()[-2:] == [str(top["replies"]),
                                                                                  str(top["newcomer_replies"])]
    assert cli("helpers", "--workspace", path, "--limit", "-1").code == 2
    quiet = cli("helpers", "--workspace", path, "--from", "2001-01-01", "--to", "2001-01-31")
    assert quiet.out.strip() == "No one replied to someone else from 2001-01-01 to 2001-01-31 (UTC)."

    assert cli("export-metrics", "--workspace", path, "--out", tmp_path / "out").code == 0
    with open(tmp_path / "out" / "helper_network.csv", newline="", encoding="utf-8") as fh:
        edges = list(csv.DictReader(fh))
    with Workspace.open(path) as ws, ws.connect() as conn:
        every = {(int(a), int(b)): int(n) for a, b, n in conn.execute(text(
            "SELECT ra.person_id, pa.person_id, count(*) FROM activity r "
            "JOIN account ra ON ra.id = r.account_id JOIN activity p ON p.id = r.parent_id "
            "JOIN account pa ON pa.id = p.account_id "
            "WHERE NOT ra.is_bot AND NOT pa.is_bot AND ra.person_id != pa.person_id GROUP BY 1, 2"))}
    assert len(every) > len(want)
    assert {(int(e["helper_person_id"]), int(e["helped_person_id"])): int(e["replies"]) for e in edges} == every
    assert list(edges[0]) == ["helper_person_id", "helper", "helped_person_id", "helped", "replies",
                              "newcomer_replies"]


def test_a_channel_name_with_a_slip_is_answered_with_the_nearest_names(cli, ws_path, tmp_path):
    _small(ws_path)
    r = cli("metrics", "--workspace", ws_path, "--channel", "generl")
    assert r.code == 2, r
    assert r.err.strip() == ("workbench: There is no channel called 'generl' in this workspace. "
                             "Did you mean Discord #general or Slack #general?"), r.err
    r = cli("report", "--workspace", ws_path, "--platform", "slack", "--channel", "#genral",
            "--out", tmp_path / "r.html")
    assert r.code == 2 and not (tmp_path / "r.html").exists(), r
    assert r.err.strip().endswith("in this workspace on Slack. Did you mean Slack #general?"), r.err
    # Nothing near: a workspace of a few channels names them all.
    r = cli("metrics", "--workspace", ws_path, "--channel", "zzz")
    assert r.code == 2 and r.err.strip().endswith("Its channels are Discord #general and Slack #general."), r.err
