"""alerts as server state; each device's health, last seen and version; the hall's rating
window, pause-alert threshold and no-show policy

Revision ID: 0012
Revises: 0011
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import server.store.types

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC = server.store.types.UTCDateTime


def _text(length: int) -> sqlmodel.sql.sqltypes.AutoString:
    return sqlmodel.sql.sqltypes.AutoString(length=length)


def upgrade() -> None:
    op.create_table(
        "alert",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("hall_id", sa.Integer(), nullable=False),
        sa.Column("kind", _text(32), nullable=False),
        sa.Column("subject", _text(64), nullable=False),
        sa.Column("level", _text(8), nullable=False),
        sa.Column("text", _text(300), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("raised_at", UTC(timezone=True), nullable=False),
        sa.Column("resolved_at", UTC(timezone=True), nullable=True),
        sa.Column("acknowledged_at", UTC(timezone=True), nullable=True),
        sa.Column("acknowledged_by", sa.Integer(), nullable=True),
        sa.Column("acknowledged_by_no", _text(32), nullable=True),
        sa.Column("acknowledged_by_name", _text(50), nullable=True),
        sa.ForeignKeyConstraint(["hall_id"], ["hall.id"]),
        sa.ForeignKeyConstraint(["acknowledged_by"], ["staff.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_alert_hall_kind_subject", "alert", ["hall_id", "kind", "subject"])
    op.create_index("ix_alert_hall_acknowledged", "alert", ["hall_id", "acknowledged_at"])
    op.create_index("ix_alert_hall_resolved", "alert", ["hall_id", "resolved_at"])
    with op.batch_alter_table("device") as batch:
        batch.add_column(sa.Column("last_seen_at", UTC(timezone=True), nullable=True))
        batch.add_column(sa.Column("version", _text(32), nullable=True))
        batch.add_column(sa.Column("health", _text(16), nullable=True))
        batch.add_column(sa.Column("printer", _text(32), nullable=True))
        batch.add_column(sa.Column("detail", _text(200), nullable=True))
        batch.add_column(sa.Column("health_at", UTC(timezone=True), nullable=True))
        batch.add_column(sa.Column("offline_since", UTC(timezone=True), nullable=True))
    with op.batch_alter_table("hall") as batch:
        batch.add_column(
            sa.Column("rating_window_days", sa.Integer(), nullable=False, server_default="7")
        )
        batch.add_column(
            sa.Column("pause_alert_minutes", sa.Integer(), nullable=False, server_default="15")
        )
        batch.add_column(
            sa.Column(
                "no_show_requeue", sa.Boolean(), nullable=False, server_default=sa.true()
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("hall") as batch:
        batch.drop_column("no_show_requeue")
        batch.drop_column("pause_alert_minutes")
        batch.drop_column("rating_window_days")
    with op.batch_alter_table("device") as batch:
        for name in (
            "offline_since",
            "health_at",
            "detail",
            "printer",
            "health",
            "version",
            "last_seen_at",
        ):
            batch.drop_column(name)
    op.drop_index("ix_alert_hall_resolved", table_name="alert")
    op.drop_index("ix_alert_hall_acknowledged", table_name="alert")
    op.drop_index("ix_alert_hall_kind_subject", table_name="alert")
    op.drop_table("alert")
