"""The member directory: search, filters in SQL, flags, tags and notes, kept in step with merges."""
from __future__ import annotations

from people_helpers import base_records, member, write_records
from sqlalchemy import select

from workbench.people import directory as d
from workbench.people import flags, profile
from workbench.people.merge import merge, unmerge
from workbench.store.models import Account


def names(ws, **kw) -> list[str]:  # noqa: ANN003
    d.ensure_summary(ws)
    with ws.connect() as conn:
        return sorted(r["name"] for r in d.page(conn, d.DirectoryFilter(**kw), sort="name", descending=False))


def pid(ws, ext: str) -> int:
    with ws.connect() as conn:
        return conn.execute(select(Account.person_id).where(Account.external_id == ext)).scalar_one()


def test_search_by_name_handle_or_email_in_any_case_or_accent(ws, small):
    assert names(ws, search="ana") == ["Ana Silva", "Ana Silva", "Ana\u200b Silva"]
    assert names(ws, search="ANA17") == ["Ana Silva"]
    assert names(ws, search="cara@example") == ["Cara Nguyen"]
    assert names(ws, search="okafor ben") == ["Ben Okafor"]  # words in any order
    assert names(ws, search="%") == []  # wildcards are plain characters


def test_filters_platform_tag_flags_and_levels(ws, small):
    assert names(ws, platforms=("telegram",)) == ["Ana\u200b Silva"]
    assert names(ws, platforms=("mbox",)) == ["Ben Okafor"]  # Ben's two accounts are one person
    profile.add_tag(ws, pid(ws, "U3"), "speaker")
    assert names(ws, tags=("speaker",)) == ["Cara Nguyen"]
    flags.set_person_flags(ws, pid(ws, "U3"), bot=True)
    assert "Cara Nguyen" not in names(ws)
    assert names(ws, bots="only") == ["Cara Nguyen"]
    flags.set_person_flags(ws, pid(ws, "U1"), staff=True)
    assert names(ws, staff="only") == ["Ana Silva"]
    with ws.connect() as conn:
        levels = {r["name"]: r["level"] for r in d.page(conn, d.DirectoryFilter(bots="include"))}
    assert set(levels.values()) <= set(d.LEVELS) | {""}
    assert levels["Cara Nguyen"] == ""  # bots have no engagement level
    ben = levels["Ben Okafor"]
    assert "Ben Okafor" in names(ws, levels=(ben,))
    assert "Ben Okafor" not in names(ws, levels=tuple(lv for lv in d.LEVELS if lv != ben))


def test_directory_follows_merges_without_a_rebuild(ws, small):
    d.ensure_summary(ws)
    a, t = pid(ws, "U1"), pid(ws, "user1")
    merge(ws, a, t)
    with ws.connect() as conn:
        assert d.is_fresh(conn)  # refreshed in the merge's own transaction
        row = d.page(conn, d.DirectoryFilter(search="ana.silva17"))[0]
    assert row["platforms"] == ["slack", "telegram"] and row["activities"] == 6 + 2
    unmerge(ws, a)
    assert len(names(ws, search="ana")) == 3


def test_flags_set_by_hand_survive_a_reimport(ws, small):
    with ws.connect() as conn:
        ben = conn.execute(select(Account.id).where(Account.external_id == "U2")).scalar_one()
    flags.set_account_flags(ws, ben, staff=True)
    result = flags.mark_staff_by_list(ws, ["@ana17", "CARA@example.org", "nobody"])
    assert sorted(result.unknown) == ["nobody"] and len(result.marked) == 2
    write_records(ws, small)  # the export says none of them is staff
    with ws.connect() as conn:
        staff = set(conn.execute(select(Account.external_id).where(Account.is_staff)).scalars())
    assert staff == {"U2", "D1", "U3"}


def test_profile_has_accounts_timeline_notes_and_tags(ws, small):
    a = pid(ws, "U1")
    merge(ws, a, pid(ws, "D1"))
    profile.add_note(ws, a, "Runs the Lisbon meetup", author="me")
    profile.add_tag(ws, a, "meetup host")
    with ws.connect() as conn:
        p = profile.profile(conn, pid(ws, "D1"))
    assert p.person_id == a
    assert [x["platform"] for x in p.accounts] == ["discord", "slack"]
    assert len(p.timeline) == 10 and {t["platform"] for t in p.timeline} == {"slack", "discord"}
    assert {t["channel"] for t in p.timeline} == {"#general"}  # as Slack and Discord name it, beside them
    assert sum(n for _, n in p.weekly) == 10
    assert p.notes[0]["text"] == "Runs the Lisbon meetup" and p.tags == ["meetup host"]
    assert p.history[0]["action"] == "merge"


def test_the_weekly_line_counts_weeks_of_the_reporting_zone(ws):
    """A message late on Sunday 10 March 2024 in UTC is Monday morning in Tokyo: the profile's
    weekly line counts it in the week from 4 March in UTC and from 11 March in Tokyo, as the
    Dashboard counts weeks, and its last week is that one."""
    import datetime as dt
    from zoneinfo import ZoneInfo

    late = dt.datetime(2024, 3, 10, 23, 30, tzinfo=dt.timezone.utc)
    write_records(ws, base_records("slack") + member("slack", "U1", name="Ana", messages=1, start=late))
    with ws.connect() as conn:
        in_utc = profile.profile(conn, pid(ws, "U1")).weekly
        in_tokyo = profile.profile(conn, pid(ws, "U1"), tz=ZoneInfo("Asia/Tokyo")).weekly
    assert [w for w in in_utc if w[1]] == [(dt.date(2024, 3, 4), 1)] and in_utc[-1][0] == dt.date(2024, 3, 4)
    assert [w for w in in_tokyo if w[1]] == [(dt.date(2024, 3, 11), 1)] and in_tokyo[-1][0] == dt.date(2024, 3, 11)
    assert len(in_utc) == len(in_tokyo) == profile.WEEKS


def test_the_profile_says_whom_a_person_helps_and_who_helps_them(ws):
    """Helping: the people Ana replied to and those who replied to her (a reply to its direct
    parent, in any later import too), the most replies first; her replies to herself and a bot's
    replies are left out; merged accounts count as one person."""
    import datetime as dt

    from workbench.records import AccountRec, ActivityRec

    t0 = dt.datetime(2024, 3, 4, 12, tzinfo=dt.timezone.utc)

    def say(ext: str, who: str, hours: int, parent: str | None = None, platform: str = "slack") -> ActivityRec:
        return ActivityRec(platform, ext, who, t0 + dt.timedelta(hours=hours), parent_external_id=parent,
                           channel_external_id=f"{platform}-general", source_external_id=f"{platform}-src")

    write_records(ws, base_records("slack") + base_records("discord") + [
        AccountRec("slack", "ana", display_name="Ana"), AccountRec("slack", "ben", display_name="Ben"),
        AccountRec("slack", "cy", display_name="Cy"), AccountRec("discord", "cy-d", display_name="Cy"),
        AccountRec("discord", "ana-d", display_name="Ana"),
        AccountRec("slack", "bot", display_name="Helpful bot", is_bot=True),
        say("q1", "ana", 0), say("r1", "ben", 1, "q1"), say("r2", "ben", 2, "q1"), say("r3", "cy", 3, "q1"),
        say("r4", "bot", 4, "q1"), say("r5", "ana", 5, "q1"),  # a bot's reply, and hers to herself
        say("b1", "ben", 6), say("r6", "ana", 7, "b1"),
        say("q2", "ana-d", 8, platform="discord"), say("r8", "cy-d", 9, "q2", platform="discord"),
    ])
    ana, ben, cy = pid(ws, "ana"), pid(ws, "ben"), pid(ws, "cy")
    merge(ws, cy, pid(ws, "cy-d"))
    merge(ws, ana, pid(ws, "ana-d"))
    with ws.connect() as conn:
        p = profile.profile(conn, ana)
    assert [(x["person_id"], x["name"], x["replies"]) for x in p.helps] == [(ben, "Ben", 1)]
    assert p.helps[0]["last"] == t0 + dt.timedelta(hours=7)
    # Two replies each: the one who replied last first (Cy, on Discord, to the question merged in).
    assert [(x["person_id"], x["name"], x["replies"]) for x in p.helped_by] == [(cy, "Cy", 2), (ben, "Ben", 2)]
    assert [x["last"] for x in p.helped_by] == [t0 + dt.timedelta(hours=9), t0 + dt.timedelta(hours=2)]
    write_records(ws, [say("late", "cy-d", 30, "q2", platform="discord")])  # a later import replies on Discord
    with ws.connect() as conn:
        assert [(x["person_id"], x["replies"]) for x in profile.profile(conn, ana).helped_by] == [(cy, 3), (ben, 2)]
        assert [(x["person_id"], x["replies"]) for x in profile.profile(conn, cy).helps] == [(ana, 3)]


def test_profile_carries_the_champion_programme_history(ws, small):
    from workbench.champions.programme import move

    a = pid(ws, "U1")
    move(ws, a, "candidate", reason="answers newcomers", by="me")
    move(ws, a, "nominated", reason="nominated at the meetup", by="me")
    with ws.connect() as conn:
        p = profile.profile(conn, a)
    assert p.champion_stage == "nominated"
    assert [(m["stage"], m["reason"]) for m in p.programme] == [("nominated", "nominated at the meetup"),
                                                                ("candidate", "answers newcomers")]


def test_new_people_are_found_after_an_import(ws, small):
    assert names(ws, search="zoë") == []
    write_records(ws, member("slack", "U44", handle="zoe.ang", name="Zoë Ångström", email="zoe@example.org"))
    assert names(ws, search="zoe angstrom") == ["Zoë Ångström"]
