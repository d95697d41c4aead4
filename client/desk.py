"""What the window clerk's desk reads: the hall's windows, one window's queue and the ticket at
it, and today's figures. Built by the server (server/queries/window_desk.py) and parsed by the
client (`ApiClient.window_queue`, …), so both sides share one definition.

Routes (docs/api.md): `GET /windows?hall_id=`, `GET /windows/{id}/queue`,
`GET /windows/{id}/today`.
"""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field


class _Model(BaseModel):
    # Unknown fields are ignored so an older client keeps working against a newer server.
    model_config = ConfigDict(extra="ignore", frozen=True)


class DeskWindow(_Model):
    """A window as the clerk sees it when choosing or working at it."""

    id: int
    hall_id: int
    number: str
    state: str  # open / paused / closed
    pause_reason: str | None = None
    state_since: datetime | None = None
    staff_id: int | None = None
    staff_no: str | None = None
    staff_name: str | None = None
    service_ids: list[int] = Field(default_factory=list, description="in priority order")


class DeskAppointment(_Model):
    """The appointment (预约) a ticket was taken for. `name` in clear only on the desk of the
    clerk serving it (masked elsewhere); the ID number only as its last 4 digits."""

    id: int
    slot_start: datetime
    slot_end: datetime
    name: str | None = None
    id_no: str = ""


class DeskTicket(_Model):
    """A ticket at the window (called, being served, or marked no-show there)."""

    ticket_id: int
    number: str
    service_id: int
    service_name: str
    priority: str
    status: str
    issued_at: datetime
    entered_queue_at: datetime
    called_at: datetime | None = None
    last_called_at: datetime | None = None
    serving_started_at: datetime | None = None
    recall_count: int = 0
    no_show_count: int = 0
    transferred_from: str | None = Field(
        default=None, description="number of the ticket this one was transferred from"
    )
    appointment: DeskAppointment | None = None
    rejoined: bool = Field(
        default=False, description="重排: the applicant put it back in the queue from its page"
    )


class QueuedTicket(_Model):
    ticket_id: int
    number: str
    service_id: int
    priority: str
    entered_queue_at: datetime
    slot_start: datetime | None = Field(default=None, description="an appointment's slot")
    slot_end: datetime | None = None
    rejoined: bool = Field(
        default=False, description="重排: the applicant put it back in the queue from its page"
    )


class ServiceQueue(_Model):
    service_id: int
    name: str
    prefix: str
    enabled: bool = True
    waiting: int
    green_waiting: int = 0
    next: list[QueuedTicket] = Field(default_factory=list, description="the first few, in order")


class WindowQueue(_Model):
    """`GET /windows/{id}/queue`: the window, its current ticket and its queue, right now."""

    business_day: str
    window: DeskWindow
    current: DeskTicket | None = None
    services: list[ServiceQueue] = Field(description="the window's services in priority order")
    next: list[QueuedTicket] = Field(
        default_factory=list,
        description="who this window would call next, in call order (green channel first, "
        "then appointments by slot, then walk-ins; each by the window's service order and "
        "time in the queue)",
    )
    no_shows: list[DeskTicket] = Field(
        default_factory=list, description="today's no-shows at this window, latest first"
    )
    case_numbers: str = Field(
        default="off",
        description="the hall's 办件编号 at 办结: off (not asked), optional (asked, may be "
        "skipped), required (outcome 办结 needs one)",
    )


class Figures(_Model):
    """One person's or one window's day. Times in seconds, rates 0..1; None: nothing yet."""

    called: int = 0
    served: int = 0
    no_show: int = 0
    transferred: int = 0
    wait_avg_s: float | None = None
    handle_avg_s: float | None = None
    on_time_handle_rate: float | None = None
    evaluated: int = 0
    satisfaction_rate: float | None = None


class TodayFigures(_Model):
    """`GET /windows/{id}/today`: the window's figures and those of the clerk signed in."""

    business_day: str
    window_id: int
    window_number: str
    window: Figures
    staff_no: str | None = None
    staff_name: str | None = None
    staff: Figures | None = None
