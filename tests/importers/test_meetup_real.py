"""Acceptance: the real Meetup API samples (../shared/fixtures/real/meetup), through the real command line."""
from __future__ import annotations

import pytest

from workspace_rows import rows

pytestmark = pytest.mark.acceptance

PAGES = ("meetup_events.json", "meetup_comments.json", "meetup_rsvps.json")


def test_each_page_imports_with_what_it_holds(cli, real, tmp_path):
    db = tmp_path / "w.db"
    folder = real / "meetup/perceval-api"
    added = {}
    for name in PAGES:
        r = cli("import", "--workspace", db, folder / name, "--json")
        assert r.code == 0, r
        assert r.json()["problem_count"] == 0, r
        added[name] = r.json()["added_by_kind"]
    assert added == {
        "meetup_events.json": {"sources": 1, "channels": 2, "accounts": 2, "activities": 2},
        "meetup_comments.json": {"accounts": 2, "channels": 1, "activities": 2},
        "meetup_rsvps.json": {"accounts": 2, "memberships": 3}}  # the organizer was a host already


def test_events_comments_and_rsvps_as_read_from_the_real_pages(cli, real, tmp_path):
    db = tmp_path / "w.db"
    folder = real / "meetup/perceval-api"
    for name in PAGES:
        assert cli("import", "--workspace", db, folder / name).code == 0
    # events: posts by their first host at `created` (epoch ms, UTC), plain text without markup
    assert rows(db, """SELECT a.external_id, a.kind, ac.external_id, a.created_at, c.external_id, instr(a.text, '<')
                       FROM activity a JOIN account ac ON ac.id = a.account_id JOIN channel c ON c.id = a.channel_id
                       WHERE a.kind = 'post' ORDER BY a.created_at""") == [
        ("event:1", "post", "1", "2016-03-22 16:36:44.000000", "1", 0),
        ("event:2", "post", "2", "2016-05-31 17:30:48.000000", "2", 0)]
    # comments: like_count as reactions, the event taken from the link
    assert rows(db, """SELECT a.external_id, ac.external_id, a.created_at, a.reaction_count, c.external_id,
                       a.parent_external_id FROM activity a JOIN account ac ON ac.id = a.account_id
                       JOIN channel c ON c.id = a.channel_id WHERE a.kind = 'comment' ORDER BY a.created_at""") == [
        ("470685627", "5", "2016-09-25 10:43:03.000000", 2, "233964056", "event:233964056"),
        ("470710161", "4", "2016-09-25 22:32:28.000000", 1, "233964056", "event:233964056")]
    # RSVPs: three yes, three joins of the event; the organizer is staff
    assert rows(db, """SELECT ac.external_id, c.external_id, m.at FROM membership_event m
                       JOIN account ac ON ac.id = m.account_id JOIN channel c ON c.id = m.channel_id
                       ORDER BY m.at""") == [
        ("1", "233964056", "2016-09-08 09:20:28.000000"), ("184594357", "233964056", "2016-09-12 12:24:02.000000"),
        ("294594357", "233964056", "2016-09-12 12:24:08.000000")]
    assert rows(db, "SELECT external_id, display_name FROM account WHERE is_staff") == [("1", "Alberto")]
    assert rows(db, "SELECT count(*), count(DISTINCT kind), min(kind) FROM channel") == [(3, 1, "event")]
    assert rows(db, "SELECT external_id, name FROM source") == [("19734270", "sqlpass.es")]
    # importing the same pages again changes nothing
    before = cli("status", "--workspace", db, "--json").json()
    for name in PAGES:
        assert cli("import", "--workspace", db, folder / name).code == 0
    assert cli("status", "--workspace", db, "--json").json() == before
    assert before == {"sources": 1, "accounts": 6, "people": 6, "activities": 4, "import_runs": 3}
