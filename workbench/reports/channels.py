"""Channels named on the command line (by name, ``#name`` or id) as the ids a ``Filters`` holds."""
from __future__ import annotations

from sqlalchemy import select

from ..errors import WorkbenchError
from ..store.models import Channel


def resolve_channels(ws, names: list[str], platforms: tuple[str, ...] = ()) -> tuple[int, ...]:  # noqa: ANN001
    ids: list[int] = []
    with ws.connect() as conn:
        for name in names:
            wanted = name.strip().removeprefix("#")
            # "#ceph" or "ceph": an IRC channel's name holds its "#", a Slack or Discord one's does not
            q = select(Channel.id).where(Channel.name.in_([wanted, f"#{wanted}"]) | (Channel.external_id == wanted))
            if platforms:
                q = q.where(Channel.platform.in_(platforms))
            found = list(conn.execute(q).scalars())
            if not found and wanted.isdigit():
                found = list(conn.execute(select(Channel.id).where(Channel.id == int(wanted))).scalars())
            if not found:
                raise WorkbenchError(f"There is no channel called {name!r} in this workspace"
                                     f"{' on ' + ', '.join(platforms) if platforms else ''}.")
            ids.extend(found)
    return tuple(dict.fromkeys(ids))
