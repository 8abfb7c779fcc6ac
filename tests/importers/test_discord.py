"""DiscordChatExporter JSON and CSV, on the hand-written exports in tests/data/discord."""
from __future__ import annotations

import datetime as dt
import json
import shutil
import zipfile

import pytest

from workbench.errors import ImportFailed
from workbench.history import import_runs
from workbench.importers import registry
from workspace_rows import rows

DATA = __import__("pathlib").Path(__file__).resolve().parent.parent / "data" / "discord"
GUILD = DATA / "guild"
GENERAL = GUILD / "Makers - Chat - general [900000000000000100].json"
CSV = DATA / "Makers - Chat - general [900000000000000100].csv"
UTC = dt.timezone.utc
SENT_TO_MEDIA = "2 files sent in the chat (media/), which the exporter downloaded with it; not read."


def one(ws, sql: str, **params):
    got = rows(ws, sql, **params)
    assert len(got) == 1, got
    return got[0]


def when(ws, ext: str) -> dt.datetime:
    value = one(ws, "SELECT created_at FROM activity WHERE platform='discord' AND external_id=:e", e=ext)[0]
    return dt.datetime.fromisoformat(str(value)).replace(tzinfo=UTC)


def test_a_folder_of_channel_and_thread_files_is_one_input(ws):
    assert registry.sniff(GUILD).name == "discord-json"
    result = ws.import_paths([GUILD])
    assert result.problem_count == 0, result.problems  # the media file beside the exports is not a problem
    assert result.skipped == 2  # ThreadCreated and ChannelPinnedMessage are not activities
    assert rows(ws, "SELECT external_id, name, kind, parent_external_id FROM channel ORDER BY external_id") == [
        ("900000000000000100", "general", "channel", None),
        ("900000000000000200", "flashing help", "thread", "900000000000000100")]
    assert rows(ws, "SELECT s.external_id, s.name FROM source s") == [("900000000000000001", "Makers")]
    assert ws.counts()["activities"] == 5  # 6 messages with one id written twice


def test_local_offsets_become_utc_and_the_snowflake_is_the_fallback(ws):
    ws.import_paths([GUILD])
    assert when(ws, "1215000000000000002") == dt.datetime(2024, 3, 1, 1, 5, 0, 123456, tzinfo=UTC)
    assert when(ws, "1215000000000000101") == dt.datetime(2024, 3, 1, 2, 30, tzinfo=UTC)
    # no timestamp at all: (id >> 22) + the Discord epoch
    expected = dt.datetime(1970, 1, 1, tzinfo=UTC) + dt.timedelta(milliseconds=(1215000000000000005 >> 22) + 1420070400000)
    assert abs(when(ws, "1215000000000000005") - expected) < dt.timedelta(milliseconds=1)
    edited = one(ws, "SELECT edited_at FROM activity WHERE external_id='1215000000000000002'")[0]
    assert str(edited).startswith("2024-03-01 01:06:00")


def test_replies_link_to_parents_and_keep_parents_outside_the_file(ws):
    ws.import_paths([GUILD])
    reply = one(ws, """SELECT a.kind, p.external_id FROM activity a JOIN activity p ON p.id = a.parent_id
                       WHERE a.external_id = '1215000000000000003'""")
    assert reply == ("reply", "1215000000000000002")
    assert one(ws, "SELECT parent_external_id, parent_id FROM activity WHERE external_id='1215000000000000004'") == \
        ("1100000000000000999", None)


def test_accounts_flags_and_names_stored_exactly(ws):
    ws.import_paths([GUILD])
    got = {r[0]: r[1:] for r in rows(ws, "SELECT external_id, handle, display_name, is_bot, is_staff, is_deleted FROM account")}
    assert got["700000000000000001"] == ("ana", "Ana \u202eevil\u202c\u200b <b>x</b>", 0, 0, 0)
    assert got["700000000000000002"] == ("ben", "Ben", 0, 1, 0)  # role "Moderators"
    assert got["700000000000000003"][1:] == ("Deleted User", 0, 0, 1)
    assert got["700000000000000009"] == ("ci-bot#1234", "ci-bot", 1, 0, 0)


def test_reactions_count_wins_over_the_users_listed(ws):
    ws.import_paths([GUILD])
    assert one(ws, "SELECT reaction_count FROM activity WHERE external_id='1215000000000000002'") == (5,)
    assert rows(ws, """SELECT acc.external_id, r.emoji FROM reaction r JOIN account acc ON acc.id = r.account_id""") == [
        ("700000000000000002", "\U0001F44D")]


def test_member_join_is_a_membership_event_not_an_activity(ws):
    ws.import_paths([GUILD])
    assert rows(ws, """SELECT acc.external_id, m.kind, m.at, m.channel_id FROM membership_event m
                       JOIN account acc ON acc.id = m.account_id""") == [
        ("700000000000000001", "join", "2024-03-01 01:00:00.500000", None)]
    assert rows(ws, "SELECT 1 FROM activity WHERE external_id='1215000000000000001'") == []


def test_group_dm_recipient_add_and_calls(ws):
    result = ws.import_paths([DATA / "dm.json"])
    assert result.skipped == 1  # the call
    assert rows(ws, "SELECT external_id, name FROM source") == [("0", "Direct Messages")]
    assert rows(ws, "SELECT kind FROM channel") == [("group_dm",)]
    assert rows(ws, """SELECT acc.display_name, m.kind, c.external_id FROM membership_event m
                       JOIN account acc ON acc.id = m.account_id JOIN channel c ON c.id = m.channel_id""") == [
        ("Cleo", "join", "800000000000000001")]
    assert when(ws, "1215000000000000203") == dt.datetime(2024, 3, 2, 14, 2, tzinfo=UTC)  # -04:00


def test_importing_again_adds_nothing_and_a_later_export_adds_only_news_and_edits(ws, tmp_path):
    ws.import_paths([GUILD])
    before = ws.counts()
    again = ws.import_paths([GUILD])
    assert (again.added, again.updated) == (0, 0)
    assert ws.counts() == before
    doc = json.loads(GENERAL.read_text(encoding="utf-8"))
    doc["messages"][1]["content"] = "How do I flash the board? (edited)"
    doc["messages"][1]["timestampEdited"] = "2024-03-02T08:00:00+07:00"
    new = dict(doc["messages"][2], id="1215000000000000099", content="a new message")
    doc["messages"].append(new)
    later = tmp_path / "later.json"
    later.write_text(json.dumps(doc), encoding="utf-8")
    result = ws.import_paths([later])
    assert result.by_kind.get("activities") == 1
    assert ws.counts()["activities"] == before["activities"] + 1
    assert one(ws, "SELECT text FROM activity WHERE external_id='1215000000000000002'") == \
        ("How do I flash the board? (edited)",)


def test_a_folder_read_again_reads_only_the_files_that_changed(ws, tmp_path):
    folder = tmp_path / "guild"
    shutil.copytree(GUILD, folder)
    ws.import_paths([folder])
    before = ws.counts()
    again = ws.import_paths([folder])
    assert (again.added, again.updated, again.read) == (0, 0, 0)  # neither channel file is read again
    assert [p.message for p in again.notes] == [
        "2 files identical to what run 1 imported; nothing new to read in them.", SENT_TO_MEDIA]
    assert (again.problems, again.problem_count) == ([], 0)  # a file left alone is said, not a problem
    assert ws.counts() == before
    general = folder / GENERAL.name
    doc = json.loads(general.read_text(encoding="utf-8"))
    doc["messages"].append(dict(doc["messages"][2], id="1215000000000000099", content="a new message"))
    general.write_text(json.dumps(doc), encoding="utf-8")
    later = ws.import_paths([folder])
    assert later.by_kind.get("activities") == 1
    assert [p.message for p in later.notes] == ["1 file identical to what run 1 imported; nothing new to read in them.",
                                                SENT_TO_MEDIA]
    assert (later.problems, later.problem_count) == ([], 0)
    assert import_runs(ws)[0].problem_count == 0  # the run kept has none either
    forced = ws.import_paths([folder], options={"discord-json": {"reread": True}})
    assert forced.read > 0 and (forced.added, forced.updated) == (0, 0)


def test_channel_files_read_again_one_by_one_change_nothing(ws, tmp_path):
    """Ana joins in #general and writes in #help: her join day stays hers, and reading both files
    again (named one by one, as a folder of several exports gives them) updates nothing."""
    doc = json.loads(GENERAL.read_text(encoding="utf-8"))
    help_doc = dict(doc, channel=dict(doc["channel"], id="900000000000000300", name="help"),
                    messages=[dict(doc["messages"][1], id="1215000000000000301", content="Anyone here?",
                                   timestamp="2024-03-02T09:00:00+07:00")])
    files = [tmp_path / "general.json", tmp_path / "help.json"]
    files[0].write_text(json.dumps(doc), encoding="utf-8")
    files[1].write_text(json.dumps(help_doc), encoding="utf-8")
    ws.import_paths(files)
    joined = one(ws, "SELECT joined_at FROM account WHERE external_id='700000000000000001'")[0]
    assert str(joined).startswith("2024-03-01 01:00:00")
    before = ws.counts()
    forced = ws.import_paths(files, options={"discord-json": {"reread": True}})
    assert forced.read > 0 and (forced.added, forced.updated) == (0, 0)
    again = ws.import_paths(files)  # byte for byte what run 1 read: not read at all
    assert again.read == 0 and [p.message for p in again.notes] == [
        "identical to the file imported in run 1; nothing new to read."] * 2 and again.problem_count == 0
    assert ws.counts() == before
    assert one(ws, "SELECT joined_at FROM account WHERE external_id='700000000000000001'")[0] == joined


def test_a_question_in_a_forum_post_is_answered_in_its_thread(ws, tmp_path):
    """DiscordChatExporter writes a forum's post as a thread whose first message has the thread's
    id; the answers in it reply to nothing. They are in the post's thread: the first from someone
    else answers the question, and the people who answer are seen helping its author."""
    import pandas as pd

    from workbench.metrics.support import question_responses

    doc = json.loads((GUILD / "Makers - general - flashing help [900000000000000200].json").read_text(encoding="utf-8"))
    person = doc["messages"][0]["author"]
    ben, ana = dict(person, id="700000000000000031", name="ben"), dict(person, id="700000000000000032", name="ana")
    post = "1216000000000000000"
    said = [(post, ben, "How do I fine-tune on 8 GB?", "10:00", None),
            ("1216000000000000001", ben, "I have a 3060 and a 7B model", "10:01", None),
            ("1216000000000000002", ana, "Use QLoRA with 4-bit weights.", "10:31", None),
            ("1216000000000000003", ben, "Thanks, that works", "10:40", "1216000000000000002")]
    doc["channel"] = dict(doc["channel"], id=post, categoryId="900000000000000400", category="help",
                          name="How do I fine-tune on 8 GB?")
    doc["messages"] = [dict(doc["messages"][0], id=mid, author=who, content=text,
                            timestamp=f"2024-03-01T{hm}:00.000+00:00",
                            **({"type": "Reply", "reference": {"messageId": ref, "channelId": post}} if ref else {}))
                       for mid, who, text, hm, ref in said]
    path = tmp_path / f"Makers - help - How do I fine-tune [{post}].json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    ws.import_paths([path])
    parents = dict(rows(ws, "SELECT a.external_id, p.external_id FROM activity a LEFT JOIN activity p "
                            "ON p.id = a.parent_id"))
    assert parents == {post: None, "1216000000000000001": post, "1216000000000000002": post,
                       "1216000000000000003": "1216000000000000002"}
    frame = question_responses(ws)
    assert list(frame["external_id"]) == [post]
    assert frame["first_response_at"][0] == pd.Timestamp("2024-03-01T10:31:00", tz="UTC")


def test_a_zip_of_exports_reads_like_the_folder(ws, tmp_path):
    archive = tmp_path / "export.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        for f in GUILD.rglob("*"):
            if f.is_file():
                zf.write(f, f.relative_to(GUILD).as_posix())
    assert registry.sniff(archive).name == "discord-json"
    result = ws.import_paths([archive])
    assert ws.counts()["activities"] == 5
    assert result.notes == []  # its media are no data; nothing to say of them


def test_what_was_sent_in_the_channels_is_part_of_the_export_in_a_folder_or_a_zip(ws, tmp_path):
    """Channels exported with their media (--media, with and without --media-dir): the files
    people sent (a spreadsheet, a config file, another channel's export shared in the chat) are
    neither read as exports of their own nor counted among the files the run read."""
    folder = tmp_path / "guild"
    shutil.copytree(GUILD, folder)
    (folder / "media" / "eval-5F3A1.csv").write_text("prompt,score\nhi,0.9\n", encoding="utf-8")
    (folder / "media" / "config-0B2C4.json").write_text('{"temperature": 0.2}', encoding="utf-8")
    sent = folder / (GENERAL.name + "_Files")
    sent.mkdir()
    shutil.copy(DATA / "dm.json", sent / "dm-77D0E.json")  # a DM's export, shared in #general
    (sent / "rows-1A2B3.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    assert registry.sniff(folder).name == "discord-json"
    result = ws.import_paths([folder])
    assert ws.counts()["activities"] == 5 and result.problem_count == 0
    assert [(n.file, n.position, n.message) for n in result.notes] == [(
        "guild", "attachments", f"6 files sent in the chat ({sent.name}/, media/), which the exporter downloaded "
                                "with it; not read.")]
    assert sorted(f.name for f in import_runs(ws)[0].files) == sorted(f"guild/{f.name}" for f in GUILD.glob("*.json"))

    archive = tmp_path / "guild.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        for f in folder.rglob("*"):
            if f.is_file():
                zf.write(f, f.relative_to(folder).as_posix())
    again = tmp_path / "again.db"
    from workbench.workspace import Workspace
    other = Workspace.open(again)
    try:
        result = other.import_paths([archive])
        assert other.counts()["activities"] == 5
        assert result.notes == []  # what was sent is part of it: not another export to unzip and import
    finally:
        other.close()


def test_another_export_zipped_with_the_channels_is_named_not_passed_over(ws, tmp_path):
    """A zip of a client's exports: the channels' files are read, and the Telegram chat and the
    channel's CSV export zipped with them are said left alone, with what to do."""
    archive = tmp_path / "client.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for f in GUILD.rglob("*"):
            if f.is_file():
                zf.write(f, "discord/" + f.relative_to(GUILD).as_posix())
        zf.write(next(DATA.parent.joinpath("telegram").rglob("result.json")), "telegram/result.json")
        zf.write(CSV, "discord/general.csv")
        page = DATA / "html" / "Makers - Chat - help [900000000000000300].html"
        zf.write(page, f"discord/{page.name}")  # a channel exported as the exporter's page
        zf.write(page, f"discord/{GENERAL.stem}.html")  # the reading copy of a channel read as JSON
    result = ws.import_paths([archive])
    assert ws.counts()["activities"] == 5
    assert [(n.file, n.position, n.message) for n in result.notes] == [(
        "client.zip", "beside the export", "3 files that are no part of the DiscordChatExporter export were not "
        "read; unzip the archive and import its folder to read them: discord/Makers - Chat - help "
        "[900000000000000300].html, discord/general.csv, telegram/result.json.")]


def test_a_truncated_export_fails_in_one_sentence_and_writes_nothing(ws, tmp_path):
    data = GENERAL.read_bytes()
    cut = tmp_path / "cut.json"
    cut.write_bytes(data[: int(len(data) * 0.7)])
    with pytest.raises(ImportFailed) as err:
        ws.import_paths([cut])
    assert "cut.json" in str(err.value) and "truncated" in str(err.value)
    assert "\n" not in str(err.value)
    assert ws.counts()["activities"] == 0 and ws.counts()["import_runs"] == 0


def test_deeply_nested_content_is_refused_without_exhausting_memory(ws, tmp_path):
    doc = GENERAL.read_text(encoding="utf-8")
    deep = tmp_path / "deep.json"
    deep.write_text(doc.replace('"content": "Joined the server."', '"content": ' + "[" * 100_000 + "]" * 100_000, 1),
                    encoding="utf-8")
    with pytest.raises(ImportFailed, match="nested too deeply"):
        ws.import_paths([deep])


def test_a_direct_message_chat_exported_as_csv_is_a_dm_as_in_json(ws, tmp_path):
    """A CSV file has no channel header: DiscordChatExporter's file name says what the chat is
    ("Direct Messages - Private - <the other person>" or "- Group - <its name>"), so a DM read
    from CSV is a DM (named after the other person, kept out of pseudonymized reports) as from JSON."""
    dm = tmp_path / "Direct Messages - Private - Jo [801].csv"
    group = tmp_path / "Direct Messages - Group - Priyanka, Jo [802].csv"
    for f in (dm, group):
        shutil.copy(CSV, f)
    ws.import_paths([tmp_path])
    ws.import_paths([CSV])
    assert rows(ws, "SELECT external_id, name, kind FROM channel ORDER BY external_id") == [
        ("801", "Jo", "dm"), ("802", "Priyanka, Jo", "group_dm"), ("900000000000000100", "general", "channel")]


def _as_csv(channel_json, dest):
    """The CSV DiscordChatExporter writes of the same channel: no message ids, the user name (no
    nickname), the join notice as a row."""
    import csv

    from workbench.importers.discord import snowflake_time

    data = json.loads(channel_json.read_text(encoding="utf-8"))
    with open(dest, "w", encoding="utf-8", newline="") as f:
        out = csv.writer(f, quoting=csv.QUOTE_ALL)
        out.writerow(["AuthorID", "Author", "Date", "Content", "Attachments", "Reactions"])
        for m in data["messages"]:  # (a message the test file gives no time has its id's)
            when = m.get("timestamp") or snowflake_time(m["id"]).isoformat()
            out.writerow([m["author"]["id"], m["author"]["name"], when, m.get("content", ""), "",
                          ",".join(f"{r['emoji']['name']} ({r['count']})" for r in m.get("reactions", []))])
    return dest


def test_a_channel_exported_as_json_and_as_csv_counts_each_message_once(ws, tmp_path):
    """A channel exported both ways (two exports of the same channel, or a colleague's CSV of a
    channel already imported from JSON): its CSV rows are the messages its JSON brought (by author
    and instant), its join notice the join, each person keeps the nickname only the JSON gives,
    and a thread stays a thread. It doubled every message, counted the join as a message, and
    renamed Ana to ana."""
    general = next((DATA / "guild").glob("*general*100*.json"))
    both = tmp_path / "both"
    both.mkdir()
    shutil.copy(general, both / general.name)
    twin = _as_csv(general, both / general.with_suffix(".csv").name)
    alone = ws.import_paths([both / general.name])
    texts = rows(ws, "SELECT external_id, text FROM activity ORDER BY id")
    names = rows(ws, "SELECT external_id, display_name FROM account ORDER BY id")

    later = ws.import_paths([twin])  # the CSV in a later import
    assert later.run_id is None and later.unchanged == len(texts), later
    assert rows(ws, "SELECT external_id, text FROM activity ORDER BY id") == texts
    assert rows(ws, "SELECT external_id, display_name FROM account ORDER BY id") == names
    assert ("700000000000000001", "Ana \u202eevil\u202c\u200b <b>x</b>") in names

    from workbench.workspace import Workspace
    other = Workspace.open(tmp_path / "other.db")  # both in one folder, in one import: the CSV read last
    try:
        together = other.import_paths([both])
        assert together.by_kind["activities"] == alone.by_kind["activities"] == len(texts) == 4
        assert rows(other, "SELECT external_id, text FROM activity ORDER BY id") == texts
        assert rows(other, "SELECT kind, at FROM membership_event") == rows(ws, "SELECT kind, at FROM membership_event")
    finally:
        other.close()
    thread = next((DATA / "guild").glob("*flashing help*.json"))  # a thread's CSV: still a thread
    ws.import_paths([thread])
    assert ws.import_paths([_as_csv(thread, tmp_path / thread.with_suffix(".csv").name)]).run_id is None
    assert rows(ws, "SELECT kind FROM channel WHERE external_id = '900000000000000200'") == [("thread",)]
    alone_csv = Workspace.open(tmp_path / "csv.db")  # the CSV alone: its join a join, its notices no messages
    try:
        read = alone_csv.import_paths([twin])
        assert read.by_kind["activities"] == 4 and read.by_kind["memberships"] == 1, read
        assert sorted(t for (t,) in rows(alone_csv, "SELECT text FROM activity")) == sorted(t for _, t in texts)
    finally:
        alone_csv.close()


def test_a_channel_imported_from_csv_and_then_from_json_counts_each_message_once(ws, tmp_path):
    """The other order: a colleague's CSV of a channel imported first, its JSON export later. The
    JSON's messages are the rows the CSV brought (by channel, author and instant): they take the
    messages' ids, with them the replies' links and who reacted, and are counted once. Every
    message was counted twice, each reply once as a message of the CSV."""
    general = next((DATA / "guild").glob("*general*100*.json"))
    twin = _as_csv(general, tmp_path / general.with_suffix(".csv").name)
    from_csv = ws.import_paths([twin])
    assert from_csv.by_kind["activities"] == 4
    first = rows(ws, "SELECT id, text FROM activity ORDER BY id")

    later = ws.import_paths([general])
    assert ws.counts()["activities"] == 4, rows(ws, "SELECT external_id, text FROM activity ORDER BY id")
    # updated: the 4 messages, 3 people (Ana and Ben by the nicknames only the JSON gives, ci-bot a
    # bot), and the channel, which the JSON puts in its server
    assert later.by_kind.get("activities", 0) == 0 and later.updated == 8, later
    assert later.updated_by_kind == {"channels": 1, "accounts": 3, "activities": 4}
    assert rows(ws, "SELECT s.name FROM channel c JOIN source s ON s.id = c.source_id") == [("Makers",)]
    # the same rows (their ids in the workspace kept), now under the messages' own ids
    assert rows(ws, "SELECT id, text FROM activity ORDER BY id") == first
    assert sorted(e for (e,) in rows(ws, "SELECT external_id FROM activity")) == [
        "1215000000000000002", "1215000000000000003", "1215000000000000004", "1215000000000000005"]
    reply = one(ws, """SELECT a.kind, p.external_id FROM activity a JOIN activity p ON p.id = a.parent_id
                       WHERE a.external_id = '1215000000000000003'""")
    assert reply == ("reply", "1215000000000000002")
    assert rows(ws, "SELECT kind, parent_external_id FROM activity WHERE external_id = '1215000000000000004'") == [
        ("reply", "1100000000000000999")]  # its parent is in no file: the link waits for it
    assert rows(ws, "SELECT count(*) FROM reaction") == [(1,)]  # who reacted, which the CSV cannot say
    assert ws.import_paths([twin]).run_id is None  # the CSV again: nothing new
    assert ws.import_paths([general]).run_id is None  # the JSON again: nothing new
    assert ws.counts()["activities"] == 4


def test_removing_the_json_that_took_over_a_csv_s_rows_gives_them_back_to_the_csv(ws, tmp_path):
    """The JSON export that gave a CSV's rows their message ids, taken back out: the rows are the
    CSV's again, as they were (no ids, no replies, the CSV's names), with nothing lost or doubled;
    importing the JSON again takes them over again. Before, the rows kept the JSON's ids, kinds and
    names, and the CSV imported again would have found none of its messages."""
    from workbench.removing import remove_run

    general = next((DATA / "guild").glob("*general*100*.json"))
    twin = _as_csv(general, tmp_path / general.with_suffix(".csv").name)
    ws.import_paths([twin])
    query = ("SELECT a.id, a.external_id, a.kind, a.text, a.parent_external_id, a.parent_id, a.source_id, "
             "acc.display_name, acc.is_bot, p.display_name FROM activity a JOIN account acc ON acc.id = a.account_id "
             "JOIN person p ON p.id = acc.person_id ORDER BY a.id")
    channel = "SELECT id, external_id, name, kind, source_id FROM channel ORDER BY id"
    from_csv, csv_channel = rows(ws, query), rows(ws, channel)
    ws.import_paths([general])
    taken_over = rows(ws, query)
    assert [r[1] for r in taken_over] != [r[1] for r in from_csv]

    removal = remove_run(ws, 2)
    # the 4 messages, 3 accounts (nicknames, a bot) and the channel (its guild, which leaves with the run)
    assert removal.sentence() == ("Removed import run 2: 1 source, 1 reaction. It had changed 8 rows of earlier "
                                  "imports (1 channel, 3 accounts, 4 activities); they were put back as they were.")
    assert rows(ws, query) == from_csv and rows(ws, channel) == csv_channel
    assert ws.import_paths([twin]).run_id is None  # the CSV again finds all its messages
    assert ws.import_paths([general]).updated == 8 and rows(ws, query) == taken_over  # the 8 rows again
    assert ws.counts()["activities"] == 4


def test_a_zip_of_channel_csv_files_is_read_as_its_files_are(ws, tmp_path):
    """A guild's channels exported as CSV and zipped to be sent: it was "not an export format the
    workbench knows". Each file is read as when imported alone, problems named with the zip."""
    from workbench.workspace import Workspace

    thread = _as_csv(next(GUILD.glob("*flashing help*.json")),
                     tmp_path / "Makers - Chat - flashing help [900000000000000200].csv")
    archive = tmp_path / "makers-csv.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.write(CSV, f"Makers/{CSV.name}")
        zf.write(thread, f"Makers/{thread.name}")
        zf.writestr("Makers/scores.csv", "prompt,score\nhi,0.9\n")  # not a channel's
    assert registry.sniff(archive).name == "discord-csv"
    result = ws.import_paths([archive])
    assert [(p.file, p.position) for p in result.problems] == [(f"makers-csv.zip/Makers/{CSV.name}", "line 8")]
    assert [n.message for n in result.notes] == [
        "1 file that is no part of the DiscordChatExporter CSV export was not read; unzip the archive and import "
        "its folder to read it: Makers/scores.csv."]
    zipped = rows(ws, "SELECT c.external_id, a.external_id, a.text, a.created_at FROM activity a "
                      "JOIN channel c ON c.id = a.channel_id ORDER BY a.external_id")
    alone = Workspace.open(tmp_path / "alone.db")
    try:
        alone.import_paths([CSV, thread])
        assert rows(alone, "SELECT c.external_id, a.external_id, a.text, a.created_at FROM activity a "
                           "JOIN channel c ON c.id = a.channel_id ORDER BY a.external_id") == zipped
    finally:
        alone.close()
    assert {c for c, *_ in zipped} == {"900000000000000100", "900000000000000200"}
    assert ws.import_paths([archive]).run_id is None  # again: nothing new


def test_dce_csv_rows_are_hashed_deduplicated_and_dated(ws):
    assert registry.sniff(CSV).name == "discord-csv"
    result = ws.import_paths([CSV])
    assert result.problem_count == 1 and "line 8" in str(result.problems[0])
    got = rows(ws, "SELECT a.text, a.created_at, a.reaction_count, c.external_id FROM activity a "
                   "JOIN channel c ON c.id = a.channel_id ORDER BY a.created_at")
    assert got == [
        ("How do I flash the board?", "2024-03-01 01:05:00.000000", 5, "900000000000000100"),
        ('line one\nline two, with "quotes"', "2024-03-01 01:10:00.000000", 0, "900000000000000100"),
        ("old style date", "2024-03-01 09:00:00.000000", 0, "900000000000000100")]
    assert one(ws, "SELECT is_deleted FROM account WHERE external_id='700000000000000003'") == (1,)
    again = ws.import_paths([CSV])
    assert again.added == 0 and ws.counts()["activities"] == 3


def test_a_thread_file_alone_still_names_its_parent_channel(ws, tmp_path):
    thread = tmp_path / "thread.json"
    shutil.copy(GUILD / "Makers - general - flashing help [900000000000000200].json", thread)
    ws.import_paths([thread])
    assert rows(ws, "SELECT kind, parent_external_id FROM channel") == [("thread", "900000000000000100")]


def _long_export(tmp_path, n: int = 6000):
    doc = json.loads(GENERAL.read_text(encoding="utf-8"))
    base = doc["messages"][1]
    doc["messages"] = [dict(base, id=str(1215000000000100000 + i)) for i in range(n)]
    path = tmp_path / "long.json"
    path.write_text(json.dumps(doc, indent=2), encoding="utf-8")
    return path


def test_reading_reports_progress_through_the_file_and_honours_cancel(ws, tmp_path, monkeypatch):
    from workbench.errors import ImportCancelled
    from workbench.importers.base import ReadContext

    # Reports are passed on at most every 50 ms; a fast machine reads this file in less, so the
    # test looks at every report the reading makes.
    monkeypatch.setattr(ReadContext, "report_interval", 0.0)
    path = _long_export(tmp_path)
    seen: list[float] = []
    ws.import_paths([path], progress=lambda f, m: seen.append(f))
    reading = [f for f in seen if 0 < f < 0.9]
    assert len(reading) >= 3 and reading == sorted(reading)
    assert ws.counts()["activities"] == 6000
    other = tmp_path / "other.db"
    from workbench.workspace import Workspace

    w2 = Workspace.open(other)
    try:
        messages: list[str] = []
        with pytest.raises(ImportCancelled):  # cancelled once the reading itself has begun
            w2.import_paths([path], progress=lambda f, m: messages.append(m),
                            cancel=lambda: any(m.startswith("Reading long.json") for m in messages))
        assert any(m.startswith("Reading long.json") for m in messages)
        assert w2.counts()["activities"] == 0 and w2.counts()["import_runs"] == 0
    finally:
        w2.close()


def test_a_folder_of_channels_and_a_member_list_move_the_progress_once_from_start_to_end(ws, tmp_path,
                                                                                          monkeypatch):
    """Progress is the share of the bytes read: it does not start again at each channel file of a
    folder, and a small member list given beside the folder takes a small share, not half."""
    from workbench.importers.base import ReadContext

    monkeypatch.setattr(ReadContext, "report_interval", 0.0)
    folder = tmp_path / "channels"
    folder.mkdir()
    doc = json.loads(GENERAL.read_text(encoding="utf-8"))
    base = doc["messages"][1]
    for c in range(3):
        doc["channel"] = dict(doc["channel"], id=str(900000000000000200 + c), name=f"channel-{c}")
        doc["messages"] = [dict(base, id=str(1215000000000100000 + 10000 * c + i)) for i in range(3000)]
        (folder / f"channel-{c}.json").write_text(json.dumps(doc, indent=2), encoding="utf-8")
    members = tmp_path / "users.json"
    members.write_text('[{"id": "U9", "name": "nine", "real_name": "Nine"}]', encoding="utf-8")
    seen: list[tuple[float, str]] = []
    ws.import_paths([members, folder], progress=lambda f, m: seen.append((f, m)))
    fractions = [f for f, _ in seen]
    assert fractions == sorted(fractions), [(round(f, 3), m) for f, m in seen]
    reading = [f for f, m in seen if m.startswith("Reading channels/channel-")]
    assert len(reading) >= 6 and reading[0] < 0.1 and reading[-1] > 0.8
    assert max(f for f, m in seen if "users.json" in m) < 0.01  # 76 bytes of more than 2 MB
    assert ws.counts()["activities"] == 9000
    # The same channels zipped to be sent: the zip's entries share its progress as the files did.
    zipped = tmp_path / "channels.zip"
    with zipfile.ZipFile(zipped, "w", zipfile.ZIP_DEFLATED) as zf:
        for f in sorted(folder.iterdir()):
            zf.write(f, f"channels/{f.name}")
        zf.writestr("channels/media/photo.png", b"\x89PNG" + bytes(1 << 20))  # sent in the chat, not read
    from workbench.workspace import Workspace

    other = Workspace.open(tmp_path / "other.db")
    try:
        seen.clear()
        other.import_paths([zipped], progress=lambda f, m: seen.append((f, m)))
        reading = [f for f, m in seen if m.startswith("Reading channels.zip/")]
        assert reading == sorted(reading) and len(reading) >= 6 and reading[-1] > 0.8, seen
        assert other.counts()["activities"] == 9000
    finally:
        other.close()


def test_a_file_the_count_of_bytes_left_out_holds_the_progress_rather_than_taking_it_back():
    """A zip entry that the bytes counted for the progress did not include (a log without an
    extension, say) keeps the bar where it was; the files after it that fit move it on."""
    import io

    from workbench.importers.base import ReadContext

    seen: list[float] = []
    ctx = ReadContext("logs.zip", progress=lambda f, m: seen.append(round(f, 2)), input_bytes=1000)
    ctx.report_interval = 0.0
    for size in (600, 800, 300):
        with ctx.track(io.BytesIO(b"x" * size), size, f"Reading {size}") as f:
            while f.read(64):
                pass
    assert seen == [0.6, 0.6, 0.9]


def test_a_later_export_that_cannot_know_the_flags_keeps_them(ws, tmp_path):
    ws.import_paths([GUILD])
    staff = "SELECT is_staff FROM account WHERE external_id = '700000000000000002'"
    assert rows(ws, staff) == [(1,)]
    ws.import_paths([CSV])  # a CSV knows no roles
    assert rows(ws, staff) == [(1,)]
    doc = json.loads(GENERAL.read_text(encoding="utf-8"))
    doc["messages"] = [doc["messages"][1]]  # ben only reacts here, and reaction users carry no roles
    only_reacts = tmp_path / "reactions.json"
    only_reacts.write_text(json.dumps(doc), encoding="utf-8")
    ws.import_paths([only_reacts])
    assert rows(ws, staff) == [(1,)]
    assert rows(ws, "SELECT is_bot FROM account WHERE external_id = '700000000000000009'") == [(1,)]


def test_a_run_lists_the_files_it_read_and_names_the_run_that_read_the_others(ws, tmp_path):
    folder = tmp_path / "guild"
    shutil.copytree(GUILD, folder)
    telegram = GUILD.parent.parent / "telegram" / "result.json"
    ws.import_paths([folder])  # run 1 reads the channels
    second = ws.import_paths([folder, telegram])  # run 2 reads only the Telegram export
    assert [p.message for p in second.notes] == [
        "2 files identical to what run 1 imported; nothing new to read in them.", SENT_TO_MEDIA]
    runs = import_runs(ws)
    assert [f.name for f in runs[0].files] == ["result.json"]  # not the folder's files: run 1's
    # named from the folder imported, as a reader finds them; what was sent in the channels
    # (the exporter's --media-dir) is none of the files read
    assert {f.name for f in runs[1].files} == {f"guild/{f.name}" for f in GUILD.glob("*.json")}
    # A third run, with one channel changed: the other is named as run 1's, which read it.
    general = folder / GENERAL.name
    doc = json.loads(general.read_text(encoding="utf-8"))
    doc["messages"].append(dict(doc["messages"][2], id="1215000000000000098", content="one more"))
    general.write_text(json.dumps(doc), encoding="utf-8")
    third = ws.import_paths([folder])
    assert [p.message for p in third.notes] == [
        "1 file identical to what run 1 imported; nothing new to read in them.", SENT_TO_MEDIA]
    assert f"guild/{GENERAL.name}" in {f.name for f in import_runs(ws)[0].files}
