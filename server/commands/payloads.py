"""Build the live feed's typed events (client/events.py) from the tables."""

from __future__ import annotations

from typing import TypeVar

from sqlmodel import Session

from client.events import TicketFields, WindowStatus
from server.store import lookups
from server.store.tables import Ticket, Window

T = TypeVar("T", bound=TicketFields)


def ticket_event(
    model: type[T],
    ticket: Ticket,
    *,
    service_name: str,
    waiting: int,
    window_number: str | None = None,
    **extra: object,
) -> T:
    return model.model_validate(
        {
            "ticket_id": ticket.id,
            "number": ticket.number,
            "service_id": ticket.service_id,
            "service_name": service_name,
            "status": str(ticket.status),
            "priority": str(ticket.priority),
            "window_id": ticket.window_id,
            "window_number": window_number,
            "outcome": ticket.outcome,
            "recall_count": ticket.recall_count,
            "entered_queue_at": ticket.entered_queue_at,
            "waiting": waiting,
            **extra,
        }
    )


def window_event(session: Session, window: Window) -> WindowStatus:
    return WindowStatus(
        window_id=window.id or 0,
        window_number=window.number,
        **lookups.window_staff(session, window),
    )
