"""The helper network, replies to newcomers, engagement levels and level movement."""
from __future__ import annotations

import datetime as dt

from workbench.metrics import Filters
from workbench.metrics.levels import engagement_levels, level_movement
from workbench.metrics.network import (
    helper_edges,
    helper_ties,
    newcomer_replies,
    ties_layout,
    top_helpers,
    who_helps_whom,
)
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


def test_who_helps_whom_the_strongest_ties_and_their_drawing(ws):
    """The Dashboard's "Who helps whom": the period's ties with the most replies first, named, with
    the replies to a newcomer; the drawing places each person once, within the box, the same way
    every time, with the replies each gave and got."""
    write(ws, [
        account("ana", name="Ana Silva"), account("ben", name="Ben Okafor"), account("cy", name="Cy"),
        account("dee", name="Dee"),
        msg("ben", at("2024-01-01"), ext="b0"),
        msg("dee", at("2024-01-02"), ext="d0"),
        msg("ana", at("2024-03-01"), ext="a1"),  # ana's first activity
        *[msg("ben", at("2024-03-02", f"1{i}:00"), parent="a1") for i in range(3)],  # three, to a newcomer
        msg("cy", at("2024-03-06"), parent="b0"),
        msg("dee", at("2024-03-07"), parent="b0"),
        msg("ana", at("2024-04-20"), ext="a2"),
        msg("dee", at("2024-04-21"), parent="a2"),  # ana is no longer new
        msg("ana", at("2024-04-22"), parent="d0"),
    ])
    ana, ben, cy, dee = (person_of(ws, "slack", x) for x in ("ana", "ben", "cy", "dee"))
    f = Filters(start=D(2024, 3, 1), end=D(2024, 4, 30))
    ties = helper_ties(ws, f)
    assert ties.to_dict("records") == [
        {"helper_person_id": ben, "helper": "Ben Okafor", "helped_person_id": ana, "helped": "Ana Silva",
         "replies": 3, "newcomer_replies": 3},
        # one reply each: ids break the tie, the same order every time
        *sorted([{"helper_person_id": cy, "helper": "Cy", "helped_person_id": ben, "helped": "Ben Okafor",
                  "replies": 1, "newcomer_replies": 0},
                 {"helper_person_id": dee, "helper": "Dee", "helped_person_id": ben, "helped": "Ben Okafor",
                  "replies": 1, "newcomer_replies": 0},
                 {"helper_person_id": dee, "helper": "Dee", "helped_person_id": ana, "helped": "Ana Silva",
                  "replies": 1, "newcomer_replies": 0},
                 {"helper_person_id": ana, "helper": "Ana Silva", "helped_person_id": dee, "helped": "Dee",
                  "replies": 1, "newcomer_replies": 0}],
                key=lambda r: (r["helper_person_id"], r["helped_person_id"]))]
    assert helper_ties(ws, f, n=2)["replies"].tolist() == [3, 1]
    # As drawn: the top helpers (Dee helped two people, Ben one with three replies), each with the
    # people they replied to most (one each here; Dee's two ties of one reply: the first id first).
    drawn = who_helps_whom(ws, f, helpers=2, each=1)
    assert list(zip(drawn["helper"], drawn["helped"], drawn["replies"])) == [("Dee", "Ana Silva", 1),
                                                                             ("Ben Okafor", "Ana Silva", 3)]
    assert len(who_helps_whom(ws, f)) == 5  # every tie, when there are fewer than the drawing holds
    drawing = ties_layout(ties)
    assert sorted(drawing["person_id"]) == sorted([ana, ben, cy, dee])
    assert drawing[["x", "y"]].abs().max().max() <= 1.0 + 1e-9
    assert len({(round(x, 3), round(y, 3)) for x, y in zip(drawing["x"], drawing["y"])}) == 4  # no one on another
    people = drawing.set_index("person_id")
    assert (people.loc[ben, "given"], people.loc[ben, "received"]) == (3, 2)
    assert (people.loc[dee, "given"], people.loc[dee, "received"]) == (2, 1)
    assert drawing["person_id"].iloc[0] == ben  # the one who gave the most first
    again = ties_layout(helper_ties(ws, f))
    assert again.equals(drawing)
    assert ties_layout(helper_ties(ws, Filters(start=D(2023, 1, 1), end=D(2023, 1, 31)))).empty


def test_unconnected_helpers_are_drawn_side_by_side_not_as_specks():
    """Three helpers who share no one: each star gets its own part of the drawing, as large as that
    part, instead of three specks pushed to the edges."""
    import pandas as pd

    rows = [(h, h * 10 + k, 5 - k) for h in (1, 2, 3) for k in range(4)]
    ties = pd.DataFrame({"helper_person_id": [r[0] for r in rows], "helper": [f"H{r[0]}" for r in rows],
                         "helped_person_id": [r[1] for r in rows], "helped": [f"P{r[1]}" for r in rows],
                         "replies": [r[2] for r in rows], "newcomer_replies": [0] * len(rows)})
    drawing = ties_layout(ties).set_index("person_id")
    spans = []
    for h in (1, 2, 3):
        star = drawing.loc[[h, *(h * 10 + k for k in range(4))]]
        spans.append((star["x"].min(), star["x"].max(), star["y"].min(), star["y"].max()))
        assert star["x"].max() - star["x"].min() >= 0.4 and star["y"].max() - star["y"].min() >= 0.4
    for i, a in enumerate(spans):  # no two stars overlap
        for b in spans[i + 1:]:
            assert a[1] < b[0] or b[1] < a[0] or a[3] < b[2] or b[3] < a[2]
    assert drawing[["x", "y"]].abs().max().max() <= 1.0


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
