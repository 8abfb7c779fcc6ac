"""Acceptance: every real Slack sample in ../shared/fixtures/real/slack imports, with the right facts."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from workbench.permalinks import links_of
from workbench.store.models import Account, Activity, Channel, MembershipEvent, Reaction, Source

pytestmark = pytest.mark.acceptance
UTC = dt.timezone.utc

# file -> (activities, memberships, problems) when imported alone into an empty workspace
EXPECTED = {
    "slack-export-viewer/testarchive.zip": (147, 8, 0),
    "slackdump/export-metadata/users.json": (0, 0, 0),
    "slackdump/export-metadata/channels.json": (0, 0, 0),
    "slackdump/export-metadata/groups.json": (0, 0, 0),
    "slackdump/export-metadata/dms.json": (0, 0, 0),
    "slackdump/export-metadata/mpims.json": (0, 0, 0),
    "slackdump/messages/bot_message_edited.json": (1, 0, 0),
    "slackdump/native-dump/CHY5HUESG.json": (14, 1, 0),
    "slackdump/native-dump/converter_chan1.json": (2, 0, 0),
    "slackdump/native-dump/converter_chan1_thread_1736478630.905399.json": (2, 0, 0),
    "perceval-webapi/slack_history.json": (6, 1, 0),
    "perceval-webapi/slack_history_20150323.json": (4, 1, 0),
    "perceval-webapi/slack_history_empty.json": (0, 0, 0),
    "perceval-webapi/slack_history_next.json": (2, 0, 0),
    "perceval-webapi/slack_info.json": (1, 0, 0),
    "perceval-webapi/slack_info_archived.json": (1, 0, 0),
    "perceval-webapi/slack_members1.json": (0, 0, 0),
    "perceval-webapi/slack_members2.json": (0, 0, 0),
    "perceval-webapi/slack_user_U0001.json": (0, 0, 0),
    "perceval-webapi/slack_user_U0002.json": (0, 0, 0),
    "perceval-webapi/slack_user_U0003.json": (0, 0, 0),
    "perceval-webapi/slack_user_U0004_private.json": (0, 0, 0),
}
# files that hold nothing to keep (bare member ids, an error response): left alone, with a note
LEFT_ALONE = {"perceval-webapi/slack_members1.json", "perceval-webapi/slack_members2.json",
              "perceval-webapi/slack_user_U0004_private.json"}


def one(ws, stmt):
    with ws.session() as s:
        return s.scalars(stmt).one()


def acc(ws, ext: str) -> Account:
    return one(ws, select(Account).where(Account.platform == "slack", Account.external_id == ext))


def act(ws, ext: str) -> Activity:
    return one(ws, select(Activity).where(Activity.platform == "slack", Activity.external_id == ext))


def test_every_real_slack_file_is_covered(real):
    files = {p.relative_to(real / "slack").as_posix() for p in (real / "slack").rglob("*") if p.is_file()}
    assert files == set(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_real_file_imports(real, ws, name):
    activities, memberships, problems = EXPECTED[name]
    result = ws.import_paths([real / "slack" / name])
    assert result.by_kind.get("activities", 0) == activities
    assert result.by_kind.get("memberships", 0) == memberships
    assert result.problem_count == problems
    assert bool(result.notes) == (name in LEFT_ALONE), result.notes
    before = ws.counts()
    again = ws.import_paths([real / "slack" / name], options={"slack": {"reread": True}})
    assert again.added == 0
    assert ws.counts() == before


@pytest.mark.parametrize("name", ["slack-export-viewer/testarchive.zip", "perceval-webapi/slack_history.json",
                                  "perceval-webapi/slack_user_U0004_private.json"])
def test_importing_twice_leaves_the_status_unchanged(real, cli, tmp_path, name):
    ws = tmp_path / "ws.db"
    run = cli("import", "-w", ws, real / "slack" / name)
    assert run.code == 0, run
    before = cli("status", "-w", ws, "--json").json()
    assert cli("import", "-w", ws, real / "slack" / name).code == 0
    after = cli("status", "-w", ws, "--json").json()
    assert after == before  # the list of import runs included: nothing new, no run


def test_the_2016_export_viewer_archive(real, ws):
    ws.import_paths([real / "slack" / "slack-export-viewer" / "testarchive.zip"])
    hook = acc(ws, "B0JL6RASU")
    assert hook.is_bot  # bot_message without a user: the bot_id is the author
    with ws.session() as s:
        assert s.scalar(select(func.count()).select_from(Activity).where(Activity.account_id == hook.id)) > 0
        assert sorted(s.scalars(select(Channel.external_id))) == ["C0JGLMMNX", "C0JL6CGQ2"]
        assert s.scalar(select(func.count()).select_from(MembershipEvent)) == 8
        reaction = s.execute(select(Reaction.emoji, Account.external_id).join(Account, Reaction.account_id == Account.id)).one()
    assert tuple(reaction) == ("botman", "U0BMYT2FL")
    reacted = act(ws, "C0JGLMMNX:1459154014.000018")
    assert reacted.reaction_count == 1 and reacted.created_at == dt.datetime(2016, 3, 28, 8, 33, 34, 18, tzinfo=UTC)
    assert act(ws, "C0JL6CGQ2:1459106048.000018").account_id == acc(ws, "U0BMS113R").id  # file_comment's commenter
    assert act(ws, "C0JL6CGQ2:1458972985.000010").edited_at == dt.datetime(2016, 3, 26, 8, 32, 14, tzinfo=UTC)
    assert acc(ws, "U0BMYT2FL").display_name == "Harry Potter"
    # its questions are listed as Slack shows them: "@Harry Potter: ...", not "<@U0BMYT2FL>: ..."
    from workbench.metrics import Filters
    from workbench.metrics.support import unanswered

    listed = unanswered(ws, Filters(start=dt.date(2016, 1, 1), end=dt.date(2016, 12, 31)))
    assert "@Harry Potter: Had a chance to read any more papers?" in set(listed["excerpt"])
    assert not listed["excerpt"].str.contains("<@|<http|&gt;", regex=True).any()


def test_slackdump_metadata_folder_members_and_channels(real, ws):
    ws.import_paths([real / "slack" / "slackdump" / "export-metadata"])
    assert acc(ws, "USLACKBOT").is_bot  # is_bot: false in users.json
    jira = acc(ws, "UNEERHWJJ")
    assert jira.is_bot and jira.is_deleted
    assert acc(ws, "UFCFJSRA8").is_staff and acc(ws, "UFCFJSRA8").email == "john.d@example.com"
    with ws.session() as s:
        deleted = s.scalars(select(Account.external_id).where(Account.is_deleted.is_(True), Account.is_bot.is_(False))).all()
        kinds = dict(s.execute(select(Channel.kind, func.count()).group_by(Channel.kind)).all())
    assert sorted(deleted) == ["UGTLW32F4", "UGTPCUB1R", "UHC8YKG2W", "UKW73CTS4"]  # deleted members are kept
    assert kinds == {"channel": 2, "dm": 8, "group_dm": 2}


def test_slackdump_thread_files_link_replies_across_files(real, ws):
    folder = real / "slack" / "slackdump" / "native-dump"
    ws.import_paths([folder / "converter_chan1_thread_1736478630.905399.json"])
    reply = act(ws, "converter_chan1:1736554746.482349")
    assert reply.parent_id is None and reply.parent_external_id == "converter_chan1:1736478630.905399"
    ws.import_paths([folder / "converter_chan1.json"])
    assert act(ws, "converter_chan1:1736554746.482349").parent_id == act(ws, "converter_chan1:1736478630.905399").id
    gone = acc(ws, "U0887G31L03")  # a deactivated account named only by its messages
    assert gone.placeholder and not gone.is_bot


def test_slackdump_dump_threads_and_tombstones(real, ws):
    ws.import_paths([real / "slack" / "slackdump" / "native-dump" / "CHY5HUESG.json"])
    parent = act(ws, "CHY5HUESG:1736478630.905399")
    assert act(ws, "CHY5HUESG:1736554746.482349").parent_id == parent.id
    orphan = act(ws, "CHY5HUESG:1736554838.911679")  # its parent is a tombstone, which is not an activity
    assert orphan.parent_external_id == "CHY5HUESG:1736554828.343759" and orphan.parent_id is None
    assert acc(ws, "U089AJ964TE").is_bot  # Polly: a bot with a user id and a bot_profile
    # No message names its workspace; a shared file's links do (files-pri/THY5HTZ8U-F…), and its
    # page the workspace's address, so that a message opens at itself, a reply in its thread.
    with ws.session() as s:
        assert s.execute(select(Source.external_id, Source.address)).all() == [("THY5HTZ8U", "sample.slack.com")]
    with ws.connect() as conn:
        links = links_of(conn, [parent.id, act(ws, "CHY5HUESG:1736554746.482349").id])
    assert links[parent.id].url == "https://sample.slack.com/archives/CHY5HUESG/p1736478630905399"
    assert links[act(ws, "CHY5HUESG:1736554746.482349").id].url == \
        "https://sample.slack.com/archives/CHY5HUESG/p1736554746482349?thread_ts=1736478630.905399&cid=CHY5HUESG"


def test_web_api_pages_together(real, ws):
    folder = real / "slack" / "perceval-webapi"
    result = ws.import_paths([folder])
    assert result.by_kind["activities"] == 9  # the pages overlap; each message once
    assert result.problem_count == 0
    assert sorted(p.file for p in result.notes) == ["slack_members1.json", "slack_members2.json",
                                                   "slack_user_U0004_private.json"]
    assert act(ws, "C011DUKE8:1486969200.000136").account_id == acc(ws, "B0001").id
    assert acc(ws, "bot:Owl Capone").is_bot
    assert acc(ws, "U0001").is_staff and acc(ws, "U0003").display_name == "dizquierdo"
    assert act(ws, "C011DUKE8:1427135740.000069").text == "¿vale?"
