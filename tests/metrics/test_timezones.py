"""Days are calendar days in the reporting time zone; exports' offsets are honoured."""
from __future__ import annotations

import datetime as dt

from workbench.metrics import Filters, headline
from workbench.metrics.activity import dau_wau_mau, hour_weekday
from workbench.metrics.tables import daily_active_frame

from metrics_builders import at, msg, write

D = dt.date


def _late_night(ws):
    write(ws, [
        # 23:30 in UTC+07:00 on Sunday 10 March is 16:30 UTC the same day.
        msg("ana", at("2024-03-10", "23:30", offset_hours=7)),
        # 05:30 in UTC+07:00 on Monday 11 March is 22:30 UTC on Sunday 10 March.
        msg("ben", at("2024-03-11", "05:30", offset_hours=7), platform="discord", channel="d"),
    ])


def test_a_message_counts_on_its_utc_day(ws):
    _late_night(ws)
    daily = daily_active_frame(ws)
    assert daily.to_dict("records") == [{"date": "2024-03-10", "platform": "discord", "people": 1},
                                        {"date": "2024-03-10", "platform": "slack", "people": 1}]
    frame = dau_wau_mau(ws, Filters(start=D(2024, 3, 10), end=D(2024, 3, 11)))
    assert list(frame["dau"]) == [2, 0]


def test_a_reporting_time_zone_moves_activity_to_its_local_day(ws):
    _late_night(ws)
    bangkok = Filters(start=D(2024, 3, 10), end=D(2024, 3, 11), tz="Asia/Bangkok")
    assert list(dau_wau_mau(ws, bangkok)["dau"]) == [1, 1]
    only_11 = Filters(start=D(2024, 3, 11), end=D(2024, 3, 11), tz="Asia/Bangkok")
    assert headline(ws, only_11)["active_people"] == 1
    grid = hour_weekday(ws, bangkok)
    assert grid.loc["Sun", 23] == 1 and grid.loc["Mon", 5] == 1 and int(grid.values.sum()) == 2
    utc = hour_weekday(ws, Filters(start=D(2024, 3, 10), end=D(2024, 3, 11)))
    assert utc.loc["Sun", 16] == 1 and utc.loc["Sun", 22] == 1


def test_daylight_saving_time_is_followed(ws):
    write(ws, [
        msg("ana", dt.datetime(2024, 3, 30, 23, 30, tzinfo=dt.timezone.utc)),  # 00:30 CET on 31 March
        msg("ben", dt.datetime(2024, 3, 31, 22, 30, tzinfo=dt.timezone.utc)),  # 00:30 CEST on 1 April
    ])
    berlin = Filters(start=D(2024, 3, 30), end=D(2024, 4, 1), tz="Europe/Berlin")
    assert list(dau_wau_mau(ws, berlin)["dau"]) == [0, 1, 1]
    assert list(dau_wau_mau(ws, Filters(start=D(2024, 3, 30), end=D(2024, 4, 1)))["dau"]) == [1, 1, 0]


def test_filters_previous_and_default(ws):
    f = Filters(start=D(2024, 3, 1), end=D(2024, 3, 10), platforms=("slack",))
    assert f.previous() == Filters(start=D(2024, 2, 20), end=D(2024, 2, 29), platforms=("slack",))
    write(ws, [msg("ana", at("2024-06-30", "23:30")), msg("ana", at("2024-01-01"))])
    assert Filters.default_for(ws) == Filters(start=D(2024, 4, 2), end=D(2024, 6, 30))
    ws.set_setting("reporting.timezone", "Asia/Tokyo")
    # 23:30 UTC on 30 June is 1 July in Tokyo.
    assert Filters.default_for(ws) == Filters(start=D(2024, 4, 3), end=D(2024, 7, 1), tz="Asia/Tokyo")


def test_the_daily_rollup_follows_imports_and_merges(ws):
    from sqlalchemy import func, select

    from metrics_builders import merge
    from workbench.store.models import DailyRollup

    write(ws, [msg("ana", at("2024-03-10", "08:00")), msg("ben", at("2024-03-10", "09:00"))])
    write(ws, [msg("ana", at("2024-03-10", "10:00")), msg("cy", at("2024-03-11"))])
    with ws.connect() as conn:
        assert conn.execute(select(func.sum(DailyRollup.activities))).scalar_one() == 4
    assert daily_active_frame(ws).to_dict("records") == [{"date": "2024-03-10", "platform": "slack", "people": 2},
                                                         {"date": "2024-03-11", "platform": "slack", "people": 1}]
    merge(ws, ("slack", "ana"), ("slack", "ben"))  # keyed by account: no rebuild, people follow the merge
    assert daily_active_frame(ws).to_dict("records")[0] == {"date": "2024-03-10", "platform": "slack", "people": 1}
