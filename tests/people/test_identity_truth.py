"""Identity merging against the ground truth of a synthetic community (Slack, Discord, Telegram).

truth.json lists each real person's accounts; automatic merges must never join two real people,
and the suggestions at the default confidence must be precise and find most true pairs.
"""
from __future__ import annotations

import itertools

import pytest
from sqlalchemy import func, select

from workbench.people import merge as m
from workbench.people.identity import DEFAULT_MIN_CONFIDENCE, suggestions_for
from workbench.store.models import Account, Activity, MergeEvent
from workbench.workspace import Workspace


def owners(ws, truth) -> dict[int, set[int]]:
    """Each person in the workspace -> the real people (truth pids) whose accounts it holds."""
    pid_of = {(plat, ext): p["pid"] for p in truth["people"] for plat, ext in p["accounts"].items()}
    out: dict[int, set[int]] = {}
    with ws.connect() as conn:
        for person, platform, ext in conn.execute(select(Account.person_id, Account.platform, Account.external_id)):
            real = pid_of.get((platform, ext))
            out.setdefault(person, set())
            if real is not None:
                out[person].add(real)
    return out


@pytest.fixture
def community_ws(community_db, copy_db):
    path, truth = community_db(messages=20000, members=800)
    w = Workspace.open(copy_db(path))
    yield w, truth
    w.close()


def test_automatic_merges_never_join_two_people_and_suggestions_are_precise(community_ws):
    ws, truth = community_ws
    held = owners(ws, truth)
    assert all(len(real) <= 1 for real in held.values()), "an automatic merge joined two real people"
    with ws.connect() as conn:
        automatic = conn.execute(select(func.count()).select_from(MergeEvent).where(MergeEvent.automatic)).scalar_one()
    by_real: dict[int, list[int]] = {}
    for person, real in held.items():
        for r in real:
            by_real.setdefault(r, []).append(person)
    true_pairs = {tuple(sorted(p)) for persons in by_real.values() for p in itertools.combinations(persons, 2)}
    found = suggestions_for(ws)
    assert found and all(s.confidence >= DEFAULT_MIN_CONFIDENCE for s in found)
    correct = [s for s in found if held[s.a] and held[s.a] == held[s.b]]
    precision = len(correct) / len(found)
    recall = len({(s.a, s.b) for s in correct} & true_pairs) / len(true_pairs)
    print(f"\nautomatic merges: {automatic}; true cross-platform pairs left: {len(true_pairs)}; "
          f"suggestions >= {DEFAULT_MIN_CONFIDENCE}: {len(found)}; precision {precision:.3f}; recall {recall:.3f}")
    assert precision >= 0.9
    assert recall >= 0.6
    assert all(s.reasons for s in found)
    # A suggestion is made of what speaks for it; what counts against it follows, with a "but".
    assert not any(s.reasons[0].startswith("but ") for s in found)


def activity_by_person(ws) -> dict[int, int]:
    with ws.connect() as conn:
        q = (select(Account.person_id, func.count(Activity.id)).join(Activity, Activity.account_id == Account.id)
             .group_by(Account.person_id))
        return dict(conn.execute(q).all())


def test_merging_every_suggestion_and_undoing_it_gives_the_workspace_back(community_ws):
    from workbench.metrics.base import base
    from workbench.metrics.levels import engagement_levels

    ws, _ = community_ws
    counts, activity = ws.counts(), activity_by_person(ws)
    levels = engagement_levels(ws).sort_values("person_id").reset_index(drop=True)
    people_in_metrics = len(set(base(ws).person) - {0})
    found = suggestions_for(ws, min_confidence=0.9)[:40]
    merged = set()
    for s in found:
        if s.a in merged or s.b in merged:
            continue
        m.merge(ws, s.a, s.b, reason="test")
        merged |= {s.a, s.b}
    assert ws.counts()["people"] < counts["people"]
    assert len(set(base(ws).person) - {0}) < people_in_metrics
    assert sum(activity_by_person(ws).values()) == sum(activity.values())
    while m.undo_last_merge(ws) is not None:
        pass
    assert ws.counts() == counts
    assert activity_by_person(ws) == activity
    assert len(set(base(ws).person) - {0}) == people_in_metrics
    again = engagement_levels(ws).sort_values("person_id").reset_index(drop=True)
    assert again[["person_id", "level"]].equals(levels[["person_id", "level"]])


def test_a_reimport_after_a_merge_keeps_it(community_ws, community):
    ws, _ = community_ws
    s = suggestions_for(ws, min_confidence=0.9)[0]
    with ws.connect() as conn:
        moved = set(conn.execute(select(Account.id).where(Account.person_id == s.b)).scalars())
    m.merge(ws, s.a, s.b)
    folder = community(messages=20000, members=800)
    before = ws.counts()
    ws.import_paths([folder / "slack_export.zip", folder / "discord", folder / "telegram" / "result.json"])
    assert ws.counts()["people"] == before["people"]
    assert ws.counts()["activities"] == before["activities"]
    with ws.connect() as conn:
        owners_now = set(conn.execute(select(Account.person_id).where(Account.id.in_(moved))).scalars())
        assert owners_now == {s.a}
        assert conn.execute(select(func.count()).select_from(Account).where(Account.person_id == s.b)).scalar_one() == 0


def test_directory_levels_are_the_dashboards_levels(community_ws):
    """The directory keeps its own cached levels; they must agree with the metrics' definition."""
    import pandas as pd

    from workbench.metrics.levels import engagement_levels
    from workbench.people import directory

    ws, _ = community_ws
    directory.ensure_summary(ws)
    with ws.connect() as conn:
        rows = directory.page(conn, directory.DirectoryFilter(), limit=100_000)
    mine = pd.DataFrame({"person_id": [r["person_id"] for r in rows], "mine": [r["level"] for r in rows]})
    theirs = engagement_levels(ws)[["person_id", "level"]]
    both = mine.merge(theirs, on="person_id", how="left").fillna({"level": "Inactive"})
    assert len(both) > 1000
    assert (both["mine"] == both["level"]).all(), both[both["mine"] != both["level"]].head()
    assert set(both["mine"]) >= {"Leading", "Exploring"}
