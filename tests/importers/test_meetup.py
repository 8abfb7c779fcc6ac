"""Meetup API pages (events, comments, RSVPs), on tests/data/meetup."""
from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from sqlalchemy import select

from workbench.errors import ImportFailed
from workbench.importers import registry
from workbench.store.models import Activity, MembershipEvent
from workspace_rows import rows

DATA = Path(__file__).resolve().parent.parent / "data" / "meetup"
EVENTS, COMMENTS, RSVPS = DATA / "events.json", DATA / "comments.json", DATA / "rsvps.json"
UTC = dt.timezone.utc
CLINIC = "Prompt <i>Clinic</i>\u200b #4"


def problems(result) -> list[tuple[str, str]]:
    return [(p.position, p.message) for p in result.problems]


def test_the_three_kinds_of_page_are_recognised_and_other_json_is_not():
    assert [registry.sniff(p).name for p in (EVENTS, COMMENTS, RSVPS)] == ["meetup"] * 3
    meetup = registry.by_name("meetup")
    others = [p for p in DATA.parent.rglob("*.json") if p.parent != DATA]
    assert others and not [p for p in others if meetup.sniff(p)]


def test_events_are_channels_of_their_group_and_posts_by_their_first_host(ws):
    result = ws.import_paths([EVENTS])
    assert rows(ws, "SELECT external_id, name FROM source") == [("31000001", "Lantern AI Builders")]
    assert rows(ws, """SELECT c.external_id, c.name, c.kind, s.external_id FROM channel c
                       JOIN source s ON s.id = c.source_id ORDER BY c.external_id""") == [
        ("300100001", CLINIC, "event", "31000001"), ("300100002", "Evals night", "event", "31000001"),
        ("300100004", "Agents in production", "event", "31000001")]
    # the event without hosts is a channel only; the first host is the author
    assert rows(ws, """SELECT a.external_id, a.kind, ac.external_id, c.external_id, a.title, a.text, a.is_question
                       FROM activity a JOIN account ac ON ac.id = a.account_id JOIN channel c ON c.id = a.channel_id
                       ORDER BY a.created_at""") == [
        ("event:300100001", "post", "7001", "300100001", CLINIC,
         "Bring your prompts & questions.\n\nLine one\nline two", 0),
        ("event:300100004", "post", "7002", "300100004", "Agents in production", "Agents in production", 0)]
    assert rows(ws, "SELECT external_id, display_name FROM account ORDER BY external_id") == [
        ("7001", "Mira Castellanos"), ("7002", "Tobiah Quell")]
    assert problems(result) == [("event 3", "not a Meetup event with an id, a name and a creation time "
                                            "(its created is not a time in epoch milliseconds); skipped.")]


def test_times_are_utc_from_epoch_milliseconds(ws):
    ws.import_paths([EVENTS, COMMENTS, RSVPS])
    with ws.session() as s:
        post = s.scalars(select(Activity).where(Activity.external_id == "event:300100001")).one()
        reply = s.scalars(select(Activity).where(Activity.external_id == "880002")).one()
        joins = sorted(s.scalars(select(MembershipEvent.at)).all())
    assert post.created_at == dt.datetime(2024, 1, 1, 10, 0, tzinfo=UTC)  # 1704103200000
    assert reply.created_at == dt.datetime(2024, 1, 22, 20, 0, tzinfo=UTC)  # 1705953600000
    assert joins[0] == dt.datetime(2024, 1, 2, 12, 53, 20, tzinfo=UTC)  # 1704200000000


def test_comments_link_to_their_event_replies_to_their_comment_and_likes_are_reactions(ws):
    result = ws.import_paths([EVENTS, COMMENTS])
    assert rows(ws, """SELECT a.external_id, a.kind, ac.external_id, c.external_id, p.external_id, a.reaction_count,
                       a.text FROM activity a JOIN account ac ON ac.id = a.account_id
                       LEFT JOIN channel c ON c.id = a.channel_id LEFT JOIN activity p ON p.id = a.parent_id
                       WHERE a.kind = 'comment' ORDER BY a.created_at""") == [
        ("880001", "comment", "7003", "300100001", "event:300100001", 3, "Great session, thanks!"),
        ("880002", "comment", "7001", "300100001", "880001", 1, "Thanks Juno! Slides are up."),
        ("880004", "comment", "7004", "300100001", "event:300100001", 0, "See you at the next one")]  # like_count -4
    assert problems(result)[1:] == [("comment 3", "not a Meetup comment with an id, a member, a text and a creation "
                                                  "time (its member is missing); skipped.")]


def test_comments_before_their_event_link_up_when_it_arrives(ws):
    ws.import_paths([COMMENTS])
    assert rows(ws, "SELECT parent_external_id, parent_id FROM activity WHERE external_id = '880001'") == [
        ("event:300100001", None)]
    ws.import_paths([EVENTS])
    assert rows(ws, """SELECT p.external_id FROM activity a JOIN activity p ON p.id = a.parent_id
                       WHERE a.external_id = '880001'""") == [("event:300100001",)]
    assert rows(ws, "SELECT name, kind FROM channel WHERE external_id = '300100001'") == [(CLINIC, "event")]


def test_rsvps_yes_and_waitlist_are_joins_of_the_event_and_no_is_only_an_account(ws):
    result = ws.import_paths([RSVPS])
    assert rows(ws, """SELECT ac.external_id, m.kind, c.external_id, m.at FROM membership_event m
                       JOIN account ac ON ac.id = m.account_id JOIN channel c ON c.id = m.channel_id
                       ORDER BY m.at""") == [
        ("7001", "join", "300100001", "2024-01-02 12:53:20.000000"),  # yes
        ("7003", "join", "300100001", "2024-01-03 16:40:00.000000"),  # waitlist
        ("7006", "join", "300100001", "2024-01-06 00:13:20.000000"),
        ("7008", "join", "300100001", "2024-01-07 04:00:00.000000")]
    assert rows(ws, "SELECT external_id, name, kind FROM channel") == [("300100001", CLINIC, "event")]
    # the "no" is an account, its name (markup and a zero-width space) exactly as written
    assert rows(ws, "SELECT display_name FROM account WHERE external_id = '7005'") == [("<b>Ilse</b>\u200bVanterpool",)]
    assert rows(ws, "SELECT count(*) FROM activity") == [(0,)]
    assert problems(result) == [("RSVP 5", "not a Meetup RSVP with a member, a response, an event and a creation time "
                                           "(its created is not a time in epoch milliseconds); skipped.")]


def test_organizers_are_staff_and_a_page_that_does_not_say_keeps_it(ws):
    ws.import_paths([RSVPS])
    ws.import_paths([EVENTS, COMMENTS])  # hosts and commenters carry no role
    assert rows(ws, "SELECT external_id FROM account WHERE is_staff ORDER BY external_id") == [("7001",), ("7006",)]
    assert rows(ws, "SELECT count(*) FROM account") == [(7,)]


def test_a_second_import_adds_nothing(ws):
    first = ws.import_paths([EVENTS, COMMENTS, RSVPS])
    assert (first.added, first.by_kind["memberships"]) == (12, 4)  # 7 accounts, 5 activities
    again = ws.import_paths([EVENTS, COMMENTS, RSVPS])
    assert (again.added, again.updated, again.by_kind.get("memberships", 0)) == (0, 0, 0)
    assert rows(ws, "SELECT count(*) FROM membership_event") == [(4,)]


def test_nested_replies_and_a_record_that_is_not_an_object(ws, tmp_path):
    comment = json.loads(COMMENTS.read_text(encoding="utf-8"))[0]
    reply = {**comment, "id": 990001, "comment": "Nested", "like_count": 2, "member": {"id": 7009, "name": "Ada"}}
    reply.pop("link")
    page = tmp_path / "comments.json"
    page.write_text(json.dumps([{**comment, "replies": [reply]}, 17]), encoding="utf-8")
    result = ws.import_paths([page])
    assert rows(ws, """SELECT a.external_id, p.external_id, a.reaction_count FROM activity a
                       LEFT JOIN activity p ON p.id = a.parent_id ORDER BY a.external_id""") == [
        ("880001", None, 3), ("990001", "880001", 2)]
    assert problems(result) == [("comment 2", "not a Meetup comment with an id, a member, a text and a creation time "
                                              "(it is not an object); skipped.")]


def test_a_page_cut_short_fails_with_one_sentence_naming_the_file(ws, tmp_path):
    page = tmp_path / "rsvps.json"
    page.write_text(RSVPS.read_text(encoding="utf-8")[:2000], encoding="utf-8")
    with pytest.raises(ImportFailed, match=r"^rsvps\.json, after RSVP \d: the file ends early; it looks truncated\.$"):
        ws.import_paths([page])
    assert rows(ws, "SELECT count(*) FROM account") == [(0,)]
