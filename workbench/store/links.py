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

from collections.abc import Iterable

from sqlalchemy import bindparam, case, select, update
from sqlalchemy.engine import Connection

from .models import Activity

MAX_DEPTH = 64
CHUNK = 500

A = Activity.__table__


def _chunks(items: list, n: int = CHUNK) -> Iterable[list]:
    for i in range(0, len(items), n):
        yield items[i:i + n]


def _link_parents(conn: Connection) -> int:
    """Set ``parent_id`` wherever the parent is now in the workspace (one statement)."""
    p = A.alias("p")
    parent_q = (select(p.c.id).where(p.c.platform == A.c.platform, p.c.external_id == A.c.parent_external_id)
                .scalar_subquery())
    made = conn.execute(update(A).where(A.c.parent_external_id.is_not(None), A.c.parent_id.is_(None))
                        .values(parent_id=parent_q)).rowcount or 0
    conn.execute(update(A).where(A.c.parent_id == A.c.id).values(parent_id=None))  # a self-reference is no link
    return made


def _new_links(conn: Connection) -> dict[int, int]:
    """child id -> parent id of the replies linked but without a root yet (linked just now)."""
    q = select(A.c.id, A.c.parent_id).where(A.c.parent_id.is_not(None), A.c.root_id.is_(None))
    return dict(conn.execute(q).all())


def _executemany(conn: Connection, stmt, rows: list[dict]) -> None:  # noqa: ANN001 - an Update
    """The driver's executemany for a statement whose parameters are plain integers."""
    compiled = stmt.compile(dialect=conn.dialect)
    if compiled.positional:
        names = list(compiled.positiontup or [])
        conn.exec_driver_sql(compiled.string, [tuple([r[n] for n in names]) for r in rows])
    else:
        conn.exec_driver_sql(compiled.string, rows)


def _set_roots(conn: Connection) -> None:
    """Give each reply without a root its parent's root, level by level (set-based, bounded)."""
    p = A.alias("p")
    root_q = (select(case((p.c.parent_id.is_(None), p.c.id), else_=p.c.root_id)).where(p.c.id == A.c.parent_id)
              .scalar_subquery())
    for _ in range(MAX_DEPTH):
        done = conn.execute(update(A).where(A.c.parent_id.is_not(None), A.c.root_id.is_(None), root_q.is_not(None))
                            .values(root_id=root_q)).rowcount or 0
        if not done:
            break
    # What is left without a root is in a cycle (or a chain deeper than any thread): no link.
    conn.execute(update(A).where(A.c.parent_id.is_not(None), A.c.root_id.is_(None)).values(parent_id=None))
    conn.execute(update(A).where(A.c.root_id == A.c.id).values(root_id=None, parent_id=None))


def _roots(conn: Connection, ids: list[int]) -> dict[int, int]:
    roots: dict[int, int] = {}
    for chunk in _chunks(ids):
        q = select(A.c.id, A.c.root_id).where(A.c.id.in_(chunk), A.c.root_id.is_not(None))
        roots.update(conn.execute(q).all())
    return roots


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
    _link_parents(conn)
    links = _new_links(conn)
    if not links:
        return 0
    _set_roots(conn)
    roots = _roots(conn, sorted(links))
    moved = _descendants(conn, roots, set(links))
    if moved:
        stmt = update(A).where(A.c.id == bindparam("_id")).values(root_id=bindparam("_root"))
        _executemany(conn, stmt, [{"_id": aid, "_root": root} for aid, root in moved.items()])
    return len(roots)


def resolve_links_after_import(conn: Connection, run_id: int) -> None:
    """Post-import step: link replies to parents that are now in the workspace."""
    resolve_links(conn)
