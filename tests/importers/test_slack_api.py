"""Saved Slack Web API responses and slackdump dumps (tests/data/slack/api, tests/data/slack/dump)."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from sqlalchemy import select

from workbench.importers import registry
from workbench.store.models import Account, Activity, Channel, MembershipEvent

DATA = Path(__file__).resolve().parent.parent / "data" / "slack"
API = DATA / "api"


def ext_ids(ws) -> list[str]:
    with ws.session() as s:
        return sorted(s.scalars(select(Activity.external_id)))


def test_each_saved_response_is_recognised():
    for name in ("history_page1.json", "history_page2.json", "info.json", "user_U0001.json", "user_missing.json",
                 "members.json"):
        assert registry.sniff(API / name).name == "slack-api", name
    assert registry.sniff(DATA / "dump" / "CDUMP01.json").name == "slackdump"


def test_history_pages_take_their_channel_from_the_saved_info_and_overlap_without_doubles(ws):
    result = ws.import_paths([API / "history_page1.json", API / "history_page2.json", API / "info.json"])
    assert ext_ids(ws) == ["C011DUKE8:1427135634.000000", "C011DUKE8:1427135740.000069", "C011DUKE8:1486949200.000069"]
    assert result.by_kind["memberships"] == 1
    with ws.session() as s:
        owl = s.scalars(select(Account).where(Account.external_id == "bot:Owl Capone")).one()
        assert owl.is_bot and owl.handle == "Owl Capone"
        assert s.scalars(select(Channel.name).where(Channel.external_id == "C011DUKE8")).one() == "test channel"
        assert s.scalars(select(Activity.created_at).where(Activity.external_id == "C011DUKE8:1427135634.000000")).one() \
            == dt.datetime(2015, 3, 23, 18, 33, 54, tzinfo=dt.timezone.utc)
        assert s.scalars(select(MembershipEvent.kind)).all() == ["join"]


def test_users_info_is_a_member_and_errors_and_bare_member_lists_are_notes(ws):
    result = ws.import_paths([API / "user_U0001.json", API / "user_missing.json", API / "members.json"])
    assert result.by_kind == {"sources": 1, "accounts": 1}
    assert sorted(p.message.split(" (")[0].split(";")[0] for p in result.notes) == [
        "Slack answered with an error", "a member list of 3 ids without names or dates"]
    assert result.problem_count == 0 and result.problems == []  # nothing is wrong with the files
    with ws.session() as s:
        acs = s.scalars(select(Account)).one()
    assert (acs.external_id, acs.is_staff, acs.email, acs.display_name) == ("U0001", True, "acs@example.com", "Alvaro")


def test_a_slackdump_dump_brings_nested_thread_replies(ws):
    ws.import_paths([DATA / "dump" / "CDUMP01.json"])
    assert ext_ids(ws) == ["CDUMP01:1736478630.905399", "CDUMP01:1736554746.482349", "CDUMP01:1736554838.911679",
                           "CDUMP01:1737160363.583369"]
    with ws.session() as s:
        reply = s.scalars(select(Activity).where(Activity.external_id == "CDUMP01:1736554746.482349")).one()
        parent = s.scalars(select(Activity).where(Activity.external_id == "CDUMP01:1736478630.905399")).one()
        assert reply.parent_id == parent.id
        orphan = s.scalars(select(Activity).where(Activity.external_id == "CDUMP01:1736554838.911679")).one()
        assert orphan.parent_id is None and orphan.parent_external_id == "CDUMP01:1736554828.343759"
        deact = s.scalars(select(Account).where(Account.external_id == "U0DEACT")).one()
        assert deact.placeholder and not deact.is_bot  # named by messages only
        polly = s.scalars(select(Account).where(Account.external_id == "U089AJ964TE")).one()
        assert polly.is_bot and polly.handle == "Polly"


def test_damaged_attachments_and_a_count_no_message_has_do_not_stop_the_page(ws, tmp_path):
    """Found by sweeping every field of the samples with wrong values: ``"attachments": true``
    crashed the import, and a stated count of 2**70 failed it when stored."""
    import json

    page = json.loads((API / "history_page1.json").read_text(encoding="utf-8"))
    first, second = page["messages"][0], page["messages"][1]
    first.update(text="", attachments=True)
    second["reactions"] = [{"name": "+1", "users": ["U0001", "U0002"], "count": 2**70}]
    path = tmp_path / "history_page1.json"
    path.write_text(json.dumps(page), encoding="utf-8")
    (tmp_path / "info.json").write_bytes((API / "info.json").read_bytes())
    ws.import_paths([path, tmp_path / "info.json"])
    with ws.session() as s:
        got = {r[0]: r[1] for r in s.execute(select(Activity.external_id, Activity.reaction_count))}
        texts = {r[0]: r[1] for r in s.execute(select(Activity.external_id, Activity.text))}
    assert got == {"C011DUKE8:1427135740.000069": 0, "C011DUKE8:1486949200.000069": 2}  # the users who reacted
    assert texts["C011DUKE8:1427135740.000069"] == ""
