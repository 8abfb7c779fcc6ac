"""Stack Exchange data dump: a small hand-written site (tests/data/stackexchange) and hostile XML."""
from __future__ import annotations

import datetime as dt
import re
import shutil
import zipfile
from pathlib import Path

import pytest

from workbench.errors import ImportFailed
from workbench.importers import registry
from workspace_rows import rows
DATA = Path(__file__).resolve().parent.parent / "data"

SITE = DATA / "stackexchange" / "cooking.stackexchange.com"
ZIP = DATA / "stackexchange" / "cooking.stackexchange.com.zip"
HOSTILE = DATA / "stackexchange" / "hostile"


def test_folder_and_zip_are_recognised():
    assert registry.sniff(SITE).name == "stackexchange"
    assert registry.sniff(ZIP).name == "stackexchange"
    assert registry.sniff(SITE / "Posts.xml").name == "stackexchange"


def test_a_dump_beside_another_export_is_read_with_it(ws, tmp_path):
    """The dump's tables loose in a folder with a Telegram chat: both are read, the tables as the
    dump's folder reads them (before, the folder was taken for the dump alone and the chat passed
    over without a word)."""
    mixed = tmp_path / "cooking.stackexchange.com"
    shutil.copytree(SITE, mixed)
    shutil.copy(next((DATA / "telegram").rglob("result.json")), mixed / "result.json")
    result = ws.import_paths([mixed])
    platforms = dict(rows(ws, "select platform, count(*) from activity group by platform"))
    assert platforms["stackexchange"] == 6 + 4 and platforms["telegram"] > 0
    assert result.notes == []
    alone = tmp_path / "alone.db"
    from workbench.workspace import Workspace

    dump = Workspace.open(alone)
    try:
        dump.import_paths([SITE])
        query = "select kind, count(*), count(parent_id), sum(is_accepted) from activity where platform = 'stackexchange' group by kind"
        assert rows(ws, query) == rows(dump, query)
        assert rows(ws, "select count(*) from recognition") == rows(dump, "select count(*) from recognition")
    finally:
        dump.close()


def test_another_export_zipped_with_the_dump_is_named_not_passed_over(ws, tmp_path):
    archive = tmp_path / "client.zip"
    shutil.copy(ZIP, archive)
    with zipfile.ZipFile(archive, "a") as zf:
        zf.write(next((DATA / "telegram").rglob("result.json")), "telegram/result.json")
    result = ws.import_paths([archive])
    assert result.by_kind["activities"] == 6 + 4
    assert [(n.position, n.message) for n in result.notes] == [(
        "beside the export", "1 file that is no part of the Stack Exchange dump was not read; unzip the archive "
        "and import its folder to read it: telegram/result.json.")]
    assert ws.import_paths([ZIP]).notes == []  # a dump alone: nothing to say


def test_questions_answers_comments_and_people(ws):
    result = ws.import_paths([SITE])
    assert result.by_kind["activities"] == 6 + 4  # questions and answers (no tag wiki), comments
    acts = dict(rows(ws, "select external_id, kind from activity"))
    assert acts["cooking.stackexchange.com:1"] == "question"
    assert acts["cooking.stackexchange.com:3"] == "answer"
    assert acts["cooking.stackexchange.com:comment:1"] == "comment"
    assert "cooking.stackexchange.com:7" not in acts  # a tag wiki is not conversation

    answers = rows(ws, """select a.external_id, a.is_accepted, p.external_id from activity a
                          join activity p on p.id = a.parent_id where a.kind = 'answer' order by a.external_id""")
    assert answers == [("cooking.stackexchange.com:2", 0, "cooking.stackexchange.com:1"),
                       ("cooking.stackexchange.com:3", 1, "cooking.stackexchange.com:1"),
                       ("cooking.stackexchange.com:5", 0, "cooking.stackexchange.com:4")]
    # A comment on an answer replies to the answer, in the question's thread.
    assert rows(ws, """select p.external_id, r.external_id from activity a join activity p on p.id = a.parent_id
                       join activity r on r.id = a.root_id where a.external_id = 'cooking.stackexchange.com:comment:3'""") \
        == [("cooking.stackexchange.com:3", "cooking.stackexchange.com:1")]
    assert rows(ws, "select is_question, title from activity where external_id = 'cooking.stackexchange.com:1'") \
        == [(1, "How long to rest bread dough?")]

    accounts = {r[0]: r[1:] for r in rows(ws, "select external_id, display_name, is_bot, is_deleted from account")}
    assert accounts["cooking.stackexchange.com:-1"] == ("Community", 1, 0)
    assert accounts["cooking.stackexchange.com:1"] == ("Alice Baker", 0, 0)
    assert accounts["cooking.stackexchange.com:deleted:Gone User"] == ("Gone User", 0, 1)
    assert accounts["cooking.stackexchange.com:deleted:Old Timer"] == ("Old Timer", 0, 1)
    edited = rows(ws, "select edited_at from activity where external_id = 'cooking.stackexchange.com:2'")[0][0]
    assert str(edited).startswith("2021-03-01 12:40:00")


def test_badges_become_recognitions(ws):
    ws.import_paths([SITE])
    got = rows(ws, """select ac.display_name, r.kind, r.note, r.source, r.given_at from recognition r
                      join account ac on ac.id = r.account_id order by r.given_at""")
    assert [g[:4] for g in got] == [("Alice Baker", "Student", "bronze badge", "stackexchange"),
                                    ("Carol", "Teacher", "bronze badge", "stackexchange"),
                                    ("Carol", "bread", "gold badge", "stackexchange")]
    assert str(got[0][4]).startswith("2021-03-01 10:05:00")


def test_reimport_of_folder_then_zip_adds_nothing(ws):
    first = ws.import_paths([SITE])
    assert first.added > 0
    again = ws.import_paths([SITE])
    assert again.added == 0 and again.updated == 0
    zipped = ws.import_paths([ZIP])
    assert zipped.added == 0 and zipped.updated == 0
    assert rows(ws, "select count(*) from recognition") == [(3,)]
    assert rows(ws, "select count(*) from activity") == [(10,)]


def test_time_to_first_response_from_the_store(ws):
    """Questions to the earliest answer or comment in their thread by another, non-bot account."""
    ws.import_paths([SITE])
    got = dict(rows(ws, """
        select q.external_id,
               (select min(r.created_at) from activity r join account ra on ra.id = r.account_id
                where r.root_id = q.id and r.account_id != q.account_id and ra.is_bot = 0)
        from activity q where q.is_question = 1"""))
    assert str(got["cooking.stackexchange.com:1"]).startswith("2021-03-01 11:00:00")  # Bob's comment, 1 h
    assert str(got["cooking.stackexchange.com:4"]).startswith("2021-03-02 09:15:00")  # Alice's answer
    assert got["cooking.stackexchange.com:6"] is None  # only the asker and the Community bot


@pytest.mark.parametrize("site", ["laughs.stackexchange.com", "xxe.stackexchange.com"])
def test_entity_declarations_are_refused_in_one_sentence(ws, site):
    with pytest.raises(ImportFailed) as err:
        ws.import_paths([HOSTILE / site])
    message = str(err.value)
    assert site in message and "Posts.xml" in message and "refused" in message
    assert message.endswith(".") and not re.search(r"[.;]\s+[A-Z]", message) and "\n" not in message
    assert ws.counts()["activities"] == 0 and ws.counts()["import_runs"] == 0


def test_truncated_posts_file_is_refused_and_nothing_is_written(ws, tmp_path):
    site = tmp_path / "broken.stackexchange.com"
    shutil.copytree(SITE, site)
    data = (site / "Posts.xml").read_bytes()
    (site / "Posts.xml").write_bytes(data[: len(data) // 2])
    with pytest.raises(ImportFailed) as err:
        ws.import_paths([site])
    assert "Posts.xml" in str(err.value) and "truncated" in str(err.value)
    assert ws.counts()["accounts"] == 0


def test_a_bad_row_is_reported_and_skipped(ws, tmp_path):
    site = tmp_path / "bad.stackexchange.com"
    shutil.copytree(SITE, site)
    posts = (site / "Posts.xml").read_text(encoding="utf-8-sig")
    (site / "Posts.xml").write_text(posts.replace('CreationDate="2021-03-01T12:30:00.000"',
                                                  'CreationDate="yesterday"'), encoding="utf-8")
    result = ws.import_paths([site])
    assert [(p.file, p.position) for p in result.problems] == [("Posts.xml", "row 2 (Id 2)")]
    assert "yesterday" in result.problems[0].message
    assert rows(ws, "select count(*) from activity where external_id = 'bad.stackexchange.com:2'") == [(0,)]
    assert result.first_at == dt.datetime(2021, 3, 1, 10, 0, tzinfo=dt.timezone.utc)


def test_a_score_too_large_to_store_is_that_rows_problem(ws, tmp_path):
    site = tmp_path / "big.stackexchange.com"
    shutil.copytree(SITE, site)
    posts = (site / "Posts.xml").read_text(encoding="utf-8-sig")
    (site / "Posts.xml").write_text(posts.replace('Score="1" Body="&lt;p&gt;An hour.', 'Score="99999999999999999999" '
                                                  'Body="&lt;p&gt;An hour.'), encoding="utf-8")
    result = ws.import_paths([site])
    assert [(p.file, p.position) for p in result.problems] == [("Posts.xml", "row 2 (Id 2)")]
    assert "reaction_count is a number too large to store" in result.problems[0].message
    assert rows(ws, "select count(*) from activity where external_id = 'big.stackexchange.com:2'") == [(0,)]
    assert rows(ws, "select count(*) from activity where external_id = 'big.stackexchange.com:3'") == [(1,)]


def test_an_api_question_of_the_wrong_shape_is_skipped_whole_and_named(ws, tmp_path):
    """A title that is not text reached the store (found by sweeping the samples' fields); the
    question is now that item's problem, with its answers, and the next question imports."""
    import json

    owner = {"user_id": 5, "display_name": "Ann", "link": "https://cooking.stackexchange.com/users/5"}
    items = [{"question_id": 1, "creation_date": 1704110400, "title": True, "owner": owner, "body": "q",
              "link": "https://cooking.stackexchange.com/q/1",
              "answers": [{"answer_id": 9, "creation_date": 1704110450, "owner": owner, "body": "a"}]},
             {"question_id": 2, "creation_date": 1704110500, "title": "Why does bread rise?", "owner": owner,
              "body": "q2", "link": "https://cooking.stackexchange.com/q/2",
              "answers": [{"answer_id": 3, "creation_date": 1704110600, "owner": owner, "body": "yeast",
                           "is_accepted": True}]}]
    page = tmp_path / "questions.json"
    page.write_text(json.dumps({"items": items, "quota_max": 300}, separators=(",", ":")), encoding="utf-8")
    assert registry.sniff(page).name == "stackexchange-api"
    result = ws.import_paths([page])
    assert [(p.position, p.message) for p in result.problems] == [
        ("item 1", "not a question with a question_id and a creation_date (its title is true or false where text "
                   "belongs); it was skipped with its answers and comments.")]
    assert rows(ws, "select external_id, title from activity order by id") == [
        ("cooking.stackexchange.com:2", "Why does bread rise?"), ("cooking.stackexchange.com:3", "")]
