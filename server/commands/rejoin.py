"""扫码过号重排 (issue 27): the holder of a ticket's link puts it back in the queue after a
missed call — the rules are server/domain/rejoin.py; the hall's settings say whether, for how
many minutes after the 过号 and where (behind the next N, or at the end).

The ticket goes back to waiting exactly as the window's 过号重排 puts it (the same
ticket.requeued event, the service's waiting count), with `by_applicant` set on the event,
`rejoined_at` on the ticket (once per ticket) and its place moved: `entered_queue_at` becomes
its new place, `first_entered_queue_at` keeps when it first joined (its wait is measured from
there, as for any requeued no-show: INDICATORS.md)."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from sqlalchemy import update
from sqlmodel import select

from client import events as ev
from server.commands.stats_marks import note_late_change
from server.commands.ticket_events import ticket_fields
from server.domain.enums import Priority, TicketStatus
from server.domain.errors import Gone, NotFound
from server.domain.lifecycle import next_ticket_status
from server.domain.rating import link_expires_at
from server.domain.rejoin import check_rejoin, place_after
from server.domain.texts import text
from server.store import lookups
from server.store.hot import TicketRow
from server.store.statements import TICKET
from server.store.tables import Hall, Ticket
from server.store.transaction import Tx


def rejoin_by_token(tx: Tx, public_token: str) -> TicketRow:
    """Put the no-show ticket of this link back in its service's queue; the ticket after."""
    ticket_id = tx.session.exec(
        select(Ticket.id).where(Ticket.public_token == public_token)
    ).first()
    if ticket_id is None:
        raise NotFound(text("ticket.public_not_found"))
    found = tx.hot.one("hall_of_ticket", {"id": ticket_id})
    assert found is not None
    tx.lock_hall(int(found[0]))  # then read: another request may be changing it
    ticket = tx.session.get(Ticket, ticket_id, populate_existing=True)
    hall = tx.session.get(Hall, int(found[0]))
    assert ticket is not None and hall is not None
    zone = ZoneInfo(hall.timezone)
    expires = link_expires_at(
        ticket.finished_at, ticket.business_day, zone, hall.rating_window_days
    )
    if tx.now > expires:
        raise Gone(text("ticket.public_expired", number=ticket.number))
    rule = lookups.rejoin_rule(hall)
    missed = lookups.missed_at(tx.session, ticket)
    until = rule.until(missed)
    check_rejoin(
        rule,
        number=ticket.number,
        status=ticket.status,
        status_text=text(f"status.{ticket.status}"),
        rejoined=ticket.rejoined_at is not None,
        missed_at=missed,
        now=tx.now,
        zone_format=until.astimezone(zone).strftime("%H:%M") if until else "—",
    )
    if ticket.slot_start is not None:  # an appointment: back in its slot's lane, as it was
        place = ticket.entered_queue_at
    else:
        keys, ahead_elsewhere = lookups.queue_keys(tx.session, ticket, max(rule.behind, 1))
        place = place_after(keys, ahead_elsewhere, rule, tx.now)
    status = next_ticket_status("requeue", TicketStatus(ticket.status), number=ticket.number)
    first_joined = ticket.first_entered_queue_at or ticket.entered_queue_at
    tx.conn.execute(
        update(TICKET)
        .where(TICKET.c.id == ticket_id)
        .values(
            status=status.value,
            entered_queue_at=place,
            first_entered_queue_at=first_joined,
            rejoined_at=tx.now,
        )
    )
    tx.session.expire(ticket)
    after = tx.hot.ticket(ticket_id)
    assert after is not None
    row, window_number = after.ticket, after.window_number
    service = tx.catalog.service(tx.open_session, row.service_id)
    note_late_change(tx, row.hall_id, row.business_day, service.zone)
    green = row.priority != Priority.normal
    waiting = tx.hot.add_waiting(row.service_id, row.business_day, 1, green)
    data = ticket_fields(
        row, service_name=service.name, waiting=waiting, window_number=window_number
    )
    data["by_applicant"] = True
    tx.emit_data(row.hall_id, ev.TicketRequeued.TYPE, data)
    return row
