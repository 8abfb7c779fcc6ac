"""Recognitions on hand-built workspaces: the log, the gap, the impact, and that recognitions
survive re-imports, CSV imports and merges."""
from __future__ import annotations

import datetime as dt
import math
from pathlib import Path
from zoneinfo import ZoneInfo

import pandas as pd
import pytest
from champion_helpers import account, at, badge, day_series, msg, person_of, write
from sqlalchemy import select

from workbench.champions.recognition import (
    add_recognition,
    delete_recognitions,
    edit_recognition,
    recognition_gap,
    recognition_impact,
    recognition_log,
)
from workbench.errors import WorkbenchError
from workbench.store.models import Recognition

PEOPLE = [f"p{i:02d}" for i in range(1, 13)]


@pytest.fixture
def twelve(ws):
    """p01..p12 active on 1..12 days of February 2024; staff member s active every day."""
    recs = [account(p) for p in PEOPLE] + [account("s", staff=True)]
    for i, p in enumerate(PEOPLE, start=1):
        recs += day_series(p, "2024-02-01", i)
    recs += day_series("s", "2024-02-01", 29, per_day=3)
    write(ws, recs)
    return ws


def test_log_add_edit_delete(twelve):
    ws = twelve
    p1, p2 = person_of(ws, "p01"), person_of(ws, "p02")
    ids = add_recognition(ws, [p1, p2, p1], kind="Swag", note="T-shirt", given_at=dt.date(2024, 2, 10), given_by="Zoë")
    assert len(ids) == 2
    log = recognition_log(ws)
    assert set(log["person_id"]) == {p1, p2} and set(log["kind"]) == {"swag"} and set(log["given_by"]) == {"Zoë"}
    assert list(log.columns[:5]) == ["id", "person_id", "name", "platforms", "kind"] and set(log["platforms"]) == {
        "slack"}  # whose: two people of one name tell apart by their platforms
    edit_recognition(ws, ids[0], kind="speaker slot", note="Meetup talk")
    row = recognition_log(ws).set_index("id").loc[ids[0]]
    assert (row.kind, row.note, row.given_at.date()) == ("speaker slot", "Meetup talk", dt.date(2024, 2, 10))
    assert delete_recognitions(ws, [ids[1]]) == 1
    assert list(recognition_log(ws)["id"]) == [ids[0]]
    with pytest.raises(WorkbenchError, match="needs a kind"):
        add_recognition(ws, [p1], kind="  ")


def test_a_day_given_is_that_day_in_the_reporting_zone(twelve):
    """Thanked "on 10 February" in Auckland (UTC+13 in summer) or in Pago Pago (UTC-11) is noon on
    10 February there, which every page shows as that day; so is a day given when editing."""
    ws = twelve
    p1 = person_of(ws, "p01")
    for name in ("Pacific/Auckland", "Pacific/Pago_Pago", "UTC"):
        ws.set_setting("reporting.timezone", name)
        (rid,) = add_recognition(ws, [p1], kind="shout-out", given_at=dt.date(2024, 2, 10))
        given = recognition_log(ws).set_index("id").loc[rid, "given_at"]
        assert given.tz_convert(name) == pd.Timestamp("2024-02-10 12:00", tz=name), name
        edit_recognition(ws, rid, given_at=dt.date(2024, 2, 29))
        assert recognition_log(ws).set_index("id").loc[rid, "given_at"].tz_convert(name).date() == dt.date(2024, 2, 29)


def test_a_recognition_cannot_be_dated_after_today(twelve):
    """A day mistyped into the future (2062 for 2026) would have kept the person off the recognition
    gap for decades: it is refused, with today's date, and nothing is written. Today is today in the
    reporting zone: in Kiritimati (UTC+14) that is often tomorrow in UTC."""
    ws = twelve
    p1 = person_of(ws, "p01")
    (rid,) = add_recognition(ws, [p1], kind="badge", given_at=dt.date(2024, 2, 10))
    tomorrow = dt.datetime.now(dt.timezone.utc).date() + dt.timedelta(days=1)
    today = dt.datetime.now(dt.timezone.utc).date()
    with pytest.raises(WorkbenchError, match=f"{tomorrow:%Y-%m-%d} is after today \\({today:%Y-%m-%d} in UTC\\)"):
        add_recognition(ws, [p1], kind="badge", given_at=tomorrow)
    with pytest.raises(WorkbenchError, match="2062-02-10 is after today"):
        edit_recognition(ws, rid, given_at=dt.date(2062, 2, 10))
    with pytest.raises(WorkbenchError, match="is after today"):
        add_recognition(ws, [p1], kind="badge", given_at=dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=2))
    log = recognition_log(ws)
    assert list(log["id"]) == [rid] and log["given_at"].iloc[0].date() == dt.date(2024, 2, 10)
    kiritimati = "Pacific/Kiritimati"
    ws.set_setting("reporting.timezone", kiritimati)
    there = dt.datetime.now(ZoneInfo(kiritimati)).date()
    add_recognition(ws, [p1], kind="shout-out", given_at=there)  # today there, whatever the day in UTC
    with pytest.raises(WorkbenchError, match=f"in {kiritimati}"):
        add_recognition(ws, [p1], kind="shout-out", given_at=there + dt.timedelta(days=1))
    assert len(recognition_log(ws)) == 2


def test_a_day_given_stays_that_day_when_the_reporting_zone_changes(twelve):
    """Swag "on 16 February" typed in Kiritimati (UTC+14) still reads 16 February once the
    workspace is reported in Honolulu (UTC-10), 24 hours behind, and again back in Kiritimati. A
    recognition given with a time of its own and a badge an import brought keep their instants."""
    ws = twelve
    p1 = person_of(ws, "p01")
    kiritimati = "Pacific/Kiritimati"
    ws.set_setting("reporting.timezone", kiritimati)
    (day,) = add_recognition(ws, [p1], kind="swag", given_at=dt.date(2024, 2, 16))
    timed_at = dt.datetime(2024, 2, 16, 9, 30, tzinfo=dt.timezone.utc)
    (timed,) = add_recognition(ws, [p1], kind="shout-out", given_at=timed_at)
    imported_at = pd.Timestamp("2024-02-16 12:00", tz=kiritimati).to_pydatetime()  # noon there, by chance
    write(ws, [badge("p01", imported_at, "Teacher", ext="t1")])

    def given() -> dict:
        log = recognition_log(ws)
        return dict(zip(log["id"], log["given_at"])) | {"badge": log.loc[log["source"] == "test", "given_at"].iloc[0]}

    for name in ("Pacific/Honolulu", kiritimati, "UTC"):
        ws.set_setting("reporting.timezone", name)
        now = given()
        assert now[day].tz_convert(name) == pd.Timestamp("2024-02-16 12:00", tz=name), name
        assert now[timed] == pd.Timestamp(timed_at) and now["badge"] == pd.Timestamp(imported_at), name
    ws.set_setting("reporting.timezone", None)  # back to the default, UTC: nothing to move
    assert given()[day] == pd.Timestamp("2024-02-16 12:00", tz="UTC")
    ws.set_setting("reporting.timezone", kiritimati)
    assert given()[day].tz_convert(kiritimati).date() == dt.date(2024, 2, 16)


def test_gap_is_the_top_decile_not_thanked_in_180_days(twelve):
    ws = twelve
    p11, p12 = person_of(ws, "p11"), person_of(ws, "p12")
    # 12 people (staff left out) -> the top tenth is 2 people: p12 and p11.
    gap = recognition_gap(ws)
    assert list(gap["person_id"]) == [p12, p11] and gap["last_recognized_at"].isna().all()
    # When each was last active (10:00 UTC on their last day): a manager sees who is still here.
    assert list(gap["last_active_at"]) == [pd.Timestamp("2024-02-12 10:00", tz="UTC"),
                                           pd.Timestamp("2024-02-11 10:00", tz="UTC")]
    add_recognition(ws, [p12], kind="shout-out", given_at=dt.date(2023, 10, 1))  # within 180 days of 2024-02-29
    add_recognition(ws, [p11], kind="swag", given_at=dt.date(2023, 8, 1))  # 212 days before
    gap = recognition_gap(ws)
    assert list(gap["person_id"]) == [p11]
    assert gap["last_recognized_at"].iloc[0].date() == dt.date(2023, 8, 1)
    assert gap["score"].iloc[0] == 5.5  # 11 active days, weight 0.5
    add_recognition(ws, [p11], kind="badge")  # today
    assert recognition_gap(ws).empty


def test_the_gap_of_a_day_in_the_past_counts_only_the_recognitions_given_by_then(twelve):
    """As of 20 February, p12 had never been thanked: the shout-out of 25 February came later. As
    of the latest day (29 February) it counts, and so does one given after the data ends (today)."""
    ws = twelve
    p11, p12 = person_of(ws, "p11"), person_of(ws, "p12")
    add_recognition(ws, [p12], kind="shout-out", given_at=dt.date(2024, 2, 25))
    then = recognition_gap(ws, as_of=dt.date(2024, 2, 20))
    assert list(then["person_id"]) == [p12, p11] and then["last_recognized_at"].isna().all()
    assert list(recognition_gap(ws)["person_id"]) == [p11]
    assert list(recognition_gap(ws, as_of=dt.date(2024, 2, 29))["person_id"]) == [p11]
    add_recognition(ws, [p11], kind="badge")  # today, long after the data's last day
    assert recognition_gap(ws).empty
    assert list(recognition_gap(ws, as_of=dt.date(2024, 2, 20))["person_id"]) == [p12, p11]
    # A report of a period that ended on 20 February says so too.
    from workbench.metrics.filters import Filters
    from workbench.reports.build import build_report

    report = build_report(ws, Filters(start=dt.date(2024, 2, 1), end=dt.date(2024, 2, 20)))
    gap = next(t for t in report.tables if t.key == "recognition_gap").frame
    assert list(gap["person_id"]) == [p12, p11] and gap["last_recognized"].isna().all(), gap


def test_impact_per_recognition_and_per_kind(ws):
    recs = [account("x"), account("y"), account("z"), account("filler")]
    recs += [msg("filler", at("2024-01-01")), msg("filler", at("2024-12-31"))]  # the data's span
    recs += day_series("x", "2024-04-01", 2) + day_series("x", "2024-06-01", 6)
    recs += day_series("y", "2024-04-01", 4) + day_series("y", "2024-06-05", 2)
    recs += day_series("z", "2024-12-01", 3)
    write(ws, recs)
    x, y, z = person_of(ws, "x"), person_of(ws, "y"), person_of(ws, "z")
    add_recognition(ws, [x, y], kind="shout-out", given_at=dt.date(2024, 5, 15))
    add_recognition(ws, [z], kind="badge", given_at=dt.date(2024, 12, 2))
    per, kinds = recognition_impact(ws)
    by = per.set_index("person_id")
    assert (by.loc[x, "before"], by.loc[x, "after"], by.loc[x, "change_pct"]) == (2, 6, pytest.approx(200.0))
    assert (by.loc[y, "before"], by.loc[y, "after"], by.loc[y, "change_pct"]) == (4, 2, pytest.approx(-50.0))
    assert by.loc[z, "before"] == 2 and by.loc[z, "after"] == 1 and not by.loc[z, "measured"]
    k = kinds.set_index("kind")
    assert (k.loc["shout-out", "recognitions"], k.loc["shout-out", "measured"]) == (2, 2)
    assert k.loc["shout-out", "change_pct"] == pytest.approx((8 - 6) / 6 * 100)
    assert k.loc["shout-out", "median_change_pct"] == pytest.approx(75.0)
    assert (k.loc["badge", "measured"], math.isnan(k.loc["badge", "change_pct"])) == (1 - 1, True)


def test_a_badge_near_the_end_of_its_platforms_data_is_not_measured(ws):
    """A Stack Exchange dump that ends in August 2018 beside a Slack that goes on to 2024: a badge of
    the dump's last weeks has no 60 days after it on Stack Exchange (0 activities there read as
    "-100%"), so it is not measured; the same badge given to someone on both platforms is."""
    recs = [account("se1", platform="stackexchange"), account("se2", platform="stackexchange"),
            account("both"), account("filler")]
    recs += [msg("filler", at("2018-01-01")), msg("filler", at("2024-12-31"))]  # Slack: 2018 to 2024
    recs += [msg(w, at(d), platform="stackexchange") for w in ("se1", "se2") for d in ("2018-01-01", "2018-08-01")]
    recs += [badge("se1", at("2018-07-25"), "Yearling", platform="stackexchange", ext="b1"),
             badge("se2", at("2018-07-20"), "Yearling", platform="stackexchange", ext="b2")]
    write(ws, recs)
    from workbench.people.merge import merge

    merge(ws, person_of(ws, "both"), person_of(ws, "se2", "stackexchange"))
    add_recognition(ws, [person_of(ws, "se1", "stackexchange")], kind="shout-out", given_at=dt.date(2018, 3, 10))
    per, kinds = recognition_impact(ws)
    by = {(r.kind, r.given_at.date().isoformat()): bool(r.measured) for r in per.itertuples()}
    assert by == {("Yearling", "2018-07-25"): False,  # the dump ends a week later
                  ("Yearling", "2018-07-20"): True,  # its person is on Slack too, whose data goes on
                  ("shout-out", "2018-03-10"): True}
    k = kinds.set_index("kind")
    assert (k.loc["Yearling", "recognitions"], k.loc["Yearling", "measured"]) == (2, 1)


def test_badges_survive_reimport_and_follow_their_account_through_merge_and_unmerge(ws):
    from workbench.people.merge import merge, unmerge

    records = [account("ann"), account("ann-d", platform="discord", name="Ann"), msg("ann", at("2024-02-01")),
               msg("ann-d", at("2024-02-02"), platform="discord"),
               badge("ann-d", at("2024-02-03"), "Teacher", platform="discord", ext="b1")]
    write(ws, records)
    write(ws, records)  # the same export again
    slack, discord = person_of(ws, "ann"), person_of(ws, "ann-d", "discord")
    manual = add_recognition(ws, [discord], kind="shout-out", note="Thanks for the talk")[0]
    assert len(recognition_log(ws)) == 2
    merge(ws, slack, discord, reason="same person")
    log = recognition_log(ws)
    assert set(log["person_id"]) == {slack} and set(log["kind"]) == {"Teacher", "shout-out"}
    unmerge(ws, slack)
    with ws.connect() as conn:
        owners = dict(conn.execute(select(Recognition.id, Recognition.person_id)).all())
    assert set(owners.values()) == {discord} and owners[manual] == discord


def test_recognitions_csv_through_the_generic_csv_mapping(ws, tmp_path):
    write(ws, [account("M-001", platform="meetup", name="Mia"), account("M-004", platform="meetup", name="Raj")])
    path = tmp_path / "thanks.csv"
    path.write_text("person,kind,date,note,given by\nM-004,shout-out,12/01/2025,Slides,Zoë\n"
                    "M-001,swag,03/02/2025,T-shirt,Zoë\n", encoding="utf-8")
    mapping = {"kind": "recognitions", "platform": "meetup", "date_order": "DMY",
               "columns": {"account": "person", "kind": "kind", "given_at": "date", "note": "note",
                           "given_by": "given by"}}
    ws.import_paths([path], options={"csv": {"mapping": mapping}})
    ws.import_paths([path])  # the saved mapping; nothing twice
    log = recognition_log(ws).sort_values("given_at")
    assert list(log["name"]) == ["Raj", "Mia"] and list(log["kind"]) == ["shout-out", "swag"]
    assert [t.date() for t in log["given_at"]] == [dt.date(2025, 1, 12), dt.date(2025, 2, 3)]


def test_stack_exchange_badges_are_in_the_log_and_manual_ones_survive_reimport(ws):
    site = Path(__file__).resolve().parent.parent / "data" / "stackexchange" / "cooking.stackexchange.com"
    ws.import_paths([site])
    log = recognition_log(ws)
    assert sorted(zip(log["name"], log["kind"])) == [("Alice Baker", "Student"), ("Carol", "Teacher"), ("Carol", "bread")]
    alice = int(log.loc[log["kind"] == "Student", "person_id"].iloc[0])
    add_recognition(ws, [alice], kind="shout-out", note="Best bread answer")
    ws.import_paths([site])
    log = recognition_log(ws)
    assert len(log) == 4 and set(log.loc[log["person_id"] == alice, "kind"]) == {"Student", "shout-out"}


def test_a_deleted_recognition_comes_back_on_undo_and_stays_deleted_on_a_new_import(ws, tmp_path):
    """Deleting a line of the log removed it for good (no undo), and importing the sheet of thanks
    again, with a new line added to it, brought the deleted one back."""
    from workbench.champions.recognition import deleted_count, undo_delete

    members = tmp_path / "members.csv"
    members.write_text("id,name\nM-1,Mei Lin\nM-2,Ana Souza\n", encoding="utf-8")
    ws.import_paths([members], options={"csv": {"mapping": {"kind": "members", "platform": "meetup", "columns": {
        "external_id": "id", "display_name": "name"}}}})
    sheet = tmp_path / "thanks.csv"
    mapping = {"kind": "recognitions", "platform": "meetup", "columns": {"account": "who", "kind": "what",
                                                                         "given_at": "when"}}
    sheet.write_text("who,what,when\nMei Lin,swag,2025-03-02\nAna Souza,badge,2025-03-04\n", encoding="utf-8")
    ws.import_paths([sheet], options={"csv": {"mapping": mapping}})
    (by_hand,) = add_recognition(ws, [person_of_name(ws, "Ana Souza")], kind="shout-out", given_at=dt.date(2025, 3, 9))
    log = recognition_log(ws)
    swag = int(log.loc[log["kind"] == "swag", "id"].iloc[0])
    assert delete_recognitions(ws, [swag, by_hand]) == 2 and deleted_count(ws) == 2
    assert sorted(recognition_log(ws)["kind"]) == ["badge"]

    sheet.write_text("who,what,when\nMei Lin,swag,2025-03-02\nAna Souza,badge,2025-03-04\n"
                     "Mei Lin,shout-out,2025-03-20\n", encoding="utf-8")  # the sheet, a line longer
    ws.import_paths([sheet], options={"csv": {"mapping": mapping}})
    log = recognition_log(ws)
    assert sorted(zip(log["name"], log["kind"])) == [("Ana Souza", "badge"), ("Mei Lin", "shout-out")]
    # The new line has an id of its own: not the last one deleted's (SQLite's highest id plus one gave
    # it by_hand's, so "recognition 4" named another and Undo brought by_hand back under a new id).
    assert int(log.loc[log["kind"] == "shout-out", "id"].iloc[0]) == by_hand + 1

    back = undo_delete(ws)
    assert sorted((b["name"], b["kind"]) for b in back) == [("Ana Souza", "shout-out"), ("Mei Lin", "swag")]
    assert sorted(b["id"] for b in back) == sorted([swag, by_hand])  # each under its own id
    assert deleted_count(ws) == 0 and undo_delete(ws) == []
    log = recognition_log(ws)
    assert sorted(zip(log["name"], log["kind"])) == [("Ana Souza", "badge"), ("Ana Souza", "shout-out"),
                                                     ("Mei Lin", "shout-out"), ("Mei Lin", "swag")]
    ws.import_paths([sheet], options={"csv": {"mapping": mapping}})  # nothing twice once it is back
    assert len(recognition_log(ws)) == 4


def person_of_name(ws, name: str) -> int:  # noqa: ANN001
    from sqlalchemy import text

    with ws.connect() as conn:
        return int(conn.execute(text("select id from person where display_name = :n"), {"n": name}).scalar_one())


def test_a_deleted_recognition_of_a_member_whose_import_was_removed_is_not_brought_back(ws, tmp_path):
    """The member list taken back out after one of its members' recognitions was deleted: that
    member leaves, and Edit > Undo has nothing of theirs to bring back (it failed on a missing
    account); a member a later sheet of thanks holds on to stays."""
    from workbench.champions.recognition import deleted_count, undo_delete
    from workbench.removing import remove_run

    members = tmp_path / "members.csv"
    members.write_text("id,name\nM-1,Mei Lin\nM-2,Ana Souza\n", encoding="utf-8")
    ws.import_paths([members], options={"csv": {"mapping": {"kind": "members", "platform": "meetup", "columns": {
        "external_id": "id", "display_name": "name"}}}})
    sheet = tmp_path / "thanks.csv"
    sheet.write_text("who,what,when\nMei Lin,swag,2025-03-02\nAna Souza,badge,2025-03-04\n", encoding="utf-8")
    ws.import_paths([sheet], options={"csv": {"mapping": {"kind": "recognitions", "platform": "meetup", "columns": {
        "account": "who", "kind": "what", "given_at": "when"}}}})
    log = recognition_log(ws)
    assert delete_recognitions(ws, [int(log.loc[log["kind"] == "swag", "id"].iloc[0])]) == 1

    removal = remove_run(ws, 1)
    assert (removal.removed["accounts"], removal.kept_accounts) == (1, 1)  # Mei leaves; Ana's badge holds her
    assert deleted_count(ws) == 0 and undo_delete(ws) == []
    assert list(zip(recognition_log(ws)["name"], recognition_log(ws)["kind"])) == [("Ana Souza", "badge")]
