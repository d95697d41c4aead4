"""When a ticket can still be rated from its QR page: within the hall's rating window after
it was finished (`hall.rating_window_days`, 7 by default)."""

from __future__ import annotations

from datetime import datetime, timedelta


def rating_closes_at(finished_at: datetime | None, window_days: int) -> datetime | None:
    """The instant the QR page stops taking a rating; None while the ticket is not finished."""
    if finished_at is None:
        return None
    return finished_at + timedelta(days=window_days)
