"""person names: a person still named by their account's id takes the account's name

Messages read before the member list (a Stack Exchange dump's files chosen one by one, Badges.xml
and Posts.xml before Users.xml) made accounts known by their id only, and their people were named
by it; the account's name, which came later, did not reach the person. The writer now passes it on;
this brings the people of workspaces imported before up to date. Data only: no table changes.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01 20:40:00
"""
from __future__ import annotations

from alembic import op

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None

# The account a person was made for, still naming the person by its id, with a name of its own.
_OWN = """
    FROM account a
    WHERE a.original_person_id = person.id AND a.external_id = person.display_name
      AND COALESCE(NULLIF(a.display_name, ''), NULLIF(a.handle, ''), a.external_id) <> a.external_id
"""


def upgrade() -> None:
    op.execute(f"""
        UPDATE person
        SET display_name = (SELECT COALESCE(NULLIF(a.display_name, ''), NULLIF(a.handle, '')) {_OWN})
        WHERE EXISTS (SELECT 1 {_OWN})
    """)
    # The member directory is a summary of the people: rebuilt on next use.
    op.execute("DELETE FROM setting WHERE key = 'people.directory_version'")


def downgrade() -> None:
    pass  # the names given are the accounts' own; nothing to take back
