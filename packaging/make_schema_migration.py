"""Regenerate migration 0001 (the first schema) from ``workbench/store/models.py``.

Only valid before the first release: after it, every schema change gets a migration of its own
(``alembic revision --autogenerate``).
"""
from __future__ import annotations

import tempfile
from pathlib import Path

from alembic import command
from sqlalchemy import create_engine

from workbench.store.db import MIGRATIONS, alembic_config

for old in (MIGRATIONS / "versions").glob("0001_*.py"):
    old.unlink()
with tempfile.TemporaryDirectory() as tmp:
    engine = create_engine(f"sqlite:///{Path(tmp) / 'empty.db'}")
    cfg = alembic_config(engine)
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.revision(cfg, message="first schema", autogenerate=True, rev_id="0001")
