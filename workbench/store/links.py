"""Reply links: an activity's parent and thread root, resolved after every import.

Importers store the platform's parent id (``parent_external_id``) even when the parent is not in
the file; here the link becomes a row id as soon as the parent is in the workspace, whichever
import brought it. The thread root is the top of the parent chain (bounded, so a cycle in hostile
input cannot loop).
"""
from __future__ import annotations

from sqlalchemy import func, or_, select, update
from sqlalchemy.engine import Connection

from .models import Activity

MAX_DEPTH = 64


def resolve_links(conn: Connection) -> int:
    """Fill ``parent_id`` and ``root_id`` wherever they can be known now; returns links made."""
    a = Activity.__table__
    p = a.alias("p")
    parent_q = (select(p.c.id).where(p.c.platform == a.c.platform, p.c.external_id == a.c.parent_external_id)
                .scalar_subquery())
    made = conn.execute(
        update(a).where(a.c.parent_external_id.is_not(None), a.c.parent_id.is_(None)).values(parent_id=parent_q)
    ).rowcount or 0
    # A self-reference is no link.
    conn.execute(update(a).where(a.c.parent_id == a.c.id).values(parent_id=None))
    root_q = select(func.coalesce(p.c.root_id, p.c.id)).where(p.c.id == a.c.parent_id).scalar_subquery()
    for _ in range(MAX_DEPTH):
        changed = conn.execute(
            update(a).where(a.c.parent_id.is_not(None),
                            or_(a.c.root_id.is_(None), a.c.root_id != root_q)).values(root_id=root_q)
        ).rowcount or 0
        if not changed:
            break
    # Top-level activities have no root; a root that is the activity itself (a cycle) is dropped.
    conn.execute(update(a).where(a.c.root_id == a.c.id).values(root_id=None, parent_id=None))
    return made


def resolve_links_after_import(conn: Connection, run_id: int) -> None:
    """Post-import step: link replies to parents that are now in the workspace."""
    resolve_links(conn)
