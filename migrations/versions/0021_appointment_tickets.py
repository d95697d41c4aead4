"""an appointment's ticket: the appointment and its slot on the ticket, and a partial index of
the waiting appointment tickets in slot order (call-next's appointment lane); the appointments
booked past their slot (失约 to mark) and those still holding personal data (retention); a
hall's 预约准时率 mark (on_time_minutes)

Revision ID: 0021
Revises: 0020
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import server.store.types

revision: str = "0021"
down_revision: str | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC = server.store.types.UTCDateTime(timezone=True)
WHERE = sa.text("slot_start IS NOT NULL")


def upgrade() -> None:  # nullable columns: added in place, the table is not copied
    op.add_column("ticket", sa.Column("appointment_id", sa.Integer(), nullable=True))
    op.add_column("ticket", sa.Column("slot_start", UTC, nullable=True))
    op.add_column("ticket", sa.Column("slot_end", UTC, nullable=True))
    op.create_index(
        "ix_ticket_appointment_queue",
        "ticket",
        ["service_id", "business_day", "status", "slot_start", "id"],
        unique=False,
        sqlite_where=WHERE,
        postgresql_where=WHERE,
    )
    op.create_index("ix_appointment_status_end", "appointment", ["status", "slot_end"])
    with op.batch_alter_table("appointment_rules") as batch:
        batch.add_column(
            sa.Column("on_time_minutes", sa.Integer(), nullable=False, server_default="15")
        )
    op.create_index("ix_appointment_purge", "appointment", ["purged_at", "business_day"])


def downgrade() -> None:
    with op.batch_alter_table("appointment_rules") as batch:
        batch.drop_column("on_time_minutes")
    op.drop_index("ix_appointment_purge", table_name="appointment")
    op.drop_index("ix_appointment_status_end", table_name="appointment")
    op.drop_index("ix_ticket_appointment_queue", table_name="ticket")
    with op.batch_alter_table("ticket") as batch:
        batch.drop_column("slot_end")
        batch.drop_column("slot_start")
        batch.drop_column("appointment_id")
