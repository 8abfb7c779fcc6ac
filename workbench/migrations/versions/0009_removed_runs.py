"""removed import runs: an import can be taken out of the workspace again

An import of the wrong export (another client's, an older Telegram chat read in the wrong zone)
could only be undone by starting a new workspace. Its rows can now be taken out; the run itself
stays in the history, marked as removed, with when and what left, so that an audit still shows
what happened to the workspace.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-04 23:00:00
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from workbench.store.models import UTCDateTime

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('import_run', schema=None) as batch_op:
        batch_op.add_column(sa.Column('removed_at', UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('removed', sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('import_run', schema=None) as batch_op:
        batch_op.drop_column('removed')
        batch_op.drop_column('removed_at')
