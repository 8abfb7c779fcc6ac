"""Gitter message pages, on tests/data/gitter."""
from __future__ import annotations

from pathlib import Path

from workbench.importers import registry
from workspace_rows import rows

PAGE = Path(__file__).resolve().parent.parent / "data" / "gitter" / "messages.json"


def test_duplicate_ids_count_once_and_threads_link(ws):
    assert registry.sniff(PAGE).name == "gitter"
    result = ws.import_paths([PAGE])
    assert result.problem_count == 1 and "message 4" in str(result.problems[0])
    assert rows(ws, """SELECT a.external_id, a.text, p.external_id, a.edited_at FROM activity a
                       LEFT JOIN activity p ON p.id = a.parent_id ORDER BY a.created_at""") == [
        ("5e78b710c2676245a82ab85a", "How do I build?", None, None),
        ("5e78b710c2676245a82ab85b", "make all", "5e78b710c2676245a82ab85a", "2020-03-23 13:21:00.000000")]


def test_accounts_keyed_on_from_user_id_with_names_exact(ws):
    ws.import_paths([PAGE])
    assert rows(ws, "SELECT external_id, handle, display_name FROM account ORDER BY handle") == [
        ("5e2f7e72d73408ce4fd7f187", "dana", "Dana \u200dD"), ("54d7876c15522ed4b3dbtest", "eli", "Eli")]
    assert ws.import_paths([PAGE]).added == 0
