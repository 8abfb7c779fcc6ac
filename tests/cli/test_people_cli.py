"""``workbench people`` and people.csv through the real entry point."""
from __future__ import annotations

import csv

import pytest


@pytest.fixture(scope="module")
def community_path(community_db):
    path, truth = community_db(messages=20000, members=800)
    return path, truth


@pytest.fixture
def wsfile(community_path, copy_db):
    return copy_db(community_path[0])


def test_suggestions_json_merge_unmerge_and_people_csv(cli, wsfile, tmp_path, community_path):
    _, truth = community_path
    r = cli("people", "suggestions", "--workspace", wsfile, "--json")
    assert r.code == 0, r
    found = r.json()
    assert found and set(found[0]) == {"a", "b", "confidence", "reasons", "a_name", "b_name", "a_platforms",
                                       "b_platforms"}
    assert all(0.65 <= s["confidence"] <= 1 and s["reasons"] for s in found)
    # The table says whose accounts each side holds, on which platform, as the window does.
    text = cli("people", "suggestions", "--workspace", wsfile).out.splitlines()
    assert text[0].split() == ["A", "B", "Confidence", "Person", "A", "Person", "B", "Reasons"]
    first = found[0]
    a_plat = ", ".join(p.capitalize() for p in first["a_platforms"])
    b_plat = ", ".join(p.capitalize() for p in first["b_platforms"])
    assert f"{first['a_name']} ({a_plat})" in text[1] and f"{first['b_name']} ({b_plat})" in text[1], text[1]
    assert first["a_platforms"] != first["b_platforms"] and set(first["a_platforms"] + first["b_platforms"]) <= {
        "slack", "discord", "telegram"}
    loose = cli("people", "suggestions", "--workspace", wsfile, "--json", "--min-confidence", "0.4").json()
    assert len(loose) > len(found)
    top = found[0]

    r = cli("export-metrics", "--workspace", wsfile, "--out", tmp_path / "before")
    assert r.code == 0, r
    with open(tmp_path / "before" / "people.csv", encoding="utf-8") as f:
        before = {int(row["person_id"]): row for row in csv.DictReader(f)}
    assert list(next(iter(before.values()))) == ["person_id", "name", "accounts"]
    real = {f"{plat}:{ext}" for p in truth["people"] for plat, ext in p["accounts"].items()}
    a_accounts, b_accounts = before[top["a"]]["accounts"].split(";"), before[top["b"]]["accounts"].split(";")
    assert set(a_accounts) <= real and set(b_accounts) <= real

    r = cli("people", "merge", top["a"], top["b"], "--reason", "checked by hand", "--workspace", wsfile)
    assert r.code == 0 and f"Merged person {top['b']} into person {top['a']}" in r.out, r
    cli("export-metrics", "--workspace", wsfile, "--out", tmp_path / "merged")
    with open(tmp_path / "merged" / "people.csv", encoding="utf-8") as f:
        merged = {int(row["person_id"]): row for row in csv.DictReader(f)}
    assert top["b"] not in merged and len(merged) == len(before) - 1
    assert sorted(merged[top["a"]]["accounts"].split(";")) == sorted(a_accounts + b_accounts)
    again = cli("people", "suggestions", "--workspace", wsfile, "--json").json()
    assert not any({s["a"], s["b"]} == {top["a"], top["b"]} for s in again)

    r = cli("people", "unmerge", top["a"], "--workspace", wsfile)
    assert r.code == 0, r
    cli("export-metrics", "--workspace", wsfile, "--out", tmp_path / "after")
    with open(tmp_path / "after" / "people.csv", encoding="utf-8") as f:
        after = {int(row["person_id"]): row for row in csv.DictReader(f)}
    assert after == before


def test_every_suggestion_shown_is_accepted_in_one_go(cli, wsfile):
    before = cli("status", "--workspace", wsfile, "--json").json()["people"]
    shown = cli("people", "suggestions", "--workspace", wsfile, "--json", "--min-confidence", "0.9").json()
    assert len(shown) > 10
    r = cli("people", "suggestions", "--workspace", wsfile, "--min-confidence", "0.9", "--accept", "--json")
    assert r.code == 0, r
    done = r.json()
    assert done["merged"] + done["already_joined"] == len(shown) and done["merged"] > 10
    assert cli("status", "--workspace", wsfile, "--json").json()["people"] == before - done["merged"]
    r = cli("people", "suggestions", "--workspace", wsfile, "--min-confidence", "0.9")
    assert r.out.strip() == "No merge suggestions at or above 0.90.", r.out
    # Each accepted pair is one person now, and can be taken apart again.
    a = shown[0]["a"]
    assert cli("people", "unmerge", str(a), "--workspace", wsfile).code == 0
    assert cli("status", "--workspace", wsfile, "--json").json()["people"] > before - done["merged"]
    r = cli("people", "suggestions", "--workspace", wsfile, "--min-confidence", "0.9", "--accept")
    assert r.code == 0 and r.out.startswith("Merged "), r.out


def test_list_search_and_flags(cli, wsfile, community_path):
    r = cli("people", "list", "--workspace", wsfile, "--json", "--search", "MULLER", "--limit", "0")
    assert r.code == 0, r
    rows = r.json()
    # Found by name, or by a Slack handle or address when the name is something else entirely.
    renamed = {p["name"] for p in community_path[1]["people"] if p["hostile_name"] and "müller" in p["email"]}
    assert rows and all("müller" in row["name"].lower() or row["name"] in renamed for row in rows)
    assert sum("müller" in row["name"].lower() for row in rows) > 10
    pid = rows[0]["person_id"]
    assert cli("people", "flag", pid, "--staff", "--workspace", wsfile).code == 0
    listed = cli("people", "list", "--workspace", wsfile, "--json", "--search", "müller", "--limit", "0").json()
    assert next(row for row in listed if row["person_id"] == pid)["staff"] is True
    assert cli("people", "flag", pid, "--bot", "--workspace", wsfile).code == 0
    listed = cli("people", "list", "--workspace", wsfile, "--json", "--search", "müller", "--limit", "0").json()
    assert pid not in {row["person_id"] for row in listed}  # bots are left out of the list by default
    r = cli("people", "list", "--workspace", wsfile, "--search", "no such person zz")
    assert r.code == 0 and r.out.strip() == \
        "No people match 'no such person zz' (bots are left out; --bots includes them)."


def test_list_by_platform_takes_several_as_any_of_them_and_names_one_it_does_not_hold(cli, wsfile):
    def ids(*platform_args):
        r = cli("people", "list", "--workspace", wsfile, "--json", "--limit", "0", *platform_args)
        assert r.code == 0, r
        return {row["person_id"] for row in r.json()}

    discord, telegram = ids("--platform", "discord"), ids("--platform", "telegram")
    assert discord and telegram and discord != telegram
    # Separated with commas as `metrics` takes them, written as the window writes them: any of them.
    assert ids("--platform", "Discord,telegram") == ids("--platform", "discord", "--platform", "TELEGRAM") \
        == discord | telegram
    r = cli("people", "list", "--workspace", wsfile, "--platform", "discrod")
    assert r.code == 2 and "holds nothing from discrod; its platforms are discord, slack, telegram" in r.err, r


def test_errors_are_one_sentence(cli, wsfile):
    r = cli("people", "merge", "999999", "1", "--workspace", wsfile)
    assert r.code == 2 and r.err.strip() == "workbench: There is no person 999999 in this workspace."
    r = cli("people", "unmerge", "1", "--workspace", wsfile)
    assert r.code == 2 and "has no merge to undo" in r.err
    r = cli("people", "flag", "1", "--workspace", wsfile)
    assert r.code == 2 and "--bot" in r.err


def test_a_person_is_flagged_by_name_as_the_other_commands_take_one(cli, wsfile):
    """`people flag` takes a person as `people show` or `recognize` do: a bot by its name (it took a
    number only, and `people flag WelcomeBot --bot` was refused as "invalid int value")."""
    listed = cli("people", "list", "--workspace", wsfile, "--json", "--limit", "0").json()
    names = [row["name"] for row in listed]
    someone = next(row for row in listed if names.count(row["name"]) == 1 and row["name"].isascii())
    r = cli("people", "flag", someone["name"].upper(), "--bot", "--workspace", wsfile)
    assert r.code == 0 and r.out.strip() == f"Marked {someone['name']} (person {someone['person_id']}): bot.", r
    after = cli("people", "list", "--workspace", wsfile, "--json", "--limit", "0", "--bots").json()
    assert next(row for row in after if row["person_id"] == someone["person_id"])["bot"] is True
    r = cli("people", "flag", "no such person zz", "--staff", "--workspace", wsfile)
    assert r.code == 2 and "No person is called “no such person zz”" in r.err, r


def test_the_undo_hint_after_chained_merges_undoes_that_merge(cli, wsfile):
    found = cli("people", "suggestions", "--workspace", wsfile, "--json").json()
    a, b = found[0]["a"], found[0]["b"]
    c = next(s["a"] for s in found[1:] if s["a"] not in (a, b))
    assert cli("people", "merge", a, b, "--workspace", wsfile).code == 0
    r = cli("people", "merge", b, c, "--workspace", wsfile)  # b is part of a now: c joins a
    assert r.code == 0 and f"Merged person {c} into person {a}" in r.out, r
    hint = r.out.split("undo with `workbench ")[1].split("`")[0].split()
    assert cli(*hint, "--workspace", wsfile).code == 0
    people = {p["person_id"] for p in cli("people", "list", "--workspace", wsfile, "--json", "--limit", "0").json()}
    assert c in people and b not in people  # only the second merge was undone


def test_people_list_says_last_seen_as_a_day_of_the_reporting_time_zone(cli, wsfile):
    """The terminal's table dates a person's last activity by the workspace's reporting time zone,
    as the metrics count days; --json keeps the exact UTC moment."""
    import datetime as dt
    from zoneinfo import ZoneInfo

    from workbench.workspace import Workspace

    listed = cli("people", "list", "--workspace", wsfile, "--json", "--limit", "20").json()
    with Workspace.open(wsfile) as ws:
        ws.set_setting("reporting.timezone", "Pacific/Kiritimati")  # UTC+14
    after = cli("people", "list", "--workspace", wsfile, "--json", "--limit", "20").json()
    assert after == listed
    r = cli("people", "list", "--workspace", wsfile, "--limit", "20")
    assert r.code == 0, r
    shown = {int(line.split()[0]): line for line in r.out.splitlines()[1:] if line.split() and line.split()[0].isdigit()}
    days = {p["person_id"]: dt.datetime.fromisoformat(p["last_seen"]).astimezone(ZoneInfo("Pacific/Kiritimati")).date()
            for p in listed}
    assert len(shown) == 20
    for pid, line in shown.items():
        assert f"  {days[pid]:%Y-%m-%d}  " in line, line
    # Platforms as people write them, as the window shows them ("Discord", not the stored "discord").
    platforms = {p["person_id"]: ", ".join(x.capitalize() for x in p["platforms"]) for p in listed}
    for pid, line in shown.items():
        assert f"  {platforms[pid]}  " in line, line
    utc_days = {pid: dt.datetime.fromisoformat(p["last_seen"]).date() for pid, p in
                ((p["person_id"], p) for p in listed)}
    assert any(days[pid] != utc_days[pid] for pid in shown)  # the zone made a difference somewhere


def test_a_persons_profile_tags_and_notes_from_the_terminal(cli, wsfile):
    """`people show` gives what the People page's profile shows; a tag and a note written from the
    terminal are in it (and the tag in the member list), a merge is in its history, and its days
    are days of the reporting time zone."""
    import datetime as dt
    from zoneinfo import ZoneInfo

    from workbench.workspace import Workspace

    top = cli("people", "list", "--workspace", wsfile, "--json", "--limit", "1").json()[0]  # the most active
    pid = top["person_id"]
    r = cli("people", "tag", pid, "meetup host", "speaker", "--workspace", wsfile)
    assert r.code == 0 and r.out.strip() == f"{top['name']} (person {pid}): tags meetup host, speaker.", r
    assert cli("people", "tag", pid, "speaker", "--remove", "--workspace", wsfile).code == 0
    r = cli("people", "note", pid, "Runs the Lisbon meetup", "--workspace", wsfile)
    assert r.code == 0 and r.out.strip() == f"Note added to {top['name']} (person {pid}).", r
    pair = cli("people", "suggestions", "--workspace", wsfile, "--json").json()[0]
    moved = cli("people", "show", pair["b"], "--workspace", wsfile, "--json").json()["accounts"]
    assert cli("people", "merge", pair["a"], pair["b"], "--workspace", wsfile).code == 0

    shown = cli("people", "show", pid, "--workspace", wsfile, "--json", "--latest", "3").json()
    assert (shown["person_id"], shown["name"], shown["tags"]) == (pid, top["name"], ["meetup host"])
    assert [n["text"] for n in shown["notes"]] == ["Runs the Lisbon meetup"]
    assert shown["notes"][0]["author"].endswith("(command line)")
    assert sum(a["activities"] for a in shown["accounts"]) == top["activities"]
    assert len(shown["timeline"]) == 3 and \
        dt.datetime.fromisoformat(shown["timeline"][0]["at"]) == dt.datetime.fromisoformat(top["last_seen"])
    listed = cli("people", "list", "--workspace", wsfile, "--json", "--limit", "0", "--tag", "meetup host").json()
    assert [(p["person_id"], p["tags"]) for p in listed] == [(pid, ["meetup host"])]
    other = "Inactive" if top["level"] != "Inactive" else "Leading"  # a level the only person tagged is not at
    r = cli("people", "list", "--workspace", wsfile, "--tag", "meetup host", "--level", other.lower())
    assert r.out.strip() == f"No people tagged meetup host at level {other} (bots are left out; --bots includes them)."
    level = cli("people", "list", "--workspace", wsfile, "--json", "--limit", "0", "--level", top["level"].lower()).json()
    assert pid in {p["person_id"] for p in level} and {p["level"] for p in level} == {top["level"]}
    merged = cli("people", "show", pair["a"], "--workspace", wsfile).out
    # The history says which accounts came with the merge, not only the number of a person now gone.
    came = ", ".join(f"{a['platform'].capitalize()} {a['handle']}" for a in moved)
    assert f"{came} (person {pair['b']}) merged by " in merged, merged

    with Workspace.open(wsfile) as ws:
        ws.set_setting("reporting.timezone", "Pacific/Kiritimati")  # UTC+14
    text = cli("people", "show", pid, "--workspace", wsfile, "--latest", "0").out.splitlines()
    assert text[0] == f"{top['name']} (person {pid})" and "Tags: meetup host" in text
    assert "(days in Pacific/Kiritimati)" in text and "Latest activity" not in "\n".join(text)
    note_day = dt.datetime.fromisoformat(shown["notes"][0]["created_at"]).astimezone(ZoneInfo("Pacific/Kiritimati"))
    assert any(line.startswith(f"{note_day:%Y-%m-%d}") and line.endswith("Runs the Lisbon meetup") for line in text)
    r = cli("people", "show", "no such person zz", "--workspace", wsfile)
    assert r.code == 2 and r.err.strip() == \
        "workbench: No person is called “no such person zz” (give a person id, or platform:account id)."


def test_a_persons_latest_activity_says_where_to_read_it(cli, wsfile):
    """`people show --latest N` gives each activity's link where its export keeps the ids: a Discord
    message's own address; in the table as in JSON."""
    import re

    person = cli("people", "list", "--workspace", wsfile, "--json", "--limit", "1", "--platform", "discord").json()[0]
    shown = cli("people", "show", person["person_id"], "--workspace", wsfile, "--json", "--latest", "200").json()
    discord = [t for t in shown["timeline"] if t["platform"] == "discord"]
    assert discord and all(re.fullmatch(r"https://discord\.com/channels/\d+/\d+/\d+", t["link"]) for t in discord)
    assert len({t["link"] for t in discord}) == len(discord)  # each message its own
    text = cli("people", "show", person["person_id"], "--workspace", wsfile, "--latest", "200").out.splitlines()
    head = text.index(next(line for line in text if line.startswith("Latest activity"))) + 1
    assert text[head].split()[-1] == "Link"
    assert any(line.endswith(discord[0]["link"]) for line in text[head + 1:])


def test_people_show_says_whom_a_person_replied_to_and_who_replied(cli, wsfile):
    """`people show` lists whom the person replied to and who replied to them, as the profile's
    Helping does; counted again from the replies' links in SQL, they agree."""
    from sqlalchemy import text

    from workbench.workspace import Workspace

    top = cli("people", "list", "--workspace", wsfile, "--json", "--limit", "1").json()[0]
    pid = top["person_id"]
    shown = cli("people", "show", pid, "--workspace", wsfile, "--json").json()
    query = ("SELECT {other}.person_id, count(*) FROM activity r JOIN account ra ON ra.id = r.account_id "
             "JOIN activity p ON p.id = r.parent_id JOIN account pa ON pa.id = p.account_id "
             "WHERE {me}.person_id = :pid AND {other}.person_id != :pid AND NOT {other}.is_bot GROUP BY 1")
    with Workspace.open(wsfile) as ws, ws.connect() as conn:
        helps = dict(conn.execute(text(query.format(me="ra", other="pa")), {"pid": pid}).all())
        helped_by = dict(conn.execute(text(query.format(me="pa", other="ra")), {"pid": pid}).all())
    assert helps and {h["person_id"]: h["replies"] for h in shown["helps"]} == helps
    assert {h["person_id"]: h["replies"] for h in shown["helped_by"]} == helped_by
    counts = [h["replies"] for h in shown["helps"]]
    assert counts == sorted(counts, reverse=True)
    out = cli("people", "show", pid, "--workspace", wsfile).out.splitlines()
    at = out.index("Replied to (the most often first)")
    assert out[at + 1].split() == ["Name", "Person", "Replies", "Latest", "reply"]
    assert out[at + 2].split()[-3:-1] == [str(shown["helps"][0]["person_id"]), str(shown["helps"][0]["replies"])]


def test_the_terminal_tables_line_up_chinese_names_and_emoji(cli, tmp_path, beyond_the_font):
    """A terminal gives 李 and 🚀 two columns each: the table pads them by what they take on the
    screen, not by their count of characters, so Platforms stays under its heading."""
    ws = tmp_path / "w.db"
    assert cli("import", "-w", ws, beyond_the_font(tmp_path / "ai.json")).code == 0
    r = cli("people", "list", "-w", ws)
    assert r.code == 0 and r.out.splitlines() == [
        "Person  Name    Platforms  Last seen   Activities  Level          Flags",
        "2       Ana 🚀  Discord    2024-03-10  5           Participating",
        "1       李明    Discord    2024-03-09  5           Participating"], r.out
