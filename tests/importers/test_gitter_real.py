"""Acceptance: the real Gitter samples (../shared/fixtures/real/gitter), through the real command line."""
from __future__ import annotations

import pytest

from workspace_rows import rows

pytestmark = pytest.mark.acceptance


def test_api_pages_and_rooms(cli, real, tmp_path):
    db = tmp_path / "w.db"
    for f in sorted((real / "gitter/perceval-api").glob("*.json")):
        r = cli("import", "--workspace", db, f)
        assert r.code == 0, r
    assert rows(db, "SELECT external_id, created_at FROM activity ORDER BY created_at") == [
        ("5e78b710c2676245a82ab85a", "2020-03-23 13:18:08.800000"), ("5e7990ecada8262f814a8056", "2020-03-24 04:47:40.777000")]
    assert rows(db, "SELECT external_id, handle, display_name FROM account") == [
        ("5e2f7e72d73408ce4fd7f187", "animeshk08", "Animesh Kumar")]
    assert rows(db, "SELECT name, kind FROM channel ORDER BY name") == [
        ("AnimeshCom/helloworld", "channel"), ("testapicomm/community", "channel")]


def test_export_script_output_with_a_duplicate_id_counts_it_once(cli, real, tmp_path):
    db = tmp_path / "w.db"
    path = real / "gitter/zulip-fixture/gitter_data.json"
    r = cli("import", "--workspace", db, path)
    assert r.code == 0, r
    assert rows(db, "SELECT external_id, text FROM activity") == [("57509d0ef44fde236e52f395", "test message")]
    before = cli("status", "--workspace", db, "--json").json()
    assert cli("import", "--workspace", db, path).code == 0
    assert cli("status", "--workspace", db, "--json").json() == before
