"""The helper network, replies to newcomers, engagement levels and level movement."""
from __future__ import annotations

import datetime as dt

from workbench.metrics import Filters
from workbench.metrics.levels import engagement_levels, level_movement
from workbench.metrics.network import helper_edges, newcomer_replies, top_helpers
from metrics_builders import account, at, msg, person_of, write

D = dt.date


def test_helper_edges_and_replies_to_newcomers(ws):
    write(ws, [
        account("bot", bot=True),
        msg("ben", at("2024-01-01"), ext="b0"),
        msg("ana", at("2024-03-01"), ext="a1"),  # ana's first activity
        msg("ben", at("2024-03-05"), parent="a1"),  # to a newcomer (4 days in)
        msg("ana", at("2024-04-15"), ext="a2"),
        msg("ben", at("2024-04-15", "13:00"), parent="a2"),  # ana is no longer new (45 days)
        msg("cy", at("2024-03-06"), parent="b0"),
        msg("ana", at("2024-03-07"), parent="a1"),  # to herself: no edge
        msg("bot", at("2024-03-07"), parent="a1"),  # bots are left out
    ])
    ana, ben, cy = (person_of(ws, "slack", x) for x in ("ana", "ben", "cy"))
    f = Filters(start=D(2024, 3, 1), end=D(2024, 4, 30))
    edges = helper_edges(ws, f)
    got = {(r.helper_person_id, r.helped_person_id): (r.replies, r.to_newcomer_replies) for r in edges.itertuples()}
    assert got == {(ben, ana): (2, 1), (cy, ben): (1, 0)}
    nr = newcomer_replies(ws, f)
    assert nr.to_dict("records") == [{"helper_person_id": ben, "newcomer_replies": 1, "newcomers_helped": 1}]
    top = top_helpers(ws, f)
    assert list(top["person_id"]) == [ben, cy]
    assert list(top["name"]) == ["ben", "cy"]  # known only by their handles
    march = helper_edges(ws, Filters(start=D(2024, 3, 1), end=D(2024, 3, 31)))
    assert set(zip(march["helper_person_id"], march["replies"])) == {(ben, 1), (cy, 1)}


def _days(who, start: str, n: int, step: int = 1):
    first = D.fromisoformat(start)
    return [msg(who, at((first + dt.timedelta(days=i * step)).isoformat())) for i in range(n)]


def test_engagement_levels_and_movement(ws):
    write(ws, [
        *_days("lea", "2024-04-10", 30),  # 30 active days in the 90: Leading
        *_days("con", "2024-06-01", 7),  # 7 days in the last 30: Contributing
        msg("par", at("2024-06-24")), msg("par", at("2024-06-26")),  # Monday and Wednesday of one week
        msg("two", at("2024-06-23")), msg("two", at("2024-06-24")),  # Sunday and Monday: two weeks
        msg("exp", at("2024-04-15")),
        msg("ina", at("2024-01-10")),
    ])
    levels = engagement_levels(ws, as_of=D(2024, 6, 30))
    by_person = dict(zip(levels["person_id"], levels["level"]))
    assert {w: by_person[person_of(ws, "slack", w)] for w in ("lea", "con", "par", "two", "exp", "ina")} == {
        "lea": "Leading", "con": "Contributing", "par": "Participating", "two": "Exploring", "exp": "Exploring",
        "ina": "Inactive"}
    moves = level_movement(ws, D(2024, 3, 31), D(2024, 6, 30)).set_index("level")
    assert moves.loc["Exploring"].to_dict() == {"people": 1, "moved_up": 0, "held": 0, "moved_down": 1}
    assert moves.loc["Inactive"].to_dict() == {"people": 5, "moved_up": 5, "held": 0, "moved_down": 0}
    assert moves.loc[["Leading", "Contributing", "Participating"], "people"].sum() == 0
