"""When a ticket can still be rated from its QR page: within the hall's rating window after
it was finished (`hall.rating_window_days`, 7 by default)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from server.domain.calendar import day_bounds


def rating_closes_at(finished_at: datetime | None, window_days: int) -> datetime | None:
    """The instant the QR page stops taking a rating; None while the ticket is not finished."""
    if finished_at is None:
        return None
    return finished_at + timedelta(days=window_days)


def link_expires_at(
    finished_at: datetime | None, day: date, zone: ZoneInfo, window_days: int
) -> datetime:
    """When the ticket's public link (`/t/{token}`, its live feed, its rating) stops working:
    with the rating window of a finished ticket; for one that was never finished (cancelled,
    transferred, a no-show, left waiting) the same number of days after its business day
    ended (docs/decisions.md, "The phone page")."""
    closes = rating_closes_at(finished_at, window_days)
    if closes is not None:
        return closes
    return day_bounds(day, zone)[1] + timedelta(days=window_days)
