"""The activity columns every metric starts from, read once per import and kept on disk.

What an import writes (the activities' UTC seconds, accounts and channels, the reply links, which
activities are questions, the joins) changes only when something is imported; who is a person or
a bot changes with every merge and flag, so it is not here (``base`` maps accounts to people
each time). Like the daily rollup, the columns are keyed by account, so a merge needs no rebuild.

Reading a million activities from the database takes about a second; the columns are kept in a
file in the user data folder (``cache/``) with the key of the workspace state they were read from
(the last import run, the last activity id, the number of activities, the question marker) and are
read again from the database whenever the key differs.
"""
from __future__ import annotations

import hashlib
import os
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pandas as pd
from sqlalchemy import Select, func, literal, select
from sqlalchemy.engine import Connection
from sqlalchemy.sql.elements import ColumnElement

from ..store.db import cache_dir
from ..store.dialect import epoch_seconds
from ..store.models import Activity, ImportRun, MembershipEvent
from ..store.views import is_question_expr, question_marker

A = Activity.__table__
FORMAT = "columns-2"  # 2: times cut to the second, never rounded up
NAMES = ["a_id", "ts", "acc", "ch", "r_id", "r_parent", "r_root", "q_id", "q_ext", "j_ts", "j_acc", "j_ch"]


def _epoch(conn: Connection, col) -> ColumnElement:  # noqa: ANN001
    return epoch_seconds(conn, col)


def int_columns(conn: Connection, q: Select, n: int) -> list[np.ndarray]:
    """The integer columns of a query as arrays (NULL reads as 0)."""
    if conn.dialect.name == "sqlite":
        # One string from the database parsed in one call: far faster than a million row tuples.
        sub = q.subquery()
        parts = [func.coalesce(c, 0) for c in sub.c]
        expr = parts[0]
        for p in parts[1:]:
            expr = expr.op("||")(literal(",")).op("||")(p)
        text = conn.execute(select(func.group_concat(expr, ","))).scalar_one()
        flat = np.fromstring(text, sep=",", dtype=np.int64) if text else np.zeros(0, dtype=np.int64)
    else:
        rows = conn.execute(q).all()
        flat = np.array([0 if v is None else int(v) for r in rows for v in r], dtype=np.int64)
    flat = flat.reshape(-1, n)
    return [flat[:, i].copy() for i in range(n)]


def int_frame(conn: Connection, q: Select, columns: list[str], *, nullable: tuple[str, ...] = ()) -> pd.DataFrame:
    """A query of integer columns as a DataFrame, read as ``int_columns`` reads them; the columns
    named in ``nullable`` hold NaN where the database holds NULL (ids start at 1, so 0 is none), as
    ``frame_of`` would give them."""
    cols = dict(zip(columns, int_columns(conn, q, len(columns))))
    for c in nullable:
        cols[c] = np.where(cols[c] == 0, np.nan, cols[c]) if (cols[c] == 0).any() else cols[c]
    return pd.DataFrame(cols)


def frame_of(conn: Connection, q: Select, columns: list[str]) -> pd.DataFrame:
    """A query's rows as a DataFrame (column by column: no per-row objects)."""
    rows = conn.execute(q).all()
    if not rows:
        return pd.DataFrame({c: [] for c in columns})
    return pd.DataFrame(dict(zip(columns, (list(col) for col in zip(*rows)))))


def _activities(engine) -> list[np.ndarray]:  # noqa: ANN001
    with engine.connect() as conn:
        return int_columns(conn, select(A.c.id, _epoch(conn, A.c.created_at), A.c.account_id, A.c.channel_id), 4)


def _replies(engine) -> list[np.ndarray]:  # noqa: ANN001
    with engine.connect() as conn:
        q = select(A.c.id, A.c.parent_id, A.c.root_id).where(A.c.parent_id.is_not(None))
        return int_columns(conn, q, 3)


def _questions(engine, marker: str) -> pd.DataFrame:  # noqa: ANN001
    with engine.connect() as conn:
        q = select(A.c.id, A.c.external_id).where(is_question_expr(marker))
        return frame_of(conn, q, ["id", "external_id"])


def _joins(conn: Connection) -> tuple[np.ndarray, ...]:
    M = MembershipEvent.__table__
    q = select(_epoch(conn, M.c.at), M.c.account_id, M.c.channel_id).where(M.c.kind == "join")
    return tuple(int_columns(conn, q, 3))



def columns_key(conn: Connection, marker: str) -> str:
    run = conn.execute(select(func.max(ImportRun.id))).scalar_one()
    last, count = conn.execute(select(func.max(A.c.id), func.count())).one()
    joins = conn.execute(select(func.count()).select_from(MembershipEvent)).scalar_one()
    return f"{FORMAT}|{run}|{last}|{count}|{joins}|{marker}"


def read_columns(ws, marker: str) -> dict[str, np.ndarray]:  # noqa: ANN001 - a Workspace
    """The columns, read from the database (the big scan beside the smaller ones)."""
    with ThreadPoolExecutor(max_workers=2) as pool:
        fut = pool.submit(_activities, ws.engine)
        fut_q = pool.submit(_questions, ws.engine, marker)
        r_id, r_parent, r_root = _replies(ws.engine)
        with ws.connect() as conn:
            j_ts, j_acc, j_ch = _joins(conn)
        qdf = fut_q.result()
        a_id, ts, acc, ch = fut.result()
    if len(a_id) > 1 and not (a_id[1:] > a_id[:-1]).all():
        o = np.argsort(a_id)
        a_id, ts, acc, ch = a_id[o], ts[o], acc[o], ch[o]
    ext = qdf["external_id"].astype(str).to_numpy()
    return {"a_id": a_id, "ts": ts, "acc": acc, "ch": ch, "r_id": r_id, "r_parent": r_parent, "r_root": r_root,
            "q_id": qdf["id"].to_numpy(dtype=np.int64), "q_ext": ext.astype(str) if len(ext) else np.zeros(0, "U1"),
            "j_ts": np.asarray(j_ts), "j_acc": np.asarray(j_acc), "j_ch": np.asarray(j_ch)}


def cache_path(ws) -> Path | None:  # noqa: ANN001
    """Where the columns of this workspace are kept (None for a database server)."""
    if ws.dialect != "sqlite" or "://" in ws.location or ws.location in ("", ":memory:"):
        return None
    digest = hashlib.sha1(str(Path(ws.location).resolve()).encode("utf-8")).hexdigest()[:16]
    return cache_dir() / f"activity-columns-{digest}.npz"


def _load_cached(path: Path, key: str) -> dict[str, np.ndarray] | None:
    try:
        with np.load(path, allow_pickle=False) as z:
            if str(z["key"]) != key:
                return None
            return {n: z[n] for n in NAMES}
    except (OSError, KeyError, ValueError):
        return None


def _save(path: Path, key: str, cols: dict[str, np.ndarray]) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".npz")
        with os.fdopen(fd, "wb") as f:
            np.savez(f, key=np.array(key), **cols)
        os.replace(tmp, path)
    except OSError:
        pass  # a cache that cannot be written is only slower next time


def activity_columns(ws) -> dict[str, np.ndarray]:  # noqa: ANN001 - a Workspace
    """The activity columns of ``ws``: from the cache file when it is in step, else from the database."""
    marker = question_marker(ws)
    with ws.connect() as conn:
        key = columns_key(conn, marker)
    path = cache_path(ws)
    if path is not None and path.exists():
        cols = _load_cached(path, key)
        if cols is not None:
            return cols
    cols = read_columns(ws, marker)
    with ws.connect() as conn:
        if columns_key(conn, marker) != key:  # an import landed while reading: read again next time
            return cols
    if path is not None:
        _save(path, key, cols)
    return cols
