"""Questions, time to first response, response rates and unanswered questions."""
from __future__ import annotations

import datetime as dt

import pandas as pd

from workbench import fmt
from workbench.metrics import Filters, headline
from workbench.metrics.support import question_responses, ttfr_weekly, unanswered
from metrics_builders import account, at, msg, person_of, write

D = dt.date
MARCH = Filters(start=D(2024, 3, 1), end=D(2024, 3, 31))


def _questions(ws):
    write(ws, [
        account("ana", name="Ana Silva"), account("ben", name="Ben Okafor"), account("cy", name="Cy Nguyen"),
        account("bot", bot=True),
        # q1: ana's own follow-up and a bot's reply do not count; ben answers deep in the thread after 2 hours.
        msg("ana", at("2024-03-01", "10:00"), text="how do I export a notebook?", ext="q1"),
        msg("ana", at("2024-03-01", "10:10"), text="anyone? I tried twice", parent="q1", ext="q1-self"),
        msg("bot", at("2024-03-01", "10:20"), text="see the docs", parent="q1", ext="q1-bot"),
        msg("ben", at("2024-03-01", "12:00"), text="use the export button", parent="q1-self", ext="q1-ben"),
        # q2: answered directly after 30 hours.
        msg("ben", at("2024-03-04", "10:00"), text="why is the index slow?", channel="help", ext="q2"),
        msg("cy", at("2024-03-05", "16:00"), text="rebuild it", parent="q2", ext="q2-cy"),
        # q3: nobody answers.
        msg("cy", at("2024-03-06", "08:15"), text="is there a plugin API?", channel="help", ext="q3"),
        # Not questions: a bot's, a plain message, a reply with a question mark.
        msg("bot", at("2024-03-02"), text="deploy finished?", ext="b1"),
        msg("ana", at("2024-03-02"), text="thanks all", ext="p1"),
        msg("ben", at("2024-03-02", "13:00"), text="really?", parent="p1", ext="p1-r"),
    ])


def test_ttfr_and_response_rates(ws):
    _questions(ws)
    h = headline(ws, MARCH)
    assert (h["questions"], h["unanswered"]) == (3, 1)
    assert h["ttfr_median_s"] == (7200 + 108000) / 2
    assert h["ttfr_p90_s"] == 7200 + 0.9 * (108000 - 7200)
    assert h["response_rate_24h"] == 1 / 3
    assert h["response_rate_ever"] == 2 / 3


def test_question_responses_name_the_first_responder(ws):
    _questions(ws)
    frame = question_responses(ws).set_index("external_id")
    assert list(frame.index) == ["q1", "q2", "q3"]
    assert frame.at["q1", "first_response_at"] == pd.Timestamp("2024-03-01 12:00", tz="UTC")
    assert frame.at["q1", "responder_person_id"] == person_of(ws, "slack", "ben")
    assert frame.at["q1", "author_person_id"] == person_of(ws, "slack", "ana")
    assert frame.at["q2", "first_response_at"] == pd.Timestamp("2024-03-05 16:00", tz="UTC")
    assert pd.isna(frame.at["q3", "first_response_at"]) and pd.isna(frame.at["q3", "responder_person_id"])
    assert frame.at["q3", "platform"] == "slack" and frame.at["q3", "channel_name"] == "help"


def test_unanswered_questions_lead_back_to_the_source(ws):
    _questions(ws)
    write(ws, [msg("ana", at("2024-03-03", "07:00"), text="where are the logs?", channel="help", ext="q0")])
    frame = unanswered(ws, MARCH)
    assert list(frame["external_id"]) == ["q0", "q3"]  # the oldest first
    first = frame.iloc[0]
    assert (first["channel"], first["author"], first["asked_at"]) == (
        "help", "Ana Silva", pd.Timestamp("2024-03-03 07:00", tz="UTC"))
    assert first["excerpt"] == "where are the logs?"


def test_ttfr_per_week(ws):
    _questions(ws)
    weekly = ttfr_weekly(ws, MARCH).set_index("week")
    # Week of Monday 26 February holds q1; week of Monday 4 March holds q2 and q3.
    assert weekly.loc[pd.Timestamp("2024-02-26"), "median_s"] == 7200
    assert weekly.loc[pd.Timestamp("2024-03-04"), "questions"] == 2
    assert weekly.loc[pd.Timestamp("2024-03-04"), "answered"] == 1
    assert weekly.loc[pd.Timestamp("2024-03-04"), "median_s"] == 108000


def test_a_response_by_the_same_person_on_another_platform_does_not_count(ws):
    from metrics_builders import merge

    write(ws, [msg("ana", at("2024-03-01"), text="ok?", ext="q"),
               msg("ana2", at("2024-03-01", "13:00"), text="fixed", parent="q")])
    assert headline(ws, MARCH)["unanswered"] == 0
    merge(ws, ("slack", "ana"), ("slack", "ana2"))
    assert headline(ws, MARCH)["unanswered"] == 1


def test_a_slack_message_is_shown_as_slack_shows_it_wherever_it_is_listed(ws):
    """The unanswered questions, a champion's replies and a person's timeline read "@Ana Silva",
    not "<@U1>" (Slack's markup, in which every Slack export writes a mention or a link)."""
    from workbench.champions.score import evidence
    from workbench.people.profile import profile

    write(ws, [
        account("U1", name="Ana Silva"), account("U2", name="Ben Okafor"),
        msg("U2", at("2024-03-04"), text="<@U1> is there a plugin API?", ext="q1"),
        msg("U1", at("2024-03-04", "13:00"), text="<@U2> yes: <https://x.org/api|the API> &amp; <#C9|plugins>",
            parent="q1", ext="a1"),
        msg("U2", at("2024-03-06"), text="and <!here> does <https://x.org/hooks> work?", ext="q2"),
    ])
    (row,) = unanswered(ws, MARCH).to_dict("records")
    assert row["excerpt"] == "and @here does https://x.org/hooks work?"
    (reply,) = evidence(ws, person_of(ws, "slack", "U1"), as_of=D(2024, 3, 31)).replies.to_dict("records")
    assert (reply["text"], reply["question"]) == ("@Ben Okafor yes: the API & #plugins",
                                                  "@Ana Silva is there a plugin API?")
    with ws.connect() as conn:
        timeline = profile(conn, person_of(ws, "slack", "U2")).timeline
    assert [fmt.snippet(t["text"]) for t in timeline] == ["and @here does https://x.org/hooks work?",
                                                         "@Ana Silva is there a plugin API?"]
    with ws.connect() as conn:  # the stored text is as the export wrote it
        assert conn.exec_driver_sql("select text from activity where external_id = 'q1'").scalar() == \
            "<@U1> is there a plugin API?"
