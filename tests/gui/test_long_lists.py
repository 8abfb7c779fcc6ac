"""The Champions and Recognition pages on a workspace of 30,000 people: every candidate and every
strong contributor listed, and the window never held up while the scores are read and the lists
fill and size their columns. Each page held it up for 0.7-1.3 s when the columns were measured
over a thousand rows through pandas' cell access, and for 80-110 ms at each full garbage
collection while the scores were read, before the window's own objects were set aside
(``settle_heap``, as the window does once it is built)."""
from __future__ import annotations

import pytest
from people_bulk import Heartbeat, bulk_workspace

from workbench.champions.recognition import recognition_gap
from workbench.champions.score import candidates
from workbench.workspace import Workspace

PEOPLE = 30_000
# The longest pause allowed, in ms. Filling takes 109-151 ms at its worst on a 2-core machine on a
# normal day, and 237-385 ms on the same machine running 2-2.5 times slower; the freezes this
# guards against were 724 and 1,274 ms on a normal day. A pause a person feels as the window hanging
# stays out, whatever the machine's day.
WORST_PAUSE_MS = 600


@pytest.fixture(scope="module")
def many(tmp_path_factory):
    return bulk_workspace(tmp_path_factory.mktemp("many") / "many.db", PEOPLE)


def _expected(path):
    ws = Workspace.open(path)
    try:
        return len(candidates(ws)), len(recognition_gap(ws))
    finally:
        ws.close()


def _longest_pause(qtbot, page, rows, expected: int) -> int:
    """Shows ``page`` and waits until ``rows()`` is ``expected`` and the columns are sized (and the
    first row's details asked for); the longest pause of the window meanwhile, in ms."""
    heart = Heartbeat()
    heart.start()
    page.show()
    qtbot.waitUntil(lambda: rows() == expected, timeout=120_000)
    qtbot.wait(300)
    return heart.stop()


def test_thousands_of_candidates_fill_the_champions_page_without_holding_up_the_window(qtbot, page_on, many):
    from workbench.ui.pages.champions import ChampionsPage

    shown, _ = _expected(many)
    assert shown > 10_000
    page = page_on(ChampionsPage, many)
    worst = _longest_pause(qtbot, page, lambda: page.table.model().rowCount(), shown)
    print(f"\nworst event-loop gap while {shown:,} candidates filled the page: {worst} ms")
    assert worst < WORST_PAUSE_MS
    # The top candidate is selected and its name column holds its name whole.
    name = page.table.model().index(0, 1).data()
    assert page.table.currentIndex().row() == 0
    assert page.table.columnWidth(1) >= page.table.fontMetrics().horizontalAdvance(name)


def test_a_long_recognition_gap_fills_without_holding_up_the_window(qtbot, page_on, many):
    from workbench.ui.pages.recognition import RecognitionPage

    _, gap = _expected(many)
    assert gap > 1_000
    page = page_on(RecognitionPage, many)
    worst = _longest_pause(qtbot, page, page.gap_model.rowCount, gap)
    print(f"\nworst event-loop gap while a gap of {gap:,} people filled the page: {worst} ms")
    assert worst < WORST_PAUSE_MS
