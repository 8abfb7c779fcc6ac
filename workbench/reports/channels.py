"""Channels named on the command line (by name, ``#name`` or id) as the ids a ``Filters`` holds."""
from __future__ import annotations

from sqlalchemy import select

from .. import fmt
from ..errors import WorkbenchError
from ..store.models import Channel

NEAREST = 3  # the channels named when a name is not found
LISTED_WHOLE = 12  # a workspace with this many channels or fewer names them all when none is near


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
                                     f"{' on ' + fmt.platform_names(platforms) if platforms else ''}."
                                     f"{_nearest(conn, wanted, platforms)}")
            ids.extend(found)
    return tuple(dict.fromkeys(ids))


def _nearest(conn, wanted: str, platforms: tuple[str, ...]) -> str:  # noqa: ANN001 - a Connection
    """What to say after a channel name that was not found: the channels whose names are nearest
    to it (a typing slip), or, in a workspace of few channels, all of them."""
    from rapidfuzz import fuzz, process

    q = select(Channel.platform, Channel.name, Channel.kind).where(Channel.name.is_not(None), Channel.name != "")
    if platforms:
        q = q.where(Channel.platform.in_(platforms))
    channels = sorted(conn.execute(q).all(), key=lambda c: fmt.channel_order(*c))
    if not channels:
        return ""
    names = sorted({c.name.removeprefix("#") for c in channels})
    near = [n for n, _, _ in process.extract(wanted.lower(), names, scorer=fuzz.WRatio, processor=str.lower,
                                             limit=NEAREST, score_cutoff=75)]
    shown = [c for c in channels if c.name.removeprefix("#") in near] if near else \
        channels if len(channels) <= LISTED_WHOLE else []
    if not shown:
        return ""
    labels = [fmt.channel_label(*c) for c in shown]
    if near:
        return f" Did you mean {_either(labels, 'or')}?"
    return f" {'Its channels are' if len(labels) > 1 else 'Its channel is'} {_either(labels, 'and')}."


def _either(items: list[str], word: str) -> str:
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} {word} {items[-1]}"
