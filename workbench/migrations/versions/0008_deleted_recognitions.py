"""deleted recognitions: a recognition deleted from the log is kept apart, to be brought back

Deleting a recognition removed its row for good: a click on the wrong line of the log lost it,
with no undo, and importing again the sheet of shout-outs it came from added it back. The row now
moves to ``deleted_recognition``, as it was, with its id in the log and when it was deleted:
Edit > Undo moves it back, and an import does not add a recognition that is there.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-04 20:10:00
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from workbench.store.models import UTCDateTime

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'deleted_recognition',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('recognition_id', sa.Integer(), nullable=False),
        sa.Column('person_id', sa.Integer(), nullable=False),
        sa.Column('account_id', sa.Integer(), nullable=True),
        sa.Column('kind', sa.String(length=64), nullable=False),
        sa.Column('given_at', UTCDateTime(), nullable=False),
        sa.Column('note', sa.Text(), nullable=False),
        sa.Column('given_by', sa.Text(), nullable=False),
        sa.Column('source', sa.String(length=32), nullable=False),
        sa.Column('external_id', sa.Text(), nullable=True),
        sa.Column('created_at', UTCDateTime(), nullable=False),
        sa.Column('import_run_id', sa.Integer(), nullable=True),
        sa.Column('deleted_at', UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_deleted_recognition_account_id', 'deleted_recognition', ['account_id'], unique=False)
    op.create_index('ix_deleted_recognition_deleted_at', 'deleted_recognition', ['deleted_at'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_deleted_recognition_deleted_at', table_name='deleted_recognition')
    op.drop_index('ix_deleted_recognition_account_id', table_name='deleted_recognition')
    op.drop_table('deleted_recognition')
