"""差评整改: recording what was done about a bad rating, and the follow-up call (回访)."""

from __future__ import annotations

from client.events import RectificationFollowedUp, RectificationRectified
from server.commands import platform_records
from server.commands.stats_marks import note_late_change
from server.domain.actor import StaffActor, ensure_hall
from server.domain.calendar import WorkingCalendar, add_working_days, hall_zone
from server.domain.errors import Conflict, NotFound
from server.domain.texts import text
from server.store import lookups
from server.store.tables import Rectification
from server.store.transaction import Tx

FOLLOW_UP_WAYS = ("phone", "sms", "visit", "online")


def _load(tx: Tx, actor: StaffActor, rectification_id: int) -> tuple[Rectification, int]:
    rectification = tx.session.get(Rectification, rectification_id)
    if rectification is None:
        raise NotFound(text("rectification.not_found", rectification_id=rectification_id))
    hall_id = lookups.ticket(tx.session, rectification.ticket_id).hall_id
    ensure_hall(actor, hall_id)
    tx.lock_hall(hall_id)
    tx.session.refresh(rectification)  # as it is now that no other process can change it
    return rectification, hall_id


def _changed(tx: Tx, rectification: Rectification) -> None:
    """The statistics of the rated ticket's day change (差评整改率, 按期整改率, 回访率)."""
    ticket = lookups.ticket(tx.session, rectification.ticket_id)
    zone = tx.catalog.service(tx.session, ticket.service_id).zone
    note_late_change(tx, ticket.hall_id, ticket.business_day, zone)


def rectify(
    tx: Tx,
    actor: StaffActor,
    rectification_id: int,
    measures: str,
    *,
    followup_days: int = 1,
    calendar: WorkingCalendar | None = None,
) -> Rectification:
    """整改 recorded; 回访 is then due within the hall's `followup_working_days` (else
    `followup_days`, the deployment's) working days."""
    rectification, hall_id = _load(tx, actor, rectification_id)
    if rectification.closed_at is not None:
        raise Conflict(text("rectification.already_rectified", rectification_id=rectification_id))
    hall = lookups.hall(tx.session, hall_id)
    days = hall.followup_working_days or followup_days
    zone = hall_zone(hall.timezone)
    rectification.followup_deadline = add_working_days(tx.now, days, zone, calendar)
    rectification.closed_at = tx.now
    rectification.note = measures
    rectification.rectified_by = actor.staff_id
    tx.session.add(rectification)
    tx.session.flush()
    _changed(tx, rectification)
    platform_records.rectification_changed(tx, rectification, "rectification")
    tx.emit(
        hall_id,
        RectificationRectified(
            rectification_id=rectification.id or 0,
            ticket_id=rectification.ticket_id,
            on_time=tx.now <= rectification.deadline,
        ),
    )
    return rectification


def follow_up(
    tx: Tx, actor: StaffActor, rectification_id: int, *, way: str, result: str, satisfied: bool
) -> Rectification:
    rectification, hall_id = _load(tx, actor, rectification_id)
    if rectification.closed_at is None:
        raise Conflict(text("rectification.not_rectified", rectification_id=rectification_id))
    if rectification.followup_at is not None:
        raise Conflict(text("rectification.already_followed_up", rectification_id=rectification_id))
    rectification.followup_at = tx.now
    rectification.followup_way = way
    rectification.followup_note = result
    rectification.followup_satisfied = satisfied
    rectification.followup_by = actor.staff_id
    tx.session.add(rectification)
    tx.session.flush()
    _changed(tx, rectification)
    platform_records.rectification_changed(tx, rectification, "followup")
    tx.emit(
        hall_id,
        RectificationFollowedUp(
            rectification_id=rectification.id or 0,
            ticket_id=rectification.ticket_id,
            satisfied=satisfied,
        ),
    )
    return rectification
