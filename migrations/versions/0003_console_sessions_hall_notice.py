"""console sessions and the hall notice

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28 10:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import server.store.types

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("hall") as batch:
        batch.add_column(
            sa.Column(
                "notice",
                sqlmodel.sql.sqltypes.AutoString(length=500),
                nullable=False,
                server_default="",
            )
        )
        batch.add_column(
            sa.Column("notice_updated_at", server.store.types.UTCDateTime(timezone=True), nullable=True)
        )
        batch.add_column(
            sa.Column(
                "notice_updated_by", sqlmodel.sql.sqltypes.AutoString(length=50), nullable=True
            )
        )
    op.create_table(
        "console_session",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=False),
        sa.Column("created_at", server.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", server.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("ended_at", server.store.types.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["staff_id"], ["staff.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("token_hash"),
    )
    op.create_index(
        op.f("ix_console_session_staff_id"), "console_session", ["staff_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_console_session_staff_id"), table_name="console_session")
    op.drop_table("console_session")
    with op.batch_alter_table("hall") as batch:
        batch.drop_column("notice_updated_by")
        batch.drop_column("notice_updated_at")
        batch.drop_column("notice")
