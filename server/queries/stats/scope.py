"""The types of a period's statistics: its scope, its indicators, the refusal of a period too
cold to read live. The facade (indicators.py) and the computation (period.py, rollup.py) both
use them, so neither imports the other's module for them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

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
