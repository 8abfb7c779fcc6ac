"""Active people, new people, stickiness, absence factor, retention: pinned on hand-built workspaces."""
from __future__ import annotations

import datetime as dt

from workbench.metrics import Filters, headline
from workbench.metrics.activity import (
    absence_factor,
    activity_by_channel,
    activity_by_platform,
    dau_wau_mau,
    new_people,
    retention,
)

from metrics_builders import account, at, join, merge, msg, write

D = dt.date
MARCH = Filters(start=D(2024, 3, 1), end=D(2024, 3, 10))


def _community(ws):
    write(ws, [
        account("ana"), account("ben"), account("cy", bot=True), account("dan"),
        msg("ana", at("2024-03-01")), msg("ana", at("2024-03-02")), msg("ana", at("2024-03-08")),
        msg("ben", at("2024-02-20")), msg("ben", at("2024-03-02", "09:00")), msg("ben", at("2024-03-02", "18:00")),
        *[msg("cy", at(f"2024-03-{d:02d}")) for d in range(1, 11)],
        join("dan", at("2024-03-05")),
    ])


def test_dau_wau_mau_count_distinct_people_and_leave_bots_out(ws):
    _community(ws)
    frame = dau_wau_mau(ws, MARCH)
    assert list(frame["date"].dt.date) == [D(2024, 3, d) for d in range(1, 11)]
    assert list(frame["dau"]) == [1, 2, 0, 0, 0, 0, 0, 1, 0, 0]
    # WAU: the 7 days ending each day (ben's 20 February is outside the first week).
    assert list(frame["wau"]) == [1, 2, 2, 2, 2, 2, 2, 2, 1, 1]
    # MAU: 28 days ending each day reach back to ben's 20 February.
    assert list(frame["mau"]) == [2] * 10


def test_headline_figures_of_a_period(ws):
    _community(ws)
    h = headline(ws, MARCH)
    assert h["active_people"] == 2
    assert h["activities"] == 5  # the bot's ten messages are not activity of people
    assert h["new_people"] == 2  # ana's first message and dan's join fall in the period; ben came in February
    assert h["stickiness"] == (4 / 10) / 2
    assert h["absence_factor"] == 1  # ana wrote 3 of 5
    assert h["questions"] == 0 and h["ttfr_median_s"] is None and h["response_rate_ever"] is None


def test_new_people_per_day(ws):
    _community(ws)
    frame = new_people(ws, MARCH)
    assert dict(zip(frame["date"].dt.day, frame["new_people"]))[1] == 1
    assert dict(zip(frame["date"].dt.day, frame["new_people"]))[5] == 1
    assert frame["new_people"].sum() == 2


def test_absence_factor_is_the_fewest_people_writing_half(ws):
    write(ws, [msg("ana", at("2024-03-01", f"{h:02d}:00")) for h in range(4)]
          + [msg("ben", at("2024-03-02", f"{h:02d}:00")) for h in range(3)]
          + [msg("cy", at("2024-03-03", f"{h:02d}:00")) for h in range(3)])
    # 4 of 10 is less than half; ana and ben together wrote 7.
    assert absence_factor(ws, MARCH) == 2


def test_merged_accounts_count_as_one_person(ws):
    write(ws, [msg("ana", at("2024-03-01")), msg("ana-d", at("2024-03-01"), platform="discord"),
               msg("ben", at("2024-03-01"))])
    assert list(dau_wau_mau(ws, MARCH)["dau"])[:1] == [3]
    merge(ws, ("slack", "ana"), ("discord", "ana-d"))
    assert list(dau_wau_mau(ws, MARCH)["dau"])[:1] == [2]
    assert headline(ws, MARCH)["active_people"] == 2


def test_a_person_marked_as_bot_is_left_out(ws):
    from sqlalchemy import update

    from workbench.store.models import Person

    from metrics_builders import person_of

    write(ws, [msg("ana", at("2024-03-01")), msg("ben", at("2024-03-01"))])
    assert headline(ws, MARCH)["active_people"] == 2
    with ws.write_conn("people") as conn:
        conn.execute(update(Person.__table__).where(Person.id == person_of(ws, "slack", "ben")).values(is_bot=True))
    assert headline(ws, MARCH)["active_people"] == 1


def test_platform_and_channel_filters(ws):
    write(ws, [msg("ana", at("2024-03-01"), channel="help"), msg("ana", at("2024-03-01"), channel="general"),
               msg("ben", at("2024-03-02"), channel="general"),
               msg("dee", at("2024-03-02"), platform="discord", channel="d-general")])
    by_platform = activity_by_platform(ws, MARCH)
    assert by_platform.groupby("platform")["activities"].sum().to_dict() == {"discord": 1, "slack": 3}
    slack = Filters(start=MARCH.start, end=MARCH.end, platforms=("slack",))
    assert headline(ws, slack)["active_people"] == 2
    by_channel = activity_by_channel(ws, MARCH)
    totals = by_channel.groupby("channel")["activities"].sum().to_dict()
    assert totals == {"Slack #general": 2, "Slack #help": 1, "Discord #d-general": 1}
    help_id = int(by_channel.loc[by_channel["channel"] == "Slack #help", "channel_id"].iloc[0])
    only_help = Filters(start=MARCH.start, end=MARCH.end, channels=(help_id,))
    h = headline(ws, only_help)
    assert (h["active_people"], h["activities"]) == (1, 1)


def test_retention_cohorts_by_month_of_first_activity(ws):
    write(ws, [
        msg("ana", at("2024-01-05")), msg("ana", at("2024-02-07")), msg("ana", at("2024-04-01")),
        msg("ben", at("2024-01-20")), msg("ben", at("2024-03-03")),
        msg("cy", at("2024-02-10")), msg("cy", at("2024-02-11")), msg("cy", at("2024-03-30")),
    ])
    frame = retention(ws, Filters(start=D(2024, 1, 1), end=D(2024, 4, 30)))
    got = {(r.cohort, r.month): (r.size, r.retained, round(r.percent)) for r in frame.itertuples()}
    assert got == {
        ("2024-01", 0): (2, 2, 100), ("2024-01", 1): (2, 1, 50), ("2024-01", 2): (2, 1, 50),
        ("2024-01", 3): (2, 1, 50),
        ("2024-02", 0): (1, 1, 100), ("2024-02", 1): (1, 1, 100), ("2024-02", 2): (1, 0, 0),
    }


def test_a_fresh_process_reads_the_columns_kept_on_disk_and_sees_new_imports(ws, ws_path):
    from workbench.metrics.columns import cache_path
    from workbench.workspace import Workspace

    write(ws, [msg("ana", at("2024-03-01")), msg("ben", at("2024-03-02"))])
    assert headline(ws, MARCH)["active_people"] == 2
    assert cache_path(ws).is_file()
    other = Workspace.open(ws_path)  # as a new window or command would
    try:
        assert headline(other, MARCH)["active_people"] == 2
        write(other, [msg("cy", at("2024-03-03"))])
    finally:
        other.close()
    again = Workspace.open(ws_path)
    try:
        assert headline(again, MARCH)["active_people"] == 3
    finally:
        again.close()


def test_a_dashboard_of_a_period_with_nothing_in_it(ws):
    from workbench.metrics import compute_dashboard

    _community(ws)
    d = compute_dashboard(ws, Filters(start=D(2024, 5, 1), end=D(2024, 5, 31)))
    assert d.headline["active_people"] == 0 and d.headline["activities"] == 0 and d.empty
    assert d.headline["stickiness"] is None and d.headline["absence_factor"] is None
    assert d.retention.empty and d.top_helpers.empty and d.unanswered.empty
    assert d.previous["active_people"] == 0
    assert int(d.hour_weekday.values.sum()) == 0 and list(d.dau_wau_mau["dau"].unique()) == [0]
