"""the 差评 loop: a hall's 办件编号 policy, its 整改 and 回访 deadlines and how long before them
超期预警 warns, whether a 追评 is taken; a 回访 deadline per rectification; 申诉 (appeal) and
追评 (re_rating); a case attached by an integration (the 办件系统)

Revision ID: 0017
Revises: 0016
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from server.store.types import UTCDateTime

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # plain ADD COLUMN (no table copy: rows of other tables refer to the hall)
    op.add_column(
        "hall",
        sa.Column("case_numbers", sa.String(length=16), nullable=False, server_default="off"),
    )
    op.add_column("hall", sa.Column("rectification_working_days", sa.Integer(), nullable=True))
    op.add_column("hall", sa.Column("followup_working_days", sa.Integer(), nullable=True))
    op.add_column(
        "hall",
        sa.Column("rectification_warn_days", sa.Integer(), nullable=False, server_default="3"),
    )
    op.add_column(
        "hall", sa.Column("followup_warn_hours", sa.Integer(), nullable=False, server_default="4")
    )
    op.add_column(
        "hall", sa.Column("re_rating", sa.Boolean(), nullable=False, server_default=sa.true())
    )
    op.add_column("rectification", sa.Column("followup_deadline", UTCDateTime(), nullable=True))
    with op.batch_alter_table("ticket_case") as batch:  # nothing refers to its rows
        batch.add_column(sa.Column("integration_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            "fk_ticket_case_integration", "integration", ["integration_id"], ["id"]
        )
    op.create_table(
        "appeal",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "evaluation_id", sa.Integer(), sa.ForeignKey("evaluation.id"), nullable=False, unique=True
        ),
        sa.Column("hall_id", sa.Integer(), sa.ForeignKey("hall.id"), nullable=False),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.Column("evidence", sa.String(length=2000), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("filed_at", UTCDateTime(), nullable=False),
        sa.Column("filed_by", sa.Integer(), sa.ForeignKey("staff.id"), nullable=True),
        sa.Column("decided_at", UTCDateTime(), nullable=True),
        sa.Column("decided_by", sa.Integer(), sa.ForeignKey("staff.id"), nullable=True),
        sa.Column("decision", sa.String(length=500), nullable=True),
    )
    op.create_index("ix_appeal_hall_id", "appeal", ["hall_id"])
    op.create_table(
        "re_rating",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "evaluation_id", sa.Integer(), sa.ForeignKey("evaluation.id"), nullable=False, unique=True
        ),
        sa.Column("hall_id", sa.Integer(), sa.ForeignKey("hall.id"), nullable=False),
        sa.Column("level", sa.Integer(), nullable=False),
        sa.Column("reasons", sa.JSON(), nullable=False),
        sa.Column("comment", sa.String(length=500), nullable=True),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("re_rating")
    op.drop_index("ix_appeal_hall_id", table_name="appeal")
    op.drop_table("appeal")
    with op.batch_alter_table("ticket_case") as batch:
        batch.drop_constraint("fk_ticket_case_integration", type_="foreignkey")
        batch.drop_column("integration_id")
    with op.batch_alter_table("rectification") as batch:
        batch.drop_column("followup_deadline")
    with op.batch_alter_table("hall") as batch:
        for column in (
            "re_rating",
            "followup_warn_hours",
            "rectification_warn_days",
            "followup_working_days",
            "rectification_working_days",
            "case_numbers",
        ):
            batch.drop_column(column)
