"""A workspace file changed by another program (a `workbench import` in a terminal while the window
is open) is noticed; the workspace's own writes are not reported as someone else's."""
from __future__ import annotations

from workbench.store.watch import ChangeWatch
from workbench.workspace import Workspace


def test_another_programs_change_is_seen_once_and_our_own_not_at_all(ws, ws_path):
    watch = ChangeWatch(ws)
    try:
        assert not watch.changed()
        with Workspace.open(ws_path) as other:  # another program on the same file
            other.set_setting("reporting.timezone", "Asia/Tokyo")
        assert watch.changed()
        assert not watch.changed()  # told once
        ws.set_setting("reporting.timezone", "Europe/Lisbon")  # our own write
        assert not watch.changed()
        with Workspace.open(ws_path) as other:
            other.get_setting("reporting.timezone")  # reading changes nothing
        assert not watch.changed()
    finally:
        watch.close()
