"""import notes: the files an import left alone are kept with its run

An import tells apart what it could not read (problems) from files it left alone, having nothing
to read in them (notes: a README in a dropped folder, a saved error response, a bare member list).
Notes were said once, after the import; they are now kept with the run beside its problems, so
that the Imports page and an audit pack's manifest say them later. Rows kept before are problems.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02 04:37:54
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('import_problem', schema=None) as batch_op:
        batch_op.add_column(sa.Column('kind', sa.String(length=8), server_default='problem', nullable=False))


def downgrade() -> None:
    with op.batch_alter_table('import_problem', schema=None) as batch_op:
        batch_op.drop_column('kind')
