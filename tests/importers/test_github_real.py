"""Acceptance: the real GitHub API samples (../shared/fixtures/real/github), read in place."""
from __future__ import annotations

import pytest
from workspace_rows import rows

pytestmark = pytest.mark.acceptance

FOLDER = "github/perceval-api"


def test_every_page_imports_on_its_own(real, ws):
    for path in sorted((real / FOLDER).glob("*.json")):
        ws.import_paths([path])  # GraphQL and organisation pages are noted, not refused
    assert ws.counts()["activities"] > 0


def test_the_folder_with_its_facts(real, ws):
    result = ws.import_paths([real / FOLDER])
    assert result.problem_count == 0
    notes = sorted(p.file for p in result.notes)
    assert notes == ["github_events_page_1.json", "github_events_page_2.json", "github_events_page_3.json",
                     "github_events_pull_request_review.json", "github_orgs.json"]
    # The ghost (a null or empty user) is kept as one deleted account, with what it did.
    assert rows(ws, "select handle, is_deleted from account where external_id = '10137'") == [("ghost", 1)]
    assert rows(ws, """select a.external_id from activity a join account ac on ac.id = a.account_id
                       where ac.external_id = '10137'""") == [("zhquan_example/repo#pullrequestreview-205729156",)]
    assert rows(ws, """select count(*) from reaction r join account ac on ac.id = r.account_id
                       where ac.external_id = '10137'""") == [(2,)]
    # Comments reply to their issue or pull request; review comments too.
    assert rows(ws, """select p.external_id from activity a join activity p on p.id = a.parent_id
                       where a.external_id = 'zhquan_example/repo#issuecomment-1'""") == [("zhquan_example/repo#1",)]
    assert rows(ws, """select p.external_id from activity a join activity p on p.id = a.parent_id
                       where a.external_id = 'zhquan_example/repo#discussion_r2'""") == [("zhquan_example/repo#1",)]
    assert rows(ws, "select reaction_count from activity where external_id = 'zhquan_example/repo#issuecomment-1'") \
        == [(3,)]


def test_the_ghost_is_scored_but_nobodys_candidate(real, ws):
    """GitHub's ghost stands for every deleted user: its review counts, but it cannot be thanked."""
    from workbench.champions.score import candidates, champion_scores

    ws.import_paths([real / FOLDER])
    assert "Deleted user" in set(champion_scores(ws)["name"])
    assert list(candidates(ws)["name"]) == ["zhquan_example"]


def test_reimport_adds_nothing(real, ws):
    ws.import_paths([real / FOLDER])
    again = ws.import_paths([real / FOLDER])
    assert (again.added, again.updated) == (0, 0)


def test_cli_imports_the_folder(real, cli, tmp_path):
    r = cli("import", "--workspace", tmp_path / "w.db", real / FOLDER, "--json")
    assert r.code == 0, r
    assert r.json()["added_by_kind"]["activities"] == 8
    people = cli("people", "list", "--workspace", tmp_path / "w.db", "--json").json()
    assert {p["name"]: p["deleted"] for p in people} == {"zhquan_example": False, "Deleted user": True}
    listed = cli("people", "list", "--workspace", tmp_path / "w.db").out.splitlines()
    assert next(line for line in listed if "Deleted user" in line).rstrip().endswith("deleted")


def test_pull_requests_and_comments_link_to_github(real, ws):
    """A pull request opens at github.com/<repo>/pull/<n>, a comment at its anchor on the issue page."""
    from workbench.permalinks import links_of

    ws.import_paths([real / FOLDER])
    ids = dict(rows(ws, """select external_id, id from activity where external_id in
                           ('zhquan_example/repo#1', 'zhquan_example/repo#issuecomment-1')"""))
    with ws.connect() as conn:
        found = links_of(conn, ids.values())
    assert found[ids["zhquan_example/repo#1"]].url == "https://github.com/zhquan_example/repo/pull/1"
    assert found[ids["zhquan_example/repo#issuecomment-1"]].url == \
        "https://github.com/zhquan_example/repo/issues/1#issuecomment-1"
