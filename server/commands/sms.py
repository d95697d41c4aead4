"""短信提醒 (issue 27): an applicant leaves a mobile number at the kiosk for one ticket, and
the hall's SMS gateway texts "前面还有 N 人" (at the hall's notify_ahead) and "请到 N 号窗口"
(at each call) — messages of the outbox's "sms" channel, sent by the outbox's sender through
the hall's gateway profile (server/outbox/profiles/sms/), like the 好差评 platform's records:
at least once, the idempotency key per ticket and call, retries, a failed list.

Never on a call's path: `queue_texts` is a writer job of its own, run for the halls whose
tickets moved (server/app.py, at most once a second per hall), after their changes
committed. It reads the state, not the events, so a missed round is made up by the next one.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete
from sqlmodel import Session, col, select

from server.commands.maintenance import retention
from server.commands.outbox import enqueue, find
from server.domain import sms
from server.domain.actor import DeviceActor, ensure_hall
from server.domain.enums import DeviceKind, TicketStatus
from server.domain.errors import Conflict, NotFound, PermissionDenied
from server.domain.outbox import OutboxState
from server.domain.texts import text
from server.store.lookups import people_ahead
from server.store.tables import Hall, OutboxMessage, Receiver, Ticket, TicketPhone, Window
from server.store.transaction import Tx

CHANNEL = "sms"
KEEP_AT_MOST = timedelta(hours=12)  # a number is gone by the night after its day


def _has_gateway(tx: Tx, hall_id: int) -> bool:
    return has_gateway(tx.session, hall_id)


def has_gateway(session: Session, hall_id: int) -> bool:
    """Does the hall send text messages (an [sms] gateway in its hall file)?"""
    return (
        session.exec(
            select(Receiver.id).where(Receiver.hall_id == hall_id, Receiver.channel == CHANNEL)
        ).first()
        is not None
    )


def add_phone(tx: Tx, actor: DeviceActor, ticket_id: int, raw_phone: str) -> str:
    """The kiosk that issued the ticket records the applicant's number for it (opt-in);
    the number as it may be shown (138****1234)."""
    phone = sms.checked_phone(raw_phone)
    ticket = tx.session.get(Ticket, ticket_id)
    if ticket is None:
        raise NotFound(text("ticket.not_found", ticket_id=ticket_id))
    ensure_hall(actor, ticket.hall_id)
    if actor.kind != DeviceKind.kiosk or ticket.device_id != actor.device_id:
        raise PermissionDenied(text("sms.not_yours"))
    if not _has_gateway(tx, ticket.hall_id):
        raise Conflict(text("sms.off"), code="sms_off")
    if ticket.status != TicketStatus.waiting:
        raise Conflict(text("sms.not_waiting", number=ticket.number), code="sms_not_waiting")
    row = tx.session.get(TicketPhone, ticket_id)
    if row is None:
        row = TicketPhone(ticket_id=ticket_id, hall_id=ticket.hall_id, phone=phone,
                          created_at=tx.now)  # fmt: skip
    row.phone = phone
    tx.session.add(row)
    return sms.masked(phone)


def queue_texts(tx: Tx, hall_ids: list[int]) -> int:
    """Write the messages now due for these halls' tickets with a number: near (once per
    ticket) and called (once per call). How many were written."""
    written = 0
    for hall_id in hall_ids:
        if not _has_gateway(tx, hall_id):
            continue
        hall = tx.session.get(Hall, hall_id)
        assert hall is not None
        rows = tx.session.exec(
            select(TicketPhone, Ticket)
            .join(Ticket, col(Ticket.id) == TicketPhone.ticket_id)
            .where(
                TicketPhone.hall_id == hall_id,
                col(Ticket.status).in_([TicketStatus.waiting, TicketStatus.called]),
            )
        ).all()
        for phone, ticket in rows:
            written += _due(tx, hall, phone.phone, ticket)
    return written


def _due(tx: Tx, hall: Hall, phone: str, ticket: Ticket) -> int:
    assert ticket.id is not None
    # each message its own subject: a failed "near" must not hold the call's message back
    if ticket.status == TicketStatus.waiting:
        if hall.notify_ahead <= 0:
            return 0
        key = sms.near_key(ticket.id)
        if find(tx, CHANNEL, key) is not None:
            return 0
        ahead = people_ahead(tx.session, ticket)
        if ahead > hall.notify_ahead:
            return 0
        payload = sms.near_message(hall.name, ticket.number, ahead, phone)
        subject = f"ticket:{ticket.id}:near"
        enqueue(tx, channel=CHANNEL, hall_id=hall.id or 0, subject=subject, kind="near",
                key=key, payload=payload)  # fmt: skip
        return 1
    called_at = ticket.last_called_at or ticket.called_at
    window = tx.session.get(Window, ticket.window_id) if ticket.window_id else None
    if called_at is None or window is None:
        return 0
    key = sms.called_key(ticket.id, called_at)
    if find(tx, CHANNEL, key) is not None:
        return 0
    payload = sms.called_message(hall.name, ticket.number, window.number, phone)
    subject = f"ticket:{ticket.id}:{key.rsplit('-', 1)[-1]}"
    enqueue(tx, channel=CHANNEL, hall_id=hall.id or 0, subject=subject, kind="called", key=key,
            payload=payload)  # fmt: skip
    return 1


@retention("sms_phones", "短信提醒手机号")
def forget_phones(tx: Tx, before: datetime) -> int:
    """Numbers left for 短信提醒 go with the day's personal data: every number older than
    `before` or than 12 hours (the night after its day) is deleted, and the messages written
    for it keep only the masked number (one still unsent is settled: 号码已删除)."""
    cutoff = max(before, tx.now - KEEP_AT_MOST)
    result = tx.session.execute(delete(TicketPhone).where(col(TicketPhone.created_at) < cutoff))
    cleared = int(getattr(result, "rowcount", 0) or 0)
    old = tx.session.exec(
        select(OutboxMessage).where(
            OutboxMessage.channel == CHANNEL, col(OutboxMessage.created_at) < cutoff
        )
    ).all()
    for message in old:
        phone = str(message.payload.get("phone", ""))
        if phone and "*" not in phone:
            message.payload = {**message.payload, "phone": sms.masked(phone)}
            if message.state == OutboxState.pending:
                message.state = OutboxState.skipped
                message.handled_note = text("sms.expired")
            tx.session.add(message)
            cleared += 1
    return cleared
