"""rectifications found by when they were opened (exports of a period)

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-27 22:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_rectification_opened_at", "rectification", ["opened_at"])


def downgrade() -> None:
    op.drop_index("ix_rectification_opened_at", table_name="rectification")
