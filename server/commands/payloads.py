"""The data carried by live-feed events (see docs/live-feed.md)."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from server.store.tables import Staff, Ticket, Window


def ticket_event(
    ticket: Ticket, *, service_name: str, waiting: int, window_number: str | None = None
) -> dict[str, Any]:
    return {
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
        "waiting": waiting,
    }


def window_event(session: Session, window: Window) -> dict[str, Any]:
    staff = session.get(Staff, window.staff_id) if window.staff_id else None
    return {
        "window_id": window.id,
        "window_number": window.number,
        "state": window.state,
        "pause_reason": window.pause_reason,
        "staff_no": staff.staff_no if staff else None,
        "staff_name": staff.name if staff else None,
    }
