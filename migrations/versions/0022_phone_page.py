"""The applicant's phone (issue 27): the hall's 到号提醒 (notify_ahead) and 扫码过号重排 rules
(rejoin_allowed, rejoin_minutes, rejoin_position, rejoin_behind); a ticket's rejoined_at (the
applicant put it back in the queue from the page, once) and first_entered_queue_at (when it
first joined the queue: its wait is measured from there, entered_queue_at is its place now)

Revision ID: 0022
Revises: 0021
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from server.store.types import UTCDateTime

revision: str = "0022"
down_revision: str | None = "0021"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

HALL = (
    sa.Column("notify_ahead", sa.Integer(), nullable=False, server_default="3"),
    sa.Column("rejoin_allowed", sa.Boolean(), nullable=False, server_default=sa.true()),
    sa.Column("rejoin_minutes", sa.Integer(), nullable=False, server_default="10"),
    sa.Column("rejoin_position", sa.String(length=8), nullable=False, server_default="behind"),
    sa.Column("rejoin_behind", sa.Integer(), nullable=False, server_default="3"),
)


def upgrade() -> None:
    # plain ADD COLUMNs (no batch): a batch copies the table, and with foreign keys on,
    # dropping the old one fails while other rows point at it (see 0019)
    for column in HALL:
        op.add_column("hall", column)
    op.add_column("ticket", sa.Column("rejoined_at", UTCDateTime(), nullable=True))
    op.add_column("ticket", sa.Column("first_entered_queue_at", UTCDateTime(), nullable=True))


def downgrade() -> None:
    op.drop_column("ticket", "first_entered_queue_at")
    op.drop_column("ticket", "rejoined_at")
    for column in reversed(HALL):
        op.drop_column("hall", column.name)
