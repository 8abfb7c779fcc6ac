"""What the importer tests read back: the rows of a query in a workspace."""
from __future__ import annotations

from pathlib import Path

from sqlalchemy import text

from workbench.workspace import Workspace


def rows(where: Workspace | Path | str, sql: str, **params) -> list[tuple]:
    """The rows of ``sql`` (with its ``:params``) in an open workspace, or in the workspace file or
    address ``where`` (opened for the query, as a person would after a command)."""
    if isinstance(where, Workspace):
        with where.connect() as conn:
            return [tuple(r) for r in conn.execute(text(sql), params)]
    ws = Workspace.open(where)
    try:
        return rows(ws, sql, **params)
    finally:
        ws.close()
