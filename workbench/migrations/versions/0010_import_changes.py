"""import changes: what an import replaced in earlier imports' rows, so that its removal puts it back

Removing an import took out what it added, but what it changed in rows earlier imports brought (an
edited message's text, a new reaction count, a renamed account or channel) stayed as it left them:
the workspace did not keep what had been replaced. An import now keeps, per changed row, the
columns it changed with their values before and after, and a removal puts the earlier values back.
A run also keeps what it was given (its paths and options), so that a removal can be undone by
importing the same again.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-05 03:00:00
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'import_change',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('run_id', sa.Integer(), nullable=False),
        sa.Column('table_name', sa.String(length=16), nullable=False),
        sa.Column('row_id', sa.Integer(), nullable=False),
        sa.Column('before', sa.JSON(), nullable=False),
        sa.Column('after', sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(['run_id'], ['import_run.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_import_change_run_id', 'import_change', ['run_id'], unique=False)
    with op.batch_alter_table('import_run', schema=None) as batch_op:
        batch_op.add_column(sa.Column('inputs', sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('import_run', schema=None) as batch_op:
        batch_op.drop_column('inputs')
    op.drop_index('ix_import_change_run_id', table_name='import_change')
    op.drop_table('import_change')
