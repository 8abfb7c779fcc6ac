"""Python's cycle collector during bulk work.

Reading an export creates millions of short-lived objects (each message's dict, its record, its
row). By its defaults, Python runs its cycle collector after every 700 new objects, and a full
collection (which walks every object alive: the libraries' modules and tables among them) every
few hundred thousand. For a million messages that was 29-30 full collections in the writing
process (3.3-4.1 s), and 0.6 s of the 2.6 s the reading process spends on a 60 MB channel file;
the first import took 34-36 s with few collections against 47-51 s. Almost nothing an import
creates is part of a cycle (reference counting frees it as soon as it is done with), so during an
import the collector runs rarely, and as before once it is over. So it does while a command of the
command line runs (one piece of work, then exit), and throughout the reading process.
"""
from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator

# A young collection after 50,000 new objects rather than 700, a full one after 2,500 of those:
# less than one per import, so no full walk of the heap while the records stream.
BULK_THRESHOLDS = (50_000, 50, 50)


def for_bulk_work() -> None:
    """Sets this process's collector for bulk work, for good (a process that only reads)."""
    gc.set_threshold(*BULK_THRESHOLDS)


@contextlib.contextmanager
def bulk_work() -> Iterator[None]:
    """The collector set for bulk work while the block runs, as it was after (error or not)."""
    before = gc.get_threshold()
    gc.set_threshold(*BULK_THRESHOLDS)
    try:
        yield
    finally:
        gc.set_threshold(*before)
