"""Rocket.Chat API pages, on tests/data/rocketchat."""
from __future__ import annotations

from pathlib import Path

from workbench.importers import registry
from workspace_rows import rows

PAGE = Path(__file__).resolve().parent.parent / "data" / "rocketchat" / "messages.json"


def test_hidden_copies_and_system_messages_are_not_activities(ws):
    assert registry.sniff(PAGE).name == "rocketchat-api"
    result = ws.import_paths([PAGE])
    assert result.skipped == 3  # the _hidden edit copy, the rename, and the message without an author
    assert result.problem_count == 1 and "message 8 (id X1)" in str(result.problems[0])
    assert sorted(r[0] for r in rows(ws, "SELECT external_id FROM activity")) == ["B1", "M1", "M2"]


def test_thread_reply_edit_and_reactions_by_username(ws):
    ws.import_paths([PAGE])
    assert rows(ws, """SELECT a.kind, p.external_id, a.edited_at FROM activity a JOIN activity p ON p.id = a.parent_id""") == [
        ("reply", "M1", "2021-06-01 10:04:00.000000")]
    assert rows(ws, "SELECT reaction_count FROM activity WHERE external_id = 'M1'") == [(2,)]
    # "sam" is known from the page; "ghost" is not, so only the count has it
    assert rows(ws, "SELECT acc.external_id, r.emoji FROM reaction r JOIN account acc ON acc.id = r.account_id") == [
        ("U2", ":thumbsup:")]


def test_joins_and_additions_are_memberships_and_bots_are_flagged(ws):
    ws.import_paths([PAGE])
    assert sorted(rows(ws, """SELECT acc.external_id, m.kind, m.at FROM membership_event m
                              JOIN account acc ON acc.id = m.account_id""")) == [
        ("U1", "join", "2021-06-01 09:00:00.000000"), ("U2", "join", "2021-06-01 09:33:20.000000")]
    assert rows(ws, "SELECT is_bot FROM account WHERE external_id = 'BOT'") == [(1,)]
    assert rows(ws, "SELECT display_name FROM account WHERE external_id = 'U1'") == [("Rosa \u202eR",)]


def test_importing_the_page_twice_adds_nothing(ws):
    ws.import_paths([PAGE])
    before = ws.counts()
    assert ws.import_paths([PAGE]).added == 0
    assert ws.counts() == before
