"""Taking an import run back out of the workspace: the wrong client's export, an older Telegram
chat read in the wrong zone, a folder imported twice under two names.

What the run brought leaves: its activities (and the reactions on them), its reactions, joins,
nick changes and recognitions, and the accounts, people, channels and sources it added that
nothing else holds on to now. The people who made use of its data stay whole:

- an account it added is kept when a later import wrote with it, or when its person was merged by
  hand, noted, tagged, staged or recognized by hand (that work is the user's, not the import's);
- the merges its import made automatically (same e-mail) are undone first, without the rejection
  an unmerge by hand leaves, so the next import may make them again;
- what it changed in rows earlier imports brought (an edited message, a new reaction count, a
  renamed account or channel) is put back as it was (``ImportChange`` keeps the values it
  replaced), unless you changed it since (a bot flag set by hand stays as you set it). Runs
  imported before the workspace kept those values leave their changes as they are.

Replies of other runs whose parent or thread leaves are linked again to what remains; the daily
rollup and the People directory are brought in step. The run itself stays in the history, marked
as removed, with when and what left: an audit pack still shows what happened to the workspace.
All of it is one transaction: removed whole, or not at all.
"""
from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import bindparam, delete, exists, func, or_, select, update
from sqlalchemy.engine import Connection

from . import fmt
from .errors import ImportCancelled, ImportFailed, NotFound, WorkbenchError
from .history import CHANGED_KINDS, brought_back
from .importers.base import CancelFn, ProgressFn
from .metrics import rollup
from .people import directory
from .people.merge import undo_on
from .store.links import resolve_links
from .store.writer import from_stored, normalize_email, stored_value
from .store.models import (
    Account,
    Activity,
    Channel,
    ChampionStatus,
    DeletedRecognition,
    ImportChange,
    ImportFile,
    ImportRun,
    MembershipEvent,
    MergeEvent,
    MergeRejection,
    Note,
    Person,
    PersonSummary,
    PersonTag,
    Reaction,
    Recognition,
    Rename,
    Source,
)

A, ACC, PER = Activity.__table__, Account.__table__, Person.__table__
CH, SRC, RUN, FILE = Channel.__table__, Source.__table__, ImportRun.__table__, ImportFile.__table__
RX, MEM, REN, REC = Reaction.__table__, MembershipEvent.__table__, Rename.__table__, Recognition.__table__
EV, REJ, NOTE, PT, CS = (MergeEvent.__table__, MergeRejection.__table__, Note.__table__, PersonTag.__table__,
                         ChampionStatus.__table__)
SUM = PersonSummary.__table__
CHANGE = ImportChange.__table__
CHANGED_TABLES = {"source": SRC, "channel": CH, "account": ACC, "activity": A}
DELETED = DeletedRecognition.__table__
CHUNK = 500
CHANGE_BATCH = 5000  # changes of a run put back at a time

# What can leave with a run, per kind (``fmt.counts`` says them from the largest container down).
KINDS = ["sources", "channels", "accounts", "people", "activities", "reactions", "memberships", "recognitions",
         "nick changes"]
PUT_BACK = "rows put back"  # the run's record of its removal says them too: rows of earlier imports it had changed


@dataclass
class Removal:
    run_id: int
    removed: dict[str, int] = field(default_factory=dict)  # per kind, as ``KINDS``
    kept_accounts: int = 0  # accounts the run added that later imports or the user's work hold on to
    merges_undone: int = 0  # the run's automatic merges
    changes_undone: int = 0  # rows of earlier imports the run changed, put back as they were
    put_back: dict[str, int] = field(default_factory=dict)  # those rows per kind, as ``KINDS``
    changes_kept: int = 0  # rows of earlier imports the run changed that stay: changed since, or not kept
    kept_unknown: bool = False  # the run was imported before the workspace kept what it replaced

    def sentence(self) -> str:
        """'Removed import run 3: 2 channels, 52 accounts, 52 people, 1,204 activities. …'"""
        what = fmt.counts({k: v for k, v in self.removed.items() if v}) or \
            ("it had added nothing" if self.changes_undone else "nothing left in the workspace")
        text = f"Removed import run {self.run_id}: {what}."
        if self.merges_undone:
            text += (f" The {fmt.plural(self.merges_undone, 'automatic merge')} it made "
                     f"{_was(self.merges_undone)} undone.")
        if self.kept_accounts:
            text += (f" {fmt.plural(self.kept_accounts, 'account')} it brought {_stay(self.kept_accounts)}: later "
                     "imports, or your merges, notes, tags, stages or recognitions, hold on to them.")
        if self.changes_undone:
            them = "it was" if self.changes_undone == 1 else "they were"
            text += (f" It had changed {fmt.plural(self.changes_undone, 'row')} of earlier imports "
                     f"({fmt.counts(self.put_back)}); {them} put back as {them}.")
        if self.changes_kept and self.kept_unknown:
            text += (f" The {fmt.plural(self.changes_kept, 'change')} it made to what earlier imports brought "
                     f"{_stay(self.changes_kept)}: it was imported before the workspace kept what an import replaces.")
        elif self.changes_kept:
            text += (f" {fmt.plural(self.changes_kept, 'row')} it changed {_stay(self.changes_kept)} as "
                     f"{'it is' if self.changes_kept == 1 else 'they are'} now: changed again since, by you.")
        return text

    def as_dict(self) -> dict:
        return {"run_id": self.run_id, "removed": self.removed, "kept_accounts": self.kept_accounts,
                "merges_undone": self.merges_undone, "changes_undone": self.changes_undone, "put_back": self.put_back,
                "changes_kept": self.changes_kept}


def _was(n: int) -> str:
    return "was" if n == 1 else "were"


def _stay(n: int) -> str:
    return "stays" if n == 1 else "stay"


def _ids(conn: Connection, q) -> list[int]:  # noqa: ANN001 - a Select
    return [int(v) for v in conn.execute(q).scalars()]


def _chunks(ids: list[int]):  # noqa: ANN202
    for i in range(0, len(ids), CHUNK):
        yield ids[i:i + CHUNK]


def _count(conn: Connection, stmt) -> int:  # noqa: ANN001 - a Delete
    return int(conn.execute(stmt).rowcount or 0)


def _run_row(conn: Connection, run_id: int, where: str):  # noqa: ANN202 - a Row
    row = conn.execute(select(RUN.c.id, RUN.c.status, RUN.c.updated, RUN.c.removed_at).where(RUN.c.id == run_id)).first()
    if row is None:
        known = _ids(conn, select(RUN.c.id).order_by(RUN.c.id))
        said = f"its runs are {', '.join(map(str, known))}" if known else "it has none yet"
        raise NotFound(f"{where} has no import run {run_id}: {said}.")
    if row.status == "removed":
        raise WorkbenchError(f"Import run {run_id} was removed already, on {fmt.when(row.removed_at)}.")
    if row.status != "done":
        raise WorkbenchError(f"Import run {run_id} did not finish, so there is nothing of it to remove.")
    return row


def _platforms(conn: Connection, first: int) -> dict[int, set[str]]:
    """The platforms each run from ``first`` on read: those of its files' formats, and of the rows
    it added (a CSV's platform is the one its mapping named). A few grouped queries, however many
    runs a workspace imported day after day."""
    from .importers import registry

    found: dict[int, set[str]] = {}
    for run, name in conn.execute(select(FILE.c.run_id, FILE.c.importer).where(FILE.c.run_id >= first).distinct()):
        try:
            platform = registry.by_name(name).platform
        except KeyError:  # a format of another version: its rows say
            continue
        if platform != "csv":
            found.setdefault(run, set()).add(platform)
    for table in (SRC, CH, ACC, A):
        for run, platform in conn.execute(select(table.c.import_run_id, table.c.platform)
                                          .where(table.c.import_run_id >= first).distinct()):
            found.setdefault(run, set()).add(platform)
    return found


def refusal(conn: Connection, run_id: int) -> str:
    """Why run ``run_id`` cannot be removed now, or ''. A later run that read the same platform may
    have found in its export what this run had brought (a later export holds the earlier one's
    messages) and left it to this run's rows: removing this run would take it away. The later runs
    go first, newest first; importing their files again brings them back."""
    platforms = _platforms(conn, run_id)
    mine = platforms.get(run_id, set())
    if not mine:
        return ""
    later = _ids(conn, select(RUN.c.id).where(RUN.c.id > run_id, RUN.c.status == "done").order_by(RUN.c.id.desc()))
    shared = {other: mine & platforms[other] for other in later if mine & platforms.get(other, set())}
    if not shared:
        return ""
    runs = list(shared)
    said = f"run {runs[0]}" if len(runs) == 1 else f"runs {', '.join(map(str, runs[:-1]))} and {runs[-1]}"
    platforms_said = fmt.platform_names(sorted(set().union(*shared.values())))
    return (f"Import run {run_id} cannot be removed before {said}, imported after it from {platforms_said} too: a "
            f"later export often holds what an earlier one brought, and leaves it to the earlier run. Remove {said} "
            f"first {'(newest first) ' if len(runs) > 1 else ''}and import {'their' if len(runs) > 1 else 'its'} "
            "files again afterwards.")


def removal_refused(ws, run_id: int) -> tuple[str, dict[str, int]]:  # noqa: ANN001 - a Workspace
    """``refusal`` on a workspace, asked before asking whether to remove, with the rows of earlier
    imports the run changed and would put back, per kind (none for a run imported before the
    workspace kept what an import replaces)."""
    with ws.connect() as conn:
        kept = conn.execute(select(CHANGE.c.table_name, func.count()).where(CHANGE.c.run_id == run_id)
                            .group_by(CHANGE.c.table_name)).all()
        return refusal(conn, run_id), {CHANGED_KINDS[t]: int(n) for t, n in kept if t in CHANGED_KINDS}


def _undo_automatic_merges(conn: Connection, run_id: int) -> tuple[int, set[int]]:
    """Undo the merges the run's import made by itself, latest first, and forget them (they were
    the import's, which is leaving). How many, and the people they touched."""
    events = conn.execute(select(EV.c.id, EV.c.target_person_id, EV.c.other_person_id)
                          .where(EV.c.action == "merge", EV.c.automatic.is_(True), EV.c.by == f"import {run_id}",
                                 EV.c.undone_by_id.is_(None)).order_by(EV.c.id.desc())).all()
    touched: set[int] = set()
    for event_id, target, other in events:
        undone = undo_on(conn, event_id, by=f"removal of import {run_id}", reject=False)
        conn.execute(delete(EV).where(EV.c.id.in_([undone, event_id])))
        touched.update(p for p in (target, other) if p is not None)
    return len(events), touched


def _put_back(conn: Connection, run_id: int) -> tuple[dict[str, int], int, set[int]]:
    """Put back what the run changed in rows of earlier imports, column by column, where the row
    still holds what the run left in it (a flag set by hand since stays). Returns the rows put
    back whole (per kind), the rows left as they are (in part or whole), and the people whose
    accounts or messages changed. A reply whose parent changes back is linked again with the
    others. A batch of changes at a time: its rows read in one query per table, written back in
    one statement per set of columns."""
    undone: dict[str, int] = {}
    kept = 0
    people: set[int] = set()
    last = 0
    while True:
        batch = conn.execute(select(CHANGE.c.id, CHANGE.c.table_name, CHANGE.c.row_id, CHANGE.c.before, CHANGE.c.after)
                             .where(CHANGE.c.run_id == run_id, CHANGE.c.id > last)
                             .order_by(CHANGE.c.id).limit(CHANGE_BATCH)).all()
        if not batch:
            return undone, kept, people
        last = batch[-1].id
        for table_name, table in CHANGED_TABLES.items():
            changes = [(r.row_id, r.before, {c: v for c, v in r.after.items() if c in table.c})
                       for r in batch if r.table_name == table_name]
            if not changes:
                continue
            columns = sorted({c for _, _, after in changes for c in after})
            now: dict[int, dict] = {}
            for ids in _chunks([row_id for row_id, _, _ in changes]):
                for row in conn.execute(select(table.c.id, *[table.c[c] for c in columns]).where(table.c.id.in_(ids))):
                    now[row[0]] = dict(zip(columns, row[1:]))
            writes: dict[tuple[str, ...], list[dict]] = {}
            for row_id, before, after in changes:
                if row_id not in now or not after:  # gone since (taken out with another run)
                    continue
                back = {c: from_stored(table.c[c], before.get(c)) for c, v in after.items()
                        if stored_value(now[row_id][c]) == v}
                # A value set back by hand since (a bot flag unset) is already what it was: put back too.
                differs = [c for c in after if c not in back and stored_value(now[row_id][c]) != before.get(c)]
                if differs:
                    kept += 1
                else:
                    undone[CHANGED_KINDS[table_name]] = undone.get(CHANGED_KINDS[table_name], 0) + 1
                if table is ACC and back:
                    back.update(_account_put_back(conn, row_id, back))
                elif table is A and "parent_external_id" in back:
                    back.update(parent_id=None, root_id=None)
                if back:
                    values = {f"_{c}": v for c, v in back.items()}
                    writes.setdefault(tuple(sorted(back)), []).append({"_id": row_id, **values})
            for cols, rows in writes.items():
                conn.execute(update(table).where(table.c.id == bindparam("_id"))
                             .values(**{c: bindparam(f"_{c}") for c in cols}), rows)
            changed = [row["_id"] for rows in writes.values() for row in rows]
            for ids in _chunks(changed):
                if table is ACC:
                    people.update(_ids(conn, select(ACC.c.person_id).where(ACC.c.id.in_(ids))))
                elif table is A:
                    people.update(_ids(conn, select(ACC.c.person_id).distinct().join(A, A.c.account_id == ACC.c.id)
                                       .where(A.c.id.in_(ids))))


def _account_put_back(conn: Connection, account_id: int, back: dict) -> dict:
    """What else follows an account's values put back: its normalized e-mail, and its person's
    name where the person was named after the account (as the import renamed it)."""
    extra: dict = {}
    if "email" in back:
        extra["email_norm"] = normalize_email(back["email"])
    if "display_name" in back or "handle" in back:
        acc = conn.execute(select(ACC.c.person_id, ACC.c.display_name, ACC.c.handle, ACC.c.external_id)
                           .where(ACC.c.id == account_id)).one()
        was = acc.display_name or acc.handle or acc.external_id
        name = back.get("display_name", acc.display_name)
        handle = back.get("handle", acc.handle)
        now = name or handle or acc.external_id
        if now != was:
            conn.execute(update(PER).where(PER.c.id == acc.person_id, PER.c.display_name == was)
                         .values(display_name=now))
    return extra


def _free_accounts(conn: Connection, run_id: int) -> tuple[list[int], list[int]]:
    """The accounts the run added that nothing holds on to now, and their people (each the account's
    own, holding nothing else)."""
    other = ACC.alias("other")
    per = PER.alias("per")
    person = ACC.c.person_id
    q = (select(ACC.c.id, person)
         .where(ACC.c.import_run_id == run_id, person == ACC.c.original_person_id,
                ~exists().where(A.c.account_id == ACC.c.id), ~exists().where(RX.c.account_id == ACC.c.id),
                ~exists().where(MEM.c.account_id == ACC.c.id), ~exists().where(REC.c.account_id == ACC.c.id),
                # Every account is made with a person of its own (``original_person_id``), so another
                # account can only be in this one's person by a merge.
                ~exists().where(other.c.person_id == person, other.c.id != ACC.c.id),
                ~exists().where(per.c.merged_into_id == person), ~exists().where(REC.c.person_id == person),
                ~exists().where(EV.c.target_person_id == person), ~exists().where(EV.c.other_person_id == person),
                ~exists().where(NOTE.c.person_id == person), ~exists().where(PT.c.person_id == person),
                ~exists().where(CS.c.person_id == person),
                exists().where(PER.c.id == person, PER.c.merged_into_id.is_(None))))
    rows = conn.execute(q).all()
    return [int(r[0]) for r in rows], [int(r[1]) for r in rows]


def _free_channels(conn: Connection, run_id: int) -> list[int]:
    child = CH.alias("child")
    return _ids(conn, select(CH.c.id).where(
        CH.c.import_run_id == run_id, ~exists().where(A.c.channel_id == CH.c.id),
        ~exists().where(MEM.c.channel_id == CH.c.id), ~exists().where(REN.c.channel_id == CH.c.id),
        ~exists().where(child.c.parent_id == CH.c.id)))


def _free_sources(conn: Connection, run_id: int) -> list[int]:
    return _ids(conn, select(SRC.c.id).where(
        SRC.c.import_run_id == run_id, ~exists().where(A.c.source_id == SRC.c.id),
        ~exists().where(ACC.c.source_id == SRC.c.id), ~exists().where(CH.c.source_id == SRC.c.id)))


def remove_run_on(conn: Connection, run_id: int, *, progress: ProgressFn | None = None,
                  cancel: CancelFn | None = None, where: str = "This workspace") -> Removal:
    """Take import run ``run_id`` out of the workspace on ``conn`` (inside the caller's transaction);
    ``where`` names the workspace when there is no such run."""
    def step(fraction: float, message: str) -> None:
        if cancel is not None and cancel():
            raise ImportCancelled("The removal was cancelled; the workspace is as it was.")
        if progress is not None:
            progress(fraction, message)

    row = _run_row(conn, run_id, where)
    refused = refusal(conn, run_id)
    if refused:
        raise WorkbenchError(refused)
    out = Removal(run_id=run_id)
    n = out.removed
    was_fresh = directory.is_fresh(conn)
    step(0.05, f"Finding what import run {run_id} brought")
    mine = select(A.c.id).where(A.c.import_run_id == run_id)
    day = rollup.utc_day_expr(conn)
    days = list(conn.execute(select(day).where(A.c.import_run_id == run_id).distinct()).scalars())
    touched = set(_ids(conn, select(ACC.c.person_id).where(ACC.c.import_run_id == run_id)))
    touched.update(_ids(conn, select(ACC.c.person_id).distinct().join(A, A.c.account_id == ACC.c.id)
                        .where(A.c.import_run_id == run_id)))

    step(0.15, "Unlinking the replies to its messages")
    # Replies of other runs whose parent or thread leaves are linked again below, to what remains.
    conn.execute(update(A).where(A.c.import_run_id != run_id,
                                 or_(A.c.parent_id.in_(mine), A.c.root_id.in_(mine))).values(parent_id=None, root_id=None))
    conn.execute(update(A).where(A.c.import_run_id == run_id, A.c.parent_id.is_not(None))
                 .values(parent_id=None, root_id=None))
    step(0.25, "Putting back what it changed in earlier imports")
    out.put_back, out.changes_kept, changed_people = _put_back(conn, run_id)
    out.changes_undone = sum(out.put_back.values())
    touched |= changed_people
    if not out.changes_undone and not out.changes_kept and row.updated and not conn.execute(
            select(CHANGE.c.id).where(CHANGE.c.run_id == run_id).limit(1)).first():
        out.changes_kept, out.kept_unknown = int(row.updated), True  # imported before changes were kept
    step(0.3, "Removing its activities")
    n["reactions"] = _count(conn, delete(RX).where(or_(RX.c.import_run_id == run_id, RX.c.activity_id.in_(mine))))
    n["memberships"] = _count(conn, delete(MEM).where(MEM.c.import_run_id == run_id))
    n["nick changes"] = _count(conn, delete(REN).where(REN.c.import_run_id == run_id))
    n["recognitions"] = _count(conn, delete(REC).where(REC.c.import_run_id == run_id))
    n["activities"] = _count(conn, delete(A).where(A.c.import_run_id == run_id))
    step(0.5, "Counting the days again")
    rollup.refresh_in_step(conn, days)

    step(0.6, "Undoing its automatic merges")
    out.merges_undone, merged = _undo_automatic_merges(conn, run_id)
    touched |= merged
    step(0.7, "Removing the accounts only it brought")
    accounts, people = _free_accounts(conn, run_id)
    for ids in _chunks(accounts):
        conn.execute(delete(REJ).where(or_(REJ.c.account_a_id.in_(ids), REJ.c.account_b_id.in_(ids))))
        # A recognition deleted from the log could no longer be brought back to them (Edit > Undo).
        conn.execute(delete(DELETED).where(DELETED.c.account_id.in_(ids)))
        conn.execute(delete(ACC).where(ACC.c.id.in_(ids)))
    for ids in _chunks(people):
        conn.execute(delete(DELETED).where(DELETED.c.person_id.in_(ids)))
        conn.execute(delete(SUM).where(SUM.c.person_id.in_(ids)))
        conn.execute(delete(PER).where(PER.c.id.in_(ids)))
    n["accounts"], n["people"] = len(accounts), len(people)
    out.kept_accounts = int(conn.execute(select(func.count()).select_from(ACC)
                                         .where(ACC.c.import_run_id == run_id)).scalar_one())
    channels = 0
    while True:  # a category goes once its channels have gone
        free = _free_channels(conn, run_id)
        if not free:
            break
        for ids in _chunks(free):
            channels += _count(conn, delete(CH).where(CH.c.id.in_(ids)))
    n["channels"] = channels
    n["sources"] = sum(_count(conn, delete(SRC).where(SRC.c.id.in_(ids))) for ids in _chunks(_free_sources(conn, run_id)))

    step(0.8, "Linking replies and threads again")
    resolve_links(conn)
    step(0.9, "Bringing the People directory in step")
    directory.refresh_people(conn, touched.difference(people), was_fresh=was_fresh)
    left = {k: n.get(k, 0) for k in KINDS} | ({PUT_BACK: out.changes_undone} if out.changes_undone else {})
    conn.execute(update(RUN).where(RUN.c.id == run_id).values(
        status="removed", removed_at=dt.datetime.now(dt.timezone.utc), removed=left))
    out.removed = {k: n.get(k, 0) for k in KINDS}
    step(1.0, f"Removed import run {run_id}")
    return out


def remove_run(ws, run_id: int, *, progress: ProgressFn | None = None,  # noqa: ANN001 - a Workspace
               cancel: CancelFn | None = None) -> Removal:
    """Take import run ``run_id`` out of the workspace, whole or not at all."""
    with ws.bulk_write_conn(f"removing import run {run_id}") as conn:
        return remove_run_on(conn, run_id, progress=progress, cancel=cancel, where=ws.location)


def to_bring_back(ws, run_id: int, progress: ProgressFn | None = None,  # noqa: ANN001 - a Workspace
                  cancel: CancelFn | None = None, digests: dict | None = None) -> tuple[list[str], dict]:
    """What to import to bring removed run ``run_id`` back: the paths and options it was given.
    Refused in one sentence when the run is not removed, was imported before runs kept what they
    were given, or when one of its files is gone or is no longer the one it read (another size, or
    other bytes: each file's SHA-256 is taken again, with ``progress`` and ``cancel``). The digests
    go into ``digests``, for ``Workspace.import_paths`` to take: each file is read once."""
    from pathlib import Path

    from .importers.digest import remembered, sha256_of

    with ws.connect() as conn:
        row = conn.execute(select(RUN.c.status, RUN.c.inputs).where(RUN.c.id == run_id)).first()
        if row is None:
            _run_row(conn, run_id, ws.location)  # says which runs there are
        files = conn.execute(select(FILE.c.path, FILE.c.size, FILE.c.sha256).where(FILE.c.run_id == run_id)
                             .order_by(FILE.c.id)).all()
        since = conn.execute(select(RUN.c.id, RUN.c.status, RUN.c.inputs).where(RUN.c.id >= run_id)).all()
    if row.status != "removed":
        raise WorkbenchError(f"Import run {run_id} is in the workspace; there is nothing to bring back.")
    given = row.inputs or {}
    again = brought_back(tuple(r) for r in since).get(run_id)
    if again is not None:
        raise WorkbenchError(f"Import run {run_id} was brought back already: run {again} imported the same again.")
    if not given.get("paths"):
        raise WorkbenchError(f"Import run {run_id} was imported before the workspace kept what an import was given; "
                             f"import its files again (`workbench runs {run_id}` lists them).")
    for path in given["paths"]:
        if not os.path.exists(path):
            raise WorkbenchError(f"Import run {run_id} cannot be brought back: {path} is not on this computer (moved "
                                 "or deleted since, or imported on another one). Import its files again from where "
                                 "they are now.")
    for path, size, _ in files:
        try:
            now = Path(path).stat().st_size
        except OSError:
            raise WorkbenchError(f"Import run {run_id} cannot be brought back: its file {path} is not on this "
                                 "computer (moved or deleted since, or imported on another one). Import its files "
                                 "again from where they are now.") from None
        if now != size:
            raise WorkbenchError(f"Import run {run_id} cannot be brought back as it was: its file {path} has changed "
                                 f"since ({fmt.number(size)} bytes then, {fmt.number(now)} now). Import it again if "
                                 "that is what you want.")
    total, done = sum(f.size for f in files) or 1, 0
    for path, size, digest in files:
        if progress is not None:
            progress(done / total, f"Checking {os.path.basename(path)}")
        try:
            with remembered(digests):
                now_digest = sha256_of(Path(path), cancel)
        except OSError as exc:
            raise WorkbenchError(f"Import run {run_id} cannot be brought back: its file {path} cannot be read "
                                 f"({exc.strerror or exc}).") from None
        if now_digest != digest:
            raise WorkbenchError(f"Import run {run_id} cannot be brought back as it was: its file {path} has changed "
                                 f"since (the same size, {fmt.number(size)} bytes, but other bytes: its SHA-256 is "
                                 f"{now_digest[:12]}…, not {digest[:12]}…). Import it again if that is what you want.")
        done += size
    return list(given["paths"]), dict(given.get("options") or {})


def read_only_its_files(run_id: int) -> Callable[[Connection, object], None]:
    """A check for the import that brings removed run ``run_id`` back, made before it is committed:
    refused, and nothing written, when it read a file the run did not (one added since to a folder
    the run was given), which bringing the run back would have taken in unasked."""

    def check(conn: Connection, result) -> None:  # noqa: ANN001 - an ImportResult
        if result.run_id is None:
            return
        before = set(conn.execute(select(FILE.c.path).where(FILE.c.run_id == run_id)).scalars())
        added = [p for p in conn.execute(select(FILE.c.path).where(FILE.c.run_id == result.run_id)
                                         .order_by(FILE.c.id)).scalars() if p not in before]
        if added:
            names = ", ".join(added[:3]) + (f" and {fmt.number(len(added) - 3)} more" if len(added) > 3 else "")
            one = len(added) == 1
            raise ImportFailed(f"Import run {run_id} cannot be brought back as it was: "
                               f"{fmt.plural(len(added), 'file')} beside the ones it read {'was' if one else 'were'} "
                               f"added since and would be imported with them: {names}. Nothing was imported; import "
                               "the folder again if that is what you want.")
    return check
