"""Loading ticket-level records and window activity for the indicators (统计)."""

from __future__ import annotations

from datetime import date, datetime

from sqlmodel import Session, col, select

from server.commands import lookups
from server.domain.calendar import day_bounds, hall_zone
from server.domain.enums import Outcome, TicketStatus, WindowState
from server.domain.indicators import TicketRecord, WindowActivity
from server.store.tables import Evaluation, Event, Rectification, Service, Staff, Ticket, Window


def ticket_records(session: Session, hall_id: int, start: date, end: date) -> list[TicketRecord]:
    """Every ticket issued on business days start..end (inclusive), oldest first."""
    services = {s.id: s for s in session.exec(select(Service).where(Service.hall_id == hall_id))}
    windows = {w.id: w for w in session.exec(select(Window).where(Window.hall_id == hall_id))}
    staff = {s.id: s for s in session.exec(select(Staff))}
    rows = session.exec(
        select(Ticket, Evaluation, Rectification)
        .join(Evaluation, col(Evaluation.ticket_id) == Ticket.id, isouter=True)
        .join(Rectification, col(Rectification.evaluation_id) == Evaluation.id, isouter=True)
        .where(Ticket.hall_id == hall_id, Ticket.business_day >= start, Ticket.business_day <= end)
        .order_by(col(Ticket.issued_at), col(Ticket.id))
    ).all()
    numbers = {ticket.id: ticket.number for ticket, _, _ in rows}
    records = []
    for ticket, evaluation, rectification in rows:
        service = services[ticket.service_id]
        window = windows.get(ticket.window_id)
        person = staff.get(ticket.staff_id)
        records.append(
            TicketRecord(
                ticket_id=ticket.id or 0,
                number=ticket.number,
                service_id=ticket.service_id,
                service_name=service.name,
                business_day=ticket.business_day,
                issued_at=ticket.issued_at,
                entered_queue_at=ticket.entered_queue_at,
                called_at=ticket.called_at,
                serving_started_at=ticket.serving_started_at,
                finished_at=ticket.finished_at,
                status=TicketStatus(ticket.status),
                outcome=Outcome(ticket.outcome) if ticket.outcome else None,
                window_id=ticket.window_id,
                window_number=window.number if window else None,
                staff_no=person.staff_no if person else None,
                staff_name=person.name if person else None,
                no_show_count=ticket.no_show_count,
                transferred=ticket.status == TicketStatus.transferred,
                target_wait_minutes=service.target_wait_minutes,
                target_handle_minutes=service.target_handle_minutes,
                evaluation_level=evaluation.level if evaluation else None,
                rectification_closed_at=rectification.closed_at if rectification else None,
                rectification_deadline=rectification.deadline if rectification else None,
                followed_up=bool(rectification and rectification.followup_at),
                source=ticket.source,
                priority=ticket.priority,
                recall_count=ticket.recall_count,
                transferred_to=numbers.get(ticket.transferred_to_id),
            )
        )
    return records


def window_activities(
    session: Session, hall_id: int, start: date, end: date, now: datetime
) -> list[WindowActivity]:
    """Open and paused intervals of each window, rebuilt from its window.status events."""
    hall = lookups.hall(session, hall_id)
    zone = hall_zone(hall.timezone)
    period_start = day_bounds(start, zone)[0]
    period_end = min(day_bounds(end, zone)[1], now)
    windows = list(
        session.exec(select(Window).where(Window.hall_id == hall_id).order_by(col(Window.id)))
    )
    events = session.exec(
        select(Event)
        .where(Event.hall_id == hall_id, Event.type == "window.status", col(Event.at) < period_end)
        .order_by(col(Event.seq))
    ).all()
    return [
        _activity(
            window,
            [e for e in events if e.data.get("window_id") == window.id],
            period_start,
            period_end,
        )
        for window in windows
    ]


def _activity(
    window: Window, events: list[Event], period_start: datetime, period_end: datetime
) -> WindowActivity:
    """Replay one window's state changes into clipped open and paused intervals."""
    opens: list[tuple[datetime, datetime]] = []
    pauses: list[tuple[datetime, datetime, str]] = []
    state, since, reason = WindowState.closed.value, period_start, ""
    for at, next_state, next_reason in [
        *((e.at, str(e.data.get("state")), str(e.data.get("pause_reason") or "")) for e in events),
        (period_end, "", ""),
    ]:
        start, end = max(since, period_start), min(at, period_end)
        if end > start and state == WindowState.open:
            opens.append((start, end))
        elif end > start and state == WindowState.paused:
            pauses.append((start, end, reason))
        state, since, reason = next_state, at, next_reason
    return WindowActivity(window.id or 0, window.number, tuple(opens), tuple(pauses))
