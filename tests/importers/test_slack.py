"""The Slack workspace export importer, on a small hand-written export (tests/data/slack/export)."""
from __future__ import annotations

import datetime as dt
import json
import shutil
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import func, select

from workbench.errors import ImportFailed
from workbench.importers import registry
from workbench.store.models import Account, Activity, Channel, ImportFile, MembershipEvent, Reaction, Source

EXPORT = Path(__file__).resolve().parent.parent / "data" / "slack" / "export"
UTC = dt.timezone.utc


def zip_folder(folder: Path, dest: Path, *, extra: dict[str, str] | None = None) -> Path:
    with zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED) as z:
        for p in sorted(folder.rglob("*.json")):
            z.write(p, p.relative_to(folder).as_posix())
        for name, text in (extra or {}).items():
            z.writestr(name, text)
    return dest


def activity(ws, ext: str) -> Activity:
    with ws.session() as s:
        return s.scalars(select(Activity).where(Activity.platform == "slack", Activity.external_id == ext)).one()


def account(ws, ext: str) -> Account:
    with ws.session() as s:
        return s.scalars(select(Account).where(Account.platform == "slack", Account.external_id == ext)).one()


def test_the_zip_and_the_folder_are_both_recognised(tmp_path):
    z = zip_folder(EXPORT, tmp_path / "acme.zip")
    assert registry.sniff(z).name == "slack"
    assert registry.sniff(EXPORT).name == "slack"


def test_other_exports_zipped_or_put_with_an_export_are_named_not_passed_over(ws, tmp_path):
    """A zip of a client's exports that holds a Slack export in a folder, with a Telegram chat and a
    Discord channel beside it, is read as the Slack export: the other two are said left alone, with
    what to do, not passed over without a word. So with an export folder that others were put in."""
    telegram = next((EXPORT.parent.parent / "telegram").rglob("result.json")).read_text(encoding="utf-8")
    discord = next((EXPORT.parent.parent / "discord" / "guild").glob("*.json")).read_text(encoding="utf-8")
    z = tmp_path / "client.zip"
    with zipfile.ZipFile(z, "w") as out:
        for p in sorted(EXPORT.rglob("*.json")):
            out.write(p, "acme-slack/" + p.relative_to(EXPORT).as_posix())
        out.writestr("result.json", telegram)
        out.writestr("discord/general.json", discord)
        out.writestr("discord/icon.png", "not data")
    result = ws.import_paths([z])
    assert result.by_kind["activities"] == 9
    assert [(n.file, n.position, n.message) for n in result.notes] == [(
        "client.zip", "beside the export", "2 files that are no part of the Slack export were not read; unzip the "
        "archive and import its folder to read them: discord/general.json, result.json.")]

    folder = shutil.copytree(EXPORT, tmp_path / "acme-slack")
    (folder / "result.json").write_text(telegram, encoding="utf-8")
    (folder / "integration_logs.json").write_text('{"logs": []}', encoding="utf-8")  # Slack's own
    result = ws.import_paths([folder])
    assert [(n.position, n.message) for n in result.notes] == [(
        "beside the export", "1 file that is no part of the Slack export was not read; import it on its own: "
        "result.json.")]


def test_the_files_an_exporter_downloaded_with_the_export_are_part_of_it(ws, tmp_path):
    """slackdump and Mattermost's slack-advanced-exporter download what was shared in the channels
    (__uploads/<file id>/, or <channel>/attachments/): a spreadsheet or a config file someone
    shared is part of the export, not another export to import on its own."""
    folder = shutil.copytree(EXPORT, tmp_path / "acme-slack")
    (folder / "__uploads" / "F02PM6A1AUA").mkdir(parents=True)
    (folder / "__uploads" / "F02PM6A1AUA" / "eval.csv").write_text("prompt,score\nhi,0.9\n", encoding="utf-8")
    (folder / "__uploads" / "F02PM6A1AUA" / "chart.png").write_bytes(b"\x89PNG" + bytes(20))
    (folder / "general" / "attachments").mkdir()
    (folder / "general" / "attachments" / "F0456-config.json").write_text('{"temperature": 0.2}', encoding="utf-8")
    result = ws.import_paths([folder])
    assert result.by_kind["activities"] == 9
    assert [(n.file, n.position, n.message) for n in result.notes] == [(
        "acme-slack", "attachments", "3 files sent in the chat (__uploads/, general/attachments/), which the "
                                     "exporter downloaded with it; not read.")]
    with ws.session() as s:
        assert not any("attachments" in n or "__uploads" in n for n in s.scalars(select(ImportFile.name)))
    archive = zip_folder(folder, tmp_path / "acme.zip", extra={"__uploads/F02PM6A1AUA/eval.csv": "prompt,score\n"})
    zipped = _import_elsewhere(tmp_path / "other.db", archive)
    assert zipped.by_kind["activities"] == 9 and zipped.notes == []


def _import_elsewhere(db: Path, path: Path):
    from workbench.workspace import Workspace

    other = Workspace.open(db)
    try:
        return other.import_paths([path])
    finally:
        other.close()


def test_an_export_imports_messages_members_joins_and_reactions(ws, tmp_path):
    result = ws.import_paths([zip_folder(EXPORT, tmp_path / "acme.zip")])
    assert result.by_kind["activities"] == 9
    assert result.by_kind["accounts"] == 6  # five members and the B0HOOK integration
    assert result.by_kind["memberships"] == 1
    assert result.by_kind["reactions"] == 2
    assert [p.position for p in result.problems] == ["general/2024-01-02.json, message 4"]
    with ws.session() as s:
        assert s.scalars(select(Source.external_id)).all() == ["T0TEST"]
        assert sorted(s.scalars(select(Channel.name))) == ["general", "help"]
        join = s.scalars(select(MembershipEvent)).one()
        assert join.kind == "join" and join.at == dt.datetime(2024, 1, 1, 9, 6, 40, 100, tzinfo=UTC)
        assert s.scalars(select(Account.external_id).join(MembershipEvent, MembershipEvent.account_id == Account.id)).one() == "U03HOST"


def test_a_huddle_started_is_no_ones_message_and_its_thread_counts(ws, tmp_path):
    """Slack writes "A huddle started" as a message of the member who started it (subtype
    huddle_thread, no text): it is Slack's notice, not something they wrote; the replies in its
    thread are messages."""
    export = tmp_path / "acme"
    shutil.copytree(EXPORT, export)
    (export / "help" / "2024-01-03.json").write_text(json.dumps([
        {"type": "message", "subtype": "huddle_thread", "user": "U03HOST", "text": "", "ts": "1704290000.000100",
         "room": {"id": "R01", "participants": ["U03HOST", "U01ADMIN"], "date_start": 1704290000}},
        {"type": "message", "user": "U01ADMIN", "text": "notes from the huddle", "ts": "1704290900.000100",
         "thread_ts": "1704290000.000100"}]), encoding="utf-8")
    result = ws.import_paths([export])
    assert result.by_kind["activities"] == 10  # the export's 9 and the note, not the huddle
    with ws.session() as s:
        texts = s.scalars(select(Activity.text).where(Activity.external_id.like("%:1704290%"))).all()
    assert texts == ["notes from the huddle"]


def test_a_direct_message_chat_is_named_after_its_members(ws, tmp_path):
    """Slack's dms.json gives a DM no name, only its members' ids: it is named after their handles,
    as Mattermost's are ("ada, host"; one's notes to oneself: "ada"), not "#D0DM00001" in the
    busiest channels; its messages, in a folder named by its id, are in it. A group DM is named
    the same way, not "#mpdm-ada--host--gone-1"."""
    export = tmp_path / "acme"
    shutil.copytree(EXPORT, export)
    (export / "dms.json").write_text(json.dumps([
        {"id": "D0DM00001", "created": 1704067200, "members": ["U03HOST", "U01ADMIN"]},
        {"id": "D0DM00002", "created": 1704067200, "members": ["U01ADMIN", "U01ADMIN"]},
        {"id": "D0DM00003", "created": 1704067200, "members": ["U01ADMIN", "U09LEFT"]},
        {"id": "D0DM00004", "created": 1704067200, "members": ["U01ADMIN", "UEXT00001"]}]), encoding="utf-8")
    # a member of another organisation, whom users.json does not list: named by their messages' profile
    (export / "D0DM00004").mkdir()
    (export / "D0DM00004" / "2024-01-04.json").write_text(json.dumps([
        {"type": "message", "user": "UEXT00001", "text": "shared the contract", "ts": "1704362400.000100",
         "user_profile": {"name": "partner.pat", "real_name": "Pat Partner"}}]), encoding="utf-8")
    # A group DM has a name, made of its members' handles when it began ("mpdm-ada--host--gone-1"): it
    # is named as a DM is, by their handles now; with a member the list does not know, by its own name's.
    (export / "mpims.json").write_text(json.dumps([
        {"id": "G0MP00001", "name": "mpdm-ada--host--gone-1", "is_mpim": True,
         "members": ["U01ADMIN", "U03HOST", "U02GONE"]},
        {"id": "G0MP00002", "name": "mpdm-ada--old.name--x-1", "is_mpim": True,
         "members": ["U01ADMIN", "U03HOST", "U09LEFT"]}]), encoding="utf-8")
    (export / "mpdm-ada--host--gone-1").mkdir()  # a group DM's messages, in a folder of Slack's name for it
    (export / "mpdm-ada--host--gone-1" / "2024-01-03.json").write_text(json.dumps([
        {"type": "message", "user": "U02GONE", "text": "who has the release notes?", "ts": "1704276000.000100"}]),
        encoding="utf-8")
    (export / "D0DM00001").mkdir()
    (export / "D0DM00001" / "2024-01-02.json").write_text(json.dumps([
        {"type": "message", "user": "U03HOST", "text": "can you look at my config?", "ts": "1704189600.000100"}]),
        encoding="utf-8")
    ws.import_paths([export])
    with ws.session() as s:
        dms = s.execute(select(Channel.external_id, Channel.name, Channel.kind).where(Channel.kind == "dm")
                        .order_by(Channel.external_id)).all()
        assert dms == [("D0DM00001", "ada, host", "dm"), ("D0DM00002", "ada", "dm"),
                       ("D0DM00003", "U09LEFT, ada", "dm"),  # a member no list or message names: by id
                       ("D0DM00004", "ada, partner.pat", "dm")]
        groups = s.execute(select(Channel.external_id, Channel.name).where(Channel.kind == "group_dm")
                           .order_by(Channel.external_id)).all()
        assert groups == [("G0MP00001", "ada, gone, host"), ("G0MP00002", "ada, old.name, x")]
        in_group = s.execute(select(Channel.external_id, Channel.name).join(Activity, Activity.channel_id == Channel.id)
                             .where(Activity.text == "who has the release notes?")).all()
        assert in_group == [("G0MP00001", "ada, gone, host")]
        assert s.scalar(select(func.count()).select_from(Channel)) == 8  # 2 channels, 4 DMs, 2 group DMs
        asked = s.scalars(select(Channel.name).join(Activity, Activity.channel_id == Channel.id)
                          .where(Activity.text == "can you look at my config?")).one()
    assert asked == "ada, host"
    # a day of the group DM imported alone, later: the group keeps its name
    ws.import_paths([export / "mpdm-ada--host--gone-1" / "2024-01-03.json"])
    with ws.session() as s:
        assert s.scalar(select(Channel.name).where(Channel.external_id == "G0MP00001")) == "ada, gone, host"


def test_a_member_of_another_organisation_is_named_by_the_profile_their_messages_carry(ws, tmp_path):
    """In a Slack Connect channel the other organisation's members are not in users.json: they were
    "UEXT00001" in the member list and the reports. Each message carries a copy of its author's
    profile (user_profile): it names them, and an author first met as someone who reacted; it never
    renames or undeletes a member users.json names, and a member list read later names them anew."""
    export = tmp_path / "acme"
    shutil.copytree(EXPORT, export)
    profile = {"real_name": "Pat Partner", "display_name": "pat", "name": "pat.partner", "team": "TOTHER"}
    (export / "help" / "2024-01-03.json").write_text(json.dumps([
        {"type": "message", "user": "U01ADMIN", "text": "welcome, partners", "ts": "1704290000.000100",
         "user_profile": {"real_name": "Ada Formerly", "name": "ada-old"},
         "reactions": [{"name": "wave", "users": ["UEXT00002"], "count": 1}]},
        {"type": "message", "user": "UEXT00001", "user_team": "TOTHER", "text": "hello from the partner",
         "ts": "1704290100.000100", "user_profile": profile},
        {"type": "message", "user": "UEXT00002", "user_team": "TOTHER", "text": "hi all", "ts": "1704290200.000100",
         "user_profile": {"real_name": "", "display_name": "Sam", "name": "sam"}},
        {"type": "message", "user": "U02GONE", "text": "an old message", "ts": "1704290300.000100",
         "user_profile": {"real_name": "Another Name", "name": "gone2"}},
        {"type": "message", "user": "UEXT00003", "text": "no profile at all", "ts": "1704290400.000100"}]),
        encoding="utf-8")
    ws.import_paths([export])
    pat, sam = account(ws, "UEXT00001"), account(ws, "UEXT00002")
    assert (pat.handle, pat.display_name, pat.placeholder) == ("pat.partner", "Pat Partner", False)
    assert (sam.handle, sam.display_name, sam.placeholder) == ("sam", "Sam", False)
    ada, gone = account(ws, "U01ADMIN"), account(ws, "U02GONE")
    assert (ada.handle, ada.display_name, ada.is_staff) == ("ada", "Ada Admin", True)
    assert (gone.handle, gone.display_name, gone.is_deleted) == ("gone", "Gone Person", True)
    assert account(ws, "UEXT00003").handle == "UEXT00003"  # nothing to name them by: their id
    with ws.session() as s:
        from workbench.store.models import Person
        assert s.get(Person, pat.person_id).display_name == "Pat Partner"
    partial = tmp_path / "partial"  # a later export of one channel, without its users.json
    (partial / "help").mkdir(parents=True)
    shutil.copy(export / "channels.json", partial / "channels.json")
    (partial / "help" / "2024-01-04.json").write_text(json.dumps([
        {"type": "message", "user": "U01ADMIN", "text": "again", "ts": "1704380000.000100",
         "user_profile": {"real_name": "Ada Formerly", "name": "ada-old"}},
        {"type": "message", "user": "UEXT00001", "text": "me again", "ts": "1704380100.000100",
         "user_profile": {**profile, "real_name": "Pat P."}}]), encoding="utf-8")
    ws.import_paths([partial])
    assert (account(ws, "U01ADMIN").display_name, account(ws, "UEXT00001").display_name) == ("Ada Admin", "Pat Partner")
    members = tmp_path / "later" / "users.json"  # they joined the organisation since
    members.parent.mkdir()
    members.write_text(json.dumps([{"id": "UEXT00001", "name": "pat", "real_name": "Pat Member"}]),
                       encoding="utf-8")
    ws.import_paths([members])
    assert account(ws, "UEXT00001").display_name == "Pat Member"


def test_a_reply_in_a_later_day_file_is_linked_to_its_thread(ws):
    ws.import_paths([EXPORT])
    parent = activity(ws, "C0GENERAL:1704110400.000200")
    reply = activity(ws, "C0GENERAL:1704200000.000300")
    assert reply.parent_id == parent.id and reply.root_id == parent.id and reply.kind == "reply"
    assert parent.parent_id is None and parent.is_question is None  # the text rule decides
    assert parent.created_at == dt.datetime(2024, 1, 1, 12, 0, 0, 200, tzinfo=UTC)
    assert parent.reaction_count == 3
    # The same ts in another channel is another message.
    assert activity(ws, "C0HELP:1704200000.000300").text == "same ts as in general, other channel"


def test_a_reply_to_a_deleted_parent_keeps_its_link_unresolved(ws):
    ws.import_paths([EXPORT])
    orphan = activity(ws, "C0GENERAL:1704201000.000400")
    assert orphan.parent_external_id == "C0GENERAL:1704114000.000004" and orphan.parent_id is None
    with ws.session() as s:
        assert s.scalars(select(Activity).where(Activity.external_id == "C0GENERAL:1704114000.000004")).first() is None


def test_member_flags_bots_staff_and_deleted(ws):
    ws.import_paths([EXPORT])
    assert account(ws, "U02GONE").is_deleted and not account(ws, "U02GONE").is_bot
    assert account(ws, "U02GONE").display_name == "Gone Person"
    assert account(ws, "U01ADMIN").is_staff and account(ws, "U01ADMIN").email == "Ada@Example.org"
    assert account(ws, "W04BOT").is_bot
    assert account(ws, "USLACKBOT").is_bot  # users.json says is_bot: false; Slackbot is a bot all the same
    hook = account(ws, "B0HOOK")
    assert hook.is_bot and hook.handle == "CI hook"
    assert activity(ws, "C0GENERAL:1704111000.000001").text == "build 42 passed"
    assert activity(ws, "C0HELP:1704204000.000700").account_id == account(ws, "U01ADMIN").id


def test_names_and_text_with_markup_bidi_and_zero_width_are_stored_exactly(ws):
    ws.import_paths([EXPORT])
    assert account(ws, "U03HOST").display_name == "<b>Bold</b>\u202eevil\u200b"
    edited = activity(ws, "C0GENERAL:1704115000.000005")
    assert edited.text == '=HYPERLINK("http://evil.example")'
    assert edited.edited_at == dt.datetime(2024, 1, 1, 13, 18, 20, tzinfo=UTC)


def test_reactions_name_who_reacted(ws):
    ws.import_paths([EXPORT])
    with ws.session() as s:
        rows = s.execute(select(Account.external_id, Reaction.emoji).join(Account, Reaction.account_id == Account.id)
                         .order_by(Account.external_id)).all()
    assert [tuple(r) for r in rows] == [("U02GONE", "+1"), ("U03HOST", "+1")]


def test_the_same_export_twice_adds_nothing_even_when_read_again(ws, tmp_path):
    z = zip_folder(EXPORT, tmp_path / "acme.zip")
    ws.import_paths([z])
    before = ws.counts()
    again = ws.import_paths([z])
    assert again.added == 0 and "identical to the file imported in run 1" in again.notes[0].message
    assert again.problem_count == 0
    reread = ws.import_paths([z], options={"slack": {"reread": True}})
    assert reread.added == 0 and reread.updated == 0 and reread.unchanged == 9
    after = ws.counts()
    assert after == before


def test_the_same_export_in_a_zip_named_otherwise_is_nothing_new(ws, tmp_path):
    """A Slack export's zip is named by whoever saved it. The workspace in it keeps the name its
    first import gave it, and the same messages read again from another zip are nothing new: no
    rename, no run."""
    ws.import_paths([zip_folder(EXPORT, tmp_path / "acme.zip")])
    before = ws.counts()
    again = ws.import_paths([zip_folder(EXPORT, tmp_path / "acme-export-june.zip")],
                            options={"slack": {"reread": True}})
    assert again.run_id is None and again.updated == 0 and again.unchanged == 9, again
    with ws.connect() as conn:
        assert conn.execute(select(Source.name)).scalars().all() == ["acme"]
    assert ws.counts() == before


def test_a_later_overlapping_export_adds_what_is_new_and_applies_edits(ws, tmp_path):
    ws.import_paths([EXPORT])
    later = tmp_path / "later"
    shutil.copytree(EXPORT, later)
    day = later / "general" / "2024-01-02.json"
    msgs = json.loads(day.read_text(encoding="utf-8"))
    msgs[0]["text"] = "Use the deploy script, then restart."
    msgs[0]["edited"] = {"user": "U02GONE", "ts": "1704300000.000000"}
    msgs.append({"type": "message", "user": "U01ADMIN", "text": "thanks!", "ts": "1704300001.000001",
                 "thread_ts": "1704110400.000200"})
    day.write_text(json.dumps(msgs), encoding="utf-8")
    result = ws.import_paths([later])
    assert result.by_kind.get("activities") == 1 and result.updated == 1
    assert activity(ws, "C0GENERAL:1704200000.000300").text == "Use the deploy script, then restart."
    assert activity(ws, "C0GENERAL:1704300001.000001").parent_id == activity(ws, "C0GENERAL:1704110400.000200").id


def test_a_parent_imported_later_resolves_the_reply(ws, tmp_path):
    lone = tmp_path / "general"
    lone.mkdir()
    shutil.copy(EXPORT / "general" / "2024-01-02.json", lone / "2024-01-02.json")
    ws.import_paths([lone / "2024-01-02.json"])
    reply = activity(ws, "general:1704200000.000300")
    assert reply.parent_id is None and reply.parent_external_id == "general:1704110400.000200"
    shutil.copy(EXPORT / "general" / "2024-01-01.json", lone / "2024-01-01.json")
    ws.import_paths([lone / "2024-01-01.json"])
    assert activity(ws, "general:1704200000.000300").parent_id == activity(ws, "general:1704110400.000200").id


def test_a_zip_entry_outside_the_archive_is_refused(ws, tmp_path):
    z = zip_folder(EXPORT, tmp_path / "evil.zip", extra={"../escape.json": "[]"})
    with pytest.raises(ImportFailed, match="points outside the archive"):
        ws.import_paths([z])
    assert ws.counts()["activities"] == 0


def test_a_truncated_day_file_fails_naming_the_file_and_place(ws, tmp_path):
    broken = tmp_path / "broken"
    shutil.copytree(EXPORT, broken)
    day = broken / "general" / "2024-01-02.json"
    day.write_bytes(day.read_bytes()[:150])
    with pytest.raises(ImportFailed) as err:
        ws.import_paths([broken])
    assert "general/2024-01-02.json" in str(err.value) and "line 3" in str(err.value)
    assert ws.counts()["activities"] == 0  # all or nothing


def test_deeply_nested_json_is_one_clear_error(ws, tmp_path):
    broken = tmp_path / "deep"
    shutil.copytree(EXPORT, broken)
    (broken / "help" / "2024-01-02.json").write_text("[" * 100000 + "]" * 100000)
    with pytest.raises(ImportFailed, match="nested too deeply"):
        ws.import_paths([broken])


def test_a_users_file_that_is_not_a_list_is_one_clear_error(ws, tmp_path):
    broken = tmp_path / "notlist"
    shutil.copytree(EXPORT, broken)
    (broken / "users.json").write_text('{"members": "nope"}')
    with pytest.raises(ImportFailed, match=r"users\.json.*JSON array"):
        ws.import_paths([broken])


def test_a_lone_users_file_brings_members_without_messages(ws, tmp_path):
    users = tmp_path / "users.json"
    shutil.copy(EXPORT / "users.json", users)
    assert registry.sniff(users).name == "slack-list"
    result = ws.import_paths([users])
    assert result.by_kind == {"sources": 1, "accounts": 5}
    assert account(ws, "U02GONE").is_deleted and ws.counts()["activities"] == 0


def _shared_file(host: str, team: str) -> dict:
    """A message sharing a screenshot, as a Slack export writes it."""
    return {"type": "message", "user": "U01ADMIN", "text": "see the log", "ts": "1704300000.000200",
            "files": [{"id": "F0ABC", "name": "log.png", "user": "U01ADMIN",
                       "url_private": f"https://files.slack.com/files-pri/{team}-F0ABC/log.png",
                       "permalink": f"https://{host}/files/U01ADMIN/F0ABC/log.png",
                       "permalink_public": f"https://slack-files.com/{team}-F0ABC-9503e9d1cd"}]}


@pytest.mark.parametrize(("host", "team", "kept"), [
    ("builders.slack.com", "T0TEST", "builders.slack.com"),  # the workspace's own file: its address
    ("builders.enterprise.slack.com", "T0TEST", "builders.enterprise.slack.com"),
    ("partner.slack.com", "T9OTHER", None),  # shared from another workspace into a shared channel
    ("files.slack.com", "T0TEST", None),  # Slack's file host, not a workspace
    ("builders.slack.com.evil.example", "T0TEST", None),
])
def test_a_shared_files_page_gives_the_workspaces_address(ws, tmp_path, host, team, kept):
    export = tmp_path / "export"
    shutil.copytree(EXPORT, export)
    (export / "general" / "2024-01-03.json").write_text(json.dumps([_shared_file(host, team)]))
    ws.import_paths([export])
    with ws.session() as s:  # the export's name and the address, though they came in two records
        assert s.execute(select(Source.external_id, Source.name, Source.address)).all() == [("T0TEST", "export", kept)]


def test_the_address_stays_when_a_later_export_shows_none(ws, tmp_path):
    first, later = tmp_path / "first", tmp_path / "later"
    shutil.copytree(EXPORT, first)
    (first / "general" / "2024-01-03.json").write_text(json.dumps([_shared_file("builders.slack.com", "T0TEST")]))
    ws.import_paths([first])
    shutil.copytree(EXPORT, later)
    (later / "general" / "2024-01-04.json").write_text(json.dumps([
        {"type": "message", "user": "U01ADMIN", "text": "no files today", "ts": "1704390000.000300"}]))
    assert ws.import_paths([later]).by_kind["activities"] == 1
    with ws.session() as s:
        assert s.execute(select(Source.address)).one() == ("builders.slack.com",)
