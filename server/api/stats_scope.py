"""Who may see which hall, and the period of a statistics request (from/to, validated)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlmodel import Session

from server.domain.actor import StaffActor, ensure_hall
from server.domain.calendar import business_day, hall_zone
from server.domain.enums import Role
from server.domain.errors import InvalidInput
from server.domain.texts import text
from server.queries.stats.indicators import Scope
from server.store import lookups

MAX_DAYS = 366
MIN_DAY, MAX_DAY = date(2000, 1, 1), date(2099, 12, 31)


def parse_day(raw: str | None, name: str) -> date | None:
    """A business day YYYY-MM-DD between MIN_DAY and MAX_DAY, or a Chinese 422."""
    if raw is None or raw == "":
        return None
    try:
        day = date.fromisoformat(raw)
    except ValueError:
        raise InvalidInput(text("stats.bad_day", name=name, value=raw[:40])) from None
    if not MIN_DAY <= day <= MAX_DAY:
        raise InvalidInput(
            text("stats.day_out_of_range", name=name, value=raw, low=MIN_DAY, high=MAX_DAY)
        )
    return day


def hall_ids_for(user: StaffActor, hall_id: int | None) -> tuple[int, ...] | None:
    """The halls a request covers: the one asked for (if allowed), else the caller's own;
    None (every hall) only for a deployment admin who names none."""
    if hall_id is None:
        if user.hall_id is not None:
            return (user.hall_id,)
        if user.role == Role.admin:
            return None
        raise InvalidInput(text("stats.hall_required"))
    ensure_hall(user, hall_id)
    return (hall_id,)


def one_hall(user: StaffActor, hall_id: int | None) -> int:
    """The single hall a change is made in (named, or the caller's own)."""
    hall_ids = hall_ids_for(user, hall_id)
    if hall_ids is None:
        raise InvalidInput(text("stats.hall_required"))
    return hall_ids[0]


def period(start: date | None, end: date | None, today: date) -> tuple[date, date]:
    start = start or end or today
    end = end or start
    if start > end:
        raise InvalidInput(text("stats.bad_range", start=start, end=end))
    if (end - start) >= timedelta(days=MAX_DAYS):
        raise InvalidInput(text("stats.range_too_long", days=MAX_DAYS))
    return start, end


def scope_for(
    session: Session,
    hall_ids: tuple[int, ...] | None,
    start: date | None,
    end: date | None,
    now: datetime,
    default_timezone: str,
) -> Scope:
    """The Scope of a request, with the hall's zone (the deployment's for several halls)."""
    zone_name = default_timezone
    if hall_ids is not None and len(hall_ids) == 1:
        zone_name = lookups.hall(session, hall_ids[0]).timezone
    zone = hall_zone(zone_name)
    first, last = period(start, end, business_day(now, zone))
    return Scope(hall_ids, first, last, now, zone)
