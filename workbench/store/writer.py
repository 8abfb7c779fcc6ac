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

import datetime as dt
from collections.abc import Iterable

from sqlalchemy import bindparam, insert, select, tuple_, update
from sqlalchemy.engine import Connection

from ..records import (
    AccountRec,
    ActivityRec,
    ChannelRec,
    Counts,
    MembershipRec,
    ReactionRec,
    RecognitionRec,
    Record,
    SourceRec,
)
from .dialect import insert_ignore
from .models import Account, Activity, Channel, MembershipEvent, Person, Reaction, Recognition, Source

BATCH = 2000
LOOKUP_CHUNK = 500

A = Activity.__table__
ACC = Account.__table__
CH = Channel.__table__
SRC = Source.__table__
PER = Person.__table__


def _naive(t: dt.datetime | None) -> dt.datetime | None:
    if t is None:
        return None
    if t.tzinfo is not None:
        t = t.astimezone(dt.timezone.utc).replace(tzinfo=None)
    return t


def normalize_email(email: str | None) -> str | None:
    if not email:
        return None
    e = email.strip().lower()
    return e if "@" in e else None


def _chunks(items: list, n: int = LOOKUP_CHUNK) -> Iterable[list]:
    for i in range(0, len(items), n):
        yield items[i:i + n]


class Writer:
    def __init__(self, conn: Connection, run_id: int, *, batch_size: int = BATCH) -> None:
        self.conn = conn
        self.run_id = run_id
        self.batch_size = batch_size
        self.counts = Counts()
        self.first_at: dt.datetime | None = None
        self.last_at: dt.datetime | None = None
        self._sources: dict[tuple[str, str], int] = {}
        self._channels: dict[tuple[str, str], int] = {}
        self._accounts: dict[tuple[str, str], int] = {}
        self._pending: dict[type, dict] = {SourceRec: {}, ChannelRec: {}, AccountRec: {}}
        self._activities: dict[tuple[str, str], ActivityRec] = {}
        self._reactions: list[ReactionRec] = []
        self._memberships: list[MembershipRec] = []
        self._recognitions: list[RecognitionRec] = []

    # -- intake -------------------------------------------------------------------------------
    def add(self, rec: Record) -> None:
        self.counts.read += 1
        t = type(rec)
        if t is ActivityRec:
            key = (rec.platform, rec.external_id)
            if key in self._activities:  # a duplicate id within one batch: the last one wins
                self.counts.unchanged += 1
            self._activities[key] = rec
            if len(self._activities) >= self.batch_size:
                self.flush()
        elif t in self._pending:
            self._pending[t][(rec.platform, rec.external_id)] = rec
            if len(self._pending[t]) >= self.batch_size:
                self._flush_meta()
        elif t is ReactionRec:
            self._reactions.append(rec)
            if len(self._reactions) >= self.batch_size:
                self.flush()
        elif t is MembershipRec:
            self._memberships.append(rec)
            if len(self._memberships) >= self.batch_size:
                self.flush()
        elif t is RecognitionRec:
            self._recognitions.append(rec)
            if len(self._recognitions) >= self.batch_size:
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

    def _bump(self, kind: str, n: int = 1) -> None:
        self.counts.by_kind[kind] = self.counts.by_kind.get(kind, 0) + n

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
        have = self._existing(SRC, keys, [SRC.c.id, SRC.c.name])
        for r in recs:
            key = (r.platform, r.external_id)
            if key in have:
                sid, name = have[key]
                if r.name and r.name != name:
                    self.conn.execute(update(SRC).where(SRC.c.id == sid).values(name=r.name))
            else:
                sid = self.conn.execute(insert(SRC).values(platform=r.platform, external_id=r.external_id,
                                                           name=r.name, import_run_id=self.run_id)).inserted_primary_key[0]
                self._bump("sources")
            self._sources[key] = sid

    def _write_channels(self, recs: list[ChannelRec]) -> None:
        keys = [(r.platform, r.external_id) for r in recs]
        have = self._existing(CH, keys, [CH.c.id, CH.c.name, CH.c.kind, CH.c.source_id, CH.c.parent_external_id])
        for r in recs:
            key = (r.platform, r.external_id)
            values = {"name": r.name, "kind": r.kind, "source_id": self._source_id(r.platform, r.source_external_id),
                      "parent_external_id": r.parent_external_id}
            if key in have:
                cid, name, kind, source_id, parent_ext = have[key]
                if (r.name and r.name != name) or r.kind != kind or (values["source_id"] and values["source_id"] != source_id) \
                        or (r.parent_external_id and r.parent_external_id != parent_ext):
                    values = {k: v for k, v in values.items() if v not in (None, "")}
                    self.conn.execute(update(CH).where(CH.c.id == cid).values(**values))
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
            self._write_channels([pending or ChannelRec(platform, ext, name=ext)])
            cid = self._channels[key]
        return cid

    def _write_accounts(self, recs: list[AccountRec], *, placeholder: bool = False) -> None:
        keys = [(r.platform, r.external_id) for r in recs]
        have = self._existing(ACC, keys, [ACC.c.id, ACC.c.handle, ACC.c.display_name, ACC.c.email, ACC.c.is_bot,
                                          ACC.c.is_staff, ACC.c.is_deleted, ACC.c.placeholder,
                                          ACC.c.flags_set_by_user, ACC.c.joined_at])
        new: list[AccountRec] = []
        updates: list[dict] = []
        for r in recs:
            key = (r.platform, r.external_id)
            if key not in have:
                new.append(r)
                continue
            aid, handle, name, email, is_bot, is_staff, is_deleted, was_placeholder, user_flags, joined = have[key]
            self._accounts[key] = aid
            if placeholder:
                continue
            row = {"handle": r.handle or handle, "display_name": r.display_name or name,
                   "email": r.email or email, "placeholder": False,
                   "joined_at": _naive(r.joined_at) or joined}
            if user_flags:
                row.update(is_bot=is_bot, is_staff=is_staff)
            else:
                row.update(is_bot=r.is_bot or (is_bot and was_placeholder), is_staff=r.is_staff)
            row["is_deleted"] = r.is_deleted
            before = {"handle": handle, "display_name": name, "email": email, "placeholder": was_placeholder,
                      "joined_at": _naive(joined) if joined else None, "is_bot": is_bot, "is_staff": is_staff,
                      "is_deleted": is_deleted}
            if row != before:
                row["email_norm"] = normalize_email(row["email"])
                row["_id"] = aid
                updates.append(row)
        if updates:
            stmt = update(ACC).where(ACC.c.id == bindparam("_id")).values(
                **{k: bindparam(k) for k in updates[0] if k != "_id"})
            self.conn.execute(stmt, updates)
            self.counts.updated += len(updates)
        if new:
            person_rows = [{"display_name": r.display_name or r.handle or r.external_id} for r in new]
            ids = self.conn.execute(insert(PER).returning(PER.c.id, sort_by_parameter_order=True),
                                    person_rows).scalars().all()
            acc_rows = [{"platform": r.platform, "external_id": r.external_id, "person_id": pid,
                         "original_person_id": pid, "source_id": self._source_id(r.platform, r.source_external_id),
                         "handle": r.handle, "display_name": r.display_name, "email": r.email,
                         "email_norm": normalize_email(r.email), "is_bot": r.is_bot, "is_staff": r.is_staff,
                         "is_deleted": r.is_deleted, "joined_at": _naive(r.joined_at), "placeholder": placeholder,
                         "flags_set_by_user": False, "import_run_id": self.run_id}
                        for r, pid in zip(new, ids)]
            acc_ids = self.conn.execute(insert(ACC).returning(ACC.c.id, sort_by_parameter_order=True),
                                        acc_rows).scalars().all()
            for r, aid in zip(new, acc_ids):
                self._accounts[(r.platform, r.external_id)] = aid
            self._bump("accounts", len(new))
            self.counts.added += len(new)

    def _account_ids(self, platform_ext: set[tuple[str, str]]) -> None:
        """Make sure every named account has an id (pending records first, then placeholders)."""
        missing = [k for k in platform_ext if k not in self._accounts]
        if not missing:
            return
        pending = [self._pending[AccountRec].pop(k) for k in missing if k in self._pending[AccountRec]]
        if pending:
            self._write_accounts(pending)
        rest = [k for k in missing if k not in self._accounts]
        if rest:
            self._write_accounts([AccountRec(p, e, handle=e) for p, e in rest], placeholder=True)

    # -- activities ---------------------------------------------------------------------------
    def _flush_activities(self) -> None:
        recs = list(self._activities.values())
        self._activities.clear()
        self._account_ids({(r.platform, r.account_external_id) for r in recs})
        have = self._existing(A, [(r.platform, r.external_id) for r in recs],
                              [A.c.id, A.c.text, A.c.edited_at, A.c.reaction_count, A.c.parent_external_id,
                               A.c.is_accepted, A.c.title, A.c.is_question])
        new_rows, upd_rows = [], []
        for r in recs:
            created = _naive(r.created_at)
            if self.first_at is None or created < self.first_at:
                self.first_at = created
            if self.last_at is None or created > self.last_at:
                self.last_at = created
            key = (r.platform, r.external_id)
            text = r.text or ""
            if key in have:
                aid, old_text, old_edit, old_reactions, old_parent, old_acc, old_title, old_q = have[key]
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
                if changed:
                    upd_rows.append((aid, changed))
                else:
                    self.counts.unchanged += 1
                continue
            new_rows.append({
                "platform": r.platform, "external_id": r.external_id,
                "source_id": self._source_id(r.platform, r.source_external_id),
                "channel_id": self._channel_id(r.platform, r.channel_external_id),
                "account_id": self._accounts[(r.platform, r.account_external_id)],
                "created_at": created, "edited_at": _naive(r.edited_at), "kind": r.kind,
                "parent_external_id": r.parent_external_id, "is_question": r.is_question,
                "is_accepted": r.is_accepted, "title": r.title, "text": text, "size": len(text),
                "reaction_count": r.reaction_count, "import_run_id": self.run_id,
            })
        if new_rows:
            self.conn.execute(insert(A), new_rows)
            self.counts.added += len(new_rows)
            self._bump("activities", len(new_rows))
        for aid, changed in upd_rows:  # edits are rare; one statement each keeps columns exact
            self.conn.execute(update(A).where(A.c.id == aid).values(**changed))
        self.counts.updated += len(upd_rows)

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
                continue
            row = (act, self._accounts[(r.platform, r.account_external_id)], r.emoji)
            if row in seen:
                continue
            seen.add(row)
            rows.append({"activity_id": row[0], "account_id": row[1], "emoji": row[2],
                         "created_at": _naive(r.created_at), "import_run_id": self.run_id})
        if rows:
            res = self.conn.execute(insert_ignore(Reaction.__table__, self.conn,
                                                  ["activity_id", "account_id", "emoji"]), rows)
            self._bump("reactions", max(res.rowcount, 0) if res.rowcount is not None else 0)

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
            rows.append({"account_id": row[0], "channel_id": cid, "channel_key": row[1], "kind": r.kind,
                         "at": row[3], "import_run_id": self.run_id})
        if rows:
            res = self.conn.execute(insert_ignore(MembershipEvent.__table__, self.conn,
                                                  ["account_id", "channel_key", "kind", "at"]), rows)
            self._bump("memberships", max(res.rowcount, 0) if res.rowcount is not None else 0)

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
