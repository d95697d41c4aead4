"""Reads that both sides need: loading rows by id (the domain's NotFound when missing), queue
counts and the estimated wait. Commands (writes) and queries (reads) both use this module; it
uses neither of them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import TypedDict, TypeVar

from sqlalchemy import Connection, and_, func
from sqlmodel import Session, SQLModel, col, select

from client.events import ServiceCount
from server.domain.appointments import (
    AppointmentPolicy,
    Slot,
    cancel_deadline,
    check_in_closes,
    check_in_opens,
)
from server.domain.calendar import business_day, hall_zone
from server.domain.enums import Priority, TicketStatus
from server.domain.errors import NotFound
from server.domain.queueing import estimate_wait_minutes
from server.domain.rejoin import RejoinRule
from server.domain.texts import text
from server.store.catalog import Catalog, ServiceInfo, SessionSource
from server.store.hot import TicketRow
from server.store.statements import (
    COUNTER_WAITING,
    HALL_OF_TICKET,
    HALL_OF_WINDOW,
    OLDEST_WAITING,
    QUEUE_COUNTS,
)
from server.store.tables import (
    Appointment,
    Event,
    Hall,
    Service,
    Staff,
    Ticket,
    Window,
    WindowService,
)
from server.store.transaction import Tx

M = TypeVar("M", bound=SQLModel)


def get_or_404(session: Session, model: type[M], ident: int, message_key: str, **kw: object) -> M:
    row = session.get(model, ident)
    if row is None:
        raise NotFound(text(message_key, **kw))
    return row


def hall(session: Session, hall_id: int) -> Hall:
    return get_or_404(session, Hall, hall_id, "hall.not_found", hall_id=hall_id)


def service(session: Session, service_id: int) -> Service:
    return get_or_404(session, Service, service_id, "service.not_found", service_id=service_id)


def window(session: Session, window_id: int) -> Window:
    return get_or_404(session, Window, window_id, "window.not_found", window_id=window_id)


def ticket(session: Session, ticket_id: int) -> Ticket:
    return get_or_404(session, Ticket, ticket_id, "ticket.not_found", ticket_id=ticket_id)


def ticket_to_change(tx: Tx, ticket_id: int) -> Ticket:
    """The ticket, read after its hall is locked (so it is current; see Tx.lock_hall)."""
    hall_id = tx.conn.execute(HALL_OF_TICKET, {"id": ticket_id}).scalar()
    if hall_id is None:
        raise NotFound(text("ticket.not_found", ticket_id=ticket_id))
    tx.lock_hall(hall_id)
    row = tx.session.get(Ticket, ticket_id, populate_existing=True)
    assert row is not None
    return row


def window_to_change(tx: Tx, window_id: int) -> Window:
    """The window, read after its hall is locked (so it is current; see Tx.lock_hall)."""
    hall_id = tx.conn.execute(HALL_OF_WINDOW, {"id": window_id}).scalar()
    if hall_id is None:
        raise NotFound(text("window.not_found", window_id=window_id))
    tx.lock_hall(hall_id)
    row = tx.session.get(Window, window_id, populate_existing=True)
    assert row is not None
    return row


def window_service_ids(session: Session, window_id: int) -> list[int]:
    rows = session.exec(
        select(WindowService.service_id)
        .where(WindowService.window_id == window_id)
        .order_by(col(WindowService.rank))
    )
    return list(rows)


class WindowStaff(TypedDict):
    """A window's state and who is signed in at it: the fields every wire shape of a window
    has in common (the desk's DeskWindow, the snapshot's WindowView, the feed's
    window.status, the staff of the window's TodayFigures)."""

    state: str
    pause_reason: str | None
    state_since: datetime | None
    staff_no: str | None
    staff_name: str | None


def window_staff(session: Session, window: Window) -> WindowStaff:
    """The window joined with the staff member signed in at it (none while closed)."""
    staff = session.get(Staff, window.staff_id) if window.staff_id else None
    return WindowStaff(
        state=window.state,
        pause_reason=window.pause_reason,
        state_since=window.state_since,
        staff_no=staff.staff_no if staff else None,
        staff_name=staff.name if staff else None,
    )


@dataclass(frozen=True)
class QueueCounts:
    waiting: int
    priority_waiting: int

    def ahead_of_new(self, priority: Priority) -> int:
        """How many of those waiting will be called before a ticket issued now."""
        return self.waiting if priority == Priority.normal else self.priority_waiting


def queue_counts(conn: Connection, service_id: int, day: date) -> QueueCounts:
    """The service's waiting tickets that day, from its day counter (kept by every change
    that enters or leaves the queue); counted only for a day without a counter."""
    row = conn.execute(COUNTER_WAITING, {"service_id": service_id, "day": day}).first()
    if row is None:
        row = conn.execute(QUEUE_COUNTS, {"service_id": service_id, "day": day}).one()
    return QueueCounts(int(row[0]), int(row[1]))


def service_counts(session: Session, hall_id: int, now: datetime) -> list[ServiceCount]:
    """Waiting tickets of each service of the hall today, and since when the first waits."""
    hall_row = hall(session, hall_id)
    day = business_day(now, hall_zone(hall_row.timezone))
    services = session.exec(
        select(Service).where(Service.hall_id == hall_id).order_by(col(Service.id))
    )
    conn = session.connection()
    return [
        ServiceCount(
            service_id=s.id or 0,
            name=s.name,
            prefix=s.prefix,
            waiting=queue_counts(conn, s.id or 0, day).waiting,
            oldest_waiting_at=_aware(_oldest_waiting(conn, s.id or 0, day)),
        )
        for s in services
    ]


def _oldest_waiting(conn: Connection, service_id: int, day: date) -> datetime | None:
    """When the longest-waiting ticket of the service entered the queue: one index probe
    per priority (OLDEST_WAITING), not a pass over the waiting tickets."""
    times = [
        conn.execute(
            OLDEST_WAITING, {"service_id": service_id, "day": day, "priority": p.value}
        ).scalar()
        for p in Priority
    ]
    found = [t for t in times if t is not None]
    return min(found) if found else None


def _aware(instant: datetime | None) -> datetime | None:
    """min() over a column comes back without the column type (naive, on SQLite)."""
    if instant is None or instant.tzinfo is not None:
        return instant
    return instant.replace(tzinfo=UTC)


def estimate(
    session: SessionSource, catalog: Catalog, service: ServiceInfo, day: date, ahead: int
) -> int:
    """Estimated wait in minutes for someone with `ahead` people before them."""
    return estimate_wait_minutes(
        ahead,
        catalog.mean_handle_minutes(session, service, day),
        catalog.open_windows(session, service.id),
    )


def people_ahead(session: Session, ticket: Ticket | TicketRow) -> int:
    """Waiting tickets of the same service that will be called first (the domain's order:
    green channel, then appointments by slot, then walk-ins by time in the queue)."""
    earlier = (col(Ticket.entered_queue_at) < ticket.entered_queue_at) | (
        (col(Ticket.entered_queue_at) == ticket.entered_queue_at) & (col(Ticket.id) < ticket.id)
    )
    query = (
        select(func.count())
        .select_from(Ticket)
        .where(
            Ticket.service_id == ticket.service_id,
            Ticket.business_day == ticket.business_day,
            Ticket.status == TicketStatus.waiting,
            col(Ticket.id) != ticket.id,
        )
    )
    green = col(Ticket.priority) != Priority.normal
    if ticket.priority != Priority.normal:
        query = query.where(green, earlier)
    elif ticket.slot_start is not None:
        slot = ticket.slot_start
        earlier_slot = (col(Ticket.slot_start) < slot) | (
            (col(Ticket.slot_start) == slot) & (col(Ticket.id) < ticket.id)
        )
        query = query.where(green | earlier_slot)
    else:
        query = query.where(green | col(Ticket.slot_start).is_not(None) | earlier)
    return session.exec(query).one()


@dataclass(frozen=True)
class AppointmentRecord:
    """An appointment as the routes answer it (plain data: it crosses the writer's pipe)."""

    id: int
    hall_id: int
    service_id: int
    service_name: str
    zone: str
    business_day: date
    slot_start: datetime
    slot_end: datetime
    code: str
    status: str
    id_type: str
    id_last4: str | None
    name: str | None
    phone: str | None
    created_at: datetime
    cancelled_at: datetime | None
    checked_in_at: datetime | None
    ticket_id: int | None
    integration_id: int | None
    check_in_opens_at: datetime
    check_in_closes_at: datetime
    cancel_deadline: datetime
    replayed: bool = False


def appointment_record(
    row: Appointment, service: ServiceInfo, policy: AppointmentPolicy, *, replayed: bool = False
) -> AppointmentRecord:
    slot = Slot(row.slot_start, row.slot_end)
    return AppointmentRecord(
        id=row.id or 0,
        hall_id=row.hall_id,
        service_id=row.service_id,
        service_name=service.name,
        zone=service.zone.key,
        business_day=row.business_day,
        slot_start=row.slot_start,
        slot_end=row.slot_end,
        code=row.code,
        status=row.status,
        id_type=row.id_type,
        id_last4=row.id_last4,
        name=row.name,
        phone=row.phone,
        created_at=row.created_at,
        cancelled_at=row.cancelled_at,
        checked_in_at=row.checked_in_at,
        ticket_id=row.ticket_id,
        integration_id=row.integration_id,
        check_in_opens_at=check_in_opens(slot, policy),
        check_in_closes_at=check_in_closes(slot, policy),
        cancel_deadline=cancel_deadline(slot, policy),
        replayed=replayed,
    )


# --- 扫码过号重排 (issue 27) ----------------------------------------------------------------


def missed_at(session: Session, ticket: Ticket) -> datetime | None:
    """When the ticket was last marked 过号 (its latest ticket.no_show event), or None. Reads
    the hall's no-shows since the ticket was first called (the event index: hall, type, at)."""
    if ticket.called_at is None:
        return None
    rows = session.exec(
        select(Event.at, Event.data)
        .where(
            Event.hall_id == ticket.hall_id,
            Event.type == "ticket.no_show",
            col(Event.at) >= ticket.called_at,
        )
        .order_by(col(Event.at).desc())
    )
    for at, data in rows:
        if data.get("ticket_id") == ticket.id:
            return at
    return None


def rejoin_rule(hall: Hall) -> RejoinRule:
    return RejoinRule(
        allowed=hall.rejoin_allowed,
        minutes=hall.rejoin_minutes,
        position=hall.rejoin_position,
        behind=hall.rejoin_behind,
    )


def queue_keys(session: Session, ticket: Ticket, limit: int) -> tuple[list[datetime], int]:
    """For a ticket about to rejoin its service's queue: the entered_queue_at of the first
    `limit` waiting tickets of its lane (green channel, or walk-ins) in call order, and how
    many of the lanes called before it wait (green channel and checked-in appointments, for
    a walk-in). Tickets that joined in the same microsecond are in id order: a place just
    after one of them is after all of them (the domain's place_after)."""
    green = ticket.priority != Priority.normal
    base = (
        Ticket.service_id == ticket.service_id,
        Ticket.business_day == ticket.business_day,
        Ticket.status == TicketStatus.waiting,
        col(Ticket.id) != ticket.id,
    )
    lane = (
        col(Ticket.priority) != Priority.normal
        if green
        else and_(col(Ticket.priority) == Priority.normal, col(Ticket.slot_start).is_(None))
    )
    keys = list(
        session.exec(
            select(Ticket.entered_queue_at)
            .where(*base, lane)
            .order_by(col(Ticket.entered_queue_at), col(Ticket.id))
            .limit(limit)
        )
    )
    ahead = 0
    if not green:
        before = (col(Ticket.priority) != Priority.normal) | col(Ticket.slot_start).is_not(None)
        ahead = session.exec(select(func.count()).select_from(Ticket).where(*base, before)).one()
    return keys, ahead
