"""ticket.request_id: the kiosk's idempotency key, so a retried POST /tickets (the answer was
lost on the way) returns the ticket already issued instead of issuing a second one

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("ticket") as batch_op:
        batch_op.add_column(sa.Column("request_id", sa.String(length=64), nullable=True))
        batch_op.create_index(
            "ux_ticket_device_request", ["device_id", "request_id"], unique=True
        )


def downgrade() -> None:
    with op.batch_alter_table("ticket") as batch_op:
        batch_op.drop_index("ux_ticket_device_request")
        batch_op.drop_column("request_id")
