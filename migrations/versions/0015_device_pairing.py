"""one-time pairing codes for devices (server/commands/pairing.py)

Revision ID: 0015
Revises: 0014
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import server.store.types

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "device_pairing",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("device_id", sa.Integer(), nullable=False),
        sa.Column("code_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("created_at", server.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", server.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("used_at", server.store.types.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["device_id"], ["device.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("code_hash"),
    )
    op.create_index("ix_device_pairing_device_id", "device_pairing", ["device_id"])


def downgrade() -> None:
    op.drop_index("ix_device_pairing_device_id", table_name="device_pairing")
    op.drop_table("device_pairing")
