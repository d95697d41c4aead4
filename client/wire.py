"""The live feed's messages, shared by the server (which sends them) and every client.

Wire format: {"seq": n, "type": "...", "at": "ISO-8601 UTC", "data": {...}}.
`data` is parsed into the typed model of its type (client/events.py). See docs/live-feed.md.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
)

from client.events import (
    EVENT_MODELS,
    AppointmentRef,
    EventData,
    ServiceCount,
    UnknownEvent,
    parse_event,
)

log = logging.getLogger(__name__)

EVENT_TYPES: tuple[str, ...] = tuple(EVENT_MODELS)

__all__ = [
    "EVENT_TYPES",
    "ErrorMessage",
    "LiveMessage",
    "RecentCall",
    "ServiceCount",
    "SnapshotData",
    "SnapshotMessage",
    "WindowView",
    "parse_message",
]


class LiveMessage(BaseModel):
    """One event of a hall's log, as delivered live or replayed."""

    model_config = ConfigDict(frozen=True)
    seq: int
    type: str
    at: datetime
    data: EventData

    @field_validator("data", mode="before")
    @classmethod
    def _typed(cls, value: Any, info: ValidationInfo) -> EventData:
        if isinstance(value, EventData):
            return value
        type_ = str(info.data.get("type", ""))
        try:
            return parse_event(type_, value or {})
        except ValidationError:
            # A server newer than this client changed a field: keep the event, untyped.
            log.warning("event %s does not match this client's model; kept untyped", type_)
            return UnknownEvent.model_validate(value or {})


class WindowView(BaseModel):
    window_id: int
    window_number: str
    state: str
    pause_reason: str | None = None
    staff_no: str | None = None
    staff_name: str | None = None
    state_since: datetime | None = None
    current_ticket_id: int | None = None
    current_number: str | None = None
    current_status: str | None = None
    service_ids: list[int] = Field(default_factory=list)


class RecentCall(BaseModel):
    """A call of the day, newest first in the snapshot."""

    seq: int
    type: str
    at: datetime
    ticket_id: int
    number: str
    service_id: int
    service_name: str
    window_id: int | None = None
    window_number: str | None = None
    appointment: AppointmentRef | None = None


class SnapshotData(BaseModel):
    hall_id: int
    hall_name: str
    business_day: str
    services: list[ServiceCount]
    windows: list[WindowView]
    recent_calls: list[RecentCall] = Field(default_factory=list)
    notice: str = ""


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
