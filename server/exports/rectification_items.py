"""The 差评整改 sheet's rows from the stored records (server/queries/stats/rect_records.py):
names looked up, state and 逾期 decided at `now`, times as Excel serials of local time."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlmodel import Session

from server.domain.texts import text
from server.queries.stats.facts import micros
from server.queries.stats.indicators import Scope
from server.queries.stats.rollup import period_records
from server.queries.stats.sql import SERVICE, STAFF, WINDOW

DAY_US = 86_400_000_000
HOUR_US = 3_600_000_000
EXCEL_EPOCH_US = 25_569 * DAY_US  # 1970-01-01 as an Excel serial, in µs


def local_serial(zone: ZoneInfo) -> Callable[[int], float]:
    """µs since the epoch → the Excel serial of that instant's local time in `zone`: the
    exact quotient, correctly rounded (as PostgreSQL's numeric arithmetic gives it). The
    zone's offset is looked up once per UTC hour (twice where it changes inside one)."""
    offsets: dict[int, int | None] = {}

    def offset_us(us: int) -> int:
        seconds = us // 1_000_000
        offset = datetime.fromtimestamp(seconds, UTC).astimezone(zone).utcoffset()
        return int(offset.total_seconds()) * 1_000_000 if offset else 0

    def serial(us: int) -> float:
        hour = us // HOUR_US
        if hour not in offsets:
            first, last = offset_us(hour * HOUR_US), offset_us((hour + 1) * HOUR_US - 1)
            offsets[hour] = first if first == last else None
        offset = offsets[hour]
        if offset is None:
            offset = offset_us(us)
        return (us + offset + EXCEL_EPOCH_US) / DAY_US

    return serial


def rectification_items(session: Session, scope: Scope) -> Iterator[dict[str, Any]]:
    """The period's rectifications (by their ticket's business day), oldest first, as the
    sheet's columns (server/exports/layout.py RECTIFICATION_COLUMNS)."""
    services = dict(session.execute(select(SERVICE.c.id, SERVICE.c.name)).all())
    windows = dict(session.execute(select(WINDOW.c.id, WINDOW.c.number)).all())
    staff = {
        int(i): (no, name)
        for i, no, name in session.execute(select(STAFF.c.id, STAFF.c.staff_no, STAFF.c.name))
    }
    records = period_records(session, scope.hall_ids, scope.start, scope.end, scope.zone, scope.now)
    serial = local_serial(scope.zone)
    now = micros(scope.now)
    states = {
        state: text(f"rectification_state.{state}")
        for state in ("open", "rectified", "followed_up")
    }
    days: dict[int, str] = {}
    no_staff = (None, None)
    for (  # rect_records.FIELDS, in order
        ident,
        _ticket,
        _hall,
        number,
        day,
        service,
        window,
        staff_id,
        level,
        reasons,
        comment,
        opened,
        deadline,
        closed,
        measures,
        followup,
        way,
        result,
        satisfied,
    ) in records:
        if day not in days:
            days[day] = date.fromordinal(day).isoformat()
        staff_no, staff_name = staff.get(staff_id, no_staff)
        yield {
            "id": ident,
            "ticket_number": number,
            "business_day": days[day],
            "service_name": services.get(service),
            "window_number": windows.get(window),
            "staff_no": staff_no,
            "staff_name": staff_name,
            "level": level,
            "reasons": reasons,
            "comment": comment,
            "state_text": states[
                "followed_up"
                if followup is not None
                else "rectified"
                if closed is not None
                else "open"
            ],
            "opened_at": serial(opened),
            "deadline": serial(deadline),
            "rectified_at": None if closed is None else serial(closed),
            "overdue": closed > deadline if closed is not None else now > deadline,
            "measures": measures,
            "followup_at": None if followup is None else serial(followup),
            "followup_way": way,
            "followup_result": result,
            "followup_satisfied": satisfied,
        }
