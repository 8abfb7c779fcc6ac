"""Write the next schema migration from ``workbench/store/models.py``:
``make schema MESSAGE="what changed"``.

A scratch workspace is brought to the newest migration and Alembic writes what the models add to
it as the next one (0002, 0003, ...). Workspaces people already have are brought up to date by it
the next time they are opened to write; ``tests/core/test_migrations.py`` checks that the
migrations create exactly the models.
"""
from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine

from workbench.store.db import alembic_config
from workbench.store.models import Base

message = " ".join(sys.argv[1:]).strip()
if not message:
    sys.exit('usage: make schema MESSAGE="what changed"')
with tempfile.TemporaryDirectory() as tmp:
    engine = create_engine(f"sqlite:///{Path(tmp) / 'scratch.db'}")
    cfg = alembic_config(engine)
    head = ScriptDirectory.from_config(cfg).get_current_head()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
        if not compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), Base.metadata):
            sys.exit(f"The models and the migrations (up to {head}) agree: there is nothing to write.")
        command.revision(cfg, message=message, autogenerate=True, rev_id=f"{int(head or 0) + 1:04d}")
