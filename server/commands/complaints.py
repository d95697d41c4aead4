"""投诉: recording a complaint and handling it (已受理 → 已办结). Each change is an audit event."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlmodel import select

from client.events import ComplaintCreated, ComplaintHandled
from server.domain.actor import StaffActor, ensure_hall
from server.domain.calendar import WorkingCalendar, add_working_days, hall_zone
from server.domain.errors import Conflict, InvalidInput, NotFound
from server.domain.texts import text
from server.store import lookups
from server.store.tables import Complaint, Staff
from server.store.transaction import Tx

CHANNELS = ("onsite", "phone", "12345", "online", "letter")
CLOCK_SKEW = timedelta(minutes=5)  # a time typed on another PC may run slightly ahead


def _not_future(tx: Tx, at: datetime, name: str) -> None:
    if at > tx.now + CLOCK_SKEW:
        raise InvalidInput(text("complaint.future", name=name))


def create_complaint(
    tx: Tx,
    actor: StaffActor,
    hall_id: int,
    *,
    channel: str,
    content: str,
    ticket_id: int | None = None,
    window_id: int | None = None,
    staff_no: str | None = None,
    service_id: int | None = None,
    complainant_name: str | None = None,
    complainant_phone: str | None = None,
    received_at: datetime | None = None,
    deadline_working_days: int,
    calendar: WorkingCalendar | None = None,
) -> Complaint:
    ensure_hall(actor, hall_id)
    tx.lock_hall(hall_id)
    hall = lookups.hall(tx.session, hall_id)
    if channel not in CHANNELS:
        raise InvalidInput(text("complaint.bad_channel"))
    if ticket_id is not None and lookups.ticket(tx.session, ticket_id).hall_id != hall_id:
        raise InvalidInput(text("complaint.other_hall", what=f"号票 {ticket_id}"))
    if window_id is not None and lookups.window(tx.session, window_id).hall_id != hall_id:
        raise InvalidInput(text("complaint.other_hall", what=f"窗口 {window_id}"))
    if service_id is not None and lookups.service(tx.session, service_id).hall_id != hall_id:
        raise InvalidInput(text("complaint.other_hall", what=f"业务 {service_id}"))
    staff_id = None
    if staff_no:
        staff = tx.session.exec(select(Staff).where(Staff.staff_no == staff_no)).first()
        if staff is None or staff.hall_id not in (None, hall_id):
            raise InvalidInput(text("complaint.other_hall", what=f"工号 {staff_no}"))
        staff_id = staff.id
    received = received_at or tx.now
    _not_future(tx, received, "受理时间 received_at")
    complaint = Complaint(
        hall_id=hall_id,
        channel=channel,
        content=content,
        complainant_name=complainant_name or None,
        complainant_phone=complainant_phone or None,
        ticket_id=ticket_id,
        window_id=window_id,
        staff_id=staff_id,
        service_id=service_id,
        state="accepted",
        received_at=received,
        deadline=add_working_days(
            received, deadline_working_days, hall_zone(hall.timezone), calendar
        ),
        created_by=actor.staff_id,
    )
    tx.session.add(complaint)
    tx.session.flush()
    tx.emit(
        hall_id,
        ComplaintCreated(complaint_id=complaint.id or 0, channel=channel, state="accepted"),
    )
    return complaint


def handle_complaint(
    tx: Tx,
    actor: StaffActor,
    complaint_id: int,
    *,
    result: str,
    handled_at: datetime | None = None,
    close: bool = True,
) -> Complaint:
    complaint = tx.session.get(Complaint, complaint_id)
    if complaint is None:
        raise NotFound(text("complaint.not_found", complaint_id=complaint_id))
    ensure_hall(actor, complaint.hall_id)
    tx.lock_hall(complaint.hall_id)
    tx.session.refresh(complaint)  # as it is now that no other process can change it
    if complaint.state == "closed":
        raise Conflict(text("complaint.closed", complaint_id=complaint_id))
    at = handled_at or tx.now
    _not_future(tx, at, "处理时间 handled_at")
    if at < complaint.received_at:
        raise InvalidInput(text("complaint.before_received", received=complaint.received_at))
    complaint.result = result
    complaint.handled_at = at
    complaint.handled_by = actor.staff_id
    if close:
        complaint.state = "closed"
        complaint.closed_at = at
    tx.session.add(complaint)
    tx.session.flush()
    tx.emit(
        complaint.hall_id,
        ComplaintHandled(
            complaint_id=complaint.id or 0,
            state="closed" if close else "accepted",
            on_time=at <= complaint.deadline if close else None,
        ),
    )
    return complaint
