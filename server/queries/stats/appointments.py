"""The appointments of a period as facts for the indicators (server/domain/appointment_stats.py):
one short query over the appointment table (by hall and day) with their tickets' first call."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlmodel import Session, col, select

from server.domain.appointment_stats import AppointmentFact
from server.store.catalog import Catalog
from server.store.tables import Appointment, Staff, Ticket


def _utc(instant: datetime | None) -> datetime | None:
    if instant is None:
        return None
    return instant.replace(tzinfo=UTC) if instant.tzinfo is None else instant.astimezone(UTC)


def appointment_facts(
    session: Session, hall_ids: tuple[int, ...] | None, start: date, end: date
) -> list[AppointmentFact]:
    query = (
        select(Appointment, Ticket.called_at, Ticket.window_id, Staff.staff_no)
        .join(Ticket, col(Ticket.id) == col(Appointment.ticket_id), isouter=True)
        .join(Staff, col(Staff.id) == col(Ticket.staff_id), isouter=True)
        .where(col(Appointment.business_day) >= start, col(Appointment.business_day) <= end)
    )
    if hall_ids is not None:
        query = query.where(col(Appointment.hall_id).in_(hall_ids))
    rules = Catalog()
    facts = []
    for row, called_at, window_id, staff_no in session.exec(query):
        policy = rules.rules(session, row.hall_id)
        slot_end = _utc(row.slot_end)
        assert slot_end is not None
        facts.append(
            AppointmentFact(
                hall_id=row.hall_id,
                service_id=row.service_id,
                business_day=row.business_day,
                slot_start=_utc(row.slot_start) or slot_end,
                status=row.status,
                closes_at=slot_end + timedelta(minutes=policy.grace_minutes),
                on_time_minutes=policy.on_time_minutes,
                checked_in_at=_utc(row.checked_in_at),
                called_at=_utc(called_at),
                window_id=window_id,
                staff_no=staff_no,
            )
        )
    return facts
