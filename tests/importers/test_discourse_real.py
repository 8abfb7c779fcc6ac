"""Acceptance: the real Discourse API samples (../shared/fixtures/real/discourse), read in place."""
from __future__ import annotations

import pytest
from workspace_rows import rows

pytestmark = pytest.mark.acceptance

FOLDER = "discourse/perceval-api"


def test_every_page_imports_on_its_own(real, ws):
    for path in sorted((real / FOLDER).glob("*.json")):
        result = ws.import_paths([path])
        assert result.problem_count == 0, (path, result.problems)


def test_the_folder_with_its_facts(real, ws):
    result = ws.import_paths([real / FOLDER])
    assert result.problem_count == 0
    # Post 4 of topic 1148 (19162) answers post 3 (19152) by reply_to_post_number.
    assert rows(ws, """select p.external_id, p.kind from activity a join activity p on p.id = a.parent_id
                       where a.external_id = '19162'""") == [("19152", "reply")]
    # A post without reply_to_post_number replies to the topic's first post.
    assert rows(ws, """select p.external_id, p.kind from activity a join activity p on p.id = a.parent_id
                       where a.external_id = '19152'""") == [("18952", "topic")]
    first = rows(ws, """select a.kind, a.title, a.reaction_count, ac.handle from activity a
                        join account ac on ac.id = a.account_id where a.external_id = '18952'""")
    assert first == [("topic", "[Support] uBlock Origin", 6, "gorhill")]
    assert rows(ws, "select count(*) from activity where root_id = (select id from activity where external_id = '18952')") \
        == [(19,)]
    edited = rows(ws, "select count(*) from activity where edited_at is not null and platform = 'discourse'")[0][0]
    assert edited >= 4  # version > 1


def test_reimport_adds_nothing(real, ws):
    ws.import_paths([real / FOLDER])
    again = ws.import_paths([real / FOLDER])
    assert (again.added, again.updated) == (0, 0)


def test_cli_imports_the_folder(real, cli, tmp_path):
    r = cli("import", "--workspace", tmp_path / "w.db", real / FOLDER, "--json")
    assert r.code == 0, r
    assert r.json()["added_by_kind"]["activities"] == 25
