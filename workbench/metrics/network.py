"""The helper network: who replies to whom, and replies to newcomers.

An edge goes from a replier to the author of the activity replied to (its direct parent), weighted
by the number of replies; replies to oneself and anything involving a bot are left out. A
newcomer is a person within 30 days of their first activity (anywhere, all time) when the reply is
written.
"""
from __future__ import annotations

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


TIES = 40  # the strongest ties a drawing of the network shows; more is a ball of string


def helper_ties_b(b: Base, f: Filters, n: int | None = TIES) -> pd.DataFrame:
    """Who helps whom: the period's ``n`` strongest ties of the helper network (every one for
    None), the most replies first. Columns helper_person_id, helper, helped_person_id, helped,
    replies, newcomer_replies (those written while the person helped was a newcomer)."""
    edges = helper_edges_b(b, f)
    edges = edges.sort_values(["replies", "to_newcomer_replies", "helper_person_id", "helped_person_id"],
                              ascending=[False, False, True, True], kind="stable")
    if n is not None:
        edges = edges.head(n)
    names = b.person_names()
    return pd.DataFrame({
        "helper_person_id": edges["helper_person_id"].to_numpy(dtype=np.int64),
        "helper": [names.get(int(p), "") for p in edges["helper_person_id"]],
        "helped_person_id": edges["helped_person_id"].to_numpy(dtype=np.int64),
        "helped": [names.get(int(p), "") for p in edges["helped_person_id"]],
        "replies": edges["replies"].to_numpy(dtype=np.int64),
        "newcomer_replies": edges["to_newcomer_replies"].to_numpy(dtype=np.int64),
    })


def helper_ties(ws, filters: Filters, n: int | None = TIES) -> pd.DataFrame:  # noqa: ANN001
    return helper_ties_b(base(ws), filters, n)


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
    for helper, helped, replies in ties[["helper_person_id", "helped_person_id", "replies"]].itertuples(index=False):
        weight = graph.get_edge_data(helper, helped, {}).get("weight", 0) + int(replies)
        graph.add_edge(int(helper), int(helped), weight=weight)
    # Stronger ties pull harder, but no more than three times: a tie of 40 replies would otherwise
    # fold its two people onto one spot.
    top = max(w for _, _, w in graph.edges(data="weight"))
    for _, _, data in graph.edges(data=True):
        data["pull"] = 1 + 2 * data["weight"] / top
    pos = nx.spring_layout(graph, weight="pull", seed=seed, k=1.5 / np.sqrt(graph.number_of_nodes()),
                           iterations=200)
    # Each direction stretched to fill -1 to 1: a drawing is wider than tall, and fills its box.
    xy = np.array([pos[p] for p in graph.nodes], dtype=np.float64).reshape(-1, 2)
    low, high = xy.min(axis=0), xy.max(axis=0)
    xy = np.where(high > low, (xy - low) / np.where(high > low, high - low, 1) * 2 - 1, 0.0)
    pos = {p: xy[i] for i, p in enumerate(graph.nodes)}
    given = ties.groupby("helper_person_id")["replies"].sum()
    received = ties.groupby("helped_person_id")["replies"].sum()
    names = dict(zip(ties["helper_person_id"], ties["helper"])) | dict(zip(ties["helped_person_id"], ties["helped"]))
    out = pd.DataFrame([(p, names.get(p, ""), float(pos[p][0]), float(pos[p][1]), int(given.get(p, 0)),
                         int(received.get(p, 0))) for p in graph.nodes], columns=columns)
    return out.sort_values(["given", "received", "person_id"], ascending=[False, False, True]).reset_index(drop=True)
