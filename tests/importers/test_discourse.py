"""Discourse: a hand-written folder of API pages and an admin users CSV (tests/data/discourse)."""
from __future__ import annotations

import gzip
import zipfile
from pathlib import Path

from sqlalchemy import text

from workbench.importers import registry
from workspace_rows import rows

DATA = Path(__file__).resolve().parent.parent / "data" / "discourse"
FORUM = DATA / "forum.example.org"
USERS = DATA / "user-list-241123-101500-1.csv"


def test_topics_posts_and_links(ws):
    assert registry.sniff(FORUM).name == "discourse"
    result = ws.import_paths([FORUM])
    assert result.problem_count == 0
    posts = {r[0]: r[1:] for r in rows(ws, """
        select a.external_id, a.kind, p.external_id, c.name, a.reaction_count, a.edited_at is not null, a.title
        from activity a left join activity p on p.id = a.parent_id left join channel c on c.id = a.channel_id""")}
    assert "1004" not in posts  # "closed" is a small action, not a post
    assert posts["1001"] == ("topic", None, "Help", 0, 0, "Fine-tuning runs out of memory?")
    assert posts["1002"] == ("reply", "1001", "Help", 3, 1, "")  # no reply_to_post_number: the topic
    assert posts["1003"][1] == "1002"  # reply_to_post_number 2
    assert posts["1005"][1:4] == ("1003", "Help", 1)  # on another page, linked by post number 3
    assert posts["2002"][:3] == ("reply", "2001", "Show and tell")
    accounts = {r[0]: r[1:] for r in rows(ws, "select external_id, handle, is_bot, is_staff from account")}
    assert accounts["-2"] == ("discobot", 1, 0)
    assert accounts["9"] == ("lena", 0, 1)


def test_question_categories_come_from_the_settings(ws):
    ws.import_paths([FORUM])
    assert rows(ws, "select external_id, is_question from activity where kind = 'topic' order by 1") == \
        [("1001", None), ("2001", None)]  # no setting: the text rule decides
    ws.set_setting("discourse.question_categories", ["Help"])
    ws.import_paths([FORUM])
    assert rows(ws, "select external_id, is_question from activity where kind = 'topic' order by 1") == \
        [("1001", 1), ("2001", None)]


def test_reimport_of_the_folder_and_of_a_zip_of_it_adds_nothing(ws, tmp_path):
    ws.import_paths([FORUM])
    again = ws.import_paths([FORUM])
    assert (again.added, again.updated) == (0, 0)
    archive = tmp_path / "forum.example.org.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for page in sorted(FORUM.glob("*.json")):
            zf.write(page, f"pages/{page.name}")
    assert registry.sniff(archive).name == "discourse"
    zipped = ws.import_paths([archive])
    assert (zipped.added, zipped.updated, zipped.problem_count) == (0, 0, 0)


def test_users_csv_plain_and_gzip(ws, tmp_path):
    assert registry.sniff(USERS).name == "discourse-users"
    result = ws.import_paths([USERS])
    assert [(p.position, "last tuesday" in p.message) for p in result.problems] == [("row 6", True)]
    people = {r[0]: r[1:] for r in rows(ws, """select external_id, display_name, handle, email, is_staff, is_bot,
                                               joined_at from account""")}
    assert people["7"][:5] == ("Maya Ito", "maya", "maya@example.com", 0, 0)
    assert str(people["7"][5]).startswith("2023-05-04 10:20:30")
    assert people["9"][:2] == ('Lena "LJ" Jung', "lena") and people["9"][3] == 1  # a moderator is staff
    assert people["-1"][4] == 1  # system is a bot
    assert "10" not in people
    assert rows(ws, "select count(*) from membership_event") == [(4,)]

    gz = tmp_path / "user-list-241123-101500-1.csv.gz"
    gz.write_bytes(gzip.compress(USERS.read_bytes()))
    assert registry.sniff(gz).name == "discourse-users"
    again = ws.import_paths([gz])
    assert (again.added, again.updated) == (0, 0)


def test_users_and_posts_meet_on_one_account(ws):
    ws.import_paths([USERS, FORUM])
    assert rows(ws, """select ac.email, count(*) from activity a join account ac on ac.id = a.account_id
                       where ac.external_id = '7' group by ac.email""") == [("maya@example.com", 2)]


def test_a_problem_quoting_a_lone_surrogate_is_kept(ws, tmp_path):
    import json
    import shutil

    forum = tmp_path / "forum.example.org"
    shutil.copytree(DATA / "forum.example.org", forum)
    topic = json.loads((forum / "t_102.json").read_text(encoding="utf-8"))
    topic["post_stream"]["posts"][1]["created_at"] = "\ud800"
    (forum / "t_102.json").write_text(json.dumps(topic), encoding="utf-8")  # written as the escape \ud800
    result = ws.import_paths([forum])
    assert result.problem_count == 1 and "\ufffd" in result.problems[0].message
    with ws.connect() as conn:
        stored = conn.execute(text("select message from import_problem")).scalars().all()
    assert len(stored) == 1 and "\ufffd" in stored[0] and "is not a date" in stored[0]


def test_page_parts_of_the_wrong_shape_are_passed_over(ws, tmp_path):
    """Found by sweeping every field of the samples with wrong values: a category list, post stream
    or user list that is not what Discourse writes crashed the import; an epoch past the calendar
    failed it as an OSError instead of being that post's problem."""
    import json
    import shutil

    forum = tmp_path / "forum.example.org"
    shutil.copytree(FORUM, forum)
    cats = json.loads((forum / "categories.json").read_text(encoding="utf-8"))
    cats["category_list"] = True
    (forum / "categories.json").write_text(json.dumps(cats), encoding="utf-8")
    topic = json.loads((forum / "t_101.json").read_text(encoding="utf-8"))
    topic["post_stream"]["stream"] = {"a": 1}
    topic["users"] = 7
    topic["post_stream"]["posts"][1]["created_at"] = 2**70
    (forum / "t_101.json").write_text(json.dumps(topic), encoding="utf-8")
    posts = json.loads((forum / "t_101_posts.json").read_text(encoding="utf-8"))
    posts["post_stream"] = True
    (forum / "t_101_posts.json").write_text(json.dumps(posts), encoding="utf-8")
    result = ws.import_paths([forum])
    assert result.added > 0
    assert len(result.problems) == 1
    assert result.problems[0].file == "t_101.json" and "is not a time the workbench can read" in result.problems[0].message
