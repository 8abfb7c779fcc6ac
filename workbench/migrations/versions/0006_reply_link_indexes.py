"""reply link indexes hold only the rows that have a link

A message's ``parent_id`` and ``root_id`` are filled in after its import, and most messages are
not replies: their NULLs filled these two indexes and cost every written message two index
entries. The indexes now hold only the rows with a link, which is all any query looks up.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02 12:00:00
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None

COLUMNS = ('parent_id', 'root_id')


def upgrade() -> None:
    for column in COLUMNS:
        op.drop_index(f'ix_activity_{column}', table_name='activity')
        where = sa.text(f'{column} IS NOT NULL')
        op.create_index(f'ix_activity_{column}', 'activity', [column], unique=False,
                        sqlite_where=where, postgresql_where=where)


def downgrade() -> None:
    for column in COLUMNS:
        op.drop_index(f'ix_activity_{column}', table_name='activity')
        op.create_index(f'ix_activity_{column}', 'activity', [column], unique=False)
