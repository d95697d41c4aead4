"""ticketcounter.waiting / priority_waiting: the day's waiting tickets of a service, kept by
every change that enters or leaves the queue, so that issuing and the events never count the
queue (their cost no longer grows with it)

Revision ID: 0009
Revises: 0008
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("ticketcounter") as batch_op:
        batch_op.add_column(sa.Column("waiting", sa.Integer(), nullable=False, server_default="0"))
        batch_op.add_column(
            sa.Column("priority_waiting", sa.Integer(), nullable=False, server_default="0")
        )
    op.execute(
        """
        UPDATE ticketcounter SET
          waiting = (
            SELECT count(*) FROM ticket
            WHERE ticket.service_id = ticketcounter.service_id
              AND ticket.business_day = ticketcounter.business_day
              AND ticket.status = 'waiting'
          ),
          priority_waiting = (
            SELECT count(*) FROM ticket
            WHERE ticket.service_id = ticketcounter.service_id
              AND ticket.business_day = ticketcounter.business_day
              AND ticket.status = 'waiting'
              AND ticket.priority != 'normal'
          )
        """
    )


def downgrade() -> None:
    with op.batch_alter_table("ticketcounter") as batch_op:
        batch_op.drop_column("priority_waiting")
        batch_op.drop_column("waiting")
