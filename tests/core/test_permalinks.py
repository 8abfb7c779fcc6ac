"""Links to where an activity was written, made from the ids its export keeps; none where the export
does not hold enough, and never a link of a hostile id's making."""
from __future__ import annotations

import json

import pytest

from workbench.metrics import Filters
from workbench.metrics.support import unanswered
from workbench.permalinks import action, link_of
from workbench.workspace import Workspace


@pytest.mark.parametrize(("args", "url"), [
    (("discord", "1147000000000000001", "1100000000000000000", "1100000000000000100", "channel", None, None),
     "https://discord.com/channels/1100000000000000000/1100000000000000100/1147000000000000001"),
    # A direct message: DiscordChatExporter writes guild 0
    (("discord", "1147000000000000001", "0", "1100000000000000900", "dm", None, None),
     "https://discord.com/channels/@me/1100000000000000900/1147000000000000001"),
    # A supergroup of a Telegram Desktop export, and of the Bot API (which writes it -100…)
    (("telegram", "1712691810:249636", "1712691810", "1712691810", "channel", None, None),
     "https://t.me/c/1712691810/249636"),
    (("telegram", "-1001712691810:17", "-1001712691810", "-1001712691810", "channel", None, None),
     "https://t.me/c/1712691810/17"),
    (("github", "octo/repo#12", "octo/repo", "octo/repo", "repository", None, "issue"),
     "https://github.com/octo/repo/issues/12"),
    (("github", "octo/repo#13", "octo/repo", "octo/repo", "repository", None, "pull_request"),
     "https://github.com/octo/repo/pull/13"),
    (("github", "octo/repo#issuecomment-991", "octo/repo", "octo/repo", "repository", "octo/repo#12", "comment"),
     "https://github.com/octo/repo/issues/12#issuecomment-991"),
    (("stackexchange", "ai.stackexchange.com:321", "ai.stackexchange.com", "ai.stackexchange.com", "site", None,
      "question"), "https://ai.stackexchange.com/q/321"),
    (("stackexchange", "meta.superuser.com:9", "meta.superuser.com", "meta.superuser.com", "site", None,
      "question"), "https://meta.superuser.com/q/9"),
    (("stackexchange", "stackoverflow.com:77", "stackoverflow.com", "stackoverflow.com", "site",
      "stackoverflow.com:76", "answer"), "https://stackoverflow.com/a/77"),
    (("discourse", "4410", "discuss.example.org", "category:3", "category", None, "post"),
     "https://discuss.example.org/p/4410"),
    (("slack", "C011DUKE8:1486999900.000001", "T0001", "C011DUKE8", "channel", None, "message"),
     "https://slack.com/app_redirect?channel=C011DUKE8&team=T0001"),
])
def test_the_link_of_each_platform(args, url):
    platform, ext, source, channel, channel_kind, parent, kind = args
    link = link_of(platform, ext, source=source, channel=channel, channel_kind=channel_kind, parent=parent, kind=kind)
    assert link is not None and link.url == url


@pytest.mark.parametrize("args", [
    # Not enough in the export: a basic Telegram group or a private chat, a Stack Exchange dump whose
    # folder was renamed, a forum folder that is no address, a platform without web links
    ("telegram", "42:7", "42", "42", "private", None, None),
    ("telegram", "-42:7", "-42", "-42", "channel", None, None),
    ("stackexchange", "se-dump:321", "se-dump", "se-dump", "site", None, "question"),
    ("discourse", "4410", "discourse-pages", "category:3", "category", None, "post"),
    ("irc", "#ml:2024-03-01:17", "libera", "#ml", "channel", None, "message"),
    ("mattermost", "p8w1", "team", "town-square", "channel", None, "message"),
    # Hostile ids: nothing of theirs becomes a link
    ("discord", "1", "1", "javascript:alert(1)", "channel", None, None),
    ("discord", "1/../../evil", "1", "2", "channel", None, None),
    ("github", "evil.example/x?y=1#2", "x", "x", "repository", None, "issue"),
    ("github", "octo/repo#issuecomment-5", "octo/repo", "octo/repo", "repository", "other/repo#1", "comment"),
    ("stackexchange", "evil.example/phish:1", "x", "x", "site", None, "question"),
    ("stackexchange", "evil.example:1", "evil.example", "evil.example", "site", None, "question"),
    ("stackexchange", "stackoverflow.com.evil.example:1", "x", "x", "site", None, "question"),
    ("github", "../..#1", "x", "x", "repository", None, "issue"),
    ("stackexchange", "javascript:alert(1)", "x", "x", "site", None, "question"),
    ("discourse", "1", "evil.example/phish", "c", "category", None, "post"),
    ("slack", "C1:<script>", "T1", "C1", "channel", None, "message"),
])
def test_no_link_where_the_export_holds_too_little_or_an_id_is_not_the_platforms(args):
    platform, ext, source, channel, channel_kind, parent, kind = args
    assert link_of(platform, ext, source=source, channel=channel, channel_kind=channel_kind, parent=parent,
                   kind=kind) is None


def test_what_a_link_opens_is_said():
    assert action("discord", "https://discord.com/channels/1/2/3") == "Open in Discord"
    # A Slack export holds no workspace address: without one given, a Slack link opens the channel
    assert action("slack", "https://slack.com/app_redirect?channel=C1&team=T1") == "Open the channel in Slack"
    assert action("slack", "https://acme.slack.com/archives/C1/p1486999900000001") == "Open in Slack"


def test_a_slack_message_links_to_itself_once_the_workspaces_address_is_given():
    kw = dict(source="T0001", channel="C011DUKE8", channel_kind="channel", address="acme.slack.com")
    assert link_of("slack", "C011DUKE8:1486999900.000001", **kw).url == \
        "https://acme.slack.com/archives/C011DUKE8/p1486999900000001"
    # A thread's reply opens in its thread
    assert link_of("slack", "C011DUKE8:1486999990.000200", parent="C011DUKE8:1486999900.000001", **kw).url == \
        "https://acme.slack.com/archives/C011DUKE8/p1486999990000200?thread_ts=1486999900.000001&cid=C011DUKE8"


def test_an_unanswered_question_links_to_its_message(tmp_path):
    """Imported from a DiscordChatExporter file, a question nobody answered opens at its message:
    the guild, channel and message ids of the file."""
    export = {
        "guild": {"id": "1100000000000000000", "name": "AI Builders"},
        "channel": {"id": "1100000000000000101", "type": "GuildTextChat", "name": "help"},
        "messages": [{
            "id": "1147000000000000001", "type": "Default", "timestamp": "2024-03-01T10:00:00+01:00",
            "content": "How do I quantize a LoRA adapter?",
            "author": {"id": "1000000000000000001", "name": "nia", "isBot": False}}],
    }
    path = tmp_path / "AI Builders - help [1100000000000000101].json"
    path.write_text(json.dumps(export), encoding="utf-8")
    ws = Workspace.open(tmp_path / "w.db")
    try:
        ws.import_paths([path])
        frame = unanswered(ws, Filters())
        assert frame["excerpt"].tolist() == ["How do I quantize a LoRA adapter?"]
        assert frame["link"].tolist() == [
            "https://discord.com/channels/1100000000000000000/1100000000000000101/1147000000000000001"]
    finally:
        ws.close()
