"""The 明细's local times, formatted by the database (server/queries/stats/sql.py), across a
midnight, a period's boundary and daylight-saving changes: on both stores the hall's
wall-clock time (text, seconds truncated) and its Excel serial."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import create_engine, select

from server.queries.stats.sql import instant, local_time_serial, local_time_text
from tests.helpers import fresh_database_url

SHANGHAI, NEW_YORK = ZoneInfo("Asia/Shanghai"), ZoneInfo("America/New_York")
INSTANTS = {
    SHANGHAI: [
        datetime(2025, 1, 1, 15, 59, 59, 998_000, tzinfo=UTC),  # 23:59:59 local
        datetime(2025, 1, 1, 16, 0, 0, tzinfo=UTC),  # the next business day begins
        datetime(2025, 1, 2, 1, 23, 45, 123_456, tzinfo=UTC),
        datetime(2025, 12, 31, 15, 59, 59, tzinfo=UTC),  # the period's last second
    ],
    NEW_YORK: [  # the clocks go forward (2025-03-09 02:00) and back (2025-11-02 02:00)
        datetime(2025, 3, 9, 6, 59, 59, tzinfo=UTC),
        datetime(2025, 3, 9, 7, 0, 0, tzinfo=UTC),
        datetime(2025, 11, 2, 5, 30, 0, tzinfo=UTC),  # 01:30 EDT
        datetime(2025, 11, 2, 6, 30, 0, tzinfo=UTC),  # 01:30 EST, an hour later
        datetime(2025, 11, 2, 7, 0, 0, 500_000, tzinfo=UTC),
    ],
}


@pytest.mark.parametrize("zone", [SHANGHAI, NEW_YORK], ids=str)
def test_local_times_are_the_halls_wall_clock(tmp_path: Path, zone: ZoneInfo) -> None:
    engine = create_engine(fresh_database_url(tmp_path))
    dialect = engine.dialect.name
    lo, hi = datetime(2024, 12, 31, tzinfo=UTC), datetime(2026, 1, 1, tzinfo=UTC)
    try:
        with engine.begin() as conn:
            rendered = [
                conn.execute(
                    select(
                        local_time_text(dialect, instant(x), zone, lo, hi),
                        local_time_serial(dialect, instant(x), zone, lo, hi),
                    )
                ).one()
                for x in INSTANTS[zone]
            ]
    finally:
        engine.dispose()
    for x, (text, serial) in zip(INSTANTS[zone], rendered, strict=True):
        local = x.astimezone(zone).replace(tzinfo=None)
        assert text == local.strftime("%Y-%m-%d %H:%M:%S"), x
        expected = (local - datetime(1899, 12, 30)) / timedelta(days=1)
        assert abs(float(serial) - expected) < 1e-8, x
