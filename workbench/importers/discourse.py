"""Discourse: JSON pages as the API returns them (a folder of saved pages) and the admin users CSV.

Pages come as one file, a folder (subfolders included) or a zip of them; the forum (the source)
is named after that folder or zip. API pages: topics (``/t/{id}.json``), post pages
(``/t/{id}/posts.json``), single posts (``/posts/{id}.json``), topic lists (``/latest.json``,
whose ``users`` are read) and the category list (``/categories.json``, for channel names).
Account = ``user_id``; activity = post ``id``; a topic's first post is ``kind="topic"``, the
others ``kind="reply"`` and link to the post named by ``reply_to_post_number`` within the topic,
otherwise to the topic's first post. The channel is the topic's category. Likes
(``actions_summary`` id 2) are the reaction count; ``version > 1`` means edited; small actions
(``post_type`` 3: closed, pinned...) are system events and skipped.

A topic's first post is a question (``is_question=True``) when its category is one of the
workspace setting ``discourse.question_categories`` (ids or names), or the topic carries the
Solved plugin's accepted answer; otherwise the workspace's text rule decides (``None``).

The users CSV (``user-list-*.csv.gz``, gzip or plain) is read by header name, never by position:
accounts with name, username, e-mail, staff flags (admin, moderator) and a join event at
``created_at``. Users ``-1`` (system) and ``-2`` (discobot) are bots. Trust levels and post counts
have no place in the workspace yet and are not kept.
"""
from __future__ import annotations

import csv
import gzip
import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from sqlalchemy import select

from ..records import AccountRec, ActivityRec, ChannelRec, MembershipRec, Record, SourceRec
from ..store.models import Setting
from .base import RECORD_ERRORS, Importer, ReadContext, as_dict, as_list, checked, why
from .safety import head, is_zip
from .textio import UTC, detect_encoding, gunzip_head, iso_utc, iter_pages, json_head, page_heads, parse_time

PLATFORM = "discourse"
LIKE = 2
SMALL_ACTION = 3
USERS_CSV_NEEDS = {"id", "username", "email", "trust_level"}
CSV_FIELD_LIMIT = 1 << 20


def _forum(path: Path) -> str:
    """The forum's name: the folder or zip of saved pages, or the folder a single page is in."""
    name = path.name if path.is_dir() else (path.stem if is_zip(path) else path.parent.name)
    return name or "discourse"


def _discourse_head(h: str) -> bool:
    if h.startswith('{"topic_list":') or h.startswith('{"users":') and '"topic_list":' in h:
        return True
    if h.startswith('{"category_list":'):
        return True
    if h.startswith("{") and '"post_stream":' in h:
        return True
    if h.startswith("{") and '"archetype":' in h and '"fancy_title":' in h:  # a topic, keys sorted
        return True
    return h.startswith("{") and '"post_number":' in h and ('"cooked":' in h or '"topic_id":' in h)


def _is_users_csv(path: Path) -> bool:
    name = path.name.lower()
    if not path.is_file() or not name.endswith((".csv", ".csv.gz")):
        return False
    data = head(path, 8192)
    if data[:2] == b"\x1f\x8b":
        data = gunzip_head(path)
    text = data.decode(detect_encoding(data), errors="replace").lstrip("\ufeff")
    header = {h.strip().lower() for h in text.splitlines()[0].split(",")} if text else set()
    return USERS_CSV_NEEDS <= header


class DiscourseApi(Importer):
    name = "discourse"
    label = "Discourse API pages (topics and posts)"
    platform = PLATFORM
    patterns = ("*.json", "*.zip")
    folders = True

    def sniff(self, path: Path) -> bool:
        if path.is_dir() or is_zip(path):
            heads = page_heads(path)
            return bool(heads) and all(_discourse_head(h) for h in heads)
        return path.suffix.lower() == ".json" and _discourse_head(json_head(path, 8192))

    def prepare(self, path: Path, conn, options: dict) -> dict:  # noqa: ANN001
        row = conn.execute(select(Setting.value).where(Setting.key == "discourse.question_categories")).first()
        cats = options.get("question_categories", row[0] if row else [])
        return {**options, "question_categories": [str(c).lower() for c in cats or []]}

    def read(self, path: Path, ctx: ReadContext) -> Iterator[Record]:
        forum = _forum(path)
        reader = _ForumReader(forum, ctx)
        yield SourceRec(PLATFORM, forum, forum)
        # Two passes, one page in memory at a time: category names and topic streams first, so
        # that channels and reply links across pages are known when the posts are read.
        for _name, data in iter_pages(path, ctx):
            reader.learn(data)
        for name, data in iter_pages(path, ctx):
            yield from reader.page(name, data)


class _ForumReader:
    def __init__(self, forum: str, ctx: ReadContext) -> None:
        self.forum = forum
        self.ctx = ctx
        self.questions = set(ctx.options.get("question_categories") or [])
        self.categories: dict[str, str] = {}
        self.numbers: dict[tuple[int, int], int] = {}  # (topic, post_number) -> post id
        self.first: dict[int, int] = {}  # topic -> first post id
        self.question_topics: set[int] = set()
        self.topic_category: dict[int, Any] = {}
        self.seen: set[str] = set()

    def learn(self, data: Any) -> None:
        if not isinstance(data, dict):
            return
        for cat in as_list(as_dict(data.get("category_list")).get("categories")):
            if isinstance(cat, dict) and "id" in cat:
                self.categories[str(cat["id"])] = str(cat.get("name") or cat["id"])
        stream = as_list(as_dict(data.get("post_stream")).get("stream"))
        if isinstance(data.get("id"), int) and data.get("category_id") is not None:
            self.topic_category[data["id"]] = data["category_id"]
        if isinstance(data.get("id"), int) and stream and isinstance(stream[0], int):
            self.first.setdefault(data["id"], stream[0])
        if isinstance(data.get("id"), int) and (data.get("has_accepted_answer") or data.get("accepted_answer")):
            self.question_topics.add(data["id"])
        for post in _posts(data):
            if isinstance(post, dict) and isinstance(post.get("topic_id"), int):
                if isinstance(post.get("post_number"), int) and isinstance(post.get("id"), int):
                    self.numbers[(post["topic_id"], post["post_number"])] = post["id"]
                    if post["post_number"] == 1:
                        self.first[post["topic_id"]] = post["id"]
                if post.get("accepted_answer") is True:
                    self.question_topics.add(post["topic_id"])

    def page(self, file: str, data: Any) -> Iterator[Record]:
        if not isinstance(data, dict):
            raise self.ctx.fail("", "not a Discourse API page (an object was expected).", file=file)
        for user in as_list(data.get("users")):
            if isinstance(user, dict) and user.get("id") is not None:
                yield from self.account(user)
        for cid, name in self.categories.items():
            if f"c{cid}" not in self.seen:
                self.seen.add(f"c{cid}")
                yield ChannelRec(PLATFORM, f"category:{cid}", name, source_external_id=self.forum, kind="category")
        category = data.get("category_id")
        for n, post in enumerate(_posts(data), start=1):
            try:
                records = checked(self.post(post, category))
            except RECORD_ERRORS as exc:
                self.ctx.problem(f"post {n}", f"not a Discourse post with id, topic_id, post_number, user_id and "
                                 f"created_at ({why(exc)}); skipped", file=file)
                continue
            yield from records

    def account(self, user: dict) -> Iterator[AccountRec]:
        uid = str(user["id"])
        if uid in self.seen:
            return
        self.seen.add(uid)
        yield AccountRec(PLATFORM, uid, handle=user.get("username") or "", display_name=user.get("name") or "",
                         is_bot=int(user["id"]) <= 0, source_external_id=self.forum,
                         is_staff=bool(user.get("admin") or user.get("moderator") or user.get("staff")))

    def post(self, post: dict, category: Any) -> Iterator[Record]:
        if post.get("post_type") == SMALL_ACTION:
            return
        topic, number, pid = int(post["topic_id"]), int(post["post_number"]), int(post["id"])
        if post.get("user_id") is None:
            raise ValueError("no user_id")
        yield from self.account({"id": post["user_id"], "username": post.get("username"), "name": post.get("name"),
                                 "admin": post.get("admin"), "moderator": post.get("moderator"),
                                 "staff": post.get("staff")})
        cat = post.get("_category_id", post.get("category_id", category))
        cat = self.topic_category.get(topic) if cat is None else cat
        channel = None
        if cat is not None:
            channel = f"category:{cat}"
            if f"c{cat}" not in self.seen:
                self.seen.add(f"c{cat}")
                yield ChannelRec(PLATFORM, channel, self.categories.get(str(cat), f"Category {cat}"),
                                 source_external_id=self.forum, kind="category")
        first = number == 1
        parent = None
        if not first:
            target = post.get("reply_to_post_number")
            parent_id = self.numbers.get((topic, target)) if target else None
            parent_id = parent_id or self.first.get(topic)
            parent = str(parent_id) if parent_id and parent_id != pid else None
        created = parse_time(post["created_at"], UTC)
        edited = iso_utc(post.get("updated_at")) if (post.get("version") or 1) > 1 else None
        likes = sum(int(a.get("count") or 0) for a in post.get("actions_summary") or []
                    if isinstance(a, dict) and a.get("id") == LIKE)
        question = None
        if first and (topic in self.question_topics or (cat is not None and (
                str(cat).lower() in self.questions or self.categories.get(str(cat), "").lower() in self.questions))):
            question = True
        yield ActivityRec(PLATFORM, str(pid), str(post["user_id"]), created, channel_external_id=channel,
                          source_external_id=self.forum, parent_external_id=parent,
                          kind="topic" if first else "reply", text=post.get("raw") or post.get("cooked") or "",
                          reaction_count=likes, edited_at=edited, is_question=question,
                          is_accepted=post.get("accepted_answer") is True,
                          title=(post.get("topic_title") or "") if first else "")


def _posts(data: Any) -> list:
    if not isinstance(data, dict):
        return []
    if "post_number" in data and "topic_id" in data:
        return [data]
    posts = as_dict(data.get("post_stream")).get("posts")
    if isinstance(posts, list):
        title = data.get("title")
        if title:
            for p in posts:
                if isinstance(p, dict) and p.get("post_number") == 1:
                    p.setdefault("topic_title", title)
        return posts
    return []


class DiscourseUsersCsv(Importer):
    name = "discourse-users"
    label = "Discourse users export (CSV)"
    platform = PLATFORM
    patterns = ("user-list-*.csv.gz", "user-list-*.csv", "*.csv.gz")

    def sniff(self, path: Path) -> bool:
        return _is_users_csv(path)

    def read(self, path: Path, ctx: ReadContext) -> Iterator[Record]:
        csv.field_size_limit(CSV_FIELD_LIMIT)
        raw = io.BufferedReader(ctx.open_binary(path))
        binary = gzip.GzipFile(fileobj=raw) if head(path, 2) == b"\x1f\x8b" else raw
        enc = detect_encoding(head(path, 4096)) if binary is raw else "utf-8-sig"
        with io.TextIOWrapper(binary, encoding=enc, errors="replace", newline="") as text:
            rows = csv.reader(text)
            try:
                header = [h.strip().lower() for h in next(rows)]
                for n, values in enumerate(rows, start=2):
                    row = dict(zip(header, values))
                    try:
                        yield from _user_row(row)
                    except (KeyError, ValueError) as exc:
                        ctx.problem(f"row {n}", f"{exc}; the row was skipped")
            except (EOFError, OSError, csv.Error) as exc:
                raise ctx.fail("", f"the file cannot be read to its end ({exc}); it may be truncated.") from exc


def _user_row(row: dict[str, str]) -> Iterator[Record]:
    uid = (row.get("id") or "").strip()
    if not uid.lstrip("-").isdigit():
        raise ValueError(f"the id “{uid}” is not a number")
    joined = parse_time(row["created_at"], UTC) if row.get("created_at") else None
    yield AccountRec(PLATFORM, uid, handle=row.get("username", ""), display_name=row.get("name", ""),
                     email=(row.get("email") or None), is_bot=int(uid) <= 0,
                     is_staff=row.get("admin") == "true" or row.get("moderator") == "true", joined_at=joined)
    if joined is not None:
        yield MembershipRec(PLATFORM, uid, joined)


IMPORTERS: list[Importer] = [DiscourseApi(), DiscourseUsersCsv()]
