"""What an export gathered before it writes a file: the period, the hall, the indicators of
every grouping (report.py gathers it, xlsx.py lays it out)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from server.queries.stats.indicators import Indicators, Scope


@dataclass
class ReportData:
    scope: Scope
    hall_name: str
    generated_at: str
    indicators: dict[str, Indicators]
    total: dict[str, Any]
    ticket_count: int

    def local(self, instant: datetime) -> datetime:
        return instant.astimezone(self.scope.zone).replace(tzinfo=None)
