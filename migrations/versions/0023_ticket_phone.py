"""ticket_phone: the mobile number an applicant left at the kiosk for 短信提醒 (issue 27),
one per ticket; cleared by the nightly retention (personal data), counts stay elsewhere

Revision ID: 0023
Revises: 0022
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from server.store.types import UTCDateTime

revision: str = "0023"
down_revision: str | None = "0022"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "ticket_phone",
        sa.Column("ticket_id", sa.Integer(), sa.ForeignKey("ticket.id"), primary_key=True),
        sa.Column("hall_id", sa.Integer(), sa.ForeignKey("hall.id"), nullable=False),
        sa.Column("phone", sa.String(length=20), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
    )
    op.create_index("ix_ticket_phone_hall_created", "ticket_phone", ["hall_id", "created_at"])


def downgrade() -> None:
    op.drop_index("ix_ticket_phone_hall_created", table_name="ticket_phone")
    op.drop_table("ticket_phone")
