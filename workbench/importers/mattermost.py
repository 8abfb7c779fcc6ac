"""Mattermost: the bulk export (``mmctl export`` JSONL, or its zip) and saved REST API pages.

Bulk export: one ``{"type": X, X: {...}}`` object per line (the objects may also be
pretty-printed one after another). Users are keyed by username, so account external_id =
username; posts have no id, so a post's external_id is a stable hash of (team, channel, user,
create_at) and a reply links to its root's hash. The message text is left out of the hash so
that a later export with an edited post updates it instead of adding a second post. Staff =
``system_admin`` in ``roles``; ``delete_at`` > 0 = a deactivated (deleted) account.

REST API pages (``{"order": [...], "posts": {...}}``, a channel, a user, or lists of them) key
everything by the 26-character ids: account external_id = ``user_id``, activity = post ``id``,
parent = ``root_id``.

System posts that are joins or leaves become membership events; the other system posts are not
activities and are counted as skipped.
"""
from __future__ import annotations

import io
import json
import re
from collections.abc import Iterator
from pathlib import Path, PurePosixPath
from typing import Any, BinaryIO

from ..records import AccountRec, ActivityRec, ChannelRec, MembershipRec, ReactionRec, Record, SourceRec
from . import safety
from .base import Importer, ReadContext
from .jsonstream import JSON_ERRORS, JsonGuard, Member, RecentIds, clean, from_ms, ident, json_failure, members, note_passed_over, skip_quietly, stable_id, stream_items, text_of, zip_heads

PLATFORM = "mattermost"
BULK_TYPES = {"version", "role", "scheme", "team", "channel", "user", "bot", "post", "direct_channel",
              "direct_post", "emoji"}
_BULK_HEAD = re.compile(r'^\s*\{\s*"type"\s*:\s*"([a-z_]+)"')
JOINS = {"system_join_channel": ("join", "user", True), "system_add_to_channel": ("join", "addedUsername", True),
         "system_leave_channel": ("leave", "user", True), "system_remove_from_channel": ("leave", "removedUsername", True),
         "system_join_team": ("join", "user", False), "system_add_to_team": ("join", "addedUsername", False),
         "system_leave_team": ("leave", "user", False), "system_remove_from_team": ("leave", "removedUsername", False)}
CHANNEL_KINDS = {"O": "channel", "P": "private", "D": "dm", "G": "group_dm"}


def looks_like_bulk(head: str) -> bool:
    m = _BULK_HEAD.match(head)
    return bool(m) and m.group(1) in BULK_TYPES and f'"{m.group(1)}"' in head[m.end():]


def _roles_staff(roles: Any) -> bool:
    return isinstance(roles, str) and "system_admin" in roles.split()


def _text_list(value: Any) -> list[str]:
    return [clean(v) for v in value if isinstance(v, str) and v] if isinstance(value, list) else []


# Where a bulk export keeps the files sent in the channels, beside its JSONL: mmctl's "data/",
# and the "bulk-export-attachments/" of a Slack export converted for Mattermost (mmetl).
ATTACHMENT_FOLDERS = ("data", "bulk-export-attachments")


class MattermostBulkImporter(Importer):
    name = "mattermost-bulk"
    label = "Mattermost bulk export (JSONL)"
    platform = PLATFORM
    version = "1"
    patterns = ("*.jsonl", "*.zip")

    def sniff(self, path: Path) -> bool:
        if path.is_dir():
            return False
        if safety.is_zip(path):
            return any(looks_like_bulk(text_of(h)) for _, h in zip_heads(path, ".jsonl"))
        return looks_like_bulk(safety.head_text(path))

    def attachments(self, path: Path) -> list[Path]:
        if not path.is_file() or safety.is_zip(path):
            return []
        return [path.parent / n for n in ATTACHMENT_FOLDERS
                if (path.parent / n).is_dir() and not (path.parent / n).is_symlink()]

    def read(self, path: Path, ctx: ReadContext) -> Iterator[Record]:
        passed: list[str] = []
        beside: set[PurePosixPath] = set()  # the folders of the bulk files in a zip
        for m in members(path, lambda name, head: looks_like_bulk(text_of(head)), passed):
            beside.add(PurePosixPath(m.name).parent.relative_to(path.name) if m.name != path.name else PurePosixPath())
            yield from self._read_member(m, ctx)
        # (the files sent in the channels, downloaded with the export, are part of it)
        note_passed_over(ctx, [n for n in passed if not any(PurePosixPath(n).is_relative_to(f / a) for f in beside
                                                            for a in ATTACHMENT_FOLDERS)], "Mattermost export")

    def _read_member(self, m: Member, ctx: ReadContext) -> Iterator[Record]:
        recent = RecentIds()
        try:
            with m.open() as raw:
                first = io.BufferedReader(JsonGuard(raw)).readline()
        except JSON_ERRORS as exc:
            raise json_failure(ctx, exc, "line 1", m.name) from exc
        try:
            json.loads(first)
            lines = True
        except (ValueError, RecursionError):
            lines = False
        with JsonGuard(ctx.track(m.open(), m.size, f"Reading {m.name}")) as stream:
            objects = self._lines(stream, m.name, ctx) if lines else \
                stream_items(stream, "", ctx, file=m.name, label="object", multiple_values=True)
            for n, obj in objects:
                yield from self._object(obj, n, m.name, ctx, recent)

    @staticmethod
    def _lines(stream: BinaryIO, file: str, ctx: ReadContext) -> Iterator[tuple[int, Any]]:
        buffered = io.BufferedReader(stream, 1 << 16)
        n = 0
        try:
            for n, line in enumerate(buffered, 1):
                if not line.strip():
                    continue
                try:
                    yield n, json.loads(line)
                except (ValueError, RecursionError) as exc:
                    if not line.endswith(b"\n"):
                        raise ctx.fail(f"line {n}", "the last line is cut off; the file looks truncated.", file=file) from exc
                    ctx.problem(f"line {n}", "not a JSON object; skipped.", file=file)
        except JSON_ERRORS as exc:
            raise json_failure(ctx, exc, f"line {n + 1}", file) from exc

    def _object(self, obj: Any, n: int, file: str, ctx: ReadContext, recent: RecentIds) -> Iterator[Record]:
        kind = obj.get("type") if isinstance(obj, dict) else None
        body = obj.get(kind) if isinstance(kind, str) else None
        if not isinstance(body, dict):
            if kind == "version" or (isinstance(kind, str) and kind in BULK_TYPES and body is None and kind != "post"):
                return
            ctx.problem(f"line {n}", "not a Mattermost export object; skipped.", file=file)
            return
        if kind == "team" and ident(body.get("name")):
            yield SourceRec(PLATFORM, ident(body["name"]), clean(body.get("display_name")) or clean(body["name"]))
        elif kind == "channel" and ident(body.get("team")) and ident(body.get("name")):
            team = ident(body["team"])
            yield ChannelRec(PLATFORM, f"{team}/{ident(body['name'])}", clean(body.get("display_name")) or ident(body["name"]),
                             source_external_id=team, kind=CHANNEL_KINDS.get(clean(body.get("type")), "channel"))
        elif kind == "direct_channel":
            names = self._dm_members(body)
            if names:
                yield self._dm_channel(names)
        elif kind in ("user", "bot"):
            yield from self._account(body, kind == "bot", n, file, ctx)
        elif kind in ("post", "direct_post"):
            yield from self._post(body, kind, n, file, ctx, recent)

    def _account(self, u: dict, bot: bool, n: int, file: str, ctx: ReadContext) -> Iterator[Record]:
        username = ident(u.get("username"))
        if username is None:
            ctx.problem(f"line {n}", "a user without a username; skipped.", file=file)
            return
        full = " ".join(p for p in (clean(u.get("first_name")), clean(u.get("last_name"))) if p)
        delete_at = u.get("delete_at")
        yield AccountRec(PLATFORM, username, handle=username,
                         display_name=clean(u.get("nickname")) or clean(u.get("display_name")) or full or username,
                         email=clean(u.get("email")) or None, is_bot=bot or u.get("is_bot") is True,
                         is_staff=_roles_staff(u.get("roles")),
                         is_deleted=isinstance(delete_at, (int, float)) and not isinstance(delete_at, bool) and delete_at > 0)

    @staticmethod
    def _dm_members(body: dict) -> list[str]:
        names = _text_list(body.get("members")) or _text_list(body.get("channel_members"))
        if not names and isinstance(body.get("participants"), list):
            names = [clean(p.get("username")) for p in body["participants"] if isinstance(p, dict) and p.get("username")]
        return sorted(set(names))

    @staticmethod
    def _dm_channel(names: list[str]) -> ChannelRec:
        return ChannelRec(PLATFORM, "dm:" + ",".join(names), ", ".join(names), kind="dm" if len(names) <= 2 else "group_dm")

    def _post(self, p: dict, kind: str, n: int, file: str, ctx: ReadContext, recent: RecentIds) -> Iterator[Record]:
        if kind == "direct_post":
            names = self._dm_members(p)
            if not names:
                ctx.problem(f"line {n}", "a direct post without channel members; skipped.", file=file)
                return
            team, channel = None, "dm:" + ",".join(names)
            yield self._dm_channel(names)
        else:
            team, name = ident(p.get("team")), ident(p.get("channel"))
            if team is None or name is None:
                ctx.problem(f"line {n}", "a post without a team or channel; skipped.", file=file)
                return
            channel = f"{team}/{name}"
        root = yield from self._one(p, team, channel, None, n, file, ctx, recent)
        replies = p.get("replies") if isinstance(p.get("replies"), list) else []
        for r in replies:
            if isinstance(r, dict):
                yield from self._one(r, team, channel, root, n, file, ctx, recent)

    def _one(self, p: dict, team: str | None, channel: str, root: str | None, n: int, file: str,
             ctx: ReadContext, recent: RecentIds) -> Iterator[Record]:
        """The records of one post or reply; returns its external id (None when skipped)."""
        user, at = ident(p.get("user")), from_ms(p.get("create_at"))
        where = f"line {n}" + (" (a reply)" if root else "")
        if user is None or at is None:
            ctx.problem(where, "a post without a user or a creation time; skipped.", file=file)
            return None
        ext = stable_id("post", team or "", channel, user, p.get("create_at"))
        ptype = clean(p.get("type"))
        props = p.get("props") if isinstance(p.get("props"), dict) else {}
        if ptype in JOINS:
            what, who, in_channel = JOINS[ptype]
            member = ident(props.get(who)) if who != "user" else user
            yield MembershipRec(PLATFORM, member or user, at, what, channel_external_id=channel if in_channel else None,
                                source_external_id=team)
            return None
        if ptype.startswith("system_"):
            skip_quietly(ctx)
            return None
        if recent.seen(ext):
            return ext
        reactions = [r for r in p.get("reactions") or [] if isinstance(r, dict) and ident(r.get("user"))] \
            if isinstance(p.get("reactions"), list) else []
        yield ActivityRec(PLATFORM, ext, user, at, channel_external_id=channel, source_external_id=team,
                          parent_external_id=root, kind="reply" if root else "message", text=clean(p.get("message")),
                          reaction_count=len(reactions), edited_at=from_ms(p.get("edit_at")))
        for r in reactions:
            yield ReactionRec(PLATFORM, ext, ident(r["user"]), clean(r.get("emoji_name")) or "?", from_ms(r.get("create_at")))
        return ext


# -- REST API pages -----------------------------------------------------------------------------

def api_kind(head: str) -> str | None:
    h = head.lstrip()
    if h.startswith("{") and '"order"' in h and '"posts"' in h:
        return "posts"
    if not h.startswith(("{", "[")):
        return None
    if '"creator_id"' in h and '"team_id"' in h and '"display_name"' in h:
        return "channels"
    if '"username"' in h and '"auth_service"' in h and '"roles"' in h and '"create_at"' in h:
        return "users"
    return None


class MattermostApiImporter(Importer):
    name = "mattermost-api"
    label = "Mattermost API pages (JSON)"
    platform = PLATFORM
    version = "1"
    patterns = ("*.json",)

    def sniff(self, path: Path) -> bool:
        return path.is_file() and not safety.is_zip(path) and api_kind(safety.head_text(path)) is not None

    def read(self, path: Path, ctx: ReadContext) -> Iterator[Record]:
        kind = api_kind(safety.head_text(path))
        with JsonGuard(ctx.open_binary(path)) as stream:
            if kind == "posts":
                for n, (pid, post) in stream_items(stream, "posts", ctx, label="post", kv=True):
                    yield from self._post(post, pid, n, ctx)
                return
            for n, obj in stream_items(stream, "item" if stream_is_list(path) else "", ctx, label="object"):
                yield from (self._channel(obj, n, ctx) if kind == "channels" else self._user(obj, n, ctx))

    @staticmethod
    def _user(u: Any, n: int, ctx: ReadContext) -> Iterator[Record]:
        uid = ident(u.get("id")) if isinstance(u, dict) else None
        if uid is None:
            ctx.problem(f"user {n}", "a user without an id; skipped.")
            return
        username = clean(u.get("username"))
        full = " ".join(p for p in (clean(u.get("first_name")), clean(u.get("last_name"))) if p)
        delete_at = u.get("delete_at")
        yield AccountRec(PLATFORM, uid, handle=username, display_name=clean(u.get("nickname")) or full or username,
                         email=clean(u.get("email")) or None, is_bot=u.get("is_bot") is True,
                         is_staff=_roles_staff(u.get("roles")),
                         is_deleted=isinstance(delete_at, (int, float)) and not isinstance(delete_at, bool) and delete_at > 0)

    @staticmethod
    def _channel(c: Any, n: int, ctx: ReadContext) -> Iterator[Record]:
        cid = ident(c.get("id")) if isinstance(c, dict) else None
        if cid is None:
            ctx.problem(f"channel {n}", "a channel without an id; skipped.")
            return
        yield ChannelRec(PLATFORM, cid, clean(c.get("display_name")) or clean(c.get("name")),
                         source_external_id=ident(c.get("team_id")), kind=CHANNEL_KINDS.get(clean(c.get("type")), "channel"))

    @staticmethod
    def _post(p: Any, pid: str, n: int, ctx: ReadContext) -> Iterator[Record]:
        where = f"post {n} (id {clean(pid)[:40]})"
        if not isinstance(p, dict):
            ctx.problem(where, "not a post object; skipped.")
            return
        uid, at = ident(p.get("user_id")), from_ms(p.get("create_at"))
        if uid is None or at is None:
            ctx.problem(where, "a post without a user or a creation time; skipped.")
            return
        ext, channel = ident(p.get("id")) or ident(pid), ident(p.get("channel_id"))
        ptype = clean(p.get("type"))
        props = p.get("props") if isinstance(p.get("props"), dict) else {}
        if ptype in JOINS:
            what, who, in_channel = JOINS[ptype]
            member = ident(props.get(who.replace("Username", "UserId"))) if who != "user" else uid
            yield MembershipRec(PLATFORM, member or uid, at, what, channel_external_id=channel if in_channel else None)
            return
        deleted = p.get("delete_at")
        if ptype.startswith("system_") or (isinstance(deleted, (int, float)) and not isinstance(deleted, bool) and deleted > 0):
            skip_quietly(ctx)
            return
        meta = p.get("metadata") if isinstance(p.get("metadata"), dict) else {}
        reactions = [r for r in meta.get("reactions") or [] if isinstance(r, dict) and ident(r.get("user_id"))] \
            if isinstance(meta.get("reactions"), list) else []
        root = ident(p.get("root_id")) or ident(p.get("parent_id"))
        yield ActivityRec(PLATFORM, ext, uid, at, channel_external_id=channel, parent_external_id=root if root != ext else None,
                          kind="reply" if root else "message", text=clean(p.get("message")),
                          reaction_count=len(reactions), edited_at=from_ms(p.get("edit_at")))
        for r in reactions:
            yield ReactionRec(PLATFORM, ext, ident(r["user_id"]), clean(r.get("emoji_name")) or "?",
                              from_ms(r.get("create_at")))


def stream_is_list(path: Path) -> bool:
    return safety.head_text(path, 64).lstrip().startswith("[")


IMPORTERS: list[Importer] = [MattermostBulkImporter(), MattermostApiImporter()]
