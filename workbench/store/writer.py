"""The batched writer: importer records in, rows out, upserting on ``(platform, external_id)``.

It runs inside one transaction that the caller owns (an import is all-or-nothing), holds only a
batch of each record kind in memory plus id caches of sources, channels and accounts, and counts
what it read, added, updated and left unchanged.

Order of a flush: sources, channels, accounts (each new account gets its own new person), then
activities, reactions, memberships and recognitions, whose references are resolved through the
caches; a reference to an account or channel not seen yet creates a placeholder that a later
record fills in.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable

import numpy as np
from sqlalchemy import DateTime, Table, TypeDecorator, bindparam, func, insert, select, tuple_, update
from sqlalchemy.engine import Connection

from ..records import (
    ADDED_KINDS,
    AccountRec,
    ActivityRec,
    ChannelRec,
    Counts,
    MembershipRec,
    ReactionRec,
    RecognitionRec,
    Record,
    RenameRec,
    SourceRec,
    without_surrogates,
)
from .dialect import insert_ignore, is_sqlite
from .models import (Account, Activity, Channel, DeletedRecognition, ImportChange, MembershipEvent, Person, Reaction,
                     Recognition, Rename, Source, utcnow)

BATCH = 2000
UTC = dt.timezone.utc
LOOKUP_CHUNK = 500

A = Activity.__table__
ACC = Account.__table__
CH = Channel.__table__
SRC = Source.__table__
PER = Person.__table__


def _naive(t: dt.datetime | None) -> dt.datetime | None:
    if t is None:
        return None
    if t.tzinfo is UTC:
        return t.replace(tzinfo=None)
    if t.tzinfo is not None:
        t = t.astimezone(dt.timezone.utc).replace(tzinfo=None)
    return t


def normalize_email(email: str | None) -> str | None:
    if not email:
        return None
    e = email.strip().lower()
    return e if "@" in e else None


_TEXT_FIELDS: dict[type, tuple[str, ...]] = {
    t: tuple(f.name for f in dataclasses.fields(t) if f.type in ("str", "str | None") and f.name not in ("platform", "kind"))
    for t in (SourceRec, ChannelRec, AccountRec, ActivityRec, ReactionRec, MembershipRec, RecognitionRec, RenameRec)
}


def _make_storable(rec: Record) -> None:
    for name in _TEXT_FIELDS[type(rec)]:
        value = getattr(rec, name)
        if value.__class__ is str and not value.isascii():
            setattr(rec, name, without_surrogates(value))


def _chunks(items: list, n: int = LOOKUP_CHUNK) -> Iterable[list]:
    for i in range(0, len(items), n):
        yield items[i:i + n]


ACTIVITY_COLUMNS = ["platform", "external_id", "source_id", "channel_id", "account_id", "created_at", "edited_at",
                    "kind", "parent_external_id", "is_question", "is_accepted", "title", "text", "size",
                    "reaction_count", "import_run_id"]


SQLITE_DATETIME_FORMAT = "%(year)04d-%(month)02d-%(day)02d %(hour)02d:%(minute)02d:%(second)02d.%(microsecond)06d"


def _bind_processor(type_, dialect):  # noqa: ANN001, ANN202 - SQLAlchemy types
    """What Core applies to a bound value of this type on this dialect (None: nothing).

    SQLite's DATETIME stores 'YYYY-MM-DD HH:MM:SS.ffffff'; for a naive datetime (what the writer
    binds, and what ``UTCDateTime`` passes through unchanged) that is exactly
    ``isoformat(" ", "microseconds")``, which runs in C. A test holds the two equal."""
    general = type_.dialect_impl(dialect).bind_processor(dialect)
    inner = type_.impl_instance if isinstance(type_, TypeDecorator) else type_
    if general is None or dialect.name != "sqlite" or not isinstance(inner, DateTime) or \
            getattr(inner.dialect_impl(dialect), "_storage_format", None) != SQLITE_DATETIME_FORMAT:
        return general

    def process(value):  # noqa: ANN001, ANN202
        if value.__class__ is dt.datetime and value.tzinfo is None:
            return value.isoformat(" ", "microseconds")
        return general(value)
    return process


REACTION_COLUMNS = ["activity_id", "account_id", "emoji", "created_at", "import_run_id"]
MEMBERSHIP_COLUMNS = ["account_id", "channel_id", "channel_key", "kind", "at", "import_run_id"]
RENAME_COLUMNS = ["platform", "from_external_id", "to_external_id", "at", "channel_id", "import_run_id"]


class _Bulk:
    """One INSERT compiled once and run as the driver's executemany over plain rows.

    Each value still goes through its column type's bind processor, so the stored values are
    exactly what a Core ``execute(insert(...), dicts)`` stores; what is saved is the per-row
    parameter machinery, which dominates a large import.
    """

    def __init__(self, conn: Connection, stmt, columns: list[str]) -> None:  # noqa: ANN001 - an Insert
        compiled = stmt.compile(dialect=conn.dialect, column_keys=columns)
        self.sql = compiled.string
        self.positional = bool(compiled.positional)
        names = list(compiled.positiontup or []) if self.positional else list(columns)
        if sorted(names) != sorted(columns):
            raise ValueError(f"unexpected parameters {names} for {columns}")
        index = {c: i for i, c in enumerate(columns)}
        self.order = [index[n] for n in names]
        self.in_order = self.order == sorted(self.order)  # rows already in the statement's order
        self.columns = columns
        self.procs = [(i, proc) for i, c in enumerate(columns)
                      if (proc := _bind_processor(stmt.table.c[c].type, conn.dialect)) is not None]

    def run(self, conn: Connection, rows: list[list]) -> int:
        procs, order = self.procs, self.order
        for row in rows:
            for i, proc in procs:
                if row[i] is not None:
                    row[i] = proc(row[i])
        if self.positional and self.in_order:
            params = list(map(tuple, rows))
        elif self.positional:
            params = [tuple([row[i] for i in order]) for row in rows]
        else:
            params = [dict(zip(self.columns, row)) for row in rows]
        res = conn.exec_driver_sql(self.sql, params)
        return max(res.rowcount or 0, 0)


# Activity indexes whose keys arrive in no particular order (times across channels, authors, reply
# targets). A large import builds them once at its end, by sorting, instead of row by row: on a
# million messages that is 1.7 s of building against 3.9 s of upkeep. The unique key, which the
# writer reads, stays. The indexes on channels and runs stay too: their few keys arrive nearly in
# order, so their upkeep is small (about 0.5 s a million messages for the channel's, measured
# alone), and building one at the end adds to the part of the import that nothing overlaps (the
# run's, built at the end, made the import slower as a command).
DEFERRABLE_INDEXES = ("ix_activity_created_at", "ix_activity_account_created", "ix_activity_parent_ext")
BYTES_PER_ACTIVITY = 250  # what an export spends on one message, roughly (JSON, zipped or not)


def defer_indexes(conn: Connection, input_bytes: int) -> list:
    """Drop the deferrable activity indexes when the import is likely to be larger than what the
    workspace already holds; returns them, for ``rebuild_indexes`` (inside the same transaction,
    so a failed or cancelled import gets them back with everything else)."""
    held = conn.execute(select(func.count()).select_from(A)).scalar_one()
    if held and held >= input_bytes // BYTES_PER_ACTIVITY:
        return []
    dropped = [ix for ix in A.indexes if ix.name in DEFERRABLE_INDEXES]
    for ix in dropped:
        ix.drop(conn)
    return dropped


def rebuild_indexes(conn: Connection, dropped: list) -> None:
    for ix in dropped:
        ix.create(conn)


class _SeenKeys:
    """A Bloom filter of the activity keys this run wrote (16 MiB, two probes): 'not seen' is
    certain, 'seen' is only likely. For a platform that had no activities before the run, a key it
    has not seen is certainly new and needs no lookup; a million keys give about one needless
    lookup in four thousand. Keys go in and are asked after a batch at a time (numpy does the
    probing: one Python call per batch, not three per key)."""

    BITS = 1 << 27

    def __init__(self) -> None:
        self._bits = np.zeros(self.BITS >> 3, dtype=np.uint8)

    def _probes(self, keys: list[tuple[str, str]]) -> tuple[np.ndarray, np.ndarray]:
        h = np.fromiter(map(hash, keys), dtype=np.int64, count=len(keys))
        return h & (self.BITS - 1), (h >> 32) & (self.BITS - 1)

    def add_many(self, keys: list[tuple[str, str]]) -> None:
        for i in self._probes(keys):
            np.bitwise_or.at(self._bits, i >> 3, np.left_shift(1, i & 7).astype(np.uint8))

    def contains_many(self, keys: list[tuple[str, str]]) -> np.ndarray:
        """For each key: True when it may have been added, False when it certainly was not."""
        bits = self._bits
        i, j = self._probes(keys)
        return ((bits[i >> 3] >> (i & 7)) & (bits[j >> 3] >> (j & 7)) & 1).astype(bool)


class _NetChanges:
    """Rows that were in the workspace before this run and that it changed, judged by what they end
    up as. Two files of one import may hold two versions of a record (two dumps of a site, say):
    the record is written twice, and counts as updated only when its final values differ from
    what the workspace held before the run. So importing the same files again updates nothing,
    and is recorded as nothing new."""

    def __init__(self) -> None:
        self._before: dict[int, dict] = {}
        self._after: dict[int, dict] = {}
        self.changed: set[int] = set()

    def note(self, row_id: int, before: dict, after: dict) -> None:
        first = self._before.setdefault(row_id, {})
        for column, value in before.items():
            first.setdefault(column, value)
        latest = self._after.setdefault(row_id, {})
        latest.update(after)
        if any(value != first.get(column) for column, value in latest.items()):
            self.changed.add(row_id)
        else:
            self.changed.discard(row_id)

    def replaced(self) -> Iterable[tuple[int, dict, dict]]:
        """Each changed row with the columns that end up different: (id, before, after)."""
        for row_id in sorted(self.changed):
            first, latest = self._before[row_id], self._after[row_id]
            columns = [c for c, v in latest.items() if v != first.get(c)]
            yield row_id, {c: first.get(c) for c in columns}, {c: latest[c] for c in columns}


def stored_value(value):  # noqa: ANN001, ANN201 - a column's value
    """A column's value as ``ImportChange`` keeps it in JSON: a time as ISO text in UTC."""
    return _naive(value).isoformat() if isinstance(value, dt.datetime) else value


def from_stored(column, value):  # noqa: ANN001, ANN201 - a Column, a value kept by ``stored_value``
    """A value ``ImportChange`` kept, as its column takes it: a time column's ISO text as a time (a
    time column is a ``DateTime``, or a type made on one, as ``UTCDateTime``)."""
    if isinstance(value, str) and isinstance(getattr(column.type, "impl", column.type), DateTime):
        return dt.datetime.fromisoformat(value)
    return value


class Writer:
    def __init__(self, conn: Connection, run_id: int, *, batch_size: int = BATCH) -> None:
        self.conn = conn
        self.run_id = run_id
        self.batch_size = batch_size
        self.counts = Counts()
        self._changed_accounts, self._changed_activities = _NetChanges(), _NetChanges()
        # A source or channel renamed (or moved) is an updated row too, as the run's removal counts
        # what it puts back (a Telegram chat renamed: its source and its channel).
        self._changed_sources, self._changed_channels = _NetChanges(), _NetChanges()
        self.first_at: dt.datetime | None = None
        self.last_at: dt.datetime | None = None
        self.orphan_reactions = 0  # reactions whose message is neither in the file nor in the workspace
        self._sources: dict[tuple[str, str], int] = {}
        self._channels: dict[tuple[str, str], int] = {}
        self._accounts: dict[tuple[str, str], int] = {}
        self._pending: dict[type, dict] = {SourceRec: {}, ChannelRec: {}, AccountRec: {}}
        self._activities: dict[tuple[str, str], ActivityRec] = {}
        self._reactions: list[ReactionRec] = []
        self._memberships: list[MembershipRec] = []
        self._recognitions: list[RecognitionRec] = []
        self._renames: list[RenameRec] = []
        self._bulk: dict[str, _Bulk] = {}
        self._fresh: dict[str, bool] = {}  # platform -> it had no activities when this run began
        self._seen: _SeenKeys | None = None

    # -- intake -------------------------------------------------------------------------------
    def add(self, rec: Record) -> None:
        self.counts.read += 1
        t = type(rec)
        if t is ActivityRec:
            # Every text field is checked (about 60 ns a record): a lone surrogate in any of them would
            # fail the whole insert.
            if not (rec.text.isascii() and rec.title.isascii() and rec.external_id.isascii()
                    and rec.account_external_id.isascii() and (rec.channel_external_id or "").isascii()
                    and (rec.parent_external_id or "").isascii() and (rec.source_external_id or "").isascii()):
                _make_storable(rec)
            key = (rec.platform, rec.external_id)
            if key in self._activities:  # a duplicate id within one batch: the last one wins
                self.counts.unchanged += 1
            self._activities[key] = rec
            if len(self._activities) >= self.batch_size:
                self.flush()
        elif t in self._pending:
            _make_storable(rec)
            pending, key = self._pending[t], (rec.platform, rec.external_id)
            if t is SourceRec and key in pending:  # a source's name and its address can come apart
                old = pending[key]
                keep_old = not rec.name or (rec.name_from_file and old.name and not old.name_from_file)
                name, from_file = (old.name, old.name_from_file) if keep_old else (rec.name, rec.name_from_file)
                rec = SourceRec(rec.platform, rec.external_id, name, rec.address or old.address, from_file)
            elif t is AccountRec and rec.snapshot and key in pending and not pending[key].snapshot:
                return  # a member list's account stands over a message's copy of it
            pending[key] = rec
            if len(self._pending[t]) >= self.batch_size:
                self._flush_meta()
        elif t is ReactionRec:
            _make_storable(rec)
            self._reactions.append(rec)
            if len(self._reactions) >= self.batch_size:
                self.flush()
        elif t is MembershipRec:
            _make_storable(rec)
            self._memberships.append(rec)
            if len(self._memberships) >= self.batch_size:
                self.flush()
        elif t is RecognitionRec:
            _make_storable(rec)
            self._recognitions.append(rec)
            if len(self._recognitions) >= self.batch_size:
                self.flush()
        elif t is RenameRec:
            _make_storable(rec)
            self._renames.append(rec)
            if len(self._renames) >= self.batch_size:
                self.flush()
        else:
            raise TypeError(f"not a record: {rec!r}")

    def add_all(self, records: Iterable[Record]) -> None:
        for rec in records:
            self.add(rec)

    def flush(self) -> None:
        self._flush_meta()
        if self._activities:
            self._flush_activities()
        if self._reactions:
            self._flush_reactions()
        if self._memberships:
            self._flush_memberships()
        if self._recognitions:
            self._flush_recognitions()
        if self._renames:
            self._flush_renames()
        self._count_updates()  # rows of earlier runs this run has changed, net, so far

    def keep_replaced(self) -> int:
        """Keep, for the run's removal, what it changed in rows earlier imports brought and the
        values it replaced (``ImportChange``); returns how many rows."""
        rows = [{"run_id": self.run_id, "table_name": table, "row_id": row_id,
                 "before": {c: stored_value(v) for c, v in before.items()},
                 "after": {c: stored_value(v) for c, v in after.items()}}
                for table, changes in (("source", self._changed_sources), ("channel", self._changed_channels),
                                       ("account", self._changed_accounts), ("activity", self._changed_activities))
                for row_id, before, after in changes.replaced()]
        for i in range(0, len(rows), self.batch_size):
            self.conn.execute(insert(ImportChange.__table__), rows[i:i + self.batch_size])
        return len(rows)

    def _bulk_insert(self, name: str, stmt, columns: list[str], rows: list[list]) -> int:  # noqa: ANN001
        bulk = self._bulk.get(name)
        if bulk is None:
            bulk = self._bulk[name] = _Bulk(self.conn, stmt, columns)
        return bulk.run(self.conn, rows)

    def _bump(self, kind: str, n: int = 1) -> None:
        self.counts.by_kind[kind] = self.counts.by_kind.get(kind, 0) + n
        if kind in ADDED_KINDS:
            self.counts.added += n

    # -- sources, channels, accounts ----------------------------------------------------------
    def _flush_meta(self) -> None:
        if self._pending[SourceRec]:
            self._write_sources(list(self._pending[SourceRec].values()))
            self._pending[SourceRec].clear()
        if self._pending[ChannelRec]:
            self._write_channels(list(self._pending[ChannelRec].values()))
            self._pending[ChannelRec].clear()
        if self._pending[AccountRec]:
            self._write_accounts(list(self._pending[AccountRec].values()))
            self._pending[AccountRec].clear()

    def _existing(self, table, keys: list[tuple[str, str]], cols) -> dict[tuple[str, str], tuple]:
        found: dict[tuple[str, str], tuple] = {}
        by_platform: dict[str, list[str]] = {}
        for p, e in keys:
            by_platform.setdefault(p, []).append(e)
        for platform, ext_ids in by_platform.items():
            for chunk in _chunks(ext_ids):
                q = select(table.c.external_id, *cols).where(table.c.platform == platform,
                                                             table.c.external_id.in_(chunk))
                for row in self.conn.execute(q):
                    found[(platform, row[0])] = tuple(row[1:])
        return found

    def _source_id(self, platform: str, ext: str | None) -> int | None:
        if ext is None:
            return None
        key = (platform, ext)
        sid = self._sources.get(key)
        if sid is None:
            self._write_sources([SourceRec(platform, ext, "")])
            sid = self._sources[key]
        return sid

    def _write_sources(self, recs: list[SourceRec]) -> None:
        keys = [(r.platform, r.external_id) for r in recs]
        have = self._existing(SRC, keys, [SRC.c.id, SRC.c.name, SRC.c.address, SRC.c.import_run_id])
        for r in recs:
            key = (r.platform, r.external_id)
            if key in have:
                sid, name, address, run = have[key]
                changed = {}
                if r.name and r.name != name and not (r.name_from_file and name):
                    changed["name"] = r.name
                if r.address and r.address != address:
                    changed["address"] = r.address
                if changed:
                    self.conn.execute(update(SRC).where(SRC.c.id == sid).values(**changed))
                    if run != self.run_id:
                        self._changed_sources.note(sid, {c: {"name": name, "address": address}[c] for c in changed},
                                                   changed)
            else:
                sid = self.conn.execute(insert(SRC).values(platform=r.platform, external_id=r.external_id, name=r.name,
                                                           address=r.address, import_run_id=self.run_id)).inserted_primary_key[0]
                self._bump("sources")
            self._sources[key] = sid

    def _write_channels(self, recs: list[ChannelRec]) -> None:
        keys = [(r.platform, r.external_id) for r in recs]
        have = self._existing(CH, keys, [CH.c.id, CH.c.name, CH.c.kind, CH.c.source_id, CH.c.parent_external_id,
                                         CH.c.import_run_id])
        for r in recs:
            key = (r.platform, r.external_id)
            values = {"name": r.name, "kind": r.kind, "source_id": self._source_id(r.platform, r.source_external_id),
                      "parent_external_id": r.parent_external_id}
            if key in have:
                cid, name, kind, source_id, parent_ext, run = have[key]
                if (r.name and r.name != name) or r.kind != kind or (values["source_id"] and values["source_id"] != source_id) \
                        or (r.parent_external_id and r.parent_external_id != parent_ext):
                    values = {k: v for k, v in values.items() if v not in (None, "")}
                    self.conn.execute(update(CH).where(CH.c.id == cid).values(**values))
                    if run != self.run_id:
                        old = {"name": name, "kind": kind, "source_id": source_id, "parent_external_id": parent_ext}
                        self._changed_channels.note(cid, {c: old[c] for c in values}, values)
            else:
                cid = self.conn.execute(insert(CH).values(platform=r.platform, external_id=r.external_id,
                                                          import_run_id=self.run_id, **values)).inserted_primary_key[0]
                self._bump("channels")
            self._channels[key] = cid

    def _channel_id(self, platform: str, ext: str | None) -> int | None:
        if ext is None:
            return None
        key = (platform, ext)
        cid = self._channels.get(key)
        if cid is None:
            pending = self._pending[ChannelRec].pop(key, None)
            if pending is None:
                # A record names a channel this file does not describe: use the stored one as it is,
                # and only make a placeholder (named by its id) when there is none.
                found = self._existing(CH, [key], [CH.c.id])
                if key in found:
                    self._channels[key] = found[key][0]
                    return found[key][0]
                pending = ChannelRec(platform, ext, name=ext)
            self._write_channels([pending])
            cid = self._channels[key]
        return cid

    def _write_accounts(self, recs: list[AccountRec], *, placeholder: bool = False) -> None:
        keys = [(r.platform, r.external_id) for r in recs]
        have = self._existing(ACC, keys, [ACC.c.id, ACC.c.handle, ACC.c.display_name, ACC.c.email, ACC.c.is_bot,
                                          ACC.c.is_staff, ACC.c.is_deleted, ACC.c.placeholder,
                                          ACC.c.flags_set_by_user, ACC.c.joined_at, ACC.c.import_run_id])
        new: list[AccountRec] = []
        updates: list[dict] = []
        renamed: list[dict] = []  # accounts whose name changed: their person's name follows
        for r in recs:
            key = (r.platform, r.external_id)
            if key not in have:
                new.append(r)
                continue
            aid, handle, name, email, is_bot, is_staff, is_deleted, was_placeholder, user_flags, joined, run = have[key]
            self._accounts[key] = aid
            if placeholder or (r.snapshot and not was_placeholder):
                continue
            row = {"handle": r.handle or handle, "display_name": r.display_name or name,
                   "email": r.email or email, "placeholder": False,
                   "joined_at": _naive(r.joined_at) or _naive(joined)}
            if user_flags:
                row.update(is_bot=is_bot, is_staff=is_staff)
            else:
                # None: this record does not know the flag; keep what the workspace has.
                row.update(is_bot=is_bot if r.is_bot is None else bool(r.is_bot or (is_bot and was_placeholder)),
                           is_staff=is_staff if r.is_staff is None else bool(r.is_staff))
            row["is_deleted"] = is_deleted if r.snapshot else r.is_deleted
            before = {"handle": handle, "display_name": name, "email": email, "placeholder": was_placeholder,
                      "joined_at": _naive(joined), "is_bot": is_bot, "is_staff": is_staff,
                      "is_deleted": is_deleted}
            if row != before:
                if run != self.run_id:  # an account this run added is counted as added, not updated
                    self._changed_accounts.note(aid, before, row)
                was, now = name or handle or r.external_id, row["display_name"] or row["handle"] or r.external_id
                if now != was:
                    renamed.append({"_acc": aid, "_was": was, "_now": now})
                row = {**row, "email_norm": normalize_email(row["email"]), "_id": aid}
                updates.append(row)
        if updates:
            stmt = update(ACC).where(ACC.c.id == bindparam("_id")).values(
                **{k: bindparam(k) for k in updates[0] if k != "_id"})
            self.conn.execute(stmt, updates)
        if renamed:
            # A person is named after their account when it is made; an account first known only by
            # its id (a message read before the member list) or renamed since renames its person,
            # unless the person is named otherwise (after another account, by a merge).
            owner = select(ACC.c.person_id).where(ACC.c.id == bindparam("_acc")).scalar_subquery()
            self.conn.execute(update(PER).where(PER.c.id == owner, PER.c.display_name == bindparam("_was"))
                              .values(display_name=bindparam("_now")), renamed)
        if new:
            now = utcnow()
            person_rows = [{"display_name": r.display_name or r.handle or r.external_id, "created_at": now}
                           for r in new]
            ids = self._insert_with_ids(PER, person_rows)
            acc_rows = [{"platform": r.platform, "external_id": r.external_id, "person_id": pid,
                         "original_person_id": pid, "source_id": self._source_id(r.platform, r.source_external_id),
                         "handle": r.handle, "display_name": r.display_name, "email": r.email,
                         "email_norm": normalize_email(r.email), "is_bot": bool(r.is_bot),
                         "is_staff": bool(r.is_staff),
                         "is_deleted": r.is_deleted, "joined_at": _naive(r.joined_at), "placeholder": placeholder,
                         "flags_set_by_user": False, "import_run_id": self.run_id}
                        for r, pid in zip(new, ids)]
            acc_ids = self._insert_with_ids(ACC, acc_rows)
            for r, aid in zip(new, acc_ids):
                self._accounts[(r.platform, r.external_id)] = aid
            self._bump("accounts", len(new))

    def _insert_with_ids(self, table: Table, rows: list[dict]) -> list[int]:
        """Insert ``rows`` and return their new ids, in order.

        On SQLite the ids are given here, as SQLite gives them (after the largest; the import holds
        the file's write lock, so no one else inserts meanwhile), and the rows go in one executemany:
        asked to return ids in order, SQLAlchemy sends SQLite a statement a row. (Writing the 29,376
        members of a million-message community took 1.2-1.6 s that way, 0.7-0.8 s this way.)
        Elsewhere the database returns them."""
        if not is_sqlite(self.conn):
            return list(self.conn.execute(insert(table).returning(table.c.id, sort_by_parameter_order=True),
                                          rows).scalars())
        start = self.conn.execute(select(func.coalesce(func.max(table.c.id), 0))).scalar_one() + 1
        ids = list(range(start, start + len(rows)))
        columns = ["id", *rows[0]]
        self._bulk_insert(f"{table.name} with ids", insert(table), columns,
                          [[i, *row.values()] for row, i in zip(rows, ids)])
        return ids

    def _account_ids(self, platform_ext: set[tuple[str, str]]) -> None:
        """Make sure every named account has an id (pending records first, then placeholders)."""
        missing = platform_ext.difference(self._accounts)  # by the set: the cached hashes, no scan of the dict
        if not missing:
            return
        pending = [self._pending[AccountRec].pop(k) for k in missing if k in self._pending[AccountRec]]
        if pending:
            self._write_accounts(pending)
        rest = [k for k in missing if k not in self._accounts]
        if rest:
            self._write_accounts([AccountRec(p, e, handle=e) for p, e in rest], placeholder=True)

    def _count_updates(self) -> None:
        self.counts.updated = sum(self.updated_by_kind.values())

    @property
    def updated_by_kind(self) -> dict[str, int]:
        """Rows of earlier runs this run has changed, net, per kind: ``{"channels": 1, "activities": 2}``."""
        changes = (("sources", self._changed_sources), ("channels", self._changed_channels),
                   ("accounts", self._changed_accounts), ("activities", self._changed_activities))
        return {kind: len(c.changed) for kind, c in changes if c.changed}

    # -- activities ---------------------------------------------------------------------------
    def _flush_activities(self) -> None:
        keys, recs = list(self._activities), list(self._activities.values())
        self._activities.clear()
        self._account_ids({(r.platform, r.account_external_id) for r in recs})
        adopted = self._adopt([r for r in recs if r.replaces])
        have = self._existing(A, self._maybe_stored(keys),
                              [A.c.id, A.c.text, A.c.edited_at, A.c.reaction_count, A.c.parent_external_id,
                               A.c.is_accepted, A.c.title, A.c.is_question, A.c.import_run_id, A.c.kind,
                               A.c.source_id])
        new_rows, new_keys, upd_rows = [], [], []
        times = [_naive(r.created_at) for r in recs]
        first, last = min(times), max(times)
        if self.first_at is None or first < self.first_at:
            self.first_at = first
        if self.last_at is None or last > self.last_at:
            self.last_at = last
        for r, key, created in zip(recs, keys, times):
            text = r.text or ""
            if key in have:
                aid, old_text, old_edit, old_reactions, old_parent, old_acc, old_title, old_q, run, kind, source = have[key]
                edited = _naive(r.edited_at)
                changed = {}
                if text != old_text and (edited is not None or not old_text):
                    changed["text"] = text
                    changed["size"] = len(text)
                if edited is not None and (old_edit is None or edited > _naive(old_edit)):
                    changed["edited_at"] = edited
                if r.reaction_count != old_reactions:
                    changed["reaction_count"] = r.reaction_count
                if r.parent_external_id and r.parent_external_id != old_parent:
                    changed["parent_external_id"] = r.parent_external_id
                    changed["parent_id"] = None
                    changed["root_id"] = None
                if r.is_accepted != old_acc:
                    changed["is_accepted"] = r.is_accepted
                if r.title and r.title != old_title:
                    changed["title"] = r.title
                if r.is_question is not None and r.is_question != old_q:
                    changed["is_question"] = r.is_question
                if key in adopted:  # it has its id now, and what the export without ids could not tell
                    if r.kind != kind:
                        changed["kind"] = r.kind
                    if source is None and r.source_external_id:
                        changed["source_id"] = self._source_id(r.platform, r.source_external_id)
                    self._changed_activities.note(aid, {"external_id": r.replaces}, {"external_id": r.external_id})
                if changed:
                    upd_rows.append((aid, changed))
                    if run != self.run_id:
                        old = {"text": old_text, "size": len(old_text or ""), "edited_at": _naive(old_edit),
                               "reaction_count": old_reactions, "parent_external_id": old_parent,
                               "is_accepted": old_acc, "title": old_title, "is_question": old_q, "kind": kind,
                               "source_id": source}
                        # The reply links are worked out again after the import, from parent_external_id.
                        self._changed_activities.note(aid, {c: old[c] for c in changed if c in old},
                                                      {c: v for c, v in changed.items() if c in old})
                elif key not in adopted:
                    self.counts.unchanged += 1
                continue
            new_keys.append(key)
            new_rows.append([
                r.platform, r.external_id, self._source_id(r.platform, r.source_external_id),
                self._channel_id(r.platform, r.channel_external_id), self._accounts[(r.platform, r.account_external_id)],
                created, _naive(r.edited_at), r.kind, r.parent_external_id, r.is_question, r.is_accepted, r.title,
                text, len(text), r.reaction_count, self.run_id,
            ])
        if new_rows:
            self._bulk_insert("activity", insert(A), ACTIVITY_COLUMNS, new_rows)
            if self._seen is not None:
                self._seen.add_many([k for k in new_keys if self._fresh[k[0]]])
            self._bump("activities", len(new_rows))
        for aid, changed in upd_rows:  # edits are rare; one statement each keeps columns exact
            self.conn.execute(update(A).where(A.c.id == aid).values(**changed))

    def _adopt(self, recs: list[ActivityRec]) -> set[tuple[str, str]]:
        """The rows an export without ids wrote (``replaces``) take the ids of these records, unless
        the workspace holds those ids already; the keys of the rows that took them."""
        if not recs:
            return set()
        new = {(r.platform, r.external_id) for r in recs}
        taken = set(self._existing(A, list(new), [A.c.id]))
        pairs = {(r.platform, r.replaces): r.external_id for r in recs if (r.platform, r.external_id) not in taken}
        found = self._existing(A, list(pairs), [A.c.id])
        rows = [{"row": found[k][0], "ext": pairs[k]} for k in pairs if k in found]
        if rows:
            self.conn.execute(update(A).where(A.c.id == bindparam("row")).values(external_id=bindparam("ext")), rows)
        return {(k[0], pairs[k]) for k in pairs if k in found}

    def _maybe_stored(self, keys: list[tuple[str, str]]) -> list[tuple[str, str]]:
        """The keys that a row may have already, to be looked up; the others are surely new: their
        platform had no activities when the run began and the run has not written them (see
        ``_SeenKeys``)."""
        for platform in {k[0] for k in keys}.difference(self._fresh):
            fresh = self._fresh[platform] = self.conn.execute(
                select(A.c.id).where(A.c.platform == platform).limit(1)).first() is None
            if fresh and self._seen is None:
                self._seen = _SeenKeys()
        if self._seen is None:  # no platform is fresh
            return keys
        seen = self._seen.contains_many(keys)
        fresh = self._fresh
        return [k for k, s in zip(keys, seen.tolist()) if s or not fresh[k[0]]]

    # -- reactions, memberships, recognitions ---------------------------------------------------
    def _activity_ids(self, keys: set[tuple[str, str]]) -> dict[tuple[str, str], int]:
        return {k: v[0] for k, v in self._existing(A, list(keys), [A.c.id]).items()}

    def _flush_reactions(self) -> None:
        recs, self._reactions = self._reactions, []
        self._account_ids({(r.platform, r.account_external_id) for r in recs})
        acts = self._activity_ids({(r.platform, r.activity_external_id) for r in recs})
        rows, seen = [], set()
        for r in recs:
            act = acts.get((r.platform, r.activity_external_id))
            if act is None:
                self.counts.skipped += 1
                self.orphan_reactions += 1
                continue
            row = (act, self._accounts[(r.platform, r.account_external_id)], r.emoji)
            if row in seen:
                continue
            seen.add(row)
            rows.append([row[0], row[1], row[2], _naive(r.created_at), self.run_id])
        if rows:
            stmt = insert_ignore(Reaction.__table__, self.conn, ["activity_id", "account_id", "emoji"])
            added = self._bulk_insert("reaction", stmt, REACTION_COLUMNS, rows)
            self._bump("reactions", added)

    def _flush_memberships(self) -> None:
        recs, self._memberships = self._memberships, []
        self._account_ids({(r.platform, r.account_external_id) for r in recs})
        rows, seen = [], set()
        for r in recs:
            cid = self._channel_id(r.platform, r.channel_external_id)
            row = (self._accounts[(r.platform, r.account_external_id)], cid or 0, r.kind, _naive(r.at))
            if row in seen:
                continue
            seen.add(row)
            rows.append([row[0], cid, row[1], r.kind, row[3], self.run_id])
        if rows:
            stmt = insert_ignore(MembershipEvent.__table__, self.conn, ["account_id", "channel_key", "kind", "at"])
            added = self._bulk_insert("membership", stmt, MEMBERSHIP_COLUMNS, rows)
            self._bump("memberships", added)

    def _flush_renames(self) -> None:
        recs, self._renames = self._renames, []
        rows, seen = [], set()
        for r in recs:
            key = (r.platform, r.from_external_id, r.to_external_id)
            if key in seen or r.from_external_id == r.to_external_id:
                continue
            seen.add(key)
            rows.append([r.platform, r.from_external_id, r.to_external_id, _naive(r.at),
                         self._channel_id(r.platform, r.channel_external_id), self.run_id])
        if rows:
            stmt = insert_ignore(Rename.__table__, self.conn, ["platform", "from_external_id", "to_external_id"])
            added = self._bulk_insert("rename", stmt, RENAME_COLUMNS, rows)
            self._bump("nick changes", added)

    def _not_deleted(self, rows: list[dict]) -> list[dict]:
        """The recognitions not deleted from the log: one deleted there stays deleted when the sheet
        or export it came from is imported again (by its id in the source, or its account, kind
        and time)."""
        gone = DeletedRecognition.__table__
        if self.conn.execute(select(gone.c.id).limit(1)).first() is None:
            return rows
        keyed = {(r["source"], r["external_id"]) for r in rows if r["external_id"] is not None}
        timed = {(r["account_id"], r["kind"], r["given_at"]) for r in rows if r["external_id"] is None}
        deleted_keys = set(self.conn.execute(select(gone.c.source, gone.c.external_id).where(
            tuple_(gone.c.source, gone.c.external_id).in_(keyed))).all()) if keyed else set()
        deleted_times = {(a, k, g.replace(tzinfo=None) if g else g) for a, k, g in self.conn.execute(
            select(gone.c.account_id, gone.c.kind, gone.c.given_at).where(
                gone.c.account_id.in_({a for a, _, _ in timed}))).all()} if timed else set()
        return [r for r in rows if ((r["source"], r["external_id"]) not in deleted_keys if r["external_id"] is not None
                                    else (r["account_id"], r["kind"], r["given_at"]) not in deleted_times)]

    def _flush_recognitions(self) -> None:
        recs, self._recognitions = self._recognitions, []
        self._account_ids({(r.platform, r.account_external_id) for r in recs})
        acc_ids = [self._accounts[(r.platform, r.account_external_id)] for r in recs]
        persons = dict(self.conn.execute(select(ACC.c.id, ACC.c.person_id).where(ACC.c.id.in_(set(acc_ids)))).all())
        rows = []
        for r, aid in zip(recs, acc_ids):
            rows.append({"person_id": persons[aid], "account_id": aid, "kind": r.kind, "given_at": _naive(r.given_at),
                         "note": r.note, "given_by": r.given_by, "source": r.source or r.platform,
                         "external_id": r.external_id, "import_run_id": self.run_id})
        rows = self._not_deleted(rows)
        with_ids = [r for r in rows if r["external_id"] is not None]
        without = [r for r in rows if r["external_id"] is None]
        added = 0
        if with_ids:
            res = self.conn.execute(insert_ignore(Recognition.__table__, self.conn, ["source", "external_id"]), with_ids)
            added += max(res.rowcount or 0, 0)
        if without:
            keyset = {(r["account_id"], r["kind"], r["given_at"]) for r in without}
            existing = set(self.conn.execute(
                select(Recognition.account_id, Recognition.kind, Recognition.given_at).where(
                    tuple_(Recognition.account_id, Recognition.kind).in_([(a, k) for a, k, _ in keyset]))).all())
            existing = {(a, k, g.replace(tzinfo=None) if g else g) for a, k, g in existing}
            fresh = [r for r in without if (r["account_id"], r["kind"], r["given_at"]) not in existing]
            if fresh:
                self.conn.execute(insert(Recognition.__table__), fresh)
                added += len(fresh)
        self._bump("recognitions", added)

