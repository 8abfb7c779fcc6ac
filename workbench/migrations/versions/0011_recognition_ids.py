"""recognition ids: an id in the log is never given to another recognition

SQLite gives a new row the highest id there plus one, so a recognition added after the last one
was deleted took that one's id: "recognition 6" then named another, `champions log --delete 6`
written down before deleted the new one, and Undo brought the old one back under a new id. The
log's table now keeps its highest id ever (AUTOINCREMENT), counted from the ids of the deleted
recognitions too. A server's sequence never gave an id twice: nothing changes there.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-05 06:40:00
"""
from __future__ import annotations

from alembic import op

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        return
    with op.batch_alter_table("recognition", recreate="always", table_kwargs={"sqlite_autoincrement": True}):
        pass
    top = bind.exec_driver_sql("SELECT max(coalesce((SELECT max(id) FROM recognition), 0), "
                               "coalesce((SELECT max(recognition_id) FROM deleted_recognition), 0))").scalar()
    bind.exec_driver_sql("DELETE FROM sqlite_sequence WHERE name = 'recognition'")
    bind.exec_driver_sql("INSERT INTO sqlite_sequence (name, seq) VALUES ('recognition', ?)", (top,))


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        return
    with op.batch_alter_table("recognition", recreate="always", table_kwargs={"sqlite_autoincrement": False}):
        pass
