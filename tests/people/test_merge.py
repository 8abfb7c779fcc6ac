"""Merges: automatic on the same e-mail, by hand with a history, undone exactly, kept across imports."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select

from workbench.people import merge as m
from workbench.people.identity import suggestions_for
from workbench.store.models import Account, Activity, MergeEvent, Person, Recognition

from people_helpers import T0, base_records, member, write_records


def person_of(ws, platform: str, ext: str) -> int:
    with ws.session() as s:
        return s.execute(select(Account.person_id).where(Account.platform == platform,
                                                         Account.external_id == ext)).scalar_one()


def snapshot(ws) -> dict:
    """What merging must give back exactly: owners of accounts and recognitions, people, activity per person."""
    with ws.session() as s:
        return {
            "accounts": sorted(s.execute(select(Account.id, Account.person_id, Account.original_person_id)).all()),
            "people": sorted(s.execute(select(Person.id, Person.merged_into_id, Person.is_bot, Person.is_staff,
                                              Person.display_name)).all()),
            "recognitions": sorted(s.execute(select(Recognition.id, Recognition.person_id)).all()),
            "activity": sorted(s.execute(select(Account.person_id, func.count(Activity.id))
                                         .join(Activity, Activity.account_id == Account.id)
                                         .group_by(Account.person_id)).all()),
            "counts": ws.counts(),
        }


def test_same_email_merges_automatically_on_import(ws, small):
    ben_slack, ben_mail = person_of(ws, "slack", "U2"), person_of(ws, "mbox", "ben.okafor3@example.org")
    assert ben_slack == ben_mail
    with ws.session() as s:
        ev = s.execute(select(MergeEvent)).scalar_one()
    assert ev.automatic and ev.action == "merge" and ev.reason == "same e-mail: ben.okafor3@example.org"
    assert ws.counts()["people"] == 5  # Ana x3, Ben, Cara


def test_shared_mailboxes_and_team_addresses_never_merge(ws):
    recs = base_records("slack") + base_records("mbox") + base_records("github")
    recs += member("slack", "U7", handle="dev.one", name="Dev One", email="notifications@example.org")
    recs += member("mbox", "x@y", handle="x", name="Other Person", email="Notifications@example.org")
    recs += member("slack", "U8", handle="team.a", name="Team A", email="team-shared@example.org")
    recs += member("slack", "U9", handle="team.b", name="Team B", email="team-shared@example.org")
    recs += member("github", "gh1", handle="ghost", name="Ghost", email="team-shared@example.org")
    write_records(ws, recs)
    with ws.session() as s:
        assert s.execute(select(func.count()).select_from(MergeEvent)).scalar_one() == 0
    assert ws.counts()["people"] == 5


def test_merge_then_unmerge_restores_everything(ws, small):
    ana_discord = person_of(ws, "discord", "D1")
    with ws.write("recognition") as s:  # a badge given to the Discord account, a thank-you to the person
        s.add(Recognition(person_id=ana_discord, account_id=s.execute(select(Account.id).where(
            Account.external_id == "D1")).scalar_one(), kind="badge", given_at=dt.datetime(2024, 4, 1)))
        s.add(Recognition(person_id=ana_discord, kind="shout-out", given_at=dt.datetime(2024, 4, 2)))
    before = snapshot(ws)
    ana_slack = person_of(ws, "slack", "U1")
    ev = m.merge(ws, ana_slack, ana_discord, reason="same human", by="test")
    merged = snapshot(ws)
    assert merged["counts"]["people"] == before["counts"]["people"] - 1
    assert dict(merged["activity"])[ana_slack] == 6 + 4
    assert {p for _, p in merged["recognitions"]} == {ana_slack}  # both follow into the merged person
    with ws.session() as s:
        event = s.get(MergeEvent, ev)
        assert (event.by, event.reason, event.target_person_id, event.other_person_id) == \
            ("test", "same human", ana_slack, ana_discord)
        assert s.get(Person, ana_discord).merged_into_id == ana_slack
    m.unmerge(ws, ana_slack)
    assert snapshot(ws) == before


def test_undo_last_merge_and_chains(ws, small):
    before = snapshot(ws)
    a, d, t = person_of(ws, "slack", "U1"), person_of(ws, "discord", "D1"), person_of(ws, "telegram", "user1")
    m.merge(ws, a, d)
    m.merge(ws, t, a)  # the merged person merged again, into the Telegram one
    assert person_of(ws, "discord", "D1") == t
    m.undo_last_merge(ws)
    assert person_of(ws, "discord", "D1") == a and person_of(ws, "telegram", "user1") == t
    m.undo_last_merge(ws)
    assert snapshot(ws) == before
    m.undo_last_merge(ws)  # the one left is Ben's automatic merge
    assert person_of(ws, "slack", "U2") != person_of(ws, "mbox", "ben.okafor3@example.org")
    assert m.undo_last_merge(ws) is None


def test_suggestions_accepted_together_are_undone_together(ws, small):
    before = snapshot(ws)
    a, d, t = person_of(ws, "slack", "U1"), person_of(ws, "discord", "D1"), person_of(ws, "telegram", "user1")
    events = m.merge_many(ws, [(a, d, "x"), (a, t, "y"), (d, t, "z")])  # the third is joined by the first two
    assert len(events) == 2 and person_of(ws, "discord", "D1") == person_of(ws, "telegram", "user1") == a
    assert snapshot(ws)["counts"]["people"] == before["counts"]["people"] - 2
    # A merge made after them is undone alone; then the two go back together.
    cara = person_of(ws, "slack", "U3")
    later = m.merge(ws, a, cara)
    assert m.undo_last_merges(ws, events) == [later]
    assert m.undo_last_merges(ws, events) == sorted(events, reverse=True)
    assert snapshot(ws) == before
    m.reject_many(ws, [(a, d), (a, t)])
    assert not {frozenset((s.a, s.b)) for s in suggestions_for(ws, min_confidence=0.3)} & {
        frozenset((a, d)), frozenset((a, t))}


def test_reimport_keeps_merges_and_new_accounts_join_their_address(ws, small):
    a, d = person_of(ws, "slack", "U1"), person_of(ws, "discord", "D1")
    m.merge(ws, a, d)
    write_records(ws, small)  # the same export again
    assert person_of(ws, "discord", "D1") == a
    recs = base_records("mbox") + member("mbox", "ana@list", handle="ana", name="Ana S.",
                                         email="ana.silva17@example.org")
    write_records(ws, recs)
    assert person_of(ws, "mbox", "ana@list") == a


def test_an_unmerged_automatic_merge_stays_apart_after_reimport(ws, small):
    ben = person_of(ws, "slack", "U2")
    m.unmerge(ws, ben)
    assert person_of(ws, "mbox", "ben.okafor3@example.org") != ben
    write_records(ws, small)
    assert person_of(ws, "mbox", "ben.okafor3@example.org") != person_of(ws, "slack", "U2")


def test_suggestions_explain_themselves_and_rejections_stick(ws, small):
    a, d, t = person_of(ws, "slack", "U1"), person_of(ws, "discord", "D1"), person_of(ws, "telegram", "user1")
    found = {(s.a, s.b): s for s in suggestions_for(ws, min_confidence=0.0)}
    sd = found[(min(a, d), max(a, d))]
    assert "handle similar: ana.silva17 ~ ana17" in sd.reasons
    assert "same display name: Ana Silva" in sd.reasons
    assert sd.confidence >= 0.9
    st = found[(min(a, t), max(a, t))]
    assert any(r.startswith("same display name") for r in st.reasons)  # the zero-width space is ignored
    cara = person_of(ws, "slack", "U3")
    assert not any(cara in pair for pair in found)
    m.reject(ws, a, d)
    write_records(ws, small)
    again = {(s.a, s.b) for s in suggestions_for(ws, min_confidence=0.0)}
    assert (min(a, d), max(a, d)) not in again and (min(a, t), max(a, t)) in again


def test_merging_a_person_with_itself_is_refused(ws, small):
    import pytest

    from workbench.errors import WorkbenchError

    a = person_of(ws, "slack", "U1")
    with pytest.raises(WorkbenchError, match="already the same person"):
        m.merge(ws, a, a)


def test_a_pair_on_one_platform_is_told_with_the_platform_as_people_write_it(ws):
    """What counts against a suggestion reads as such, after what speaks for it: two accounts on one
    platform are usually two people, so the pair is 30 points less likely."""
    write_records(ws, base_records("stackexchange")
                  + member("stackexchange", "17", handle="ana.silva17", name="Ana Silva")
                  + member("stackexchange", "18", handle="ana_silva17", name="A. Silva", start=T0 + dt.timedelta(days=400)))
    (found,) = suggestions_for(ws, min_confidence=0.0)
    assert found.reasons[0] == "same handle: ana.silva17 = ana_silva17"
    assert found.reasons[-1] == "but both have an account on Stack Exchange"


def test_deleted_and_hidden_accounts_are_not_suggested_as_one_person(ws):
    """Discord names every deleted author "Deleted User", Telegram "Deleted Account", and Stack
    Exchange users leave as "please delete me": unrelated people, who were offered as one at 75%.
    A deleted account that kept its own name (Slack keeps it) still meets its other accounts."""
    records = base_records("discord") + base_records("telegram") + base_records("slack") + base_records("stackexchange")
    for i in range(3):
        records += member("discord", f"45600{i}", handle="Deleted User#0000", name="Deleted User", is_deleted=True)
        records += member("discord", f"deleted_user_{i}a2b", handle=f"deleted_user_{i}a2b", name="Deleted User")
    records += member("telegram", "user1", name="Deleted Account") + member("telegram", "user2", name="Deleted Account")
    records += member("stackexchange", "se:1", handle="please delete me", name="please delete me")
    records += member("stackexchange", "se:2", handle="please delete me", name="please delete me")
    records += member("slack", "U1", handle="ana.silva", name="Ana Silva", is_deleted=True)
    records += member("discord", "D1", handle="ana.silva", name="Ana Silva")
    write_records(ws, records)
    found = suggestions_for(ws, min_confidence=0.0)
    assert [sorted((s.a_name, s.b_name)) for s in found] == [["Ana Silva", "Ana Silva"]], \
        [(s.a_name, s.b_name, s.reasons) for s in found]


def test_the_automatic_merges_of_a_removed_import_are_undone_and_made_again_by_the_next(ws):
    from workbench.removing import remove_run
    from workbench.store.models import MergeRejection

    write_records(ws, base_records("slack") + member("slack", "U2", handle="ben.okafor3", name="Ben Okafor",
                                                     email="ben.okafor3@example.org", messages=5))
    mail = base_records("mbox") + member("mbox", "ben.okafor3@example.org", handle="ben.okafor3@example.org",
                                         name="Ben Okafor", email="Ben.Okafor3@example.org", messages=2)
    write_records(ws, mail)
    assert person_of(ws, "slack", "U2") == person_of(ws, "mbox", "ben.okafor3@example.org")
    before = person_of(ws, "slack", "U2")

    removal = remove_run(ws, 2)
    assert removal.merges_undone == 1 and removal.removed["accounts"] == 1 and removal.removed["people"] == 1
    assert "The 1 automatic merge it made was undone." in removal.sentence()
    with ws.session() as s:
        # No trace of the import's merge, and no rejection: the next import may merge them again.
        assert s.scalars(select(MergeEvent)).all() == [] and s.scalars(select(MergeRejection)).all() == []
        assert s.get(Person, before).merged_into_id is None
    assert ws.counts()["people"] == 1 and ws.counts()["accounts"] == 1

    write_records(ws, mail)
    assert person_of(ws, "slack", "U2") == person_of(ws, "mbox", "ben.okafor3@example.org")
