"""Stack Exchange: the data dump of one site (Posts, Users, Comments, Badges XML) and saved API pages.

Ids are per site, so every account and activity id is ``"<site>:<Id>"``; the site is the dump's
folder or zip name (``history.stackexchange.com``), or the host of the API's links. Comments have
their own id space: ``"<site>:comment:<Id>"``. Questions are ``kind="question"`` with
``is_question=True``; answers are ``kind="answer"`` replying to their question, the accepted one
``is_accepted``; comments are ``kind="comment"`` replying to their post. Badges become
recognitions (source ``stackexchange``). A post or comment whose owner was deleted carries only a
display name: it goes to a deleted account ``"<site>:deleted:<name>"``. User ``-1`` (Community)
is the site's bot.

The XML is streamed with ``defusedxml``'s iterparse: a DOCTYPE naming an external DTD is read
but never fetched, and any entity declaration (billion laughs, external entities) is refused.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO
from urllib.parse import urlparse
from xml.etree.ElementTree import ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import iterparse

from ..errors import ImportFailed
from ..records import AccountRec, ActivityRec, ChannelRec, Record, RecognitionRec, SourceRec
from .base import RECORD_ERRORS, Importer, ReadContext, checked, why
from .jsonstream import DATA_EXTS, data_files, note_passed_over
from .safety import head_text, is_zip, open_zip, zip_files, zip_names
from .textio import UTC, json_head, parse_time, read_json

PLATFORM = "stackexchange"
TABLES = ("Users.xml", "Posts.xml", "Comments.xml", "Badges.xml")  # reading order
ROOTS = {"users.xml": "<users", "posts.xml": "<posts", "comments.xml": "<comments", "badges.xml": "<badges"}
BADGE_CLASS = {"1": "gold", "2": "silver", "3": "bronze"}


def _site_name(path: Path) -> str:
    name = path.name if path.is_dir() else (path.stem if is_zip(path) else path.parent.name)
    return name.removesuffix(".7z") or "stackexchange"


def _time(value: str | None) -> dt.datetime:
    if not value:
        raise ValueError("no date")
    return parse_time(value, UTC)  # dump dates carry no zone: UTC by convention


class StackExchangeDump(Importer):
    name = "stackexchange"
    label = "Stack Exchange data dump"
    platform = PLATFORM
    patterns = ("Posts.xml", "*.xml", "*.zip")
    folders = True

    def sniff(self, path: Path) -> bool:
        if path.is_dir():
            # A dump's folder: its tables (and their .dtd schemas). One that holds other exports too
            # is several exports, each file read by its own importer (the tables as well, alike).
            return any((path / t).is_file() for t in ("Posts.xml", "posts.xml")) and \
                all(f.suffix.lower() == ".xml" for f in data_files(path))
        if is_zip(path):
            return any(Path(n).name.lower() == "posts.xml" for n in zip_names(path))
        root = ROOTS.get(path.name.lower())
        return bool(root) and root in head_text(path, 2048) and "<row" in head_text(path, 8192)

    def read(self, path: Path, ctx: ReadContext) -> Iterator[Record]:
        site = _site_name(path)
        yield SourceRec(PLATFORM, site, site)
        yield ChannelRec(PLATFORM, site, site, source_external_id=site, kind="site")
        reader = _DumpReader(site, ctx)
        if path.is_dir():
            for table in TABLES:
                found = next((p for p in path.iterdir() if p.name.lower() == table.lower()), None)
                if found is not None:
                    with ctx.open_binary(found, f"Reading {table}") as f:
                        yield from reader.table(table, f)
        elif is_zip(path):
            with open_zip(path) as zf:
                infos = {Path(i.filename).name.lower(): i for i in zip_files(zf)}
                for table in TABLES:
                    info = infos.get(table.lower())
                    if info is not None:
                        with ctx.track(zf.open(info), info.file_size, f"Reading {table}") as f:
                            yield from reader.table(table, f)
                note_passed_over(ctx, [i.filename for i in zip_files(zf) if Path(i.filename).suffix.lower()
                                       in DATA_EXTS - {".xml"}], "Stack Exchange dump")
        else:
            table = next(t for t in TABLES if t.lower() == path.name.lower())
            with ctx.open_binary(path) as f:
                yield from reader.table(table, f)


class _DumpReader:
    def __init__(self, site: str, ctx: ReadContext) -> None:
        self.site = site
        self.ctx = ctx
        self.accepted: set[str] = set()
        self.deleted_seen: set[str] = set()

    def _id(self, raw: str) -> str:
        return f"{self.site}:{raw}"

    def table(self, table: str, f: BinaryIO) -> Iterator[Record]:
        handler = {"Users.xml": self._user, "Posts.xml": self._post, "Comments.xml": self._comment,
                   "Badges.xml": self._badge}[table]
        for n, row in enumerate(_rows(f, table, self.ctx), start=1):
            try:
                records = checked(handler(row))
            except RECORD_ERRORS as exc:
                where = f"row {n}" + (f" (Id {row['Id']})" if row.get("Id") else "")
                self.ctx.problem(where, f"{why(exc)}; the row was skipped", file=table)
                continue
            yield from records

    def _owner(self, user_id: str | None, name: str | None) -> tuple[str, list[Record]]:
        if user_id:
            return self._id(user_id), []
        name = (name or "").strip()
        ext = self._id(f"deleted:{name}" if name else "deleted")
        if ext in self.deleted_seen:
            return ext, []
        self.deleted_seen.add(ext)
        return ext, [AccountRec(PLATFORM, ext, handle=name, display_name=name or "deleted user",
                                is_deleted=True, source_external_id=self.site)]

    def _user(self, row: dict) -> Iterator[Record]:
        uid = row["Id"]
        name = row.get("DisplayName", "")
        yield AccountRec(PLATFORM, self._id(uid), handle=name, display_name=name, is_bot=uid == "-1",
                         source_external_id=self.site, joined_at=_time(row.get("CreationDate")))

    def _post(self, row: dict) -> Iterator[Record]:
        kind = {"1": "question", "2": "answer"}.get(row.get("PostTypeId", ""))
        if kind is None:
            return  # tag wikis and other site furniture are not conversation
        pid = row["Id"]
        if row.get("AcceptedAnswerId"):
            self.accepted.add(row["AcceptedAnswerId"])
        if kind == "answer" and not row.get("ParentId"):
            raise ValueError("an answer without ParentId")
        owner, extra = self._owner(row.get("OwnerUserId"), row.get("OwnerDisplayName"))
        yield from extra
        edited = row.get("LastEditDate")
        yield ActivityRec(
            PLATFORM, self._id(pid), owner, _time(row.get("CreationDate")), channel_external_id=self.site,
            source_external_id=self.site, kind=kind, text=row.get("Body", ""), title=row.get("Title", ""),
            parent_external_id=self._id(row["ParentId"]) if kind == "answer" else None,
            is_question=True if kind == "question" else None, is_accepted=pid in self.accepted,
            reaction_count=max(int(row.get("Score") or 0), 0), edited_at=_time(edited) if edited else None)

    def _comment(self, row: dict) -> Iterator[Record]:
        if not row.get("PostId"):
            raise ValueError("a comment without PostId")
        owner, extra = self._owner(row.get("UserId"), row.get("UserDisplayName"))
        yield from extra
        yield ActivityRec(PLATFORM, self._id(f"comment:{row['Id']}"), owner, _time(row.get("CreationDate")),
                          channel_external_id=self.site, source_external_id=self.site, kind="comment",
                          parent_external_id=self._id(row["PostId"]), text=row.get("Text", ""),
                          reaction_count=max(int(row.get("Score") or 0), 0))

    def _badge(self, row: dict) -> Iterator[Record]:
        if not row.get("UserId") or not row.get("Name"):
            raise ValueError("a badge without UserId or Name")
        cls = BADGE_CLASS.get(row.get("Class", ""), "")
        yield RecognitionRec(PLATFORM, self._id(row["UserId"]), kind=row["Name"], given_at=_time(row.get("Date")),
                             note=f"{cls} badge" if cls else "badge", given_by=self.site,
                             external_id=self._id(f"badge:{row['Id']}"), source="stackexchange")


def _rows(f: BinaryIO, table: str, ctx: ReadContext) -> Iterator[dict]:
    """The attributes of every ``<row>``, streamed; hostile or broken XML is one sentence."""
    try:
        events = iterparse(f, events=("start", "end"), forbid_dtd=False, forbid_entities=True, forbid_external=True)
        root = None
        for event, elem in events:
            if root is None:
                root = elem
                continue
            if event == "end" and elem.tag == "row":
                yield dict(elem.attrib)
                root.clear()
    except DefusedXmlException as exc:
        raise ImportFailed(f"{ctx.file}, {table}: the XML declares entities (an entity expansion or an "
                           "external entity), which a data dump never does; it was refused.") from exc
    except ParseError as exc:
        line, col = getattr(exc, "position", (0, 0))
        raise ImportFailed(f"{ctx.file}, {table}: not well-formed XML at line {line}, column {col}; "
                           "the file may be truncated.") from exc


class StackExchangeApi(Importer):
    """Saved pages of the Stack Exchange API ``/questions`` with answers and comments embedded."""

    name = "stackexchange-api"
    label = "Stack Exchange API pages"
    platform = PLATFORM
    patterns = ("*.json",)

    def sniff(self, path: Path) -> bool:
        if not path.is_file() or path.suffix.lower() != ".json":
            return False
        h = json_head(path)
        return h.startswith("{") and '"items":[' in h and ('"question_id"' in h or '"quota_max"' in h)

    def read(self, path: Path, ctx: ReadContext) -> Iterator[Record]:
        data = read_json(path, ctx)
        items = data.get("items") if isinstance(data, dict) else None
        if not isinstance(items, list):
            raise ctx.fail("", "no “items” list; not a Stack Exchange API page.")
        for n, q in enumerate(items, start=1):
            try:
                records = checked(_api_question(q))
            except RECORD_ERRORS as exc:
                ctx.problem(f"item {n}", f"not a question with a question_id and a creation_date ({why(exc)}); "
                                         "it was skipped with its answers and comments")
                continue
            yield from records


def _api_site(obj: dict) -> str:
    for link in (obj.get("link"), (obj.get("owner") or {}).get("link")):
        host = urlparse(link or "").hostname
        if host:
            return host
    return "stackexchange"


def _api_owner(site: str, owner: dict | None) -> tuple[str, AccountRec]:
    owner = owner or {}
    name = owner.get("display_name") or ""
    if owner.get("user_id") is not None:
        ext = f"{site}:{owner['user_id']}"
        return ext, AccountRec(PLATFORM, ext, handle=name, display_name=name, source_external_id=site)
    ext = f"{site}:deleted:{name}" if name else f"{site}:deleted"
    return ext, AccountRec(PLATFORM, ext, handle=name, display_name=name or "deleted user", is_deleted=True,
                           source_external_id=site)


def _api_question(q: dict) -> Iterator[Record]:
    site = _api_site(q)
    yield SourceRec(PLATFORM, site, site)
    yield ChannelRec(PLATFORM, site, site, source_external_id=site, kind="site")
    qid = f"{site}:{q['question_id']}"
    owner, acc = _api_owner(site, q.get("owner"))
    yield acc
    yield ActivityRec(PLATFORM, qid, owner, parse_time(q["creation_date"]), channel_external_id=site,
                      source_external_id=site, kind="question", is_question=True, title=q.get("title") or "",
                      text=q.get("body_markdown") or q.get("body") or "", reaction_count=max(q.get("score") or 0, 0))
    posts = [("comment", c, qid) for c in q.get("comments") or []]
    for a in q.get("answers") or []:
        posts.append(("answer", a, qid))
        posts.extend(("comment", c, f"{site}:{a['answer_id']}") for c in a.get("comments") or [])
    for kind, p, parent in posts:
        owner, acc = _api_owner(site, p.get("owner"))
        yield acc
        ext = f"{site}:{p['answer_id']}" if kind == "answer" else f"{site}:comment:{p['comment_id']}"
        yield ActivityRec(PLATFORM, ext, owner, parse_time(p["creation_date"]), channel_external_id=site,
                          source_external_id=site, kind=kind, parent_external_id=parent,
                          is_accepted=bool(p.get("is_accepted")), text=p.get("body_markdown") or p.get("body") or "",
                          reaction_count=max(p.get("score") or 0, 0))


IMPORTERS: list[Importer] = [StackExchangeDump(), StackExchangeApi()]
