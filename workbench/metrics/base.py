"""The columns every metric reads, loaded once per state of the workspace and kept in memory.

A dashboard asks a dozen questions of the same activities under the same filters, and a filter
change asks them all again; so the activities of people who are not bots are read once as plain
integer columns (UTC seconds, person, channel, platform), with the replies, the questions and the
joins beside them, and every metric is a few vectorised passes over those columns. The cache is
dropped after any write to the workspace (merges, flags, imports), so people are always today's
people: ``account.person_id`` of the live persons, bots left out as ``store.views`` defines them.
"""
from __future__ import annotations

import datetime as dt
import threading
import weakref
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.engine import Connection

from ..store.models import Account, Activity, Channel, ImportRun, MergeEvent, Person
from ..store.views import person_flags_query
from .columns import activity_columns, frame_of
from .filters import Filters

A = Activity.__table__
DAY = 86400


@dataclass
class Base:
    """Integer columns of the workspace's human activity (bots left out)."""

    version: tuple
    platforms: list[str]  # code -> name
    ts: np.ndarray  # activities: UTC seconds
    person: np.ndarray
    channel: np.ndarray  # 0: none
    platform: np.ndarray  # code into ``platforms``
    r_ts: np.ndarray  # replies to a human's activity, by a human
    r_person: np.ndarray
    r_channel: np.ndarray
    r_platform: np.ndarray
    r_to_person: np.ndarray  # the author of the activity replied to
    q_id: np.ndarray  # questions asked by humans
    q_ts: np.ndarray
    q_person: np.ndarray
    q_channel: np.ndarray
    q_platform: np.ndarray
    q_external_id: np.ndarray  # object
    q_first_ts: np.ndarray  # the first response by another human (-1: none)
    q_responder: np.ndarray  # that response's author (0: none)
    j_ts: np.ndarray  # joins of humans
    j_person: np.ndarray
    j_channel: np.ndarray
    j_platform: np.ndarray
    people: pd.DataFrame  # person_id, display_name, is_bot, is_staff (bots included)
    channels: pd.DataFrame  # channel_id, platform, name, kind
    _day_cache: dict = field(default_factory=dict, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    # -- time ---------------------------------------------------------------------------------
    def days(self, which: str, tz: str) -> np.ndarray:
        """Calendar day numbers (days since 1970-01-01 in the zone ``tz``) of a column of UTC seconds."""
        key = (which, tz)
        with self._lock:
            cached = self._day_cache.get(key)
        if cached is None:
            cached = local_seconds(getattr(self, which), tz) // DAY
            with self._lock:
                self._day_cache[key] = cached
        return cached

    def platform_codes(self, names: tuple[str, ...]) -> np.ndarray:
        return np.array([self.platforms.index(p) for p in names if p in self.platforms], dtype=np.int16)

    def mask(self, prefix: str, f: Filters, *, lo: int | None = None, hi: int | None = None,
             period: bool = True) -> np.ndarray:
        """Rows of a column family (``""``, ``"r_"``, ``"q_"``, ``"j_"``) that pass the platform and
        channel filters and, with ``period``, fall on days ``lo..hi`` (the filters' period by default)."""
        plat = getattr(self, prefix + "platform")
        m = np.ones(len(plat), dtype=bool)
        if f.platforms:
            m &= np.isin(plat, self.platform_codes(f.platforms))
        if f.channels:
            m &= np.isin(getattr(self, prefix + "channel"), np.asarray(f.channels, dtype=np.int64))
        if period:
            d = self.days(prefix + "ts", f.tz)
            lo = day_number(f.start) if lo is None and f.start is not None else lo
            hi = day_number(f.end) if hi is None and f.end is not None else hi
            if lo is not None:
                m &= d >= lo
            if hi is not None:
                m &= d <= hi
        return m

    def first_activity(self, f: Filters | None = None) -> pd.Series:
        """Each person's first activity (UTC seconds), over the filters' platforms and channels, all time."""
        m = self.mask("", f, period=False) if f is not None and (f.platforms or f.channels) else slice(None)
        s = pd.Series(self.ts[m]).groupby(self.person[m]).min()
        return s

    def memo(self, key: tuple, compute):  # noqa: ANN001 - a function of nothing
        """A value computed once per key (filters included in the key) while these columns live."""
        with self._lock:
            if key in self._day_cache:
                return self._day_cache[key]
        value = compute()
        with self._lock:
            if len(self._day_cache) > 400:
                self._day_cache.clear()
            self._day_cache[key] = value
        return value

    def person_names(self) -> dict[int, str]:
        return self.memo(("names",), lambda: dict(zip(self.people["person_id"].tolist(),
                                                      self.people["display_name"].tolist())))


def day_number(d: dt.date) -> int:
    return (d - dt.date(1970, 1, 1)).days


def day_of(n: int | np.integer) -> dt.date:
    return dt.date(1970, 1, 1) + dt.timedelta(days=int(n))


def local_seconds(ts: np.ndarray, tz: str) -> np.ndarray:
    """UTC seconds moved to wall-clock seconds in ``tz`` (daylight saving included)."""
    if not tz or tz.upper() == "UTC" or len(ts) == 0:
        return ts
    # Offsets change rarely: compute them per distinct UTC hour, then look them up.
    hours = ts // 3600
    uniq, inv = np.unique(hours, return_inverse=True)
    stamps = pd.to_datetime(uniq * 3600, unit="s", utc=True).tz_convert(tz)
    offsets = np.asarray(stamps.tz_localize(None).as_unit("s").asi8 - uniq * 3600, dtype=np.int64)
    return ts + offsets[inv]


# -- loading ---------------------------------------------------------------------------------------
_CACHE: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_CACHE_LOCK = threading.Lock()


def data_version(conn: Connection) -> tuple:
    return (
        conn.execute(select(func.max(ImportRun.id))).scalar_one(),
        conn.execute(select(func.max(ImportRun.removed_at))).scalar_one(),  # a run taken out, older than the last
        conn.execute(select(func.max(MergeEvent.id))).scalar_one(),
        conn.execute(select(func.max(A.c.id))).scalar_one(),
        conn.execute(select(func.count()).select_from(Person).where(Person.merged_into_id.is_(None))).scalar_one(),
    )


def _accounts(conn: Connection) -> tuple[np.ndarray, np.ndarray, list[str], pd.DataFrame]:
    flags = frame_of(conn, person_flags_query(), ["person_id", "display_name", "is_bot", "is_staff", "accounts"])
    accs = frame_of(conn, select(Account.id, Account.person_id, Account.platform, Account.display_name, Account.handle),
                    ["id", "person_id", "platform", "display_name", "handle"])
    # A person without a name of their own goes by an account's name.
    named = accs.assign(name=accs["display_name"].where(accs["display_name"] != "", accs["handle"]))
    fallback = named[named["name"] != ""].groupby("person_id")["name"].first()
    empty = flags["display_name"].fillna("") == ""
    flags.loc[empty, "display_name"] = flags.loc[empty, "person_id"].map(fallback).fillna("")
    platforms = sorted(set(accs["platform"]) | set(conn.execute(select(Channel.platform).distinct()).scalars()))
    n = int(accs["id"].max()) + 1 if len(accs) else 1
    acc_person = np.zeros(n, dtype=np.int64)
    acc_plat = np.zeros(n, dtype=np.int16)
    ids = accs["id"].to_numpy(dtype=np.int64)
    acc_person[ids] = accs["person_id"].to_numpy(dtype=np.int64)
    acc_plat[ids] = pd.Categorical(accs["platform"], categories=platforms).codes
    bots = flags.loc[flags["is_bot"] == 1, "person_id"].to_numpy(dtype=np.int64)
    # A bot's accounts map to person 0: left out everywhere below.
    if len(bots):
        acc_person[np.isin(acc_person, bots)] = 0
    return acc_person, acc_plat, platforms, flags


def _first_responses(q_rows: np.ndarray, q_person: np.ndarray, r_rows: tuple[np.ndarray, np.ndarray],
                     r_parent_row: np.ndarray, r_root_row: np.ndarray, ts: np.ndarray,
                     person: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The earliest reply (direct or in the thread) to each question by another human.

    Rows are positions in the activity columns; -1 where the parent or root is not known.
    """
    first = np.full(len(q_rows), -1, dtype=np.int64)
    responder = np.zeros(len(q_rows), dtype=np.int64)
    if not len(q_rows) or not len(r_rows):
        return first, responder
    q_index = np.full(len(ts), -1, dtype=np.int64)
    q_index[q_rows] = np.arange(len(q_rows))
    cand_q, cand_r = [], []
    for target, extra in ((r_parent_row, None), (r_root_row, r_parent_row)):
        ok = target >= 0
        if extra is not None:
            ok &= target != extra  # a direct reply is counted once
        qi = np.where(ok, q_index[np.where(ok, target, 0)], -1)
        hit = qi >= 0
        cand_q.append(qi[hit])
        cand_r.append(r_rows[hit])
    qi, rr = np.concatenate(cand_q), np.concatenate(cand_r)
    pp = person[rr]
    ok = (pp != 0) & (pp != q_person[qi])
    qi, rr, pp = qi[ok], rr[ok], pp[ok]
    if not len(qi):
        return first, responder
    rts = ts[rr]
    o = np.lexsort((rts, qi))
    qi, rts, pp = qi[o], rts[o], pp[o]
    lead = np.ones(len(qi), dtype=bool)
    lead[1:] = qi[1:] != qi[:-1]
    first[qi[lead]] = rts[lead]
    responder[qi[lead]] = pp[lead]
    return first, responder


def _rows_of(sorted_ids: np.ndarray, ids: np.ndarray) -> np.ndarray:
    """Positions of ``ids`` in ``sorted_ids`` (-1 where absent)."""
    if not len(sorted_ids):
        return np.full(len(ids), -1, dtype=np.int64)
    pos = np.clip(np.searchsorted(sorted_ids, ids), 0, len(sorted_ids) - 1)
    return np.where(sorted_ids[pos] == ids, pos, -1)


def load_base(ws, version: tuple | None = None) -> Base:  # noqa: ANN001 - a Workspace
    # The activity columns (from the column cache when it is in step) load beside the people.
    with ThreadPoolExecutor(max_workers=1) as pool:
        fut = pool.submit(activity_columns, ws)
        with ws.connect() as conn:
            version = version or data_version(conn)
            acc_person, acc_plat, platforms, flags = _accounts(conn)
            channels = frame_of(conn, select(Channel.id, Channel.platform, Channel.name, Channel.kind),
                                ["channel_id", "platform", "name", "kind"])
        c = fut.result()
    a_id, ts, acc, ch = c["a_id"], c["ts"], c["acc"], c["ch"]
    if (len(acc) and int(acc.max()) >= len(acc_person)) or (len(c["j_acc"]) and int(c["j_acc"].max()) >= len(acc_person)):
        return load_base(ws)  # accounts were written after the people were read
    person = acc_person[acc]
    plat = acc_plat[acc]
    r_rows = _rows_of(a_id, c["r_id"])
    r_parent_row = _rows_of(a_id, c["r_parent"])
    r_root_row = np.where(c["r_root"] > 0, _rows_of(a_id, c["r_root"]), -1)
    q_rows = _rows_of(a_id, c["q_id"])
    q_person = person[q_rows]
    first, responder = _first_responses(q_rows, q_person, r_rows, r_parent_row, r_root_row, ts, person)
    # Replies between two different humans, to an activity in the workspace.
    rk = (r_parent_row >= 0) & (r_rows >= 0)
    rr, rp = r_rows[rk], r_parent_row[rk]
    rk2 = (person[rr] != 0) & (person[rp] != 0) & (person[rr] != person[rp])
    rr, rp = rr[rk2], rp[rk2]
    qk = q_person != 0
    qr = q_rows[qk]
    j_acc = c["j_acc"]
    jk = acc_person[j_acc] != 0
    keep = person != 0
    return Base(
        version=version, platforms=platforms,
        ts=ts[keep], person=person[keep], channel=ch[keep], platform=plat[keep],
        r_ts=ts[rr], r_person=person[rr], r_channel=ch[rr], r_platform=plat[rr], r_to_person=person[rp],
        q_id=a_id[qr], q_ts=ts[qr], q_person=person[qr], q_channel=ch[qr], q_platform=plat[qr],
        q_external_id=c["q_ext"].astype(object)[qk],
        q_first_ts=first[qk], q_responder=responder[qk],
        j_ts=c["j_ts"][jk], j_person=acc_person[j_acc][jk], j_channel=c["j_ch"][jk], j_platform=acc_plat[j_acc][jk],
        people=flags.drop(columns=["accounts"]), channels=channels,
    )


def base(ws) -> Base:  # noqa: ANN001 - a Workspace
    """The workspace's columns, from memory when nothing was written since they were read."""
    with _CACHE_LOCK:
        entry = _CACHE.get(ws)
        if entry is None:
            entry = {"base": None, "lock": threading.Lock()}
            _CACHE[ws] = entry
            ws.subscribe(lambda what, _e=entry: _e.update(base=None))
    with entry["lock"]:
        cached = entry["base"]
        if cached is not None:
            with ws.connect() as conn:
                if data_version(conn) == cached.version:
                    return cached
        fresh = load_base(ws)
        entry["base"] = fresh
        return fresh


def forget(ws) -> None:  # noqa: ANN001
    """Drop the columns held for ``ws`` (the next metric reads the workspace again)."""
    with _CACHE_LOCK:
        entry = _CACHE.get(ws)
    if entry is not None:
        entry["base"] = None
