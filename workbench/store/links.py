"""Reply links: an activity's parent and thread root, resolved after every import.

Importers store the platform's parent id (``parent_external_id``) even when the parent is not in
the file; here the link becomes a row id as soon as the parent is in the workspace, whichever
import brought it. The thread root is the top of the parent chain (bounded, so a cycle in hostile
input cannot loop; an activity in a cycle keeps no link).

Only what can have changed is touched: the replies whose parent has just arrived, and the
replies below them, whose root moves with them. A workspace of a million activities is not
walked again on every import.
"""
from __future__ import annotations

from array import array
from collections.abc import Iterable

import numpy as np
from sqlalchemy import bindparam, func, select, update
from sqlalchemy.engine import Connection

from .models import Activity

DEPTH_ROUNDS = 12
MAX_DEPTH = 1 << DEPTH_ROUNDS  # hops from a reply to its thread's top; deeper chains keep no link
CHUNK = 500
UPDATE_CHUNK = 50_000

A = Activity.__table__


def _chunks(items: list, n: int = CHUNK) -> Iterable[list]:
    for i in range(0, len(items), n):
        yield items[i:i + n]


def _link_parents(conn: Connection) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every reply whose parent is now in the workspace, as (child ids ascending, parent ids, root ids).

    The candidates come from one join on the unique key; roots are followed on arrays (all chains at
    once, by pointer jumping), through the links found now and the ones stored before,
    so each reply is written once and a million replies take tens of megabytes, not hundreds.
    """
    c, p = A.alias("c"), A.alias("p")
    q = (select(c.c.id, p.c.id, func.coalesce(p.c.parent_id, 0), func.coalesce(p.c.root_id, 0))
         .join(p, (p.c.platform == c.c.platform) & (p.c.external_id == c.c.parent_external_id))
         .where(c.c.parent_external_id.is_not(None), c.c.parent_id.is_(None)))
    cols = [array("q") for _ in range(4)]
    for row in conn.execute(q):
        for col, v in zip(cols, row):
            col.append(v)
    child, parent, parents_parent, parents_root = (np.frombuffer(col, dtype=np.int64) for col in cols)
    linked = (parents_parent > 0) & (parents_root > 0)  # parents linked before: their stored root
    stored, first = np.unique(parent[linked], return_index=True)
    stored_root = parents_root[linked][first]
    keep = child != parent  # a self-reference is no link
    order = np.argsort(child[keep], kind="stable")
    child, parent = child[keep][order], parent[keep][order]

    # Pointer jumping: ``top`` is where each chain has got to, ``nxt`` the link (a position in
    # ``child``) it goes on through, -1 once it has left the links made now. Each round doubles the
    # distance covered, so a chain of MAX_DEPTH hops resolves in log2(MAX_DEPTH) rounds; a cycle
    # (hostile input) never resolves and keeps no link.
    at = np.minimum(np.searchsorted(child, parent), max(len(child) - 1, 0))
    nxt = np.where(child[at] == parent, at, -1) if len(child) else np.zeros(0, dtype=np.int64)
    top = parent.copy()
    for _ in range(DEPTH_ROUNDS):
        going = np.flatnonzero(nxt >= 0)
        if not len(going):
            break
        via = nxt[going]
        top[going], nxt[going] = top[via], nxt[via]
    unresolved = nxt >= 0
    if len(stored):
        at = np.minimum(np.searchsorted(stored, top), len(stored) - 1)
        top = np.where(stored[at] == top, stored_root[at], top)
    made = ~unresolved & (top != child)  # a reply that would be its own root closes a cycle
    return child[made], parent[made], top[made]


def _executemany(conn: Connection, stmt, rows: list[dict]) -> None:  # noqa: ANN001 - an Update
    """The driver's executemany for a statement whose parameters are plain integers."""
    compiled = stmt.compile(dialect=conn.dialect)
    if compiled.positional:
        names = list(compiled.positiontup or [])
        conn.exec_driver_sql(compiled.string, [tuple([r[n] for n in names]) for r in rows])
    else:
        conn.exec_driver_sql(compiled.string, rows)


def _descendants(conn: Connection, roots: dict[int, int], skip: set[int]) -> dict[int, int]:
    """Replies linked before, below a child whose root just changed: id -> their new root."""
    moved: dict[int, int] = {}
    frontier = dict(roots)
    for _ in range(MAX_DEPTH):
        nxt: dict[int, int] = {}
        for chunk in _chunks(list(frontier)):
            q = select(A.c.id, A.c.parent_id, A.c.root_id).where(A.c.parent_id.in_(chunk))
            for aid, parent, root in conn.execute(q):
                if aid in skip or aid in moved:
                    continue
                new_root = frontier[parent]
                if root != new_root:
                    moved[aid] = nxt[aid] = new_root
        if not nxt:
            break
        frontier = nxt
    return moved


def resolve_links(conn: Connection) -> int:
    """Fill ``parent_id`` and ``root_id`` wherever they can be known now; returns links made."""
    linked_before = conn.execute(select(A.c.id).where(A.c.parent_id.is_not(None)).limit(1)).first() is not None
    child, parent, root = _link_parents(conn)
    if not len(child):
        return 0
    stmt = update(A).where(A.c.id == bindparam("_id")).values(parent_id=bindparam("_parent"),
                                                               root_id=bindparam("_root"))
    for i in range(0, len(child), UPDATE_CHUNK):  # a chunk at a time: the arrays stay the only full copy
        part = slice(i, i + UPDATE_CHUNK)
        _executemany(conn, stmt, [{"_id": c, "_parent": p, "_root": r} for c, p, r in
                                  zip(child[part].tolist(), parent[part].tolist(), root[part].tolist())])
    if linked_before:  # only a reply linked before can hang below a reply linked now
        roots = dict(zip(child.tolist(), root.tolist()))
        moved = _descendants(conn, roots, set(roots))
        if moved:
            stmt = update(A).where(A.c.id == bindparam("_id")).values(root_id=bindparam("_root"))
            _executemany(conn, stmt, [{"_id": aid, "_root": r} for aid, r in sorted(moved.items())])
    return len(child)


def resolve_links_after_import(conn: Connection, run_id: int) -> None:
    """Post-import step: link replies to parents that are now in the workspace."""
    resolve_links(conn)
