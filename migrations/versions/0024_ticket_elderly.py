"""a ticket taken in the kiosk's 长辈版 says so (issue 29): the hall screens may say its call a
second time (the hall's repeat_priority_calls)

Revision ID: 0024
Revises: 0023
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0024"
down_revision: str | None = "0023"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "ticket", sa.Column("elderly", sa.Boolean(), nullable=False, server_default=sa.false())
    )


def downgrade() -> None:
    with op.batch_alter_table("ticket") as batch:
        batch.drop_column("elderly")
