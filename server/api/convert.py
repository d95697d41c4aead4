"""Ticket records to API shapes, and those shapes as ready-made JSON answers.

The ticket routes answer with `json_answer(...)`: the response model built without
re-validation (the values come from the store, already typed) and serialised once by
pydantic. FastAPI would otherwise validate the returned model against `response_model`
again and serialise it in two passes; the route still declares `response_model`, so the
OpenAPI document is the same.
"""

from __future__ import annotations

from typing import Any

from fastapi import Response
from pydantic import BaseModel

from client.events import AppointmentRef
from server.api.schemas import IssuedTicketOut, TicketOut
from server.commands.tickets import IssuedTicket
from server.store.hot import TicketRow


def _ticket_values(ticket: TicketRow) -> dict[str, Any]:
    """TicketOut's fields of the ticket."""
    return {
        "id": ticket.id,
        "number": ticket.number,
        "hall_id": ticket.hall_id,
        "service_id": ticket.service_id,
        "status": ticket.status,
        "priority": ticket.priority,
        "source": ticket.source,
        "outcome": ticket.outcome,
        "issued_at": ticket.issued_at,
        "called_at": ticket.called_at,
        "serving_started_at": ticket.serving_started_at,
        "finished_at": ticket.finished_at,
        "window_id": ticket.window_id,
        "recall_count": ticket.recall_count,
        "no_show_count": ticket.no_show_count,
        "origin_ticket_id": ticket.origin_ticket_id,
        "transferred_to_id": ticket.transferred_to_id,
        "appointment": _appointment(ticket),
    }


def _appointment(ticket: TicketRow) -> AppointmentRef | None:
    if ticket.appointment_id is None or ticket.slot_start is None or ticket.slot_end is None:
        return None
    return AppointmentRef.model_construct(
        id=ticket.appointment_id, slot_start=ticket.slot_start, slot_end=ticket.slot_end
    )


def ticket_out(ticket: TicketRow) -> TicketOut:
    return TicketOut.model_construct(**_ticket_values(ticket))


def issued_ticket_out(issued: IssuedTicket, base_url: str) -> IssuedTicketOut:
    t = issued.ticket
    return IssuedTicketOut.model_construct(
        **_ticket_values(t),
        ahead=issued.ahead,
        estimated_wait_minutes=issued.estimated_wait_minutes,
        public_token=t.public_token,
        public_url=f"{base_url}/t/{t.public_token}",
    )


def json_answer(model: BaseModel, status_code: int = 200) -> Response:
    return Response(model.model_dump_json(), status_code, media_type="application/json")
