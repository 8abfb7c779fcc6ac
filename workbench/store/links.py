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

from sqlalchemy import bindparam, select, update
from sqlalchemy.engine import Connection

from .models import Activity

MAX_DEPTH = 64
CHUNK = 500

A = Activity.__table__


def _chunks(items: list, n: int = CHUNK) -> Iterable[list]:
    for i in range(0, len(items), n):
        yield items[i:i + n]


def _link_parents(conn: Connection) -> dict[int, tuple[int, int]]:
    """Every reply whose parent is now in the workspace: child id -> (parent id, root id).

    The candidates come from one join on the unique key; roots are followed in memory, through the
    links found now and the ones stored before, so each reply is written once.
    """
    c, p = A.alias("c"), A.alias("p")
    q = (select(c.c.id, p.c.id, p.c.parent_id, p.c.root_id)
         .join(p, (p.c.platform == c.c.platform) & (p.c.external_id == c.c.parent_external_id))
         .where(c.c.parent_external_id.is_not(None), c.c.parent_id.is_(None)))
    new: dict[int, int] = {}
    stored_root: dict[int, int] = {}  # a parent linked before -> its root
    for child, parent, parents_parent, parents_root in conn.execute(q):
        if child != parent:  # a self-reference is no link
            new[child] = parent
            if parents_parent is not None and parents_root is not None:
                stored_root[parent] = parents_root
    roots: dict[int, int | None] = {}

    def root_of(child: int) -> int | None:
        path: list[int] = []
        seen: set[int] = set()
        node = child
        while node in new:
            if node in roots:
                top = roots[node]
                break
            if node in seen:  # a cycle: nothing below it has a root
                top = None
                break
            if len(path) >= MAX_DEPTH:  # deeper than any thread: this one stays unlinked
                return None
            path.append(node)
            seen.add(node)
            node = new[node]
        else:
            top = stored_root.get(node, node)
        for n in path:
            roots[n] = top
        return top

    made: dict[int, tuple[int, int]] = {}
    for child, parent in new.items():
        root = root_of(child)
        if root is not None and root != child:  # a reply that would be its own root closes a cycle
            made[child] = (parent, root)
    return made


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
    made = _link_parents(conn)
    if not made:
        return 0
    stmt = update(A).where(A.c.id == bindparam("_id")).values(parent_id=bindparam("_parent"),
                                                               root_id=bindparam("_root"))
    _executemany(conn, stmt, [{"_id": child, "_parent": parent, "_root": root}
                              for child, (parent, root) in sorted(made.items())])
    moved = _descendants(conn, {child: root for child, (_, root) in made.items()}, set(made))
    if moved:
        stmt = update(A).where(A.c.id == bindparam("_id")).values(root_id=bindparam("_root"))
        _executemany(conn, stmt, [{"_id": aid, "_root": root} for aid, root in sorted(moved.items())])
    return len(made)


def resolve_links_after_import(conn: Connection, run_id: int) -> None:
    """Post-import step: link replies to parents that are now in the workspace."""
    resolve_links(conn)
