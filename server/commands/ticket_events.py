"""The data of ticket events, built straight as the JSON the typed models give.

`client/events.py` is the contract: a ticket event's data is exactly
`Model.model_validate(fields).model_dump(mode="json")` (tests/test_ticket_events.py checks it
for every ticket event type). On the hot paths that double pass through pydantic cost more
than the SQL of the change itself, so the dict is built here directly, keys in the models'
order, instants in pydantic's JSON form.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from client import events as ev
from server.store.hot import TicketRow


def json_instant(instant: datetime) -> str:
    """An instant as pydantic writes it in JSON (UTC with a Z)."""
    text = instant.astimezone(UTC).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def ticket_fields(
    ticket: TicketRow, *, service_name: str, waiting: int, window_number: str | None
) -> dict[str, Any]:
    """The fields every ticket event carries (ev.TicketFields), after the change."""
    return {
        "ticket_id": ticket.id,
        "number": ticket.number,
        "service_id": ticket.service_id,
        "service_name": service_name,
        "status": ticket.status,
        "priority": ticket.priority,
        "window_id": ticket.window_id,
        "window_number": window_number,
        "outcome": ticket.outcome,
        "recall_count": ticket.recall_count,
        "entered_queue_at": json_instant(ticket.entered_queue_at),
        "waiting": waiting,
        "appointment": appointment_ref(ticket),
        "elderly": bool(ticket.elderly),
    }


def appointment_ref(ticket: TicketRow) -> dict[str, Any] | None:
    """ev.AppointmentRef of an appointment's ticket, as JSON; None for a walk-in."""
    if ticket.appointment_id is None or ticket.slot_start is None or ticket.slot_end is None:
        return None
    return {
        "id": ticket.appointment_id,
        "slot_start": json_instant(ticket.slot_start),
        "slot_end": json_instant(ticket.slot_end),
    }


TICKET_EVENT_TYPES: dict[str, str] = {
    "issue": ev.TicketIssued.TYPE,
    "call": ev.TicketCalled.TYPE,
    "recall": ev.TicketRecalled.TYPE,
    "no_show": ev.TicketNoShow.TYPE,
    "start": ev.TicketServing.TYPE,
    "finish": ev.TicketFinished.TYPE,
    "requeue": ev.TicketRequeued.TYPE,
    "cancel": ev.TicketCancelled.TYPE,
}
