"""GitHub: a hand-written folder of REST API pages (tests/data/github/acme-assistant)."""
from __future__ import annotations

import json
import shutil
import zipfile
from pathlib import Path

from workbench.importers import registry
from workspace_rows import rows

REPO = Path(__file__).resolve().parent.parent / "data" / "github" / "acme-assistant"


def test_issues_comments_and_people(ws):
    assert registry.sniff(REPO).name == "github"
    result = ws.import_paths([REPO])
    assert result.problem_count == 0
    acts = {r[0]: r[1:] for r in rows(ws, """
        select a.external_id, a.kind, a.is_question, p.external_id, ac.handle, a.reaction_count, c.name
        from activity a left join activity p on p.id = a.parent_id join account ac on ac.id = a.account_id
        join channel c on c.id = a.channel_id""")}
    assert acts["acme/assistant#12"] == ("issue", 1, None, "rin", 2, "acme/assistant")  # labelled question
    assert acts["acme/assistant#13"][:2] == ("issue", None)  # unlabelled: the text rule decides
    assert acts["acme/assistant#14"][:2] == ("pull_request", 0)  # a pull request is never a question
    assert acts["acme/assistant#issuecomment-900001"][:4] == ("comment", None, "acme/assistant#12", "sam")
    assert acts["acme/assistant#issuecomment-900003"][2:4] == ("acme/assistant#14", "ghost")
    edited = rows(ws, "select edited_at from activity where external_id = 'acme/assistant#issuecomment-900001'")
    assert str(edited[0][0]).startswith("2024-03-01 08:45:00")

    accounts = {r[0]: r[1:] for r in rows(ws, "select external_id, handle, is_bot, is_deleted from account")}
    assert accounts["101"] == ("rin", 0, 0)
    assert accounts["29139614"] == ("renovate[bot]", 1, 0)
    assert accounts["10137"] == ("ghost", 0, 1)  # null user and the ghost login: one deleted account
    assert len(accounts) == 4
    assert rows(ws, "select ac.handle from activity a join account ac on ac.id = a.account_id "
                    "where a.external_id = 'acme/assistant#13'") == [("ghost",)]


def test_reactions_page_is_tied_to_its_issue_by_name(ws):
    ws.import_paths([REPO])
    got = rows(ws, """select ac.handle, r.emoji from reaction r join account ac on ac.id = r.account_id
                      join activity a on a.id = r.activity_id where a.external_id = 'acme/assistant#12'
                      order by r.emoji""")
    assert got == [("sam", "+1"), ("ghost", "heart")]


def test_reactions_page_alone_uses_the_repository_in_the_workspace(ws):
    ws.import_paths([REPO / "issues_page_1.json"])
    result = ws.import_paths([REPO / "issue_12_reactions.json"])
    assert result.problem_count == 0
    assert rows(ws, "select count(*) from reaction") == [(2,)]


def test_reactions_to_an_issue_in_no_export_are_reported_not_lost_silently(ws, tmp_path):
    ws.import_paths([REPO / "issues_page_1.json"])
    stray = tmp_path / "issue_99_reactions.json"
    stray.write_bytes((REPO / "issue_12_reactions.json").read_bytes())
    result = ws.import_paths([stray])
    assert [(p.file, p.position) for p in result.problems] == [("issue_99_reactions.json", "reactions")]
    assert result.problems[0].message.startswith("2 reactions point at messages that are neither in this export")
    assert rows(ws, "select count(*) from reaction") == [(0,)]


def test_reimport_of_the_folder_and_of_a_zip_of_it_adds_nothing(ws, tmp_path):
    ws.import_paths([REPO])
    again = ws.import_paths([REPO])
    assert (again.added, again.updated) == (0, 0)
    archive = tmp_path / "pages.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for page in sorted(REPO.glob("*.json")):
            zf.write(page, page.name)
    assert registry.sniff(archive).name == "github"
    zipped = ws.import_paths([archive])
    assert (zipped.added, zipped.updated, zipped.problem_count) == (0, 0, 0)
    assert rows(ws, "select count(*) from reaction") == [(2,)]


def test_a_zip_with_a_reactions_page_first_still_ties_it(ws, tmp_path):
    archive = tmp_path / "pages.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for page in sorted(REPO.glob("*.json"), key=lambda p: "reactions" not in p.name):
            zf.write(page, page.name)
    ws.import_paths([archive])
    assert rows(ws, "select count(*) from reaction") == [(2,)]


def test_reactions_among_pages_of_two_repositories_are_reported_not_guessed(ws, tmp_path):
    folder = tmp_path / "two-repos"
    shutil.copytree(REPO, folder)
    other = json.loads((REPO / "issues_page_1.json").read_text(encoding="utf-8"))
    for issue in other:
        issue["url"] = issue["url"].replace("acme/assistant", "acme/other")
        issue["repository_url"] = issue["repository_url"].replace("acme/assistant", "acme/other")
    (folder / "other_issues.json").write_text(json.dumps(other), encoding="utf-8")
    result = ws.import_paths([folder])
    assert [(p.file, p.position) for p in result.problems] == [("issue_12_reactions.json", "item 1"),
                                                               ("issue_12_reactions.json", "item 2")]
    assert "one repository" in result.problems[0].message
    assert rows(ws, "select count(*) from reaction") == [(0,)]
    assert rows(ws, "select count(*) from activity where external_id like 'acme/other#%'") == [(3,)]


def test_a_lone_surrogate_in_a_title_is_stored_as_a_replacement_character(ws, tmp_path):
    """JSON may escape half a surrogate pair ("\\ud800"); SQLite cannot store it. The title keeps the
    rest of its text and the import goes on (it failed whole with UnicodeEncodeError)."""
    repo = tmp_path / "acme-assistant"
    shutil.copytree(REPO, repo)
    issues = json.loads((repo / "issues_page_1.json").read_text(encoding="utf-8"))
    issues[0]["title"] = "\ud800 How do I stream?"
    (repo / "issues_page_1.json").write_text(json.dumps(issues), encoding="utf-8")
    result = ws.import_paths([repo])
    number = issues[0]["number"]
    assert rows(ws, "select title from activity where external_id = :e", e=f"acme/assistant#{number}") == \
        [("\ufffd How do I stream?",)]
    assert result.added > 0
