"""The member directory: one row per person, kept in ``person_summary`` so it pages, sorts and
filters in SQL at any size.

The summary is rebuilt whole when the workspace changed under it (an import, a merge made
elsewhere: ``ensure_summary``), and the rows of the people a merge, unmerge or flag touches are
refreshed in the same transaction (``refresh_people``). Engagement levels follow DOMAIN.md (the 90
days ending the last day of data, calendar days in the reporting time zone).
"""
from __future__ import annotations

import datetime as dt
import gc
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np
import pandas as pd
from sqlalchemy import Text, and_, bindparam, delete, exists, func, insert, or_, select, type_coerce
from sqlalchemy.engine import Connection

from ..errors import ImportCancelled
from ..metrics.base import local_seconds
from ..store.dialect import epoch_seconds
from ..store.models import Account, Activity, MergeEvent, Person, PersonSummary, PersonTag, Setting, Tag
from ..store.views import person_flags_query
from .normalize import clean, fold

LEVELS = ["Inactive", "Exploring", "Participating", "Contributing", "Leading"]  # rank 0..4
STAMP_KEY = "people.directory_version"
TZ_KEY = "reporting.timezone"
CHUNK = 500
SLICE = 4000
ACC = Account.__table__
A = Activity.__table__
PER = Person.__table__
S = PersonSummary.__table__
PT = PersonTag.__table__
TAG = Tag.__table__
SET = Setting.__table__
EPOCH = dt.datetime(1970, 1, 1)

SORT_COLUMNS = {"name": S.c.sort_name, "platforms": S.c.platforms, "first_seen": S.c.first_seen,
                "last_seen": S.c.last_seen, "activities": S.c.activities, "level": S.c.level_rank,
                "person_id": S.c.person_id}


# -- the version the summary was built for ---------------------------------------------------------
def _setting(conn: Connection, key: str, default=None):  # noqa: ANN001, ANN202
    row = conn.execute(select(SET.c.value).where(SET.c.key == key)).first()
    return default if row is None else row[0]


def _put_setting(conn: Connection, key: str, value) -> None:  # noqa: ANN001
    conn.execute(delete(SET).where(SET.c.key == key))
    conn.execute(insert(SET).values(key=key, value=value))


def data_stamp(conn: Connection) -> list:
    """What the summary depends on: imports, merges, activities, accounts, people, the time zone."""
    from ..store.models import ImportRun

    one = conn.execute(select(
        select(func.max(ImportRun.__table__.c.id)).scalar_subquery(),
        select(func.max(MergeEvent.__table__.c.id)).scalar_subquery(),
        select(func.max(A.c.id)).scalar_subquery(),
        select(func.max(ACC.c.id)).scalar_subquery(),
        select(func.count()).select_from(PER).where(PER.c.merged_into_id.is_(None)).scalar_subquery(),
    )).one()
    return [*(int(v or 0) for v in one), str(_setting(conn, TZ_KEY, "UTC") or "UTC")]


def is_fresh(conn: Connection) -> bool:
    return _setting(conn, STAMP_KEY) == data_stamp(conn)


# -- building rows ---------------------------------------------------------------------------------
def _as_of_day(conn: Connection, tz: str) -> int | None:
    last = conn.execute(select(func.max(A.c.created_at))).scalar_one()
    if last is None:
        return None
    if isinstance(last, str):
        last = dt.datetime.fromisoformat(last)
    secs = np.array([int((last.replace(tzinfo=None) - EPOCH).total_seconds())], dtype=np.int64)
    return int(local_seconds(secs, tz)[0] // 86400)


def _epoch(conn: Connection):  # noqa: ANN202 - a SQL expression: UTC seconds of an activity
    return epoch_seconds(conn, A.c.created_at)


Who = list[int] | range | None  # some people by id, a range of ids, or everyone


def _in(col, ids: Who):  # noqa: ANN001, ANN202
    if isinstance(ids, range):
        return col.between(ids.start, ids.stop - 1)
    return col.in_(ids) if ids is not None else True


def _levels(conn: Connection, persons: Who, tz: str) -> dict[int, int]:
    """Engagement level rank of each person with activity in the 90 days ending the last day of data."""
    as_of = _as_of_day(conn, tz)
    if as_of is None:
        return {}
    start = EPOCH + dt.timedelta(days=as_of - 91)  # a day of margin for the zone; trimmed below
    q = (select(ACC.c.person_id, _epoch(conn)).select_from(A.join(ACC, ACC.c.id == A.c.account_id))
         .where(A.c.created_at >= start, _in(ACC.c.person_id, persons)))
    rows = conn.execute(q).all()
    if not rows:
        return {}
    person, secs = (np.fromiter(col, dtype=np.int64, count=len(rows)) for col in zip(*rows))
    day = local_seconds(secs, tz) // 86400
    keep = (day > as_of - 90) & (day <= as_of)
    pairs = np.unique(person[keep] * 1_000_000 + day[keep])
    p, d = pairs // 1_000_000, pairs % 1_000_000
    frame = pd.DataFrame({"p": p, "d": d, "recent": d > as_of - 30, "week": (d + 3) // 7})
    days90 = frame.groupby("p").size()
    recent = frame[frame["recent"]]
    days30 = recent.groupby("p").size().reindex(days90.index, fill_value=0)
    busy_weeks = recent.groupby(["p", "week"]).size()
    busy = (busy_weeks >= 2).groupby(level=0).any().reindex(days90.index, fill_value=False)
    rank = np.where(days90 >= 30, 4, np.where(days30 >= 7, 3, np.where(busy, 2, 1)))
    return dict(zip(days90.index.astype(int), rank.astype(int)))


def _frame(conn: Connection, q, columns: list[str]) -> pd.DataFrame:  # noqa: ANN001 - a Select
    """A query's rows as a DataFrame, column by column (no per-row objects)."""
    rows = conn.execute(q).all()
    return pd.DataFrame({c: list(v) for c, v in zip(columns, zip(*rows))} if rows else {c: [] for c in columns})


def _raw(col):  # noqa: ANN001, ANN202
    """A datetime column as the database stores it: copied between tables without conversions."""
    return type_coerce(col, Text)


def _joined(accs: pd.DataFrame, column: str, fn) -> pd.Series:  # noqa: ANN001
    """Per person: ``fn`` over the values of their accounts; people with one account skip the groupby."""
    multi = accs["person_id"].duplicated(keep=False)
    single = accs.loc[~multi].set_index("person_id")[column]
    if not multi.any():
        return single.map(lambda v: fn([v]))
    grouped = accs.loc[multi].groupby("person_id")[column].agg(lambda v: fn(list(v)))
    return pd.concat([single.map(lambda v: fn([v])), grouped])


def _summary_frame(conn: Connection, persons: Who) -> pd.DataFrame:
    tz = str(_setting(conn, TZ_KEY, "UTC") or "UTC")
    accs = _frame(conn, select(ACC.c.id, ACC.c.person_id, ACC.c.platform, ACC.c.handle, ACC.c.display_name,
                               ACC.c.email).where(_in(ACC.c.person_id, persons)),
                  ["id", "person_id", "platform", "handle", "name", "email"])
    if accs.empty:
        return pd.DataFrame()
    per = _frame(conn, select(PER.c.id, PER.c.display_name).where(PER.c.merged_into_id.is_(None),
                                                                   _in(PER.c.id, persons)), ["person_id", "name"])
    acts = _frame(conn, select(ACC.c.person_id, func.count(), _raw(func.min(A.c.created_at)),
                               _raw(func.max(A.c.created_at)))
                  .select_from(A.join(ACC, ACC.c.id == A.c.account_id))
                  .where(_in(ACC.c.person_id, persons)).group_by(ACC.c.person_id),
                  ["person_id", "activities", "first_seen", "last_seen"])
    accs["text"] = (accs["name"].fillna("") + " " + accs["handle"].fillna("") + " " + accs["email"].fillna(""))
    g = accs.groupby("person_id")
    out = pd.DataFrame({
        "platforms": _joined(accs, "platform", lambda v: "," + ",".join(sorted(set(v))) + ","),
        "accounts": g.size(),
        "search": _joined(accs, "text", " ".join),
    })
    out.index.name = "person_id"
    out = per.merge(out.reset_index(), on="person_id", how="inner").merge(acts, on="person_id", how="left")
    out["activities"] = out["activities"].fillna(0).astype(int)
    out["search"] = (out["name"].fillna("") + " " + out["search"]).map(_search_text)
    out["sort_name"] = out["name"].fillna("").map(fold)
    fq = person_flags_query()
    if persons is not None:
        fq = fq.where(_in(PER.c.id, persons))
    flags = _frame(conn, fq, ["person_id", "display_name", "is_bot", "is_staff", "accounts_n"])
    out = out.merge(flags[["person_id", "is_bot", "is_staff"]], on="person_id", how="left")
    levels = _levels(conn, persons, tz)
    out["level_rank"] = out["person_id"].map(levels).fillna(0).astype(int)
    out.loc[out["is_bot"] == 1, "level_rank"] = 0
    return out


def _search_text(text: str) -> str:
    folded, cleaned = fold(text), clean(text)
    return folded if folded == cleaned else f"{folded} {cleaned}"


WRITE_COLUMNS = ["person_id", "name", "sort_name", "search", "platforms", "accounts", "first_seen", "last_seen",
                 "activities", "level_rank", "is_bot", "is_staff"]


def _write(conn: Connection, frame: pd.DataFrame) -> None:
    if frame.empty:
        return
    stmt = insert(S).values({c: bindparam(c) for c in WRITE_COLUMNS}).compile(dialect=conn.dialect)
    order = list(stmt.positiontup) if stmt.positional else WRITE_COLUMNS

    def none(v):  # noqa: ANN001, ANN202 - a time as SQLite (text) or PostgreSQL (a Timestamp) gave it
        if v is None or v is pd.NaT or (isinstance(v, float) and np.isnan(v)):
            return None  # nobody's first activity: NULL (pandas' NaT would reach PostgreSQL as year 48113)
        return v.to_pydatetime() if isinstance(v, pd.Timestamp) else v

    cols = {
        "person_id": frame["person_id"].astype(int).tolist(), "name": frame["name"].fillna("").tolist(),
        "sort_name": frame["sort_name"].tolist(), "search": frame["search"].tolist(),
        "platforms": frame["platforms"].tolist(), "accounts": frame["accounts"].astype(int).tolist(),
        "first_seen": [none(v) for v in frame["first_seen"].tolist()],
        "last_seen": [none(v) for v in frame["last_seen"].tolist()],
        "activities": frame["activities"].astype(int).tolist(), "level_rank": frame["level_rank"].astype(int).tolist(),
        "is_bot": (frame["is_bot"] == 1).tolist(), "is_staff": (frame["is_staff"] == 1).tolist(),
    }
    if stmt.positional:
        params = list(zip(*(cols[c] for c in order)))
    else:
        params = [dict(zip(WRITE_COLUMNS, row)) for row in zip(*(cols[c] for c in WRITE_COLUMNS))]
    for i in range(0, len(params), 20000):
        conn.exec_driver_sql(stmt.string, params[i:i + 20000])


def rebuild_on(conn: Connection, *, cancel=None) -> None:  # noqa: ANN001
    """Rebuild the whole summary on ``conn`` (inside the caller's write transaction).

    People are read in slices of ``SLICE`` ids, so no single step holds the interpreter long
    (a window reading pages meanwhile stays responsive)."""
    conn.execute(delete(S))
    low, high = conn.execute(select(func.min(PER.c.id), func.max(PER.c.id))).one()
    if low is not None:
        with _young_objects_only():
            for start in range(int(low), int(high) + 1, SLICE):
                _write(conn, _summary_frame(conn, range(start, min(start + SLICE, int(high) + 1))))
                time.sleep(0)  # let other threads run between slices
                if cancel is not None and cancel():
                    raise ImportCancelled("Reading people was cancelled.")
    _put_setting(conn, STAMP_KEY, data_stamp(conn))


@contextmanager
def _young_objects_only() -> Iterator[None]:
    """While a long build allocates, let the garbage collector look at new objects only.

    A full collection walks every object of the program (a GUI holds many) with the interpreter
    lock held, which stalls every other thread for a tenth of a second; frozen objects are skipped.
    """
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def refresh_people(conn: Connection, person_ids: Iterable[int], *, was_fresh: bool) -> None:
    """Refresh the summary rows of some people after a merge, unmerge or flag change.

    ``was_fresh``: whether the summary was in step before the change; only then is it marked in
    step again (otherwise the next ``ensure_summary`` rebuilds it whole)."""
    if not was_fresh:
        return  # the next ensure_summary rebuilds the whole summary anyway
    ids = sorted({int(p) for p in person_ids})
    for i in range(0, len(ids), CHUNK):
        chunk = ids[i:i + CHUNK]
        conn.execute(delete(S).where(S.c.person_id.in_(chunk)))
        _write(conn, _summary_frame(conn, chunk))
    _put_setting(conn, STAMP_KEY, data_stamp(conn))


def ensure_summary(ws) -> bool:  # noqa: ANN001 - a Workspace
    """Bring the summary in step with the workspace; True when it had to be rebuilt."""
    with ws.connect() as conn:
        if is_fresh(conn):
            return False
    if ws.readonly:
        return False
    with ws.write_conn("people-directory") as conn:
        if not is_fresh(conn):
            rebuild_on(conn)
    return True


# -- reading pages ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class DirectoryFilter:
    search: str = ""
    platforms: tuple[str, ...] = ()
    levels: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    bots: str = "hide"  # hide, only, include
    staff: str = "include"  # hide, only, include

    def where(self):  # noqa: ANN201 - a SQL condition
        conds = []
        for term in fold(self.search).split():
            like = "%" + term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
            conds.append(S.c.search.like(like, escape="\\"))
        if self.platforms:
            conds.append(or_(*[S.c.platforms.like(f"%,{p},%") for p in self.platforms]))
        if self.levels:
            conds.append(S.c.level_rank.in_([LEVELS.index(lv) for lv in self.levels if lv in LEVELS]))
        if self.tags:
            conds.append(exists(select(PT.c.person_id).join(TAG, TAG.c.id == PT.c.tag_id)
                                .where(PT.c.person_id == S.c.person_id, TAG.c.name.in_(self.tags))))
        for flag, mode in ((S.c.is_bot, self.bots), (S.c.is_staff, self.staff)):
            if mode == "hide":
                conds.append(flag.is_(False))
            elif mode == "only":
                conds.append(flag.is_(True))
        return and_(True, *conds)


def count(conn: Connection, f: DirectoryFilter) -> int:
    return int(conn.execute(select(func.count()).select_from(S).where(f.where())).scalar_one())


FLAGS = (("bot", "is_bot"), ("staff", "is_staff"), ("deleted", "is_gone"))  # as a row of the directory says them


def flags_of(row: dict) -> list[str]:
    """What a directory row is flagged, in words: ["bot"], ["staff", "deleted"] ("deleted": every
    account of the person is)."""
    return [word for word, key in FLAGS if row.get(key)]


def page(conn: Connection, f: DirectoryFilter, *, sort: str = "last_seen", descending: bool = True,
         offset: int = 0, limit: int = 200) -> list[dict]:
    """One page of the directory: person_id, name, platforms, first_seen, last_seen, activities,
    level, is_bot, is_staff, is_gone (every account deleted), tags."""
    col = SORT_COLUMNS.get(sort, S.c.last_seen)
    order = [col.desc() if descending else col.asc(), S.c.person_id.desc() if descending else S.c.person_id.asc()]
    q = select(S).where(f.where()).order_by(*order).offset(offset).limit(limit)
    rows = [dict(r) for r in conn.execute(q).mappings()]
    ids = [r["person_id"] for r in rows]
    tags: dict[int, list[str]] = {}
    gone: set[int] = set()
    if ids:
        tq = select(PT.c.person_id, TAG.c.name).join(TAG, TAG.c.id == PT.c.tag_id).where(PT.c.person_id.in_(ids))
        for pid, name in conn.execute(tq):
            tags.setdefault(pid, []).append(name)
        fq = person_flags_query().where(PER.c.id.in_(ids)).subquery()
        gone = set(conn.execute(select(fq.c.person_id).where(fq.c.is_gone == 1)).scalars())
    for r in rows:
        r["is_gone"] = r["person_id"] in gone
        r["platforms"] = [p for p in r["platforms"].split(",") if p]
        r["level"] = "" if r["is_bot"] else LEVELS[r["level_rank"]]
        r["tags"] = sorted(tags.get(r["person_id"], []))
    return rows


def platforms(conn: Connection) -> list[str]:
    return sorted(conn.execute(select(ACC.c.platform).distinct()).scalars())


def tag_names(conn: Connection) -> list[str]:
    return sorted(conn.execute(select(TAG.c.name)).scalars())
