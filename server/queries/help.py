"""呼叫帮办 counted per business day (issue 29): one per request, acknowledged or not."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

from pydantic import BaseModel
from sqlmodel import Session, col, select

from server.domain.calendar import business_day, day_bounds, hall_zone
from server.store import lookups
from server.store.tables import Alert


class HelpDay(BaseModel):
    day: date
    count: int
    open: int  # not yet acknowledged


class HelpCounts(BaseModel):
    hall_id: int
    days: list[HelpDay]
    total: int


def help_counts(session: Session, hall_id: int, first: date, last: date) -> HelpCounts:
    """Every day from `first` to `last` (the hall's business days), with its count."""
    zone = hall_zone(lookups.hall(session, hall_id).timezone)
    start, _ = day_bounds(first, zone)
    _, end = day_bounds(last, zone)
    rows = session.exec(
        select(Alert.raised_at, Alert.acknowledged_at).where(
            Alert.hall_id == hall_id,
            Alert.kind == "help",
            col(Alert.raised_at) >= start,
            col(Alert.raised_at) < end,
        )
    ).all()
    counts = Counter(business_day(raised, zone) for raised, _ in rows)
    still = Counter(business_day(raised, zone) for raised, acked in rows if acked is None)
    days = []
    day = first
    while day <= last:
        days.append(HelpDay(day=day, count=counts[day], open=still[day]))
        day += timedelta(days=1)
    return HelpCounts(hall_id=hall_id, days=days, total=sum(counts.values()))
