"""Acceptance: the real Mattermost samples (../shared/fixtures/real/mattermost), through the real
command line."""
from __future__ import annotations

import pytest

from workspace_rows import rows

pytestmark = pytest.mark.acceptance

API = "mattermost/perceval-api"
MMCTL = "mattermost/zulip-mmctl-v11.1.0-samples"


def import_all(cli, db, *paths) -> None:
    for p in paths:
        r = cli("import", "--workspace", db, p)
        assert r.code == 0, r


def test_api_pages_posts_users_channel(cli, real, tmp_path):
    db = tmp_path / "w.db"
    files = sorted((real / API).glob("*.json"))
    assert len(files) == 5
    import_all(cli, db, *files)
    # 9 posts in the two pages, two of them "joined the team" notices
    assert cli("status", "--workspace", db, "--json").json()["activities"] == 7
    assert rows(db, "SELECT count(*) FROM membership_event WHERE kind = 'join'") == [(2,)]
    assert rows(db, """SELECT p.external_id FROM activity a JOIN activity p ON p.id = a.parent_id
                       WHERE a.external_id = '59io5i1f5bbetxtj6mbm67fouw'""") == [("pot46s7kjif7xx6x91ua7m4d7y",)]
    assert rows(db, "SELECT handle, is_staff FROM account WHERE external_id = '8tbwn7uikpdy3gpse6fgiie5co'") == [
        ("sduenas", 1)]
    assert rows(db, "SELECT handle, is_staff FROM account WHERE external_id = 'haqnaxe4cpn4jfsx3w7x3y96ea'") == [
        ("valcos", 0)]
    assert rows(db, "SELECT text, created_at FROM activity WHERE external_id = 'zgzsgcnuobyf9bwdcbug8iqu6e'") == [
        ("vaya partido el otro d\u00eda de la Roma, eh?", "2018-04-12 09:43:34.021000")]
    assert rows(db, "SELECT name, kind FROM channel WHERE external_id = 'abcdefghijkl'") == [("GrimoireLab channel", "channel")]


def test_mmctl_samples_replies_linked_to_root_direct_post_admin(cli, real, tmp_path):
    db = tmp_path / "w.db"
    import_all(cli, db, *sorted((real / MMCTL).glob("*.json")))
    assert cli("status", "--workspace", db, "--json").json()["activities"] == 5
    got = rows(db, """SELECT a.account_id IS NOT NULL, a.kind, p.kind, a.created_at FROM activity a
                      JOIN activity p ON p.id = a.parent_id ORDER BY a.created_at""")
    assert [r[1:3] for r in got] == [("reply", "message")] * 3  # all three replies, unsorted in the file
    assert [r[3] for r in got] == ["2026-01-20 13:37:13.181000", "2026-01-20 13:37:32.899000", "2026-01-20 13:38:04.233000"]
    assert rows(db, "SELECT external_id, kind FROM channel ORDER BY external_id") == [
        ("ad-1/amet-0", "channel"), ("dm:adam.torres,eugene.montgomery,rebecca.diaz", "group_dm")]
    assert rows(db, "SELECT display_name, is_staff FROM account WHERE external_id = 'sysadmin'") == [("Kenneth Moreno", 1)]


def test_importing_every_sample_twice_changes_nothing(cli, real, tmp_path):
    db = tmp_path / "w.db"
    files = sorted((real / "mattermost").rglob("*.json"))
    import_all(cli, db, *files)
    before = cli("status", "--workspace", db, "--json").json()
    import_all(cli, db, *files)
    after = cli("status", "--workspace", db, "--json").json()
    assert after == before
