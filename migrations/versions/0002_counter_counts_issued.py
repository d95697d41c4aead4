"""ticketcounter.issued: tickets of the day counted against the daily limit (not transfers)

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("ticketcounter") as batch_op:
        batch_op.add_column(sa.Column("issued", sa.Integer(), nullable=False, server_default="0"))
    op.execute(
        """
        UPDATE ticketcounter SET issued = (
            SELECT count(*) FROM ticket
            WHERE ticket.service_id = ticketcounter.service_id
              AND ticket.business_day = ticketcounter.business_day
              AND ticket.source != 'transfer'
        )
        """
    )


def downgrade() -> None:
    with op.batch_alter_table("ticketcounter") as batch_op:
        batch_op.drop_column("issued")
