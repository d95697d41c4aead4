"""Table rows to API shapes."""

from __future__ import annotations

from server.api.schemas import TicketOut, WindowOut
from server.store.tables import Ticket, Window


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


def window_out(window: Window, service_ids: list[int]) -> WindowOut:
    return WindowOut(
        id=window.id or 0,
        hall_id=window.hall_id,
        number=window.number,
        state=window.state,
        pause_reason=window.pause_reason,
        staff_id=window.staff_id,
        service_ids=service_ids,
    )
