"""staff.must_change_password: an account created or reset with a password someone else chose
(admin apply, the admin API, create-staff, an admin's reset) signs in only to change it

Revision ID: 0019
Revises: 0018
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0019"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # a plain ADD COLUMN (no batch): on SQLite a batch would copy the staff table, and with
    # foreign keys on, dropping the old one fails while windows and sessions point at it.
    # Accounts that exist keep working as they do: they were set up before this rule.
    op.add_column(
        "staff",
        sa.Column("must_change_password", sa.Boolean(), nullable=False, server_default=sa.false()),
    )


def downgrade() -> None:
    op.drop_column("staff", "must_change_password")
