"""好差评: one evaluation per finished ticket; a bad one opens a rectification (差评整改)."""

from __future__ import annotations

from sqlmodel import select

from client.events import EvaluationCreated
from server.commands import platform_records
from server.commands.alerts import raise_alert
from server.commands.stats_marks import note_late_change
from server.domain.actor import Actor, DeviceActor, PublicActor, StaffActor, ensure_hall
from server.domain.calendar import WorkingCalendar, add_working_days, hall_zone
from server.domain.enums import DeviceKind, EvaluationChannel, Role, TicketStatus
from server.domain.errors import AlreadyExists, Conflict, NotFound, PermissionDenied
from server.domain.rating import rating_closes_at
from server.domain.texts import text
from server.store import lookups
from server.store.tables import Evaluation, Hall, Rectification, Staff, Ticket, Window
from server.store.transaction import Tx

BAD_LEVELS = (1, 2)


def evaluate(
    tx: Tx,
    actor: Actor,
    ticket_id: int,
    level: int,
    reasons: list[str],
    comment: str | None,
    *,
    rectification_days: int,
    calendar: WorkingCalendar | None = None,
) -> Evaluation:
    ticket = lookups.ticket_to_change(tx, ticket_id)
    if isinstance(actor, PublicActor):
        if actor.public_token != ticket.public_token:
            raise PermissionDenied(text("ticket.public_not_found"))
        channel = EvaluationChannel.mobile
    elif isinstance(actor, DeviceActor):
        if actor.hall_id != ticket.hall_id:
            raise PermissionDenied(text("auth.other_hall"))
        if actor.kind == DeviceKind.window:
            if actor.window_id != ticket.window_id:
                raise PermissionDenied(text("ticket.evaluation_other_window", number=ticket.number))
            channel = EvaluationChannel.window
        elif actor.kind == DeviceKind.kiosk:
            channel = EvaluationChannel.kiosk
        else:
            raise PermissionDenied(text("auth.device_kind", kinds="窗口评价器或自助终端"))
    elif isinstance(actor, StaffActor) and actor.role in (Role.supervisor, Role.admin):
        # a rating the applicant gave by phone, entered at the console (评价渠道 电话)
        ensure_hall(actor, ticket.hall_id)
        channel = EvaluationChannel.phone
    else:
        raise PermissionDenied(text("ticket.evaluation_staff"))
    if ticket.status != TicketStatus.done:
        raise Conflict(text("ticket.not_finished", number=ticket.number))
    if channel in (EvaluationChannel.mobile, EvaluationChannel.phone):  # within the rating window
        hall_row = tx.session.get(Hall, ticket.hall_id)
        assert hall_row is not None
        closes = rating_closes_at(ticket.finished_at, hall_row.rating_window_days)
        if closes is not None and tx.now > closes:
            finished = ticket.finished_at.astimezone(hall_zone(hall_row.timezone))  # type: ignore[union-attr]
            raise Conflict(
                text(
                    "ticket.rating_closed",
                    number=ticket.number,
                    finished=finished.strftime("%Y-%m-%d %H:%M"),
                    days=hall_row.rating_window_days,
                ),
                code="rating_closed",
            )
    existing = tx.session.exec(select(Evaluation).where(Evaluation.ticket_id == ticket.id)).first()
    if existing is not None:
        raise AlreadyExists(text("ticket.already_evaluated", number=ticket.number))
    evaluation = Evaluation(
        ticket_id=ticket.id or 0,
        hall_id=ticket.hall_id,
        level=level,
        reasons=reasons,
        comment=comment,
        channel=channel,
        created_at=tx.now,
    )
    tx.session.add(evaluation)
    tx.session.flush()
    zone = tx.catalog.service(tx.session, ticket.service_id).zone
    note_late_change(tx, ticket.hall_id, ticket.business_day, zone)  # rated the next day
    if level in BAD_LEVELS:
        hall = tx.session.get(Hall, ticket.hall_id)
        assert hall is not None
        days = hall.rectification_working_days or rectification_days  # the hall's own, if set
        deadline = add_working_days(tx.now, days, hall_zone(hall.timezone), calendar)
        tx.session.add(
            Rectification(
                evaluation_id=evaluation.id or 0,
                ticket_id=ticket.id or 0,
                opened_at=tx.now,
                deadline=deadline,
            )
        )
    platform_records.rating_made(tx, evaluation, ticket)  # to the 好差评 platform, if any
    window = tx.session.get(Window, ticket.window_id) if ticket.window_id else None
    staff = tx.session.get(Staff, ticket.staff_id) if ticket.staff_id else None
    tx.emit(
        ticket.hall_id,
        EvaluationCreated(
            ticket_id=ticket.id or 0,
            number=ticket.number,
            service_id=ticket.service_id,
            window_id=ticket.window_id,
            window_number=window.number if window else None,
            staff_no=staff.staff_no if staff else None,
            level=level,
            reasons=reasons,
            channel=channel,
            entered_by=actor.staff_no if isinstance(actor, StaffActor) else None,
        ),
    )
    if level in BAD_LEVELS:
        reasons_text = "、".join(reasons)
        sentence = text(
            "alert.bad_rating",
            number=ticket.number,
            window=window.number if window else "—",
            level=text(f"level.{level}"),
            reasons=text("alert.bad_rating_reasons", reasons=reasons_text) if reasons else "",
        )
        data = {"ticket_id": ticket.id or 0}
        if ticket.window_id:
            data["window_id"] = ticket.window_id
        raise_alert(tx, ticket.hall_id, "bad_rating", f"ticket:{ticket.id}", sentence, data=data)
    return evaluation


def evaluate_by_token(
    tx: Tx,
    public_token: str,
    level: int,
    reasons: list[str],
    comment: str | None,
    *,
    rectification_days: int,
    calendar: WorkingCalendar | None = None,
) -> Evaluation:
    """The ticket's QR page rates it: the holder of the token, as `evaluate` checks it."""
    ticket_id = tx.session.exec(
        select(Ticket.id).where(Ticket.public_token == public_token)
    ).first()
    if ticket_id is None:
        raise NotFound(text("ticket.public_not_found"))
    return evaluate(
        tx,
        PublicActor(public_token),
        ticket_id,
        level,
        reasons,
        comment,
        rectification_days=rectification_days,
        calendar=calendar,
    )
