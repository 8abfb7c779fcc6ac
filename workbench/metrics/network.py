"""The helper network: who replies to whom, and replies to newcomers.

An edge goes from a replier to the author of the activity replied to (its direct parent), weighted
by the number of replies; replies to oneself and anything involving a bot are left out. A
newcomer is a person within 30 days of their first activity (anywhere, all time) when the reply is
written.
"""
from __future__ import annotations

import math

import numpy as np
import pandas as pd

from .activity import period, resolve
from .base import DAY, Base, base
from .filters import Filters

NEWCOMER_DAYS = 30


def _first_seconds(b: Base) -> tuple[np.ndarray, np.ndarray]:
    key = ("first_seconds",)
    with b._lock:
        cached = b._day_cache.get(key)
    if cached is None:
        s = pd.Series(b.ts).groupby(b.person).min()
        cached = (s.index.to_numpy(dtype=np.int64), s.to_numpy(dtype=np.int64))
        with b._lock:
            b._day_cache[key] = cached
    return cached


def _replies(b: Base, f: Filters) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(helper, helped, to_newcomer) of the period's replies."""
    f = resolve(b, f)
    lo, hi = period(f)
    m = b.mask("r_", f, lo=lo, hi=hi)
    helper, helped, ts = b.r_person[m], b.r_to_person[m], b.r_ts[m]
    people, first = _first_seconds(b)
    pos = np.clip(np.searchsorted(people, helped), 0, max(len(people) - 1, 0))
    known = (people[pos] == helped) if len(people) else np.zeros(len(helped), dtype=bool)
    since = ts - np.where(known, first[pos] if len(people) else 0, ts)
    newcomer = known & (since >= 0) & (since < NEWCOMER_DAYS * DAY)
    return helper, helped, newcomer


def helper_edges_b(b: Base, f: Filters) -> pd.DataFrame:
    helper, helped, newcomer = _replies(b, f)
    frame = pd.DataFrame({"helper_person_id": helper, "helped_person_id": helped,
                          "replies": 1, "to_newcomer_replies": newcomer.astype(np.int64)})
    out = frame.groupby(["helper_person_id", "helped_person_id"], as_index=False)[
        ["replies", "to_newcomer_replies"]].sum()
    return out.sort_values(["replies", "helper_person_id"], ascending=[False, True]).reset_index(drop=True)


def helper_edges(ws, filters: Filters) -> pd.DataFrame:  # noqa: ANN001
    """Directed edges of the period: columns helper_person_id, helped_person_id, replies,
    to_newcomer_replies."""
    return helper_edges_b(base(ws), filters)


def newcomer_replies_b(b: Base, f: Filters) -> pd.DataFrame:
    helper, helped, newcomer = _replies(b, f)
    frame = pd.DataFrame({"helper_person_id": helper[newcomer], "helped": helped[newcomer]})
    g = frame.groupby("helper_person_id")["helped"]
    out = pd.DataFrame({"newcomer_replies": g.size(), "newcomers_helped": g.nunique()}).reset_index()
    return out.sort_values(["newcomer_replies", "helper_person_id"], ascending=[False, True]).reset_index(drop=True)


def newcomer_replies(ws, filters: Filters) -> pd.DataFrame:  # noqa: ANN001
    """Replies to newcomers per helper in the period: columns helper_person_id, newcomer_replies,
    newcomers_helped."""
    return newcomer_replies_b(base(ws), filters)


def top_helpers_b(b: Base, f: Filters, n: int = 15) -> pd.DataFrame:
    """The people who reply to the most others: columns person_id, name, replies, people_helped,
    newcomer_replies, newcomers_helped."""
    helper, helped, newcomer = _replies(b, f)
    frame = pd.DataFrame({"person_id": helper, "helped": helped, "newcomer": newcomer})
    g = frame.groupby("person_id")
    out = pd.DataFrame({
        "replies": g.size(),
        "people_helped": g["helped"].nunique(),
        "newcomer_replies": g["newcomer"].sum().astype(np.int64),
        "newcomers_helped": frame[frame["newcomer"]].groupby("person_id")["helped"].nunique(),
    }).fillna(0).reset_index()
    out["newcomers_helped"] = out["newcomers_helped"].astype(np.int64)
    out = out.sort_values(["people_helped", "replies", "person_id"], ascending=[False, False, True]).head(n)
    names = b.person_names()
    out.insert(1, "name", [names.get(int(p), "") for p in out["person_id"]])
    return out.reset_index(drop=True)


def top_helpers(ws, filters: Filters, n: int = 15) -> pd.DataFrame:  # noqa: ANN001
    return top_helpers_b(base(ws), filters, n)


HELPERS_DRAWN = 8  # the top helpers a drawing of who helps whom shows ...
TIES_EACH = 5  # ... each with the people they replied to most: more is a ball of string
NAMED = 10  # the people a drawing names; the others are named on hover


def named_on_drawing(given, received) -> list[int]:  # noqa: ANN001 - sequences of replies
    """The positions of the people a drawing of who helps whom names, given the replies each gave
    and got in it: every helper, then the people with the most replies (``NAMED`` at most)."""
    given = np.asarray(given, dtype=np.int64)
    load = given + np.asarray(received, dtype=np.int64)
    return np.lexsort((-load, given <= 0))[:NAMED].tolist()


def _sorted_edges(b: Base, f: Filters) -> pd.DataFrame:
    edges = helper_edges_b(b, f)
    return edges.sort_values(["replies", "to_newcomer_replies", "helper_person_id", "helped_person_id"],
                             ascending=[False, False, True, True], kind="stable")


def _named(b: Base, edges: pd.DataFrame) -> pd.DataFrame:
    names = b.person_names()
    return pd.DataFrame({
        "helper_person_id": edges["helper_person_id"].to_numpy(dtype=np.int64),
        "helper": [names.get(int(p), "") for p in edges["helper_person_id"]],
        "helped_person_id": edges["helped_person_id"].to_numpy(dtype=np.int64),
        "helped": [names.get(int(p), "") for p in edges["helped_person_id"]],
        "replies": edges["replies"].to_numpy(dtype=np.int64),
        "newcomer_replies": edges["to_newcomer_replies"].to_numpy(dtype=np.int64),
    })


def helper_ties_b(b: Base, f: Filters, n: int | None = None) -> pd.DataFrame:
    """The period's ties of the helper network, the most replies first (the ``n`` strongest, or
    every one). Columns helper_person_id, helper, helped_person_id, helped, replies,
    newcomer_replies (those written while the person helped was a newcomer)."""
    edges = _sorted_edges(b, f)
    return _named(b, edges if n is None else edges.head(n))


def helper_ties(ws, filters: Filters, n: int | None = None) -> pd.DataFrame:  # noqa: ANN001
    return helper_ties_b(base(ws), filters, n)


def who_helps_whom_b(b: Base, f: Filters, helpers: int = HELPERS_DRAWN, each: int = TIES_EACH, *,
                     top_helpers: pd.DataFrame | None = None) -> pd.DataFrame:
    """Who helps whom, as the Dashboard and the report draw it: the period's top ``helpers`` (those
    who replied to the most people, as Top helpers ranks them), each with the ``each`` people they
    replied to most (``top_helpers``: those ranked already, as ``top_helpers_b`` gives them). The
    columns of ``helper_ties_b``; the top helper's ties first, the strongest
    first. (The strongest ties of a large community are mostly pairs, which draw as specks; the
    top helpers' ties draw as stars, and show who carries the community and whom they carry.)"""
    ranked = top_helpers if top_helpers is not None else top_helpers_b(b, f, n=helpers)  # the Dashboard has them
    rank = {int(p): i for i, p in enumerate(ranked["person_id"].head(helpers))}
    edges = _sorted_edges(b, f)
    chosen = edges[edges["helper_person_id"].isin(rank)].groupby("helper_person_id", sort=False).head(each)
    order = chosen["helper_person_id"].map(rank).to_numpy()
    return _named(b, chosen.iloc[np.argsort(order, kind="stable")])


def who_helps_whom(ws, filters: Filters, helpers: int = HELPERS_DRAWN,  # noqa: ANN001
                   each: int = TIES_EACH) -> pd.DataFrame:
    return who_helps_whom_b(base(ws), filters, helpers, each)


def _stretched(xy: np.ndarray) -> np.ndarray:
    """Points moved and scaled to fill -1 to 1 in each direction (0 where they all share one)."""
    low, high = xy.min(axis=0), xy.max(axis=0)
    span = np.where(high > low, high - low, 1.0)
    return np.where(high > low, (xy - low) / span * 2 - 1, 0.0)


def ties_layout(ties: pd.DataFrame, *, seed: int = 7) -> pd.DataFrame:
    """Where each person of ``ties`` sits in a drawing of them (a force-directed layout: people tied
    together close, the others apart; the same ties always give the same drawing). Columns
    person_id, name, x, y (each from -1 to 1), given and received (replies, within the ties), the
    people who gave the most replies first."""
    import networkx as nx

    columns = ["person_id", "name", "x", "y", "given", "received"]
    if ties.empty:
        return pd.DataFrame(columns=columns)
    graph = nx.Graph()
    order: dict[int, int] = {}  # each person's first tie
    for i, (helper, helped) in enumerate(zip(ties["helper_person_id"], ties["helped_person_id"])):
        order.setdefault(int(helper), i)
        order.setdefault(int(helped), i)
    for helper, helped, replies in ties[["helper_person_id", "helped_person_id", "replies"]].itertuples(index=False):
        weight = graph.get_edge_data(helper, helped, {}).get("weight", 0) + int(replies)
        graph.add_edge(int(helper), int(helped), weight=weight)
    # Stronger ties pull harder, but no more than three times: a tie of 40 replies would otherwise
    # fold its two people onto one spot.
    top = max(w for _, _, w in graph.edges(data="weight"))
    for _, _, data in graph.edges(data=True):
        data["pull"] = 1 + 2 * data["weight"] / top
    # Each group of people tied together (a helper's star, or several joined by the people they
    # share) is laid out on its own, in a cell of a grid twice as wide as tall, the group of the
    # first ties first: laid out together, unconnected groups push each other to the edges and
    # shrink to specks.
    groups = sorted(nx.connected_components(graph), key=lambda g: min(order[p] for p in g))
    columns_n = min(len(groups), math.ceil(math.sqrt(2 * len(groups))))
    rows_n = math.ceil(len(groups) / columns_n)
    pos: dict[int, np.ndarray] = {}
    for i, group in enumerate(groups):
        sub = graph.subgraph(group)
        found = nx.spring_layout(sub, weight="pull", seed=seed, k=1.5 / math.sqrt(len(group)), iterations=200)
        nodes = list(sub.nodes)
        xy = _stretched(np.array([found[p] for p in nodes], dtype=np.float64).reshape(-1, 2))
        row, column = divmod(i, columns_n)
        centre = np.array([-1 + (2 * column + 1) / columns_n, 1 - (2 * row + 1) / rows_n])
        half = np.array([1 / columns_n, 1 / rows_n]) * (0.8 if len(groups) > 1 else 1.0)
        for p, at in zip(nodes, xy):
            pos[p] = centre + at * half
    given = ties.groupby("helper_person_id")["replies"].sum()
    received = ties.groupby("helped_person_id")["replies"].sum()
    names = dict(zip(ties["helper_person_id"], ties["helper"])) | dict(zip(ties["helped_person_id"], ties["helped"]))
    out = pd.DataFrame([(p, names.get(p, ""), float(pos[p][0]), float(pos[p][1]), int(given.get(p, 0)),
                         int(received.get(p, 0))) for p in graph.nodes], columns=columns)
    return out.sort_values(["given", "received", "person_id"], ascending=[False, False, True]).reset_index(drop=True)
