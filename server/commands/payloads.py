"""The data carried by live-feed events (see docs/live-feed.md)."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from server.store.tables import Service, Staff, Ticket, Window


def ticket_event(
    session: Session, ticket: Ticket, *, waiting: int, window: Window | None = None
) -> dict[str, Any]:
    service = session.get(Service, ticket.service_id)
    if window is None and ticket.window_id is not None:
        window = session.get(Window, ticket.window_id)
    return {
        "ticket_id": ticket.id,
        "number": ticket.number,
        "service_id": ticket.service_id,
        "service_name": service.name if service else None,
        "status": ticket.status,
        "priority": ticket.priority,
        "window_id": window.id if window else None,
        "window_number": window.number if window else None,
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
