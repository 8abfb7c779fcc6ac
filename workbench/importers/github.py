"""GitHub: saved pages of the REST API (issues, pull requests, comments, reviews, reactions, users).

A file is one saved page; a folder of pages (subfolders included) or a zip of them is one input,
read in name order with reaction pages last. Identities:

- account: the user's numeric ``id``; ``[bot]`` logins and ``type: Bot`` are bots. A user that
  is ``null`` or ``{}`` (or the login ``ghost``) is GitHub's deleted-account placeholder, kept as
  one deleted account ``10137`` (the id GitHub gives ``ghost``).
- activities are keyed the way GitHub's own links are, because that is what the other pages
  refer to (a comment names its issue by URL and number, never by the issue's id):
  ``owner/repo#12`` (an issue or pull request), ``owner/repo#issuecomment-<id>``,
  ``owner/repo#discussion_r<id>`` (a review comment), ``owner/repo#pullrequestreview-<id>``.
- an issue is top-level activity; comments and reviews reply to it. An issue labelled
  "question" is a question (``is_question=True``), a pull request never is (``False``), any
  other issue is left to the workspace's text rule (``None``).
- a reactions page does not say what was reacted to; its file name does
  (``issue_12_reactions.json``, ``issue_comment_7_reactions.json``,
  ``pull_request_3_comment_9_reactions.json``), with the repository from the other pages or the
  one GitHub repository already in the workspace.
- GraphQL timeline pages name people by login only, and organisation lists hold no members:
  both are noted and read as nothing.
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path, PurePosixPath
from typing import Any

from sqlalchemy import select

from ..records import AccountRec, ActivityRec, ChannelRec, ReactionRec, Record, SourceRec
from ..store.models import Source
from .base import RECORD_ERRORS, Importer, ReadContext, checked, why
from .safety import is_zip
from .textio import iso_utc, iter_pages, json_head, page_heads, page_names

PLATFORM = "github"
GHOST = "10137"
API_REPO = re.compile(r"/repos/([^/]+/[^/]+)/(?:issues|pulls)(?:/comments)?/(\d+)")
REACTION_FILE = [
    (re.compile(r"pull_request_(\d+)_comment_(\d+)_reactions"), "#discussion_r{1}"),
    (re.compile(r"issue_comment_(\d+)_reactions"), "#issuecomment-{0}"),
    (re.compile(r"comments?_(\d+)_reactions"), "#issuecomment-{0}"),
    (re.compile(r"(?:issue|pull_request|pull)_(\d+)_reactions"), "#{0}"),
]


GITHUB_HEAD = re.compile(r'"(?:\w*url|href)":"https://api\.github\.com/')


def _github_head(h: str) -> bool:
    if h.startswith('{"data":{"repository":'):  # a GraphQL page
        return True
    return h.startswith(("[", "{")) and GITHUB_HEAD.search(h) is not None and '"login":"' in h


class GitHubApi(Importer):
    name = "github"
    label = "GitHub API pages (issues, pull requests, comments, reactions)"
    platform = PLATFORM
    patterns = ("*.json", "*.zip")
    folders = True

    def sniff(self, path: Path) -> bool:
        if path.is_dir() or is_zip(path):
            heads = page_heads(path)
            return bool(heads) and all(_github_head(h) for h in heads)
        return path.suffix.lower() == ".json" and _github_head(json_head(path))

    def prepare(self, path: Path, conn, options: dict) -> dict:  # noqa: ANN001
        repos = conn.execute(select(Source.external_id).where(Source.platform == PLATFORM)).scalars().all()
        return {**options, "known_repos": list(repos)}

    def read(self, path: Path, ctx: ReadContext) -> Iterator[Record]:
        names = page_names(path)
        names.sort(key=lambda n: "_reactions" in PurePosixPath(n).stem)  # reaction pages need the repository
        reader = _PageReader(ctx)
        for name, data in iter_pages(path, ctx, names):
            yield from reader.page(Path(name), data)


class _PageReader:
    def __init__(self, ctx: ReadContext) -> None:
        self.ctx = ctx
        known = ctx.options.get("known_repos") or []
        self.known: list[str] = list(known)
        self.seen_repos: set[str] = set()
        self.seen_accounts: set[str] = set()

    # -- dispatch -------------------------------------------------------------------------------
    def page(self, path: Path, data: Any) -> Iterator[Record]:
        file = path.name
        if isinstance(data, dict) and "data" in data:
            self.ctx.note("whole file", "GraphQL timeline events name people by login only; not read", file=file)
            return
        if isinstance(data, dict) and isinstance(data.get("users"), list):  # requested reviewers
            for user in data["users"]:
                yield from self.account(user)
            return
        if isinstance(data, dict):
            data = [data]
        if not isinstance(data, list):
            raise self.ctx.fail("", "not a GitHub API page (a list or an object was expected).", file=file)
        if data and all(isinstance(i, dict) and "/orgs/" in str(i.get("url", "")) for i in data):
            self.ctx.note("whole file", "a list of organisations holds no members or activity; not read",
                          file=file)
            return
        for n, item in enumerate(data, start=1):
            if not isinstance(item, dict):
                self.ctx.problem(f"item {n}", "not an object; skipped", file=file)
                continue
            try:
                records = checked(self.item(item, path))
            except RECORD_ERRORS as exc:
                self.ctx.problem(f"item {n}", f"not a GitHub issue, comment, review or reaction ({why(exc)}); skipped",
                                 file=file)
                continue
            yield from records

    def item(self, item: dict, path: Path) -> Iterator[Record]:
        url = str(item.get("url") or "")
        if "content" in item and "user" in item and "body" not in item:
            yield from self.reaction(item, path)
        elif "/orgs/" in url:
            return
        elif "number" in item and "title" in item:
            yield from self.issue(item)
        elif "issue_url" in item:
            yield from self.comment(item, item["issue_url"], f"#issuecomment-{item['id']}")
        elif "diff_hunk" in item:
            parent = item.get("in_reply_to_id")
            yield from self.comment(item, item["pull_request_url"], f"#discussion_r{item['id']}",
                                    parent=f"#discussion_r{parent}" if parent else None)
        elif "submitted_at" in item and "pull_request_url" in item:
            yield from self.comment(item, item["pull_request_url"], f"#pullrequestreview-{item['id']}",
                                    created=item.get("submitted_at"))
        elif "login" in item:
            yield from self.account(item)
        else:
            raise ValueError("an object of a kind the workbench does not read")

    # -- records --------------------------------------------------------------------------------
    def account(self, user: dict | None) -> Iterator[AccountRec]:
        ext = self.account_id(user)
        if ext in self.seen_accounts:
            return
        self.seen_accounts.add(ext)
        if ext == GHOST:
            yield AccountRec(PLATFORM, GHOST, handle="ghost", display_name="Deleted user", is_deleted=True)
            return
        login = user.get("login") or ""
        yield AccountRec(PLATFORM, ext, handle=login, display_name=user.get("name") or login,
                         email=user.get("email") or None,
                         is_bot=user.get("type") == "Bot" or login.endswith("[bot]"),
                         joined_at=iso_utc(user.get("created_at")))

    @staticmethod
    def account_id(user: dict | None) -> str:
        if not user or user.get("id") is None or user.get("login") == "ghost":
            return GHOST
        return str(user["id"])

    def where(self, api_url: str) -> tuple[str, str]:
        m = API_REPO.search(api_url or "")
        if not m:
            raise ValueError(f"no repository in {api_url!r}")
        return m.group(1), m.group(2)

    def repo_records(self, repo: str) -> Iterator[Record]:
        if repo not in self.seen_repos:
            self.seen_repos.add(repo)
            yield SourceRec(PLATFORM, repo, repo)
            yield ChannelRec(PLATFORM, repo, repo, source_external_id=repo, kind="repository")

    def issue(self, item: dict) -> Iterator[Record]:
        repo, number = self.where(item["url"])
        yield from self.repo_records(repo)
        yield from self.account(item.get("user"))
        is_pr = "pull_request" in item or "/pulls/" in item["url"]
        labels = {str((lab or {}).get("name", "")).lower() for lab in item.get("labels") or []}
        question = False if is_pr else (True if any("question" in lab for lab in labels) else None)
        yield ActivityRec(PLATFORM, f"{repo}#{number}", self.account_id(item.get("user")),
                          _created(item), channel_external_id=repo, source_external_id=repo,
                          kind="pull_request" if is_pr else "issue", title=item.get("title") or "",
                          text=item.get("body") or "", is_question=question,
                          reaction_count=_reactions(item))

    def comment(self, item: dict, target_url: str, suffix: str, *, parent: str | None = None,
                created: str | None = None) -> Iterator[Record]:
        repo, number = self.where(target_url)
        yield from self.repo_records(repo)
        yield from self.account(item.get("user"))
        at = iso_utc(created) if created else _created(item)
        updated = iso_utc(item.get("updated_at"))
        yield ActivityRec(PLATFORM, f"{repo}{suffix}", self.account_id(item.get("user")), at,
                          channel_external_id=repo, source_external_id=repo, kind="comment",
                          parent_external_id=f"{repo}{parent}" if parent else f"{repo}#{number}",
                          text=item.get("body") or "", reaction_count=_reactions(item),
                          edited_at=updated if updated and at and updated > at else None)

    def reaction(self, item: dict, path: Path) -> Iterator[Record]:
        target = _reaction_target(path.stem)
        repos = self.seen_repos or set(self.known)
        if target is None or len(repos) != 1:
            raise ValueError("a reaction whose issue or comment is unknown (name the page like "
                             "issue_12_reactions.json and import it with the pages of its one repository)")
        repo = next(iter(repos))
        yield from self.account(item.get("user"))
        yield ReactionRec(PLATFORM, f"{repo}{target}", self.account_id(item.get("user")),
                          str(item["content"]), iso_utc(item.get("created_at")))


def _created(item: dict):  # noqa: ANN202
    at = iso_utc(item.get("created_at"))
    if at is None:
        raise ValueError("no created_at")
    return at


def _reactions(item: dict) -> int:
    r = item.get("reactions")
    return int(r.get("total_count") or 0) if isinstance(r, dict) else 0


def _reaction_target(stem: str) -> str | None:
    for pattern, template in REACTION_FILE:
        m = pattern.search(stem)
        if m:
            return template.format(*m.groups())
    return None


IMPORTERS: list[Importer] = [GitHubApi()]
