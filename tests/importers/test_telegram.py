"""Telegram Desktop exports and saved Bot API pages (tests/data/telegram)."""
from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest
from sqlalchemy import select

from workbench.errors import ImportFailed
from workbench.importers import registry
from workbench.importers.telegram import LenientJson
from workbench.store.models import Account, Activity, Channel, MembershipEvent, Reaction, Source

DATA = Path(__file__).resolve().parent.parent / "data" / "telegram"
UTC = dt.timezone.utc


def act(ws, ext: str) -> Activity:
    with ws.session() as s:
        return s.scalars(select(Activity).where(Activity.platform == "telegram", Activity.external_id == ext)).one()


def acc(ws, ext: str) -> Account:
    with ws.session() as s:
        return s.scalars(select(Account).where(Account.platform == "telegram", Account.external_id == ext)).one()


def test_a_single_chat_export(ws):
    assert registry.sniff(DATA / "result.json").name == "telegram"
    result = ws.import_paths([DATA / "result.json"])
    assert result.by_kind["activities"] == 4 and result.by_kind["memberships"] == 1
    assert [p.position for p in result.problems] == ["chat Builders \u202eChat, message id 16"]
    with ws.session() as s:
        assert s.scalars(select(Source.name)).one() == "Builders \u202eChat"
        assert s.scalars(select(Channel.external_id)).one() == "1700000042"
        join = s.scalars(select(MembershipEvent)).one()
        assert join.at == dt.datetime(2024, 3, 1, 10, 0, tzinfo=UTC)


def test_date_unixtime_is_the_utc_instant(ws):
    ws.import_paths([DATA / "result.json"])
    # "date" says 2024-03-02T01:30:00 (the exporter's wall clock); the instant is the day before in UTC.
    assert act(ws, "1700000042:11").created_at == dt.datetime(2024, 3, 1, 23, 30, tzinfo=UTC)
    assert act(ws, "1700000042:12").edited_at == dt.datetime(2024, 3, 2, 0, 12, tzinfo=UTC)


def test_text_lists_invalid_escapes_replies_and_reactions(ws):
    ws.import_paths([DATA / "result.json"])
    reply = act(ws, "1700000042:12")
    assert reply.text == "yes, see https://example.org/docs \x01 ok"
    assert reply.parent_id == act(ws, "1700000042:11").id
    assert act(ws, "1700000042:14").text == "forwarded \\x41 stays literal"
    assert act(ws, "1700000042:11").reaction_count == 2
    with ws.session() as s:
        who = s.scalars(select(Account.external_id).join(Reaction, Reaction.account_id == Account.id)).one()
    assert who == "user500000002"


def test_a_stated_count_no_message_has_falls_back_to_who_reacted(ws, tmp_path):
    """A count no message has (2**40) is damage: the reactions listed are counted instead."""
    raw = (DATA / "result.json").read_text(encoding="utf-8")
    assert raw.count('"count": 2') == 1
    path = tmp_path / "result.json"
    path.write_text(raw.replace('"count": 2', f'"count": {2**40}'), encoding="utf-8")
    ws.import_paths([path])
    assert act(ws, "1700000042:11").reaction_count == 1  # the one reaction listed under "recent"


def test_from_null_is_a_deleted_account_kept_with_its_messages(ws):
    ws.import_paths([DATA / "result.json"])
    gone = acc(ws, "user500000003")
    assert gone.is_deleted and not gone.placeholder
    orphan = act(ws, "1700000042:13")
    assert orphan.account_id == gone.id
    assert orphan.parent_external_id == "1700000042:9" and orphan.parent_id is None


def test_the_same_file_twice_adds_nothing(ws):
    ws.import_paths([DATA / "result.json"])
    before = ws.counts()
    assert ws.import_paths([DATA / "result.json"]).added == 0
    again = ws.import_paths([DATA / "result.json"], options={"telegram": {"reread": True}})
    assert again.added == 0 and again.updated == 0
    assert ws.counts() == before


def test_a_full_account_export_brings_every_chat(ws):
    assert registry.sniff(DATA / "account_export.json").name == "telegram"
    result = ws.import_paths([DATA / "account_export.json"])
    assert result.by_kind["activities"] == 4 and result.by_kind["sources"] == 3
    assert act(ws, "500000002:2").parent_id == act(ws, "500000002:1").id
    assert acc(ws, "user600000001").is_bot  # the other side of a bot chat
    assert not acc(ws, "user500000001").is_bot
    assert act(ws, "42:7").created_at == dt.datetime(2023, 5, 1, 10, 0, tzinfo=UTC)


def test_an_export_folder_zipped_to_be_sent_reads_as_its_result_json(ws, tmp_path):
    """People zip the export's folder to send it (ChatExport_2024-03-02.zip): the zip is read as
    its result.json, and its attachments (a JSON file sent in the chat among them) are part of it.
    A zip of a chat and a whole account's export reads both."""
    import zipfile

    from workbench.workspace import Workspace

    alone = Workspace.open(tmp_path / "alone.db")
    try:
        alone.import_paths([DATA / "result.json", DATA / "account_export.json"])
        expected = alone.counts()
    finally:
        alone.close()
    archive = tmp_path / "ChatExport_2024-03-02.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.write(DATA / "result.json", "ChatExport_2024-03-02/result.json")
        zf.writestr("ChatExport_2024-03-02/photos/photo_1@02-03-2024_01-30-00.jpg", b"\xff\xd8\xff\xe0" + b"\x00" * 64)
        zf.writestr("ChatExport_2024-03-02/files/eval-config.json", '{"model": "acme-7b", "shots": 5}')
        zf.write(DATA / "account_export.json", "DataExport_2024-03-02/result.json")
    assert registry.sniff(archive).name == "telegram"
    result = ws.import_paths([archive])
    assert ws.counts() == expected
    assert [(p.file, p.position) for p in result.problems] == [(archive.name, "chat Builders \u202eChat, message id 16")]
    assert result.notes == []
    assert ws.import_paths([archive]).added == 0 and ws.counts() == expected
    # A zip holding another export beside the chat is not the chat's: it is refused with what to do.
    mixed = tmp_path / "client.zip"
    with zipfile.ZipFile(mixed, "w") as zf:
        zf.write(DATA / "result.json", "telegram/result.json")
        zf.writestr("notes/members.csv", "id,name\n1,Ana\n")
    assert registry.sniff(mixed) is None


def test_a_whole_account_export_folder_keeps_what_was_sent_in_its_chats(ws, tmp_path):
    """Telegram Desktop puts a whole account's attachments in chats/chat_001/files/... and its
    pictures in profile_pictures/: what people sent there (a member list, a spreadsheet) is part of
    the export, not read as an export of its own."""
    import shutil

    export = tmp_path / "DataExport_2024-03-02"
    (export / "chats" / "chat_001" / "files").mkdir(parents=True)
    (export / "profile_pictures").mkdir()
    shutil.copy(DATA / "account_export.json", export / "result.json")
    shutil.copy(DATA.parent / "slack" / "export" / "users.json", export / "chats" / "chat_001" / "files" / "users.json")
    (export / "chats" / "chat_001" / "files" / "signups.csv").write_text("Full name,Team\nAda,ML\n", encoding="utf-8")
    (export / "profile_pictures" / "photo_1@01-03-2024_10-00-00.jpg").write_bytes(b"\xff\xd8\xff\xe0" + bytes(64))
    result = ws.import_paths([export])
    assert [i[1] for i in result.inputs] == ["Telegram Desktop export (result.json)"]
    assert [(n.file, n.position, n.message) for n in result.notes] == [(
        "result.json", "attachments", "3 files sent in the chat (chats/, profile_pictures/), which the exporter "
                                      "downloaded with it; not read.")]
    assert {a for (a,) in _platforms(ws)} == {"telegram"}  # no Slack member came from the list sent in a chat


def _platforms(ws):
    with ws.session() as s:
        return s.execute(select(Account.platform).distinct()).all()


FORUM = {"name": "LLM Builders", "type": "public_supergroup", "id": 1987654321, "messages": [
    {"id": 5, "type": "service", "date": "2024-03-01T10:00:00", "date_unixtime": "1709287200", "actor": "Ben",
     "actor_id": "user102", "action": "topic_created", "title": "How do I fine-tune on 8 GB?", "text": ""},
    {"id": 6, "type": "message", "date_unixtime": "1709287260", "from": "Ben", "from_id": "user102",
     "reply_to_message_id": 5, "text": "I have a 3060 and a 7B model"},
    {"id": 7, "type": "message", "date_unixtime": "1709289060", "from": "Ana", "from_id": "user101",
     "reply_to_message_id": 5, "text": "Use QLoRA with 4-bit weights."},
    {"id": 8, "type": "message", "date_unixtime": "1709289600", "from": "Ben", "from_id": "user102",
     "reply_to_message_id": 7, "text": "Thanks, that works"},
    {"id": 9, "type": "service", "date_unixtime": "1709289700", "actor": "Ana", "actor_id": "user101",
     "action": "pin_message", "message_id": 7, "text": ""}]}


def _answered(ws) -> dict[str, str | None]:
    """Each question's first answer, as the support figures see it."""
    import pandas as pd

    from workbench.metrics.support import question_responses

    frame = question_responses(ws)
    return {ext: None if pd.isna(at) else at.isoformat() for ext, at in zip(frame["external_id"],
                                                                           frame["first_response_at"])}


def test_a_forum_topic_is_a_thread_whose_question_its_answers_answer(ws, tmp_path):
    """Telegram writes each message of a forum topic as a reply to the topic's creation: the topic
    is the thread's opening (by whoever created it, its title as its text), so a topic asked as a
    question is answered by the first other person who writes in it."""
    import json

    path = tmp_path / "result.json"
    path.write_text(json.dumps(FORUM), encoding="utf-8")
    result = ws.import_paths([path])
    assert result.by_kind["activities"] == 4 and result.problems == []  # the topic and its 3 messages; no pin
    topic = act(ws, "1987654321:5")
    assert (topic.kind, topic.text, topic.parent_id) == ("topic", "How do I fine-tune on 8 GB?", None)
    assert topic.account_id == acc(ws, "user102").id
    assert act(ws, "1987654321:6").parent_id == topic.id and act(ws, "1987654321:8").root_id == topic.id
    # Ben's own first message does not answer his question; Ana's, half an hour after it, does.
    assert _answered(ws) == {"1987654321:5": "2024-03-01T10:31:00+00:00"}


def test_bot_api_forum_topics_and_service_messages(ws, tmp_path):
    """The same in saved getUpdates pages: forum_topic_created opens the topic, and a pin, a new
    title or a video chat is no activity of anyone's."""
    import json

    chat = {"id": -1001987654321, "title": "LLM Builders", "type": "supergroup", "is_forum": True}
    ben, ana = {"id": 102, "first_name": "Ben"}, {"id": 101, "first_name": "Ana"}
    created = {"message_id": 5, "date": 1709287200, "chat": chat, "from": ben, "message_thread_id": 5,
               "forum_topic_created": {"name": "How do I fine-tune on 8 GB?", "icon_color": 7322096}}
    updates = [
        {"update_id": 1, "message": created},
        {"update_id": 2, "message": {"message_id": 7, "date": 1709289060, "chat": chat, "from": ana,
                                     "message_thread_id": 5, "is_topic_message": True,
                                     "reply_to_message": created, "text": "Use QLoRA with 4-bit weights."}},
        {"update_id": 3, "message": {"message_id": 9, "date": 1709289700, "chat": chat, "from": ana,
                                     "pinned_message": {"message_id": 7, "date": 1709289060, "chat": chat}}},
        {"update_id": 4, "message": {"message_id": 10, "date": 1709289800, "chat": chat, "from": ana,
                                     "new_chat_title": "LLM Builders (EU)"}}]
    path = tmp_path / "updates.json"
    path.write_text(json.dumps({"ok": True, "result": updates}), encoding="utf-8")
    result = ws.import_paths([path])
    assert result.by_kind["activities"] == 2 and result.skipped == 2
    topic = act(ws, "1987654321:5")
    assert (topic.kind, topic.text, topic.parent_id) == ("topic", "How do I fine-tune on 8 GB?", None)
    assert act(ws, "1987654321:7").parent_id == topic.id
    assert _answered(ws) == {"1987654321:5": "2024-03-01T10:31:00+00:00"}


def test_bot_api_updates_map_onto_desktop_identities(ws):
    assert registry.sniff(DATA / "getupdates.json").name == "telegram-botapi"
    ws.import_paths([DATA / "result.json"])
    result = ws.import_paths([DATA / "getupdates.json"])
    assert result.by_kind["activities"] == 2 and result.by_kind["memberships"] == 1
    assert [p.position for p in result.problems] == ["update 4"]
    assert act(ws, "1700000042:31").account_id == acc(ws, "user500000001").id  # the same member as the export's
    assert act(ws, "1700000042:32").parent_id == act(ws, "1700000042:31").id
    assert acc(ws, "user777").is_bot and acc(ws, "user777").handle == "helper_bot"
    assert act(ws, "1700000042:31").created_at == dt.datetime(2016, 6, 30, 12, 22, 5, tzinfo=UTC)


def test_a_truncated_export_is_one_clear_error(ws, tmp_path):
    cut = tmp_path / "result.json"
    cut.write_bytes((DATA / "result.json").read_bytes()[:1500])
    with pytest.raises(ImportFailed) as err:
        ws.import_paths([cut])
    assert str(err.value).startswith("result.json") and "truncated" in str(err.value)
    assert ws.counts()["activities"] == 0


def test_deep_nesting_is_refused_before_the_parser_sees_it(ws, tmp_path):
    deep = tmp_path / "result.json"
    deep.write_text('{"name": "x", "type": "private_group", "id": 1, "messages": [{"id": 1, "type": "message", '
                    '"date_unixtime": "1", "from_id": "user1", "text": ' + "[" * 200000 + "]" * 200000 + "}]}")
    with pytest.raises(ImportFailed, match=r"^result\.json: the JSON is nested more than 256 levels deep"):
        ws.import_paths([deep])


def test_brackets_and_quotes_inside_text_are_not_nesting(ws, tmp_path):
    text = '[{\\"' * 3000 + '\\\\' + "]" * 10
    path = tmp_path / "result.json"
    path.write_text('{"name": "x", "type": "private_group", "id": 1, "messages": [{"id": 1, "type": "message", '
                    f'"date_unixtime": "1700000000", "from_id": "user1", "text": "{text}"}}]}}')
    ws.import_paths([path])
    assert act(ws, "1:1").text == '[{"' * 3000 + "\\" + "]" * 10


@pytest.mark.parametrize("chunk", [1, 2, 3, 5, 7])
def test_escapes_split_across_reads_are_rewritten_once(chunk):
    raw = b'"a\\x01b\\\\x41c\\\\\\x7f"'

    class Trickle(io.BytesIO):
        def read(self, size=-1):
            return super().read(chunk)

    out = b""
    reader = LenientJson(Trickle(raw))
    while data := reader.read(64):
        out += data
    assert out == b'"a\\u0001b\\\\x41c\\\\\\u007f"'


def test_what_an_import_must_ask_is_asked_before_anything_is_read(ws, tmp_path, exports_folder, chat_message):
    """The zone of an older Telegram export's clock times, and the columns of a new CSV, stopped
    the import where they were met: the exports before them were read first, then read again once
    the question was answered (a client's folder with a large Slack export read twice)."""
    from workbench.importers.csvfile import NeedsCsvMapping
    from workbench.importers.telegram import NeedsTelegramZone

    channel = tmp_path / "general.json"
    channel.write_bytes((DATA.parent / "discord" / "guild" /
                         "Makers - Chat - general [900000000000000100].json").read_bytes())
    older = exports_folder(messages=[chat_message(0, "Nia", "hello", utc=False)])
    said: list[str] = []
    with pytest.raises(NeedsTelegramZone) as asked:
        ws.import_paths([channel, older], options={"telegram": {"ask_zone": True}},
                        progress=lambda fraction, message: said.append(message))
    assert asked.value.file == "result.json" and asked.value.first == dt.datetime(2024, 3, 2, 1, 30)
    assert not [m for m in said if m.startswith(("Reading", "Checking"))], said  # general.json was not read
    sheet = tmp_path / "people.csv"
    sheet.write_text("who,when\nNia,2024-03-02\n", encoding="utf-8")
    with pytest.raises(NeedsCsvMapping):
        ws.import_paths([channel, sheet], progress=lambda fraction, message: said.append(message))
    assert not [m for m in said if m.startswith(("Reading", "Checking"))], said
    assert ws.counts()["import_runs"] == 0

    # Imported before byte for byte, the export is not asked about again: it is not read.
    ws.import_paths([older], options={"telegram": {"timezone": "Europe/Athens"}})
    result = ws.import_paths([older], options={"telegram": {"ask_zone": True}})
    assert result.run_id is None and ws.counts()["activities"] == 1


def test_a_long_chat_read_by_blocks_mends_an_invalid_escape_far_into_it(ws, tmp_path, monkeypatch):
    """A chat is read a block of messages at a time; the block that holds tdesktop's invalid
    ``\\xNN`` escape, and the rest after it, are read by the lenient reader, which mends it: every
    message is there, in order, with its text as the other escapes would have it."""
    from workbench.importers import jsonstream

    monkeypatch.setattr(jsonstream, "HEAD", 2000)
    monkeypatch.setattr(jsonstream, "BLOCK", 2000)
    lines = [f'  {{"id": {i}, "type": "message", "date": "2024-03-01T10:00:00", "date_unixtime": "{1709287200 + i}", '
             f'"from": "Nia", "from_id": "user1", "text": "message {i}"}}' for i in range(1, 301)]
    lines[249] = lines[249].replace('"message 250"', '"message 250 \\x41\\x01"')  # as tdesktop writes it
    path = tmp_path / "result.json"
    path.write_text('{\n "name": "Builders",\n "type": "public_supergroup",\n "id": 42,\n "messages": [\n'
                    + ",\n".join(lines) + "\n ]\n}\n", encoding="utf-8")
    result = ws.import_paths([path])
    assert result.by_kind["activities"] == 300 and not result.problems
    assert act(ws, "42:250").text == "message 250 A\x01"
    with ws.connect() as conn:
        assert conn.exec_driver_sql("SELECT text FROM activity ORDER BY created_at").scalars().all() == [
            "message 250 A\x01" if i == 250 else f"message {i}" for i in range(1, 301)]
