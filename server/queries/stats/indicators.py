"""The indicators of a period: what callers use (Scope, Indicators, compute, ColdPeriod).

This module is light on purpose: the serving process imports it (routes, the window's
today figures), and `import server.app` must not load numpy (+12 MB in every serving
process). The computation (numpy columns, period.py) is imported on the first call of
`compute`, i.e. only in a process that computes statistics: the export worker, the warm
statistics process, or the serving process itself once it answers a short period.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Engine
from sqlmodel import Session

from server.domain.calendar import day_bounds
from server.domain.indicators import IndicatorRow

TOTAL = "total"


@dataclass(frozen=True)
class Scope:
    """One hall (or every hall: `hall_ids` None) over business days start..end."""

    hall_ids: tuple[int, ...] | None
    start: date
    end: date
    now: datetime
    zone: ZoneInfo

    @property
    def bounds(self) -> tuple[datetime, datetime]:
        return day_bounds(self.start, self.zone)[0], day_bounds(self.end, self.zone)[1]

    @property
    def as_of(self) -> datetime:
        return min(self.now, self.bounds[1])


@dataclass
class Indicators:
    grouping: str
    total: dict[str, Any]
    rows: list[IndicatorRow]


class ColdPeriod(Exception):
    """The period has more closed days without a rollup than may be read live here."""

    def __init__(self, days: int) -> None:
        super().__init__(f"{days} closed days without a rollup")
        self.days = days


def compute(
    session: Session,
    scope: Scope,
    groupings: Sequence[str],
    *,
    counts_basic: bool,
    max_cold_days: int | None = None,
    build: Engine | None = None,
) -> dict[str, Indicators]:
    """Every indicator of the period, for each grouping asked for (and the total): closed
    days from their rollups, the rest live. With `max_cold_days`, a period with more closed
    days not rolled up raises ColdPeriod; with `build`, those days are rolled up on the way
    (see rollup.py)."""
    from server.queries.stats.period import compute_period  # numpy: see the module's doc

    return compute_period(
        session,
        scope,
        groupings,
        counts_basic=counts_basic,
        max_cold_days=max_cold_days,
        build=build,
    )
