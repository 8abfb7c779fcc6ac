"""Acceptance: the real DiscordChatExporter samples (../shared/fixtures/real/discord), through the
real command line, each into its own workspace."""
from __future__ import annotations

import pytest

from workbench.workspace import Workspace
from workspace_rows import rows

pytestmark = pytest.mark.acceptance

ZULIP = "discord/zulip-dce/zulip-discord server - Text Channels - general [1519311538035490958].json"


def imported(cli, real, tmp_path, rel: str) -> Workspace:
    db = tmp_path / "w.db"
    r = cli("import", "--workspace", db, real / rel)
    assert r.code == 0, r
    return Workspace.open(db)


def test_zulip_dce_local_offset_bot_join_reactions(cli, real, tmp_path):
    ws = imported(cli, real, tmp_path, ZULIP)
    try:
        assert ws.counts()["activities"] == 11  # 12 messages, one of them a GuildMemberJoin
        # "2026-06-24T19:06:04.627+07:00" is 12:06:04.627 UTC
        assert rows(ws, "SELECT created_at FROM activity WHERE external_id='1519312655884750991'") == [
            ("2026-06-24 12:06:04.627000",)]
        assert rows(ws, "SELECT edited_at FROM activity WHERE external_id='1519313051889963128'") == [
            ("2026-06-24 13:56:15.671000",)]
        assert rows(ws, """SELECT acc.external_id, acc.is_bot, m.kind, m.at FROM membership_event m
                           JOIN account acc ON acc.id = m.account_id""") == [
            ("1000000000000000003", 1, "join", "2026-06-24 12:04:23.180000")]
        assert rows(ws, "SELECT reaction_count FROM activity WHERE external_id='1519313281611862046'") == [(6,)]
        assert rows(ws, "SELECT count(*) FROM reaction") == [(6,)]
        assert rows(ws, "SELECT text FROM activity WHERE external_id='1519312865599684608'") == [("\U0001F4AF",)]
        assert rows(ws, "SELECT display_name FROM account WHERE external_id='1000000000000000002'") == [("TTW",)]
    finally:
        ws.close()


def test_server_export_deleted_user_duplicate_id_missing_nickname(cli, real, tmp_path):
    ws = imported(cli, real, tmp_path, "discord/chat-analytics/SV_5A_5M.json")
    try:
        assert ws.counts()["activities"] == 4  # five messages, one id written twice
        assert rows(ws, "SELECT count(*) FROM activity WHERE external_id='459136077417021488'") == [(1,)]
        assert rows(ws, "SELECT is_deleted, display_name FROM account WHERE external_id='555555555555555555'") == [
            (1, "Deleted User")]
        assert rows(ws, "SELECT reaction_count FROM activity WHERE external_id='447793085255123006'") == [(5,)]
        assert rows(ws, "SELECT name, kind FROM channel") == [("general-chiptune", "channel")]
    finally:
        ws.close()


def test_direct_messages_bot_call_and_reaction_without_users(cli, real, tmp_path):
    ws = imported(cli, real, tmp_path, "discord/chat-analytics/DM_2A_2M.json")
    try:
        assert ws.counts()["activities"] == 2  # the Call is not an activity
        assert rows(ws, "SELECT is_bot FROM account WHERE external_id='444444444444444444'") == [(1,)]
        assert rows(ws, "SELECT reaction_count FROM activity WHERE external_id='530805779645595660'") == [(42,)]
        assert rows(ws, "SELECT count(*) FROM reaction") == [(0,)]
        assert rows(ws, "SELECT external_id, name FROM source") == [("0", "Direct Messages")]
        assert rows(ws, "SELECT kind FROM channel") == [("dm",)]
    finally:
        ws.close()


def test_group_dm_system_kinds_and_reference(cli, real, tmp_path):
    ws = imported(cli, real, tmp_path, "discord/chat-analytics/GC_3A_5M.json")
    try:
        assert ws.counts()["activities"] == 3  # name change, icon change and call are not activities
        assert rows(ws, """SELECT p.external_id FROM activity a JOIN activity p ON p.id = a.parent_id
                           WHERE a.external_id = '530805779645595660'""") == [("1064990824305274930",)]
        assert rows(ws, "SELECT display_name, handle FROM account WHERE external_id='333333333333333333'") == [
            ("theplant", "not a plant#6597")]
        assert rows(ws, "SELECT kind FROM channel") == [("group_dm",)]
    finally:
        ws.close()


def test_every_discord_sample_imports_and_a_second_import_changes_nothing(cli, real, tmp_path):
    db = tmp_path / "all.db"
    r = cli("import", "--workspace", db, real / "discord")
    assert r.code == 0, r
    before = cli("status", "--workspace", db, "--json").json()
    assert before["activities"] > 0
    r = cli("import", "--workspace", db, real / "discord")
    assert r.code == 0, r
    after = cli("status", "--workspace", db, "--json").json()
    assert after == before


def test_a_message_links_to_discord_as_discord_writes_it(cli, real, tmp_path):
    """A server's message opens at discord.com/channels/<guild>/<channel>/<message>; a direct
    message (guild 0 in the export) under @me."""
    from workbench.permalinks import links_of

    for rel, message, url in (
            (ZULIP, "1519313281611862046",
             "https://discord.com/channels/1519311536839983195/1519311538035490958/1519313281611862046"),
            ("discord/chat-analytics/DM_2A_2M.json", "530805779645595660",
             "https://discord.com/channels/@me/530805775262679064/530805779645595660")):
        ws = imported(cli, real, tmp_path / message, rel)
        try:
            (aid,), = rows(ws, f"SELECT id FROM activity WHERE external_id='{message}'")
            with ws.connect() as conn:
                assert links_of(conn, [aid])[aid].url == url
        finally:
            ws.close()
