"""source address: the host a source's pages are at, as its export shows it

A Slack export names its workspace by id; a message's link needs the workspace's address, which
the export shows in its files' links (``https://acme.slack.com/files/...``). The import keeps it
with the source, so that a Slack question opens at its message without the address being given.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02 08:30:00
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('source', schema=None) as batch_op:
        batch_op.add_column(sa.Column('address', sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('source', schema=None) as batch_op:
        batch_op.drop_column('address')
