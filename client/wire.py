"""The live feed's messages, shared by the server (which sends them) and every client.

Wire format: {"seq": n, "type": "...", "at": "ISO-8601 UTC", "data": {...}}.
See docs/live-feed.md.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal, get_args

from pydantic import BaseModel, Field

EventType = Literal[
    "ticket.issued",
    "ticket.called",
    "ticket.recalled",
    "ticket.serving",
    "ticket.finished",
    "ticket.no_show",
    "ticket.requeued",
    "ticket.transferred",
    "ticket.cancelled",
    "window.status",
    "queue.counts",
    "notice.updated",
    "evaluation.created",
]
EVENT_TYPES: tuple[str, ...] = get_args(EventType)


class LiveMessage(BaseModel):
    """One event of a hall's log, as delivered live or replayed."""

    seq: int
    type: EventType
    at: datetime
    data: dict[str, Any] = Field(default_factory=dict)


class ServiceCount(BaseModel):
    service_id: int
    name: str
    prefix: str
    waiting: int


class WindowView(BaseModel):
    window_id: int
    window_number: str
    state: str
    pause_reason: str | None = None
    staff_no: str | None = None
    staff_name: str | None = None
    current_ticket_id: int | None = None
    current_number: str | None = None
    current_status: str | None = None


class SnapshotData(BaseModel):
    hall_id: int
    hall_name: str
    business_day: str
    services: list[ServiceCount]
    windows: list[WindowView]
    recent_calls: list[dict[str, Any]] = Field(default_factory=list)


class SnapshotMessage(BaseModel):
    """Sent first when the client's `since` is absent or older than the server keeps."""

    seq: int
    type: Literal["snapshot"] = "snapshot"
    at: datetime
    data: SnapshotData


class ErrorMessage(BaseModel):
    type: Literal["error"] = "error"
    code: str
    detail: str


def parse_message(raw: dict[str, Any]) -> LiveMessage | SnapshotMessage | ErrorMessage:
    kind = raw.get("type")
    if kind == "snapshot":
        return SnapshotMessage.model_validate(raw)
    if kind == "error":
        return ErrorMessage.model_validate(raw)
    return LiveMessage.model_validate(raw)
