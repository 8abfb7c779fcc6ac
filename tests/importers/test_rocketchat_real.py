"""Acceptance: the real Rocket.Chat samples (../shared/fixtures/real/rocketchat), through the real
command line."""
from __future__ import annotations

import pytest

from workspace_rows import rows

pytestmark = pytest.mark.acceptance

PAGES = "rocketchat/perceval-api"


def test_every_page_imports_and_hidden_copies_are_skipped(cli, real, tmp_path):
    db = tmp_path / "w.db"
    for f in sorted((real / PAGES).glob("*.json"), key=lambda f: f.name.startswith("channel")):
        r = cli("import", "--workspace", db, f, "--json")
        assert r.code == 0, r
        if f.name == "message_page_1.json":
            assert r.json()["skipped"] == 1  # the _hidden edit-history copy
    assert rows(db, "SELECT external_id FROM activity ORDER BY created_at") == [
        ("4AwA2eJQ7xBgPZ4mv",), ("WnWSwiD877xRpqcMb",), ("p5dQSb48W25EimhJK",)]
    assert rows(db, "SELECT count(*) FROM activity WHERE external_id = 'zofFonHMq5M3tdGyu'") == [(0,)]
    assert rows(db, """SELECT a.text, p.external_id, a.edited_at FROM activity a JOIN activity p ON p.id = a.parent_id""") == [
        ("Test reply 1 edited", "4AwA2eJQ7xBgPZ4mv", "2020-05-02 07:31:56.712000")]
    assert rows(db, "SELECT reaction_count FROM activity WHERE external_id = '4AwA2eJQ7xBgPZ4mv'") == [(2,)]
    assert rows(db, "SELECT name FROM channel WHERE external_id = 'wyJHNAtuPGnQCT5xP'") == [("testapichannel",)]


def test_the_folder_resolves_reaction_usernames_and_imports_once(cli, real, tmp_path):
    db = tmp_path / "w.db"
    assert cli("import", "--workspace", db, real / PAGES).code == 0
    assert rows(db, "SELECT acc.external_id, r.emoji FROM reaction r JOIN account acc ON acc.id = r.account_id "
                    "ORDER BY r.emoji") == [("567user", ":cool:"), ("567user", ":wait:")]
    assert rows(db, "SELECT count(*) FROM account") == [(2,)]  # keyed on u._id, whatever the username
    before = cli("status", "--workspace", db, "--json").json()
    assert cli("import", "--workspace", db, real / PAGES).code == 0
    assert cli("status", "--workspace", db, "--json").json() == before


def test_a_message_page_after_the_room_page_keeps_the_room_name(cli, real, tmp_path):
    db = tmp_path / "w.db"
    for name in ("channel_info.json", "message_page_2.json"):
        assert cli("import", "--workspace", db, real / PAGES / name).code == 0
    assert rows(db, "SELECT name FROM channel WHERE external_id = 'wyJHNAtuPGnQCT5xP'") == [("testapichannel",)]
