"""适老化 (issue 29): a hall's kiosks may start in 长辈版, its screens may say the calls of
绿色通道 and 长辈 tickets twice, and one window may be its 导办 desk (呼叫帮办 shows there);
a service may be marked 常用业务 (offered first in 长辈版)

Revision ID: 0020
Revises: 0019
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0020"
down_revision: str | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # plain ADD COLUMN (no table copy: rows of other tables refer to halls and services)
    op.add_column(
        "hall",
        sa.Column("kiosk_elderly", sa.Boolean(), nullable=False, server_default=sa.false()),
    )
    op.add_column(
        "hall",
        sa.Column(
            "repeat_priority_calls", sa.Boolean(), nullable=False, server_default=sa.false()
        ),
    )
    op.add_column("hall", sa.Column("guide_window_id", sa.Integer(), nullable=True))
    op.add_column(
        "service", sa.Column("common", sa.Boolean(), nullable=False, server_default=sa.false())
    )


def downgrade() -> None:
    with op.batch_alter_table("service") as batch:
        batch.drop_column("common")
    with op.batch_alter_table("hall") as batch:
        batch.drop_column("guide_window_id")
        batch.drop_column("repeat_priority_calls")
        batch.drop_column("kiosk_elderly")
