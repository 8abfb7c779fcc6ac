"""Mattermost bulk export (JSONL, zip) and REST API pages, on tests/data/mattermost."""
from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest

from workbench.errors import ImportFailed
from workbench.importers import registry
from workspace_rows import rows

DATA = Path(__file__).resolve().parent.parent / "data" / "mattermost"
BULK = DATA / "import.jsonl"


def test_bulk_export_users_keyed_by_username_with_flags(ws):
    assert registry.sniff(BULK).name == "mattermost-bulk"
    result = ws.import_paths([BULK])
    assert result.problem_count == 1 and "line 12" in str(result.problems[0])
    got = {r[0]: r[1:] for r in rows(ws, "SELECT external_id, display_name, email, is_bot, is_staff, is_deleted FROM account")}
    assert got == {"kim": ("Kim Lee", "Kim@Example.com", 0, 1, 0),
                   "old.timer": ("Old \u200bTimer", "old@example.com", 0, 0, 1),
                   "buildbot": ("Build Bot", None, 1, 0, 0)}


def test_bulk_replies_link_to_their_root_whatever_their_order(ws):
    ws.import_paths([BULK])
    got = rows(ws, """SELECT a.text, a.kind, p.text, a.created_at FROM activity a LEFT JOIN activity p ON p.id = a.parent_id
                      WHERE a.channel_id = (SELECT id FROM channel WHERE external_id = 'makers/town-square')
                      ORDER BY a.created_at""")
    assert got == [("Welcome! Any questions?", "message", None, "2026-01-20 13:36:41.357000"),
                   ("first reply", "reply", "Welcome! Any questions?", "2026-01-20 13:37:32.899000"),
                   ("second reply", "reply", "Welcome! Any questions?", "2026-01-20 13:38:04.233000")]
    assert rows(ws, "SELECT reaction_count FROM activity WHERE text = 'Welcome! Any questions?'") == [(1,)]
    assert rows(ws, "SELECT edited_at IS NOT NULL FROM activity WHERE text = 'first reply'") == [(1,)]


def test_bulk_direct_posts_system_posts_and_channels(ws):
    result = ws.import_paths([BULK])
    assert result.skipped == 2  # the header change and the line that is not JSON
    assert rows(ws, "SELECT external_id, name, kind FROM channel ORDER BY external_id") == [
        ("dm:kim,old.timer", "kim, old.timer", "dm"), ("makers/town-square", "Town Square", "channel")]
    assert rows(ws, "SELECT text FROM activity WHERE channel_id = (SELECT id FROM channel WHERE kind = 'dm')") == [
        ("hi <script>x</script>",)]
    assert rows(ws, """SELECT acc.external_id, m.kind FROM membership_event m JOIN account acc ON acc.id = m.account_id""") == [
        ("old.timer", "join")]
    assert ws.counts()["activities"] == 4


def test_bulk_reimport_and_edited_later_export(ws, tmp_path):
    ws.import_paths([BULK])
    assert ws.import_paths([BULK]).added == 0
    lines = BULK.read_text(encoding="utf-8").splitlines()
    post = json.loads(lines[6])
    post["post"]["message"] = "Welcome! Any questions? (edited)"
    post["post"]["edit_at"] = 1768917000000
    later = tmp_path / "later.jsonl"
    later.write_text(json.dumps(post) + "\n", encoding="utf-8")
    result = ws.import_paths([later])
    assert result.added == 0 and ws.counts()["activities"] == 4
    assert rows(ws, "SELECT count(*) FROM activity WHERE text = 'Welcome! Any questions? (edited)'") == [(1,)]


def test_bulk_zip_is_read_through_the_safe_zip_reader(ws, tmp_path):
    archive = tmp_path / "export.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.write(BULK, "import.jsonl")
        zf.writestr("data/attachment.png", b"PNG")
    assert registry.sniff(archive).name == "mattermost-bulk"
    ws.import_paths([archive])
    assert ws.counts()["activities"] == 4


def test_what_was_sent_in_the_channels_is_part_of_a_bulk_export_zipped_or_not(ws, tmp_path):
    """mmctl exports the files sent in the channels under data/ beside the JSONL; a spreadsheet
    someone shared there is part of the export, not another export to import on its own."""
    import shutil

    from workbench.workspace import Workspace

    archive = tmp_path / "export.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.write(BULK, "export/import.jsonl")
        zf.writestr("export/data/20240101/teams/t1/channels/c1/users/u1/f1/eval.csv", "prompt,score\nhi,0.9\n")
        zf.writestr("export/data/20240101/teams/t1/channels/c1/users/u1/f2/config.json", '{"temperature": 0.2}')
    result = ws.import_paths([archive])
    assert ws.counts()["activities"] == 4 and result.notes == []

    folder = tmp_path / "client"
    (folder / "data" / "f1").mkdir(parents=True)
    shutil.copy(BULK, folder / "import.jsonl")
    (folder / "data" / "f1" / "eval.csv").write_text("prompt,score\nhi,0.9\n", encoding="utf-8")
    other = Workspace.open(tmp_path / "other.db")
    try:
        result = other.import_paths([folder])
        assert other.counts()["activities"] == 4
        assert [(n.file, n.position, n.message) for n in result.notes] == [(
            "import.jsonl", "attachments", "1 file sent in the chat (data/), which the exporter downloaded with it; "
                                           "not read.")]
    finally:
        other.close()


def test_bulk_cut_last_line_is_a_truncated_file(ws, tmp_path):
    data = BULK.read_bytes()
    cut = tmp_path / "cut.jsonl"
    cut.write_bytes(data[: data.index(b'"direct_post"') + 40])
    with pytest.raises(ImportFailed, match=r"cut\.jsonl, line 11: .*truncated"):
        ws.import_paths([cut])
    assert ws.counts()["activities"] == 0


def test_api_page_posts_replies_reactions_and_system_posts(ws):
    page = DATA / "posts_page.json"
    assert registry.sniff(page).name == "mattermost-api"
    result = ws.import_paths([page])
    assert result.skipped == 1  # the deleted post
    assert rows(ws, """SELECT a.external_id, p.external_id FROM activity a LEFT JOIN activity p ON p.id = a.parent_id
                       ORDER BY a.created_at""") == [
        ("p1aaaaaaaaaaaaaaaaaaaaaaaa", None), ("p2aaaaaaaaaaaaaaaaaaaaaaaa", "p1aaaaaaaaaaaaaaaaaaaaaaaa")]
    assert rows(ws, "SELECT reaction_count FROM activity WHERE external_id = 'p1aaaaaaaaaaaaaaaaaaaaaaaa'") == [(1,)]
    assert rows(ws, "SELECT kind, channel_id FROM membership_event") == [("join", None)]
