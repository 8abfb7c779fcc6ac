"""The champion programme: moves with date and reason, history, undo, merges."""
from __future__ import annotations

import datetime as dt

import pytest
from champion_helpers import account, at, msg, person_of, write

from workbench.champions import programme as pg
from workbench.errors import NotFound, WorkbenchError


@pytest.fixture
def two(ws):
    write(ws, [account("ann"), account("ben"), msg("ann", at("2024-02-01")), msg("ben", at("2024-02-01"))])
    return ws, person_of(ws, "ann"), person_of(ws, "ben")


def test_moves_record_date_reason_and_history(two):
    ws, ann, ben = two
    before = dt.datetime.now(dt.timezone.utc) - dt.timedelta(seconds=5)
    pg.move(ws, ann, "candidate", reason="answers newcomers", by="Kim")
    pg.move(ws, ann, "nominated", reason="nominated by the team")
    pg.move(ws, ben, "candidate")
    stages = pg.current_stages(ws).set_index("person_id")
    assert stages.loc[ann, "stage"] == "nominated" and stages.loc[ben, "stage"] == "candidate"
    assert stages.loc[ann, "since"] >= before
    h = pg.history(ws, ann)
    assert [(r["previous_stage"], r["stage"], r["reason"]) for r in h] == [
        ("candidate", "nominated", "nominated by the team"), (None, "candidate", "answers newcomers")]
    assert h[1]["changed_by"] == "Kim"
    with pytest.raises(WorkbenchError, match="already at the stage nominated"):
        pg.move(ws, ann, "nominated")
    with pytest.raises(WorkbenchError, match="not a stage"):
        pg.move(ws, ann, "hero")
    pg.move(ws, ben, "none", reason="not interested")
    assert list(pg.current_stages(ws)["person_id"]) == [ann]
    assert pg.champion_ids(ws) == set()


def test_undo_takes_back_the_last_move_only(two):
    ws, ann, ben = two
    pg.move(ws, ann, "candidate")
    pg.move(ws, ann, "champion", reason="oops")
    undone = pg.undo_last_move(ws)
    assert undone["person_id"] == ann and undone["stage"] == "champion"
    assert pg.current_stages(ws).set_index("person_id").loc[ann, "stage"] == "candidate"
    assert len(pg.history(ws, ann)) == 1
    pg.undo_last_move(ws)
    assert pg.current_stages(ws).empty and pg.undo_last_move(ws) is None


def test_history_follows_a_merge_and_back(two):
    from workbench.people.merge import merge, unmerge

    ws, ann, ben = two
    pg.move(ws, ben, "champion", reason="runs the meetups")
    merge(ws, ann, ben)
    assert pg.current_stages(ws).set_index("person_id").loc[ann, "stage"] == "champion"
    assert [r["reason"] for r in pg.history(ws, ben)] == ["runs the meetups"]  # a merged-away id leads to the person
    unmerge(ws, ann)
    assert pg.history(ws, ann) == [] and pg.current_stages(ws).set_index("person_id").loc[ben, "stage"] == "champion"


def test_a_person_is_found_by_a_name_as_it_is_written_whatever_its_letters(ws):
    """A command or the Recognition page's dialog names someone as people write them: Ülkü's own
    name, in capitals, decomposed as a Mac types it, by e-mail, or by user name with @. SQLite's
    lower() folds ASCII only, so "Ülkü Müller" did not find Ülkü Müller."""
    import unicodedata

    write(ws, [account("u1", name="Ülkü Müller", email="Ulku@Example.org"),
               account("e1", platform="discord", name="Émile Zola"), account("e2", name="Émile Zola")])
    ulku, resolve_person = person_of(ws, "u1"), pg.resolve_person
    for written in ("Ülkü Müller", "ÜLKÜ MÜLLER", unicodedata.normalize("NFD", "Ülkü Müller"), " ülkü  müller ",
                    "ulku@example.org", "@u1", "u1", "slack:u1", str(ulku)):
        assert resolve_person(ws, written) == ulku, written
    with pytest.raises(WorkbenchError, match="2 people are called “Émile Zola”"):
        resolve_person(ws, "Émile Zola")
    assert resolve_person(ws, "discord:e1") == person_of(ws, "e1", "discord")
    with pytest.raises(NotFound, match="No person is called “Ülkü Muller”"):
        resolve_person(ws, "Ülkü Muller")
