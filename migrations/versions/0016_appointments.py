"""appointments (预约): a service's slots and quota, a hall's rules, the appointments (ID numbers
as a keyed hash and the last 4 digits only) and the lifts of the no-show bar

Revision ID: 0016
Revises: 0015
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import server.store.types

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC = server.store.types.UTCDateTime(timezone=True)


def _text(length: int) -> sqlmodel.sql.sqltypes.AutoString:
    return sqlmodel.sql.sqltypes.AutoString(length=length)


def upgrade() -> None:
    with op.batch_alter_table("service") as batch:
        batch.add_column(
            sa.Column("appointment_slot_minutes", sa.Integer(), nullable=False, server_default="30")
        )
        batch.add_column(
            sa.Column("appointment_quota", sa.Integer(), nullable=False, server_default="0")
        )
        batch.add_column(
            sa.Column("appointment_days_ahead", sa.Integer(), nullable=False, server_default="5")
        )
    op.create_table(
        "appointment_rules",
        sa.Column("hall_id", sa.Integer(), nullable=False),
        sa.Column("same_day", sa.Boolean(), nullable=False),
        sa.Column("book_before_minutes", sa.Integer(), nullable=False),
        sa.Column("cancel_before_minutes", sa.Integer(), nullable=False),
        sa.Column("early_minutes", sa.Integer(), nullable=False),
        sa.Column("grace_minutes", sa.Integer(), nullable=False),
        sa.Column("no_show_limit", sa.Integer(), nullable=False),
        sa.Column("no_show_days", sa.Integer(), nullable=False),
        sa.Column("ban_days", sa.Integer(), nullable=False),
        sa.Column("retention_days", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["hall_id"], ["hall.id"]),
        sa.PrimaryKeyConstraint("hall_id"),
    )
    op.create_table(
        "appointment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("hall_id", sa.Integer(), nullable=False),
        sa.Column("service_id", sa.Integer(), nullable=False),
        sa.Column("business_day", sa.Date(), nullable=False),
        sa.Column("slot_start", UTC, nullable=False),
        sa.Column("slot_end", UTC, nullable=False),
        sa.Column("code", _text(6), nullable=False),
        sa.Column("status", _text(16), nullable=False),
        sa.Column("id_type", _text(24), nullable=False),
        sa.Column("id_hash", _text(64), nullable=True),
        sa.Column("id_last4", _text(4), nullable=True),
        sa.Column("name", _text(50), nullable=True),
        sa.Column("phone", _text(32), nullable=True),
        sa.Column("created_at", UTC, nullable=False),
        sa.Column("cancelled_at", UTC, nullable=True),
        sa.Column("checked_in_at", UTC, nullable=True),
        sa.Column("missed_at", UTC, nullable=True),
        sa.Column("purged_at", UTC, nullable=True),
        sa.Column("ticket_id", sa.Integer(), nullable=True),
        sa.Column("integration_id", sa.Integer(), nullable=True),
        sa.Column("request_id", _text(64), nullable=True),
        sa.ForeignKeyConstraint(["hall_id"], ["hall.id"]),
        sa.ForeignKeyConstraint(["service_id"], ["service.id"]),
        sa.ForeignKeyConstraint(["ticket_id"], ["ticket.id"]),
        sa.ForeignKeyConstraint(["integration_id"], ["integration.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("hall_id", "business_day", "code"),
    )
    op.create_index(
        "ix_appointment_slot", "appointment", ["service_id", "slot_start", "status"], unique=False
    )
    op.create_index(
        "ix_appointment_person", "appointment", ["hall_id", "id_hash", "business_day"], unique=False
    )
    op.create_index(
        "ix_appointment_hall_day",
        "appointment",
        ["hall_id", "business_day", "slot_start"],
        unique=False,
    )
    op.create_index(
        "ux_appointment_request", "appointment", ["integration_id", "request_id"], unique=True
    )
    op.create_table(
        "appointment_lift",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("hall_id", sa.Integer(), nullable=False),
        sa.Column("id_hash", _text(64), nullable=False),
        sa.Column("lifted_at", UTC, nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["hall_id"], ["hall.id"]),
        sa.ForeignKeyConstraint(["staff_id"], ["staff.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_appointment_lift_person", "appointment_lift", ["hall_id", "id_hash"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_appointment_lift_person", table_name="appointment_lift")
    op.drop_table("appointment_lift")
    for name in (
        "ux_appointment_request",
        "ix_appointment_hall_day",
        "ix_appointment_person",
        "ix_appointment_slot",
    ):
        op.drop_index(name, table_name="appointment")
    op.drop_table("appointment")
    op.drop_table("appointment_rules")
    with op.batch_alter_table("service") as batch:
        batch.drop_column("appointment_days_ahead")
        batch.drop_column("appointment_quota")
        batch.drop_column("appointment_slot_minutes")
