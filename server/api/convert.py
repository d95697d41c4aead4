"""Table rows to API shapes."""

from __future__ import annotations

from server.api.schemas import TicketOut
from server.store.tables import Ticket


def ticket_out(ticket: Ticket) -> TicketOut:
    return TicketOut(
        id=ticket.id or 0,
        number=ticket.number,
        hall_id=ticket.hall_id,
        service_id=ticket.service_id,
        status=ticket.status,
        priority=ticket.priority,
        source=ticket.source,
        outcome=ticket.outcome,
        issued_at=ticket.issued_at,
        called_at=ticket.called_at,
        serving_started_at=ticket.serving_started_at,
        finished_at=ticket.finished_at,
        window_id=ticket.window_id,
        recall_count=ticket.recall_count,
        no_show_count=ticket.no_show_count,
        origin_ticket_id=ticket.origin_ticket_id,
        transferred_to_id=ticket.transferred_to_id,
    )
