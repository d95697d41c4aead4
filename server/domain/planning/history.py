"""From the hall's past tickets to what the simulation needs: expected arrivals per service
and hour for a day of a given class, and each service's occupancy and green share.

- Arrivals: the mean, over the past days of the same class as the day planned (a weekday;
  public holidays and the first working day after one apart; 调休 working weekends apart),
  of the tickets that entered each service's queue in each hour — transfers included, since
  they queue again. Past days are every day from the first to the last with a ticket in the
  period (a day nobody came counts as zero: a closed Saturday plans no windows). A class
  with no past day falls back to all working days (or all rest days), and says so.
- Occupancy: every past value of the service, any day — the window's time per ticket
  called (walking up, handling, or the calls of a no-show) — drawn as it was seen.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from server.domain.calendar import (
    WORKDAYS,
    WorkingCalendar,
    day_class,
    wider_class,
)
from server.domain.planning.model import HOUR

ALL_DAYS = "all_days"


@dataclass(frozen=True)
class PastTicket:
    service_id: int
    day: date
    queued_s: float  # seconds after the hall's local midnight it entered the queue
    green: bool
    occupancy_s: float | None  # the window's time for it; None if never called (or unknown)


@dataclass(frozen=True)
class DemandBasis:
    """Which past days the expected arrivals are the mean of."""

    day_class: str  # the class used: the day's own, or WORKDAYS / RESTDAYS
    own_class: str  # the class of the day planned
    days: tuple[date, ...]


def history_days(tickets: Iterable[PastTicket], start: date, end: date) -> list[date]:
    seen = [t.day for t in tickets if start <= t.day <= end]
    if not seen:
        return []
    first, last = min(seen), max(seen)
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]


def basis_for(day: date, days: Sequence[date], calendar: WorkingCalendar) -> DemandBasis:
    own = day_class(day, calendar)
    same = tuple(d for d in days if day_class(d, calendar) == own)
    if same:
        return DemandBasis(own, own, same)
    wide = wider_class(day, calendar)
    if wide == WORKDAYS:
        similar = tuple(d for d in days if calendar.is_working_day(d))
    else:
        similar = tuple(d for d in days if not calendar.is_working_day(d))
    if similar:
        return DemandBasis(wide, own, similar)
    return DemandBasis(ALL_DAYS, own, tuple(days))


def expected_arrivals(
    tickets: Iterable[PastTicket], basis: DemandBasis
) -> dict[int, dict[int, float]]:
    """service id -> hour -> mean tickets per day of the basis."""
    days = set(basis.days)
    counts: dict[int, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    for t in tickets:
        if t.day in days:
            counts[t.service_id][int(t.queued_s // HOUR)] += 1
    n = len(days) or 1
    return {s: {h: c / n for h, c in sorted(hours.items())} for s, hours in counts.items()}


def occupancies(tickets: Iterable[PastTicket]) -> dict[int, tuple[float, ...]]:
    """service id -> every occupancy seen (seconds, at least 1)."""
    out: dict[int, list[float]] = defaultdict(list)
    for t in tickets:
        if t.occupancy_s is not None:
            out[t.service_id].append(max(1.0, t.occupancy_s))
    return {s: tuple(sorted(v)) for s, v in out.items()}


def green_shares(tickets: Iterable[PastTicket]) -> dict[int, float]:
    total: dict[int, int] = defaultdict(int)
    green: dict[int, int] = defaultdict(int)
    for t in tickets:
        total[t.service_id] += 1
        green[t.service_id] += t.green
    return {s: green[s] / n for s, n in total.items()}
