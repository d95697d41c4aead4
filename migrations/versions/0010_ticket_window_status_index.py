"""ticket (window_id, status) instead of (window_id): "is a ticket still called or served at
this window?" — asked by every call-next, the hall's live snapshot and the window desk — was
answered by walking every ticket the window ever had (thousands after a few weeks); now it is
one index probe per status

Revision ID: 0010
Revises: 0009
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:  # index statements only: the table is not copied, on SQLite either
    op.create_index("ix_ticket_window_status", "ticket", ["window_id", "status"], unique=False)
    op.drop_index("ix_ticket_window_id", table_name="ticket")


def downgrade() -> None:
    op.create_index("ix_ticket_window_id", "ticket", ["window_id"], unique=False)
    op.drop_index("ix_ticket_window_status", table_name="ticket")
