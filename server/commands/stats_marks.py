"""Marking a closed business day's statistics rollup out of date, in the transaction of the
late change itself (see server/queries/stats/rollup.py)."""

from __future__ import annotations

from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.dialects import postgresql, sqlite

from server.domain.calendar import business_day
from server.store.tables import StatsDay
from server.store.transaction import Tx

STATS_DAY: Any = StatsDay.__table__  # type: ignore[attr-defined]


def note_late_change(tx: Tx, hall_id: int, day: date, zone: ZoneInfo) -> None:
    """A write to a ticket (or its rating, rectification, follow-up) of business day `day`:
    when that day is over, count a change to it so that its rollup is rebuilt. Nothing is
    written for today's tickets (today is always read live)."""
    if day >= business_day(tx.now, zone):
        return
    conn = tx.conn
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    statement = dialect.insert(STATS_DAY).values(
        hall_id=hall_id, business_day=day, changes=1, tickets=0
    )
    conn.execute(
        statement.on_conflict_do_update(
            index_elements=["hall_id", "business_day"],
            set_={"changes": STATS_DAY.c.changes + 1},
        )
    )
