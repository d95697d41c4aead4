"""complaints, rectification follow-up fields, statistics indexes

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-28 00:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import server.store.types

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "complaint",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("hall_id", sa.Integer(), nullable=False),
        sa.Column("channel", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("content", sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
        sa.Column("complainant_name", sqlmodel.sql.sqltypes.AutoString(length=50), nullable=True),
        sa.Column("complainant_phone", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
        sa.Column("ticket_id", sa.Integer(), nullable=True),
        sa.Column("window_id", sa.Integer(), nullable=True),
        sa.Column("staff_id", sa.Integer(), nullable=True),
        sa.Column("service_id", sa.Integer(), nullable=True),
        sa.Column("state", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("received_at", server.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("deadline", server.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("result", sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=True),
        sa.Column("handled_at", server.store.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("closed_at", server.store.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("handled_by", sa.Integer(), nullable=True),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["hall_id"], ["hall.id"]),
        sa.ForeignKeyConstraint(["ticket_id"], ["ticket.id"]),
        sa.ForeignKeyConstraint(["window_id"], ["window.id"]),
        sa.ForeignKeyConstraint(["staff_id"], ["staff.id"]),
        sa.ForeignKeyConstraint(["service_id"], ["service.id"]),
        sa.ForeignKeyConstraint(["handled_by"], ["staff.id"]),
        sa.ForeignKeyConstraint(["created_by"], ["staff.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_complaint_hall_received", "complaint", ["hall_id", "received_at"])
    with op.batch_alter_table("rectification", schema=None) as batch_op:
        batch_op.add_column(sa.Column("rectified_by", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column("followup_way", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True)
        )
        batch_op.add_column(sa.Column("followup_satisfied", sa.Boolean(), nullable=True))
        batch_op.add_column(sa.Column("followup_by", sa.Integer(), nullable=True))
        batch_op.create_foreign_key("fk_rectification_rectified_by", "staff", ["rectified_by"], ["id"])
        batch_op.create_foreign_key("fk_rectification_followup_by", "staff", ["followup_by"], ["id"])
    # The statistics scan one hall's business days in issue order; the old (hall, day) index
    # is a prefix of this one, so it goes.
    op.create_index(
        "ix_ticket_hall_day_issued", "ticket", ["hall_id", "business_day", "issued_at", "id"]
    )
    op.drop_index("ix_ticket_hall_day", table_name="ticket")
    op.create_index("ix_event_hall_type_at", "event", ["hall_id", "type", "at"])


def downgrade() -> None:
    op.drop_index("ix_event_hall_type_at", table_name="event")
    op.create_index("ix_ticket_hall_day", "ticket", ["hall_id", "business_day"])
    op.drop_index("ix_ticket_hall_day_issued", table_name="ticket")
    with op.batch_alter_table("rectification", schema=None) as batch_op:
        batch_op.drop_constraint("fk_rectification_followup_by", type_="foreignkey")
        batch_op.drop_constraint("fk_rectification_rectified_by", type_="foreignkey")
        batch_op.drop_column("followup_by")
        batch_op.drop_column("followup_satisfied")
        batch_op.drop_column("followup_way")
        batch_op.drop_column("rectified_by")
    op.drop_index("ix_complaint_hall_received", table_name="complaint")
    op.drop_table("complaint")
