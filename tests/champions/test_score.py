"""The champion score on hand-built workspaces: each component, the weights, candidates, evidence."""
from __future__ import annotations

import datetime as dt

import pytest
from champion_helpers import account, at, msg, person_of, write

from workbench.champions import programme
from workbench.champions.score import (
    DEFAULT_WEIGHTS,
    candidates,
    champion_scores,
    component_frame,
    evidence,
    load_weights,
    rank,
    save_weights,
)
from workbench.errors import WorkbenchError


@pytest.fixture
def helpdesk(ws):
    """Alice answers two questions (one from a newcomer), Dave (staff) answers one, a bot asks one,
    Carol has been around since January; the data ends on 2024-03-03."""
    write(ws, [account("alice"), account("bob"), account("carol"), account("dave", staff=True),
               account("robot", bot=True),
               msg("carol", at("2024-01-01"), text="old post"),
               msg("alice", at("2024-01-02"), text="first words"),
               msg("bob", at("2024-03-01", "09:00"), text="How do I install?", ext="q1"),
               msg("alice", at("2024-03-01", "10:00"), text="pip install it", parent="q1", reactions=3),
               msg("alice", at("2024-03-01", "10:05"), text="and then restart", parent="q1"),
               msg("dave", at("2024-03-01", "11:00"), text="see the docs", parent="q1"),
               msg("carol", at("2024-03-02", "09:00"), text="Why is it slow?", ext="q2"),
               msg("alice", at("2024-03-02", "10:00"), text="use the cache", parent="q2"),
               msg("robot", at("2024-03-03", "10:00"), text="deploy now?", ext="q3"),
               msg("alice", at("2024-03-03", "11:00"), text="ok", parent="q3")])
    return ws


def test_components_count_what_the_definitions_say(helpdesk):
    ws = helpdesk
    f = component_frame(ws).set_index("person_id")
    alice = f.loc[person_of(ws, "alice")]
    # q1 and q2 (q3 is a bot's); 2 replies to Bob, a newcomer; Bob and Carol; 3 reactions;
    # 2024-01-02, 03-01, 03-02, 03-03.
    assert (alice.answers, alice.newcomer_replies, alice.people_helped, alice.reactions, alice.active_days) == \
        (2, 2, 2, 3, 4)
    carol = f.loc[person_of(ws, "carol")]
    assert (carol.answers, carol.people_helped, carol.active_days) == (0, 0, 2)
    assert person_of(ws, "robot") not in f.index
    assert f.attrs["period"].end == dt.date(2024, 3, 3) and f.attrs["period"].start == dt.date(2023, 12, 5)


def test_the_period_ends_at_a_given_date(helpdesk):
    f = component_frame(helpdesk, as_of=dt.date(2024, 3, 1), days=1).set_index("person_id")
    alice = f.loc[person_of(helpdesk, "alice")]
    assert (alice.answers, alice.active_days, alice.reactions) == (1, 1, 3)
    assert person_of(helpdesk, "carol") not in f.index


def test_score_is_the_weighted_sum_and_weights_rerank(helpdesk):
    ws = helpdesk
    scores = champion_scores(ws).set_index("person_id")
    alice, dave = person_of(ws, "alice"), person_of(ws, "dave")
    # 2*3 + 2*2 + 2*2 + 3*0.1 + 4*0.5
    assert scores.loc[alice, "score"] == pytest.approx(16.3)
    assert scores.loc[alice, "rank"] == 1 and dave in scores.index  # staff are scored
    only_days = {k: 0 for k in DEFAULT_WEIGHTS} | {"active_days": 1}
    reranked = rank(component_frame(ws), only_days)
    assert list(reranked["person_id"][:2]) == [alice, person_of(ws, "carol")]
    assert list(reranked["score"][:2]) == [4, 2]


def test_weights_are_a_setting_with_defaults(helpdesk):
    ws = helpdesk
    assert load_weights(ws) == DEFAULT_WEIGHTS
    save_weights(ws, {"answers": 10})
    assert load_weights(ws)["answers"] == 10 and load_weights(ws)["reactions"] == DEFAULT_WEIGHTS["reactions"]
    assert champion_scores(ws).set_index("person_id").loc[person_of(ws, "alice"), "score"] == pytest.approx(30.3)
    with pytest.raises(WorkbenchError, match="zero or more"):
        save_weights(ws, {"answers": -1})


def test_candidates_leave_out_staff_bots_and_champions(helpdesk):
    ws = helpdesk
    alice, carol, bob = person_of(ws, "alice"), person_of(ws, "carol"), person_of(ws, "bob")
    c = candidates(ws)
    assert list(c["person_id"]) == [alice, carol, bob] and list(c["rank"]) == [1, 2, 3]
    programme.move(ws, alice, "champion", reason="answers everyone")
    assert list(candidates(ws)["person_id"]) == [carol, bob]
    programme.move(ws, alice, "alumni", reason="stepped back")
    assert list(candidates(ws, limit=1)["person_id"]) == [alice]


def test_people_whose_every_account_is_deleted_are_neither_candidates_nor_in_the_gap(helpdesk):
    """A platform's shared "Deleted User" stands for many people; one who left cannot be thanked either.
    Both are scored, but the best-scored of them is nobody's candidate and in nobody's gap."""
    from workbench.champions.recognition import recognition_gap
    from workbench.people.merge import merge

    ws = helpdesk
    write(ws, [account("U0GHOST", name="Deleted User", deleted=True), account("erin"),
               account("erin-old", name="Erin", deleted=True),
               msg("U0GHOST", at("2024-03-01", "12:00"), text="reinstall", parent="q1", reactions=40),
               msg("U0GHOST", at("2024-03-02", "12:00"), text="clear the cache", parent="q2", reactions=40),
               msg("U0GHOST", at("2024-03-03", "12:00"), text="Anyone?"),
               msg("erin-old", at("2024-03-02", "13:00"), text="works for me", parent="q2")])
    ghost, alice, erin = person_of(ws, "U0GHOST"), person_of(ws, "alice"), person_of(ws, "erin")
    scores = champion_scores(ws).set_index("person_id")
    assert scores.loc[ghost, "rank"] == 1  # its activity counts
    c = candidates(ws)
    assert ghost not in set(c["person_id"]) and c["person_id"].iloc[0] == alice
    assert person_of(ws, "erin-old") not in set(c["person_id"])  # left: her only account is deleted
    assert list(recognition_gap(ws)["person_id"]) == [alice]  # the top tenth of 5 is one person
    merge(ws, erin, person_of(ws, "erin-old"))  # Erin is still here on another account
    assert erin in set(candidates(ws)["person_id"])


def test_evidence_shows_the_most_helpful_replies_and_the_people_helped(helpdesk):
    ws = helpdesk
    e = evidence(ws, person_of(ws, "alice"))
    assert list(e.replies["text"][:2]) == ["pip install it", "and then restart"]
    assert e.replies["answer"].iloc[0] and e.replies["to_newcomer"].iloc[0]
    assert e.replies["question"].iloc[0] == "How do I install?"
    assert list(e.helped["name"]) == ["Bob", "Carol"] and list(e.helped["replies"]) == [2, 1]
    assert list(e.helped["newcomer"]) == [True, False]
