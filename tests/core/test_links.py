"""Reply links resolved on arrays agree with following each chain one node at a time.

The reference below is the plain algorithm: for every reply whose parent is in the workspace,
follow parents through the links made now until a node linked before (its stored root) or a
node with no parent; a cycle, or a chain of more than ``MAX_DEPTH`` hops, gets no link; replies
linked before below a newly linked one take its new root. Hypothesis draws small reply graphs
(self-references, cycles, parents that arrive in a later import) and imports them in 1 to 3 runs.
"""
from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import insert, select

from workbench.records import ActivityRec
from workbench.store.links import MAX_DEPTH, resolve_links
from workbench.store.models import Activity, ImportRun
from workbench.store.writer import Writer
from workbench.workspace import Workspace

T0 = dt.datetime(2024, 1, 1, tzinfo=dt.timezone.utc)
A = Activity.__table__


def expected_links(rows: list[tuple]) -> dict[int, tuple]:
    """id -> (parent_id, root_id) after resolving, from rows (id, external_id, parent_external_id,
    parent_id, root_id) as they are before."""
    by_ext = {ext: aid for aid, ext, _, _, _ in rows}
    state = {aid: (pid, rid) for aid, _, _, pid, rid in rows}
    new = {aid: by_ext[pext] for aid, _, pext, pid, _ in rows
           if pid is None and pext in by_ext and by_ext[pext] != aid}
    for child, parent in new.items():
        node, hops, seen = child, 0, set()
        while node in new and hops < MAX_DEPTH and node not in seen:
            seen.add(node)
            node, hops = new[node], hops + 1
        if node in new:  # a cycle, or deeper than any thread
            continue
        pid, rid = state[node] if node not in new else (None, None)
        top = rid if pid is not None and rid is not None else node
        if top != child:
            state[child] = (parent, top)
    made = {c for c in new if state[c][0] is not None}
    frontier = {c: state[c][1] for c in made}
    moved: set[int] = set()
    while frontier:
        nxt = {}
        for aid, (pid, rid) in list(state.items()):
            if pid in frontier and aid not in made and aid not in moved and rid != frontier[pid]:
                state[aid] = (pid, frontier[pid])
                moved.add(aid)
                nxt[aid] = frontier[pid]
        frontier = nxt
    return state


GRAPH = st.integers(2, 18).flatmap(lambda n: st.tuples(
    st.lists(st.one_of(st.none(), st.integers(1, n)), min_size=n, max_size=n),
    st.lists(st.integers(0, 2), min_size=n, max_size=n)))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(graph=GRAPH)
def test_links_on_arrays_equal_following_each_chain(graph):
    parents, runs = graph
    with tempfile.TemporaryDirectory() as tmp:
        ws = Workspace.open(Path(tmp) / "w.db")
        try:
            for run in range(3):
                batch = [ActivityRec("slack", f"C1:{i + 1}", "U1", T0 + dt.timedelta(minutes=i), channel_external_id="C1",
                                     parent_external_id=f"C1:{p}" if p else None)
                         for i, (p, r) in enumerate(zip(parents, runs)) if r == run]
                with ws.write_conn() as conn:
                    run_id = conn.execute(insert(ImportRun.__table__).values(status="done", counts={})).inserted_primary_key[0]
                    w = Writer(conn, run_id)
                    w.add_all(batch)
                    w.flush()
                    before = conn.execute(select(A.c.id, A.c.external_id, A.c.parent_external_id, A.c.parent_id,
                                                 A.c.root_id)).all()
                    want = expected_links([tuple(r) for r in before])
                    resolve_links(conn)
                    got = {r[0]: (r[1], r[2]) for r in conn.execute(select(A.c.id, A.c.parent_id, A.c.root_id))}
                assert got == want
        finally:
            ws.close()


def test_a_long_conversation_is_one_thread_and_a_chain_past_the_limit_is_left_unlinked(ws):
    n = MAX_DEPTH + 2
    chain = [ActivityRec("slack", "C1:0", "U1", T0, channel_external_id="C1")] + [
        ActivityRec("slack", f"C1:{i}", "U1", T0, channel_external_id="C1", parent_external_id=f"C1:{i - 1}")
        for i in range(1, n)]
    with ws.write_conn() as conn:
        run_id = conn.execute(insert(ImportRun.__table__).values(status="done", counts={})).inserted_primary_key[0]
        w = Writer(conn, run_id)
        w.add_all(reversed(chain))  # the newest message first, as some exports write them
        w.flush()
        resolve_links(conn)
        ids = dict(conn.execute(select(A.c.external_id, A.c.id)).all())
        rows = {ext: (pid, rid) for ext, pid, rid in conn.execute(select(A.c.external_id, A.c.parent_id, A.c.root_id))}
    assert rows["C1:500"] == (ids["C1:499"], ids["C1:0"])  # 500 replies deep: still in the thread of C1:0
    assert rows[f"C1:{MAX_DEPTH}"] == (ids[f"C1:{MAX_DEPTH - 1}"], ids["C1:0"])  # MAX_DEPTH hops: linked
    assert rows[f"C1:{MAX_DEPTH + 1}"] == (None, None)  # one more: left unlinked
