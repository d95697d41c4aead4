"""the outbox (messages leaving the hall, sent until acknowledged), each hall's receivers
(the 好差评 platform: profile, address, the key's environment variable), a service's 事项编码
and the cases (办件编号) of a ticket

Revision ID: 0014
Revises: 0013
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from server.store.types import UTCDateTime

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("service") as batch_op:
        batch_op.add_column(sa.Column("item_code", sa.String(length=64), nullable=True))
    op.create_table(
        "receiver",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("hall_id", sa.Integer(), sa.ForeignKey("hall.id"), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("profile", sa.String(length=64), nullable=False),
        sa.Column("url", sa.String(length=500), nullable=False),
        sa.Column("key_env", sa.String(length=128), nullable=False),
        sa.Column("params", sa.JSON(), nullable=False),
        sa.Column("alert_minutes", sa.Integer(), nullable=False),
        sa.UniqueConstraint("hall_id", "channel"),
    )
    op.create_table(
        "outbox",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("hall_id", sa.Integer(), sa.ForeignKey("hall.id"), nullable=False),
        sa.Column("subject", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("key", sa.String(length=128), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", UTCDateTime(), nullable=False),
        sa.Column("claimed_by", sa.String(length=32), nullable=True),
        sa.Column("claimed_until", UTCDateTime(), nullable=True),
        sa.Column("last_attempt_at", UTCDateTime(), nullable=True),
        sa.Column("last_status", sa.Integer(), nullable=True),
        sa.Column("last_answer", sa.String(length=1000), nullable=True),
        sa.Column("sent_at", UTCDateTime(), nullable=True),
        sa.Column("handled_by", sa.Integer(), sa.ForeignKey("staff.id"), nullable=True),
        sa.Column("handled_note", sa.String(length=500), nullable=True),
        sa.UniqueConstraint("channel", "key"),
    )
    op.create_index("ix_outbox_due", "outbox", ["state", "next_attempt_at"])
    op.create_index("ix_outbox_subject", "outbox", ["channel", "subject", "id"])
    op.create_index("ix_outbox_hall", "outbox", ["hall_id", "channel", "state", "created_at"])
    op.create_index("ix_outbox_hall_sent", "outbox", ["hall_id", "sent_at"])
    op.create_table(
        "ticket_case",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("ticket_id", sa.Integer(), sa.ForeignKey("ticket.id"), nullable=False),
        sa.Column("case_no", sa.String(length=50), nullable=False),
        sa.Column("added_at", UTCDateTime(), nullable=False),
        sa.Column("added_by", sa.Integer(), sa.ForeignKey("staff.id"), nullable=True),
        sa.UniqueConstraint("ticket_id", "case_no"),
    )


def downgrade() -> None:
    op.drop_table("ticket_case")
    op.drop_index("ix_outbox_hall_sent", table_name="outbox")
    op.drop_index("ix_outbox_hall", table_name="outbox")
    op.drop_index("ix_outbox_subject", table_name="outbox")
    op.drop_index("ix_outbox_due", table_name="outbox")
    op.drop_table("outbox")
    op.drop_table("receiver")
    with op.batch_alter_table("service") as batch_op:
        batch_op.drop_column("item_code")
