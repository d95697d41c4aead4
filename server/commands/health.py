"""Readiness's write (GET /api/v1/health/ready): one row, updated with the instant, committed
like any change — through the writer, fsynced on SQLite."""

from __future__ import annotations

from sqlalchemy import insert, update

from server.store.tables import HealthProbe
from server.store.transaction import Tx

PROBE = HealthProbe.__table__  # type: ignore[attr-defined]


def probe(tx: Tx) -> None:
    """Write the probe row (creating it the first time)."""
    written = tx.conn.execute(update(PROBE).where(PROBE.c.id == 1).values(checked_at=tx.now))
    if written.rowcount == 0:
        tx.conn.execute(insert(PROBE).values(id=1, checked_at=tx.now))
