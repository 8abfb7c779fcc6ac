"""DiscordChatExporter HTML, the exporter's default format: on tests/data/discord/html, a page
written as the exporter's template writes one (a join, a group of two messages, a reply, an
embed, a bot, a pin, a deleted user and a name with markup)."""
from __future__ import annotations

import datetime as dt
import json
import shutil
import zipfile
from pathlib import Path

import pytest

from workbench.errors import ImportFailed
from workbench.importers import registry
from workspace_rows import rows

DATA = Path(__file__).resolve().parent.parent / "data" / "discord"
PAGE = DATA / "html" / "Makers - Chat - help [900000000000000300].html"
UTC = dt.timezone.utc
QUESTION, FOLLOW_UP, ANSWER, BOT, OLDER_REPLY, MARKUP = (
    "1212928544997376000", "1212928837550080000", "1212929802240000000", "1212930305556480000",
    "1212949934899200000", "1212950186557440000")


def messages(ws) -> dict[str, tuple]:
    return {r[0]: r[1:] for r in rows(ws, """
        SELECT a.external_id, a.created_at, acc.external_id, a.kind, a.text, a.reaction_count, a.parent_external_id,
               p.external_id, c.external_id, s.external_id
        FROM activity a JOIN account acc ON acc.id = a.account_id JOIN channel c ON c.id = a.channel_id
        LEFT JOIN activity p ON p.id = a.parent_id LEFT JOIN source s ON s.id = a.source_id""")}


def at(value) -> dt.datetime:  # noqa: ANN001 - as the database gives it
    return dt.datetime.fromisoformat(str(value)).replace(tzinfo=UTC)


def test_a_page_gives_the_messages_people_and_replies_its_json_would(ws):
    assert registry.sniff(PAGE).name == "discord-html"
    result = ws.import_paths([PAGE])
    assert result.problem_count == 0, result.problems
    assert result.skipped == 1  # the pin is no one's message
    got = messages(ws)
    assert sorted(got) == sorted([QUESTION, FOLLOW_UP, ANSWER, BOT, OLDER_REPLY, MARKUP])
    # Times are the ids' (UTC, to the millisecond), not the page's "3/1/2024 8:05 AM" in the exporter's zone.
    assert at(got[QUESTION][0]) == dt.datetime(2024, 3, 1, 1, 5, 0, 250000, tzinfo=UTC)
    assert at(got[FOLLOW_UP][0]) == dt.datetime(2024, 3, 1, 1, 6, 10, tzinfo=UTC)
    # The group's second message is the first one's author's; its text is what a reader sees.
    assert got[FOLLOW_UP][1:4] == ("700000000000000004", "message", "Is it a question for @Ben?")
    assert got[QUESTION][3:5] == ("How do I flash the board? 🤔", 5)  # 👍 3 and party 2
    assert got[ANSWER][2:4] == ("reply", "Hold BOOT and press RESET.")  # the embed's text is not the message's
    assert got[ANSWER][5:7] == (QUESTION, QUESTION)  # linked to the question in the page
    assert got[OLDER_REPLY][2] == "reply" and got[OLDER_REPLY][5:7] == ("1100000000000000999", None)  # kept for later
    assert got[MARKUP][3] == "<b>not bold</b> & =SUM(A1)"  # stored as written, never interpreted
    assert {g[7] for g in got.values()} == {"900000000000000300"} and {g[8] for g in got.values()} == {
        "900000000000000001"}  # the channel from the file name, the server from its icon's address
    assert rows(ws, "SELECT external_id, name, kind FROM channel") == [("900000000000000300", "help", "channel")]
    assert rows(ws, "SELECT external_id, name FROM source") == [("900000000000000001", "Makers")]
    accounts = {r[0]: r[1:] for r in rows(ws, "SELECT external_id, handle, display_name, is_bot, is_deleted, joined_at "
                                              "FROM account")}
    assert accounts["700000000000000009"][:4] == ("ci-bot#1234", "ci-bot", 1, 0)  # "BOT" after the name
    assert accounts["700000000000000003"][3] == 1  # a deleted user is kept, flagged
    assert accounts["700000000000000005"][1] == "<script>alert(1)</script> \u202eevil\u202c"
    assert at(accounts["700000000000000004"][4]) == dt.datetime(2024, 3, 1, 1, 0, tzinfo=UTC)  # "joined the server."
    assert rows(ws, "SELECT acc.external_id, m.kind FROM membership_event m JOIN account acc ON acc.id = m.account_id"
                ) == [("700000000000000004", "join")]


def test_the_same_page_again_and_then_the_channels_json_add_nothing_twice(ws, tmp_path):
    ws.import_paths([PAGE])
    before = ws.counts()
    same = ws.import_paths([PAGE])  # byte for byte the page imported before: not read again
    assert (same.read, same.added) == (0, 0) and [n.message for n in same.notes] == [
        "identical to the file imported in run 1; nothing new to read."]
    again = ws.import_paths([PAGE], options={"discord-html": {"reread": True}})
    assert again.read == 15 and (again.added, again.updated) == (0, 0) and ws.counts() == before
    # Exported again as JSON, the channel's messages are the same messages: their ids are the page's.
    channel = {"id": "900000000000000300", "type": "GuildTextChat", "category": "Chat", "name": "help"}
    author = {"id": "700000000000000002", "name": "ben", "discriminator": "0000", "nickname": "Ben", "isBot": False}
    export = {"guild": {"id": "900000000000000001", "name": "Makers"}, "channel": channel, "messages": [
        {"id": ANSWER, "type": "Reply", "timestamp": "2024-03-01T08:10:00+07:00",
         "content": "Hold BOOT and press RESET.", "author": author, "reference": {"messageId": QUESTION}},
        {"id": "1212960000000000000", "type": "Default", "timestamp": "2024-03-01T10:09:00+07:00",
         "content": "Did it work?", "author": author}]}
    json_file = tmp_path / "Makers - Chat - help [900000000000000300].json"
    json_file.write_text(json.dumps(export), encoding="utf-8")
    later = ws.import_paths([json_file])
    assert later.by_kind.get("activities") == 1 and ws.counts()["activities"] == before["activities"] + 1
    assert ws.counts()["accounts"] == before["accounts"]
    assert rows(ws, "SELECT external_id FROM channel") == [("900000000000000300",)]
    assert rows(ws, "SELECT external_id FROM source") == [("900000000000000001",)]


def test_a_page_cut_short_is_one_sentence_and_leaves_the_workspace_as_it_was(ws, tmp_path):
    data = PAGE.read_bytes()
    cut = tmp_path / PAGE.name
    cut.write_bytes(data[: data.index(b"Hold BOOT")])
    with pytest.raises(ImportFailed) as err:
        ws.import_paths([cut])
    assert str(err.value).startswith(f"{cut.name}, whole file: the page ends after message 4 without its closing "
                                     "lines (</html>); the file was cut short"), str(err.value)
    assert ws.counts()["activities"] == 0 and ws.counts()["accounts"] == 0


OLDER_PAGE = """<!DOCTYPE html>
<html lang="en">
<head><title>Makers - help</title>
<style>.chatlog__message-group { display: grid; } .chatlog__bot-tag { margin-left: 0.3em; }</style>
</head>
<body>
<div class="preamble">
    <div class="preamble__guild-icon-container"><img class="preamble__guild-icon" src="media/icon.png" alt="Guild icon"></div>
    <div class="preamble__entries-container">
        <div class="preamble__entry">Makers</div>
        <div class="preamble__entry">Chat / help</div>
    </div>
</div>
<div class="chatlog">
<div class="chatlog__message-group">
    <div class="chatlog__reference-symbol"></div>
    <div class="chatlog__reference">
        <img class="chatlog__reference-avatar" src="media/c.png" alt="Avatar">
        <span class="chatlog__reference-name" title="cleo">Cleo</span>
        <div class="chatlog__reference-content">
            <span class="chatlog__reference-link" onclick="scrollToMessage(event, '1212928544997376000')">How do I flash the board?</span>
        </div>
    </div>
    <div class="chatlog__author-avatar-container"><img class="chatlog__author-avatar" src="media/b.png" alt="Avatar"></div>
    <div class="chatlog__messages">
        <span class="chatlog__author-name" title="ben#1234" data-user-id="700000000000000002">Ben</span>
        <span class="chatlog__bot-tag">BOT</span>
        <span class="chatlog__timestamp">01-Mar-24 08:10 AM</span>
        <div class="chatlog__message " data-message-id="1212929802240000000" id="message-1212929802240000000">
            <div class="chatlog__content">
                <div class="markdown"><span class="preserve-whitespace">Hold BOOT and press RESET.</span></div>
            </div>
        </div>
        <div class="chatlog__message " data-message-id="1212930305556480000" id="message-1212930305556480000">
            <div class="chatlog__content">
                <div class="markdown"><span class="preserve-whitespace">Then flash again.</span>
                <span class="chatlog__edited-timestamp" title="01-Mar-24 08:13 AM">(edited)</span></div>
            </div>
        </div>
    </div>
</div>
</div>
<div class="postamble"><div class="postamble__entry">Exported 2 message(s)</div></div>
</body>
</html>
"""


def test_an_older_page_with_the_author_and_reply_before_the_groups_messages(ws, tmp_path):
    """Older versions of the exporter write the reply and the author once, before the group's
    messages; the server is found by its name in the workspace when its icon was downloaded."""
    ws.import_paths([PAGE])
    older = tmp_path / "Makers - Chat - help [900000000000000300] (after 2024-03-01) [part 2].html"
    older.write_text(OLDER_PAGE.replace("1212930305556480000", "1212970000000000000"), encoding="utf-8")
    assert registry.sniff(older).name == "discord-html"
    result = ws.import_paths([older])
    assert result.problem_count == 0, result.problems
    got = messages(ws)
    assert got["1212970000000000000"][1:4] == ("700000000000000002", "message", "Then flash again.")
    assert got[ANSWER][2] == "reply" and got[ANSWER][5] == QUESTION  # the reply is the group's first message's
    assert got["1212970000000000000"][7:9] == ("900000000000000300", "900000000000000001")
    assert rows(ws, "SELECT is_bot FROM account WHERE external_id = '700000000000000002'") == [(1,)]


def test_pages_zipped_are_read_and_a_page_beside_its_json_is_its_copy_for_reading(ws, tmp_path):
    zipped = tmp_path / "makers-html.zip"
    with zipfile.ZipFile(zipped, "w") as zf:
        zf.write(PAGE, f"Makers/{PAGE.name}")
    assert registry.sniff(zipped).name == "discord-html"
    assert ws.import_paths([zipped]).by_kind.get("activities") == 6

    both = tmp_path / "both"
    shutil.copytree(DATA / "guild", both)
    general = next(both.glob("*general*.json"))
    shutil.copy(PAGE, both / f"{general.stem}.html")  # the exporter's two formats of one channel
    assert registry.sniff(both / f"{general.stem}.html") is None  # its JSON is read instead
    result = ws.import_paths([both])
    assert any(p.message == f"DiscordChatExporter's HTML export, the copy for reading of {general.name}, which is "
                            "read; skipped." for p in result.notes), result.notes


def test_a_transcript_in_the_exporters_style_without_ids_is_said_not_read(ws, tmp_path):
    """Bots that keep a ticket's transcript write pages in the exporter's style; one whose messages
    carry no Discord id cannot give their times or their authors, and says so."""
    page = OLDER_PAGE.replace(' data-message-id="1212929802240000000" id="message-1212929802240000000"', "")
    page = page.replace(' data-message-id="1212930305556480000" id="message-1212930305556480000"', "")
    transcript = tmp_path / "transcript-1234.html"
    transcript.write_text(page, encoding="utf-8")
    result = ws.import_paths([transcript])
    assert [(p.position, p.message) for p in result.problems] == [(
        "whole file", "the page's 2 messages carry no Discord ids (it looks like a transcript another tool wrote in "
        "the exporter's style); none was read.")]
    assert ws.counts()["activities"] == 0

    with_ids = tmp_path / "transcript-1235.html"  # the element's own id names the message
    with_ids.write_text(OLDER_PAGE.replace(' data-message-id="1212929802240000000"', ""), encoding="utf-8")
    assert ws.import_paths([with_ids]).by_kind.get("activities") == 2


TRANSCRIPT = """<!DOCTYPE html>
<html lang="en">
<head><title>ticket-0042</title><style>.chatlog__message-group { display: grid; }</style></head>
<body>
<div class="chatlog">
<div class="chatlog__message-group">
    <div id="chatlog__message-container-1212929802240000000" class="chatlog__message-container" data-message-id="1212929802240000000">
        <div class="chatlog__message">
            <div class="chatlog__message-aside"><img class="chatlog__avatar" src="b.png" data-user-id="700000000000000002" /></div>
            <div class="chatlog__message-primary">
                <div class="chatlog__header">
                    <span class="chatlog__author-name" title="ben" data-user-id="700000000000000002">Ben</span>
                    <span class="chatlog__bot-label">BOT</span>
                    <span class="chatlog__timestamp" data-timestamp="Friday, 1 March 2024 01:10">01/03/2024 01:10</span>
                </div>
                <div class="chatlog__content chatlog__markdown" data-message-id="1212929802240000000" id="message-1212929802240000000">
                    <span class="chatlog__markdown-preserve">Ticket opened: <strong>flashing</strong></span>
                </div>
            </div>
        </div>
    </div>
</div>
</div>
</body>
</html>
"""


def test_a_transcript_that_names_each_message_twice_reads_it_once_with_its_text(ws, tmp_path):
    """Transcript tools in the exporter's style put the message's id on its text too; older pages
    of the exporter call the bot's tag "chatlog__bot-label"."""
    transcript = tmp_path / "ticket-0042.html"
    transcript.write_text(TRANSCRIPT, encoding="utf-8")
    result = ws.import_paths([transcript])
    assert result.problem_count == 0, result.problems
    assert rows(ws, "SELECT a.external_id, a.text, acc.external_id, acc.is_bot FROM activity a "
                    "JOIN account acc ON acc.id = a.account_id") == [
        ("1212929802240000000", "Ticket opened: flashing", "700000000000000002", 1)]
