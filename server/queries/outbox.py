"""Where a hall's records to the 好差评 platform stand: sent today, still to send, the oldest
one's age, and those that failed with the platform's answer (GET /platform/outbox)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func
from sqlmodel import Session, col, select

from client.platform import OutboxItem, PlatformOutbox
from server.domain.alerts import AlertCondition
from server.domain.calendar import business_day, day_bounds, hall_zone
from server.domain.outbox import OutboxState
from server.domain.rating_loop import platform_backlog, platform_failed
from server.outbox import profile as profiles
from server.store import lookups
from server.store.tables import OutboxMessage, Receiver, Ticket

CHANNEL = "platform"
LISTED = 20  # waiting records listed (the oldest); failed ones are all listed, up to FAILED
FAILED = 500


def delivery_state(
    session: Session, hall_id: int, now: datetime, channel: str = CHANNEL
) -> PlatformOutbox:
    """Where the hall's messages of `channel` stand: the 好差评 platform's records, or the
    text messages to applicants ("sms")."""
    hall = lookups.hall(session, hall_id)
    receiver = session.exec(
        select(Receiver).where(Receiver.hall_id == hall_id, Receiver.channel == channel)
    ).first()
    ours = (OutboxMessage.hall_id == hall_id, OutboxMessage.channel == channel)
    start, _ = day_bounds(business_day(now, hall_zone(hall.timezone)), hall_zone(hall.timezone))
    sent_today = session.exec(
        select(func.count())
        .select_from(OutboxMessage)
        .where(*ours, OutboxMessage.state == OutboxState.sent, col(OutboxMessage.sent_at) >= start)
    ).one()
    pending = session.exec(
        select(func.count())
        .select_from(OutboxMessage)
        .where(*ours, OutboxMessage.state == OutboxState.pending)
    ).one()
    waiting = _items(session, OutboxState.pending, hall_id, LISTED, channel)
    oldest = (now - waiting[0].created_at).total_seconds() if waiting else None
    title = None
    if receiver is not None:
        try:
            title = profiles.load(channel, receiver.profile).title
        except profiles.ProfileError:
            title = None
    alert_minutes = receiver.alert_minutes if receiver is not None else None
    return PlatformOutbox(
        hall_id=hall_id,
        configured=receiver is not None,
        profile=receiver.profile if receiver is not None else None,
        profile_title=title,
        url=receiver.url if receiver is not None else None,
        alert_minutes=alert_minutes,
        sent_today=sent_today,
        pending=pending,
        oldest_pending_s=oldest,
        overdue=oldest is not None and alert_minutes is not None and oldest > alert_minutes * 60,
        failed=_items(session, OutboxState.failed, hall_id, FAILED, channel),
        waiting=waiting,
    )


def _items(
    session: Session, state: OutboxState, hall_id: int, limit: int, channel: str = CHANNEL
) -> list[OutboxItem]:
    messages = session.exec(
        select(OutboxMessage)
        .where(
            OutboxMessage.hall_id == hall_id,
            OutboxMessage.channel == channel,
            OutboxMessage.state == state,
        )
        .order_by(col(OutboxMessage.created_at), col(OutboxMessage.id))
        .limit(limit)
    ).all()
    ids = {i for m in messages if (i := _ticket_id(m)) is not None}
    numbers = dict(
        session.exec(select(Ticket.id, Ticket.number).where(col(Ticket.id).in_(ids))).all()
    )
    return [item(m, numbers.get(_ticket_id(m) or 0)) for m in messages]


def _ticket_id(message: OutboxMessage) -> int | None:
    """Subjects are tickets: `ticket:<id>` (the platform's), `ticket:<id>:<which>` (a text
    message's: each its own subject)."""
    if message.subject.startswith("ticket:"):
        return int(message.subject.removeprefix("ticket:").split(":", 1)[0])
    return None


def item(message: OutboxMessage, number: str | None = None) -> OutboxItem:
    return OutboxItem(
        id=message.id or 0,
        kind=message.kind,
        key=message.key,
        state=message.state,
        ticket_id=_ticket_id(message),
        ticket_number=number,
        created_at=message.created_at,
        attempts=message.attempts,
        next_attempt_at=message.next_attempt_at if message.state == OutboxState.pending else None,
        last_attempt_at=message.last_attempt_at,
        last_status=message.last_status,
        last_answer=message.last_answer,
        handled_note=message.handled_note,
    )


def platform_conditions(session: Session, hall_id: int, now: datetime) -> list[AlertCondition]:
    """The hall's records stuck on their way to the platform, as alert conditions (the
    server's watch keeps them in step: server/queries/alerts.py)."""
    receiver = session.exec(
        select(Receiver).where(Receiver.hall_id == hall_id, Receiver.channel == CHANNEL)
    ).first()
    if receiver is None:
        return []
    ours = (OutboxMessage.hall_id == hall_id, OutboxMessage.channel == CHANNEL)
    oldest = session.exec(
        select(OutboxMessage.created_at)
        .where(*ours, OutboxMessage.state == OutboxState.pending)
        .order_by(col(OutboxMessage.created_at))
        .limit(1)
    ).first()
    failed = session.exec(
        select(OutboxMessage.id).where(*ours, OutboxMessage.state == OutboxState.failed).limit(1)
    ).first()
    found = [
        platform_backlog(hall_id, oldest, receiver.alert_minutes, now),
        platform_failed(hall_id, 1 if failed is not None else 0),
    ]
    return [c for c in found if c is not None]
