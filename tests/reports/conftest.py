"""Fixtures of the report tests: no keyring at all, and a workspace with hostile names."""
from __future__ import annotations

import sqlite3

import keyring
import keyring.backends.fail
import pytest

from .helpers import HOSTILE_NAMES


@pytest.fixture
def no_keyring():
    before = keyring.get_keyring()
    keyring.set_keyring(keyring.backends.fail.Keyring())
    yield
    keyring.set_keyring(before)


@pytest.fixture(scope="session")
def hostile_db(community_db, tmp_path_factory):
    """The synthetic community, with the top helpers and a channel renamed to hostile names (markup,
    formulas, bidi), so every hostile name is sure to be in the report's tables."""
    from workbench.metrics.filters import Filters
    from workbench.metrics.network import top_helpers
    from workbench.workspace import Workspace

    src, truth = community_db()
    dest = tmp_path_factory.mktemp("hostile") / "hostile.db"
    a, b = sqlite3.connect(src), sqlite3.connect(dest)
    a.backup(b)
    a.close()
    b.close()
    ws = Workspace.open(dest)
    helpers = top_helpers(ws, Filters.default_for(ws))
    with ws.connect() as conn:
        raw = conn.connection.driver_connection
        for pid, name in zip(helpers["person_id"], HOSTILE_NAMES):
            raw.execute("UPDATE person SET display_name=? WHERE id=?", (name, int(pid)))
        raw.execute("UPDATE channel SET name=? WHERE id=(SELECT MIN(id) FROM channel WHERE name='help')",
                    ("=HYPERLINK(\"http://evil.example\",\"help\")",))
        raw.commit()
    ws.close()
    return dest


