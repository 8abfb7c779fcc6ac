"""Slack workspace exports: the zip or its unpacked folder, and the files of one taken alone.

An export holds ``users.json``, ``channels.json`` (``groups.json``, ``dms.json``, ``mpims.json``
in larger plans and in slackdump's exports) and a folder per channel of ``YYYY-MM-DD.json`` day
files. Day files are small and read one at a time; a thread's replies may sit in a later day
file than their parent, which is why the parent link is kept as ``"<channel>:<thread_ts>"`` and
resolved after the import.

The same module reads a lone ``users.json`` or ``channels.json`` (members or channels without
messages), a lone day file, and a lone array of messages (slackdump's converter output).
"""
from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator
from pathlib import Path

from ..records import ChannelRec, Record, SourceRec
from . import safety
from .base import Importer, ReadContext
from .jsonstream import DATA_EXTS, note_passed_over
from .unchanged import SkipIdentical, already_imported
from .slack_common import DAY_FILE_RE, LIST_FILES, PLATFORM, TEAM_RE, SlackMapper, channel_record, team_near

# What Slack writes beside the channel lists in an export's folder (read, or holding nothing to keep).
EXPORT_FILES = set(LIST_FILES) | {"integration_logs.json", "canvases.json", "org_users.json", "huddles.json",
                                  "file_conversations.json"}
# Where the files sent in the channels go when an exporter downloads them with the export
# (slackdump, Mattermost's slack-advanced-exporter): "__uploads/<file id>/<name>" at the export's
# root, or "<channel>/attachments/<file id>-<name>".
UPLOADS, ATTACHMENTS = "__uploads", "attachments"
MESSAGE_TYPE_RE = re.compile(r'"type"\s*:\s*"message"')
MESSAGE_KEYS_RE = re.compile(r'"ts"\s*:\s*"\d+\.\d+"')
THREAD_FILE_RE = re.compile(r"^(?P<chan>.+)_thread_\d+\.\d+$")


class _Tree:
    """The files of an export, in a zip or a folder, by their posix names under the export root."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.zip = safety.open_zip(path) if path.is_file() else None
        if self.zip is not None:
            files = [i.filename for i in safety.zip_files(self.zip)]
            self._entries = dict(zip([posixpath.normpath(n) for n in files], files))
        else:
            self._entries = {p.relative_to(path).as_posix(): p.relative_to(path).as_posix()
                             for p in sorted(path.rglob("*")) if p.is_file() and p.suffix.lower() in DATA_EXTS}
        self.root = _root_of(list(self._entries))

    def close(self) -> None:
        if self.zip is not None:
            self.zip.close()

    def names(self) -> list[str]:
        return list(self._entries)

    def has(self, name: str) -> bool:
        return self._join(name) in self._entries

    def _join(self, name: str) -> str:
        return f"{self.root}/{name}" if self.root else name

    def read(self, name: str) -> bytes:
        entry = self._entries[self._join(name)]
        if self.zip is not None:
            return self.zip.read(entry)
        return (self.path / entry).read_bytes()

    def beside(self) -> list[str]:
        """The data files that are no part of the export: outside its folder, or in it but neither
        a file Slack writes there nor a channel's day file (another export put in with it)."""
        prefix = f"{self.root}/" if self.root else ""
        out = []
        for name in self._entries:
            if posixpath.splitext(name)[1].lower() not in DATA_EXTS:
                continue
            parts = name[len(prefix):].split("/") if name.startswith(prefix) else []
            if (len(parts) == 1 and parts[0] in EXPORT_FILES) or (len(parts) == 2 and DAY_FILE_RE.match(parts[1])):
                continue
            if _sent_in_chat(parts):
                continue
            out.append(name)
        return out

    def day_files(self) -> list[tuple[str, str]]:
        """(channel folder, file name) of every day file, in folder then date order."""
        out = []
        prefix = f"{self.root}/" if self.root else ""
        for name in self._entries:
            if not name.startswith(prefix):
                continue
            parts = name[len(prefix):].split("/")
            if len(parts) == 2 and DAY_FILE_RE.match(parts[1]):
                out.append((parts[0], parts[1]))
        return sorted(out)


def _sent_in_chat(parts: list[str]) -> bool:
    """Whether a file of an export (its path's parts under the export's root) is one sent in a channel."""
    return (len(parts) > 1 and parts[0] == UPLOADS) or (len(parts) > 2 and parts[1] == ATTACHMENTS)


def _root_of(names: list[str]) -> str:
    """The folder inside the archive that holds channels.json/users.json (often the root itself)."""
    best = None
    for n in names:
        folder, base = posixpath.split(n)
        if base in ("channels.json", "users.json") and (best is None or len(folder) < len(best)):
            best = folder
    return best or ""


def _looks_like_export(names: list[str]) -> bool:
    bases = {posixpath.basename(n) for n in names}
    day_files = any(DAY_FILE_RE.match(posixpath.basename(n)) for n in names)
    return ("channels.json" in bases and ("users.json" in bases or day_files)) or \
        ("users.json" in bases and ("dms.json" in bases or "mpims.json" in bases or day_files))


class SlackExport(SkipIdentical, Importer):
    name = "slack"
    label = "Slack workspace export"
    platform = PLATFORM
    version = "1"
    patterns = ("*.zip",)
    folders = True

    def sniff(self, path: Path) -> bool:
        if path.is_dir():
            top = {p.name for p in path.glob("*.json")}
            if not top & {"users.json", "channels.json"}:
                return False
            return _looks_like_export(sorted(top) + [p.relative_to(path).as_posix() for p in path.glob("*/*.json")])
        return safety.is_zip(path) and _looks_like_export(safety.zip_names(path))

    def attachments(self, path: Path) -> list[Path]:
        if not path.is_dir():
            return []
        found = [path / UPLOADS] + sorted(path.glob(f"*/{ATTACHMENTS}"))
        return [d for d in found if d.is_dir() and not d.is_symlink()]

    def read(self, path: Path, ctx: ReadContext) -> Iterator[Record]:
        if already_imported(ctx):
            return
        tree = _Tree(path)
        try:
            yield from self._read(tree, ctx)
        finally:
            tree.close()

    def _read(self, tree: _Tree, ctx: ReadContext) -> Iterator[Record]:
        users = self._load(tree, "users.json", ctx) if tree.has("users.json") else []
        source = _team_of(users) or tree.path.stem
        yield SourceRec(PLATFORM, source, tree.path.stem, name_from_file=True)
        mapper = SlackMapper(ctx, source)
        yield from mapper.users(users, "users.json")
        for name, kind in LIST_FILES.items():
            if kind == "users" or not tree.has(name):
                continue
            yield from mapper.channels(self._load(tree, name, ctx), kind, name)
        folders = mapper.folders
        days = tree.day_files()
        for i, (folder, day) in enumerate(days):
            ctx.progress(i / max(len(days), 1), f"Reading {folder}/{day}")
            channel = folders.get(folder)
            if channel is None:
                channel = folders[folder] = folder
                yield ChannelRec(PLATFORM, folder, name=folder, source_external_id=source)
            where = f"{folder}/{day}"
            yield from mapper.messages(self._load(tree, f"{folder}/{day}", ctx), channel, where)
        yield from mapper.dms_named_by_messages()
        note_passed_over(ctx, tree.beside(), "Slack export", zipped=tree.zip is not None)

    @staticmethod
    def _load(tree: _Tree, name: str, ctx: ReadContext):
        try:
            data = tree.read(name)
        except (OSError, ValueError, EOFError) as exc:
            raise ctx.fail(name, f"cannot be read from the export ({exc}).") from exc
        except Exception as exc:  # zlib.error, zipfile.BadZipFile: a damaged archive
            raise ctx.fail(name, f"cannot be read from the export; the archive looks damaged ({exc}).") from exc
        return safety.load_json(data, ctx.file, name)


def _team_of(users: list) -> str | None:
    for u in users if isinstance(users, list) else []:
        if isinstance(u, dict) and isinstance(u.get("team_id"), str) and u["team_id"]:
            return u["team_id"]
    return None


class SlackListFile(Importer):
    """A lone users.json, channels.json, groups.json, dms.json or mpims.json."""

    name = "slack-list"
    label = "Slack members or channels (users.json, channels.json)"
    platform = PLATFORM
    patterns = ("users.json", "channels.json", "groups.json", "dms.json", "mpims.json")

    def sniff(self, path: Path) -> bool:
        if not path.is_file() or path.name not in LIST_FILES:
            return False
        text = safety.head_text(path, 8192).lstrip()
        if path.name == "users.json":
            return text.startswith("[") and (text[1:].strip() in ("", "]") or '"profile"' in text or '"real_name"' in text)
        return text.startswith("[") and (text[1:].strip() in ("", "]") or '"id"' in text)

    def read(self, path: Path, ctx: ReadContext) -> Iterator[Record]:
        with ctx.open_binary(path) as f:
            data = safety.load_json(f.read(), ctx.file)
        source = (_team_of(data) if path.name == "users.json" else None) or team_near(path)
        if source:
            yield SourceRec(PLATFORM, source)
        mapper = SlackMapper(ctx, source)
        kind = LIST_FILES[path.name]
        if kind == "users":
            yield from mapper.users(data, path.name)
        else:
            yield from mapper.channels(data, kind, path.name)


class SlackMessageFile(Importer):
    """A lone day file or array of Slack messages (one channel's), or one saved message object.

    The channel is the day file's folder (by its id when a channels.json sits beside the folder),
    or else the file's name without slackdump's ``_thread_<ts>`` suffix.
    """

    name = "slack-messages"
    label = "Slack messages (a day file or a message array)"
    platform = PLATFORM
    patterns = ("*.json",)

    def sniff(self, path: Path) -> bool:
        if not path.is_file() or path.suffix.lower() != ".json":
            return False
        text = safety.head_text(path, 65536).lstrip()
        if not (MESSAGE_TYPE_RE.search(text) and MESSAGE_KEYS_RE.search(text)):
            return False
        if text.startswith("["):
            return text[1:].lstrip().startswith("{")
        return text.startswith("{") and '"messages"' not in text and '"ok"' not in text

    def read(self, path: Path, ctx: ReadContext) -> Iterator[Record]:
        with ctx.open_binary(path) as f:
            data = safety.load_json(f.read(), ctx.file)
        source = team_near(path) or _team_in(data)
        if source:
            yield SourceRec(PLATFORM, source)
        channel, name = _channel_of(path)
        yield ChannelRec(PLATFORM, channel, name=name, source_external_id=source)
        mapper = SlackMapper(ctx, source)
        if isinstance(data, dict):
            yield from mapper.message(data, channel, "the message")
        else:
            yield from mapper.messages(data, channel, path.name)


def _team_in(data) -> str | None:
    first = data[0] if isinstance(data, list) and data else data
    team = first.get("team") if isinstance(first, dict) else None
    return team if isinstance(team, str) and TEAM_RE.search(f'"team": "{team}"') else None


def _channel_of(path: Path) -> tuple[str, str]:
    if DAY_FILE_RE.match(path.name):
        folder = path.parent.name
        for list_name in ("channels.json", "groups.json", "mpims.json", "dms.json"):
            listing = path.parent.parent / list_name
            if listing.is_file() and listing.stat().st_size < 64 * 1024**2:
                try:
                    chans = safety.load_json(listing.read_bytes(), list_name)
                except Exception:  # noqa: BLE001 - a damaged listing only loses the channel id
                    continue
                for c in chans if isinstance(chans, list) else []:
                    if isinstance(c, dict) and folder in (c.get("name"), c.get("id")) and isinstance(c.get("id"), str):
                        rec = channel_record(c, LIST_FILES[list_name], None)  # a group DM: by its members
                        return c["id"], rec.name if rec is not None else folder
        return folder, folder
    stem = path.stem
    found = THREAD_FILE_RE.match(stem)
    chan = found.group("chan") if found else stem
    return chan, chan


IMPORTERS = [SlackExport(), SlackListFile(), SlackMessageFile()]
