"""One typed model per live-feed event type: the server builds every event from these, and the
client library parses every event into them, so apps read attributes, never dict keys.

    if isinstance(message.data, TicketCalled):
        show(message.data.number, message.data.window_number)

A model registers itself under its wire name (`TYPE`) when its class is defined; a type this
client does not know (a newer server) arrives as `UnknownEvent`, never as an error.
docs/live-feed.md lists exactly these fields (tests/realtime/test_event_docs.py checks it).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field

TicketStatusName = Literal[
    "waiting", "called", "serving", "done", "no_show", "transferred", "cancelled"
]
WindowStateName = Literal["open", "paused", "closed"]

EVENT_MODELS: dict[str, type[EventData]] = {}


class EventData(BaseModel):
    """The `data` of one live-feed message. Subclasses with a `TYPE` are event types."""

    # Unknown fields are ignored so an older client keeps working against a newer server.
    model_config = ConfigDict(extra="ignore", frozen=True)
    TYPE: ClassVar[str] = ""

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        super().__pydantic_init_subclass__(**kwargs)
        if "TYPE" in cls.__dict__ and cls.TYPE:
            if cls.TYPE in EVENT_MODELS:
                raise TypeError(f"event type {cls.TYPE} defined twice")
            EVENT_MODELS[cls.TYPE] = cls


class UnknownEvent(EventData):
    """An event type this client does not know: its fields are kept as they came."""

    model_config = ConfigDict(extra="allow", frozen=True)


# --- tickets ---------------------------------------------------------------------------------


class AppointmentRef(BaseModel):
    """The appointment (预约) a ticket was taken for: its slot orders it in the queue (after
    the green channel, before walk-ins). UTC, like every instant of the feed."""

    model_config = ConfigDict(frozen=True)
    id: int
    slot_start: datetime
    slot_end: datetime


class TicketFields(EventData):
    """What every ticket event says about the ticket, after the change."""

    ticket_id: int
    number: str
    service_id: int
    service_name: str
    status: TicketStatusName
    priority: str
    window_id: int | None = None
    window_number: str | None = None
    outcome: str | None = None
    recall_count: int = 0
    entered_queue_at: datetime
    waiting: int = Field(description="tickets still waiting for this service after the change")
    elderly: bool = Field(default=False, description="taken in the kiosk's 长辈版 (issue 29)")
    appointment: AppointmentRef | None = Field(
        default=None, description="the appointment it was taken for (null: a walk-in)"
    )


class TicketIssued(TicketFields):
    TYPE = "ticket.issued"


class TicketCalled(TicketFields):
    TYPE = "ticket.called"


class TicketRecalled(TicketFields):
    TYPE = "ticket.recalled"


class TicketServing(TicketFields):
    TYPE = "ticket.serving"


class TicketFinished(TicketFields):
    TYPE = "ticket.finished"


class TicketNoShow(TicketFields):
    TYPE = "ticket.no_show"


class TicketRequeued(TicketFields):
    TYPE = "ticket.requeued"
    by_applicant: bool = Field(
        default=False,
        description="扫码过号重排: the applicant rejoined from the ticket's page (not a window)",
    )


class TicketCancelled(TicketFields):
    TYPE = "ticket.cancelled"


class TicketTransferred(TicketFields):
    TYPE = "ticket.transferred"
    new_ticket: TicketFields


# Ticket events that put a number on the hall screens (a call or a repeated call).
CALL_EVENTS: tuple[type[TicketFields], ...] = (TicketCalled, TicketRecalled)


# --- windows, queues, the hall ---------------------------------------------------------------


class WindowStatus(EventData):
    TYPE = "window.status"
    window_id: int
    window_number: str
    state: WindowStateName
    pause_reason: str | None = None
    staff_no: str | None = None
    staff_name: str | None = None
    state_since: datetime | None = None


class ServiceCount(BaseModel):
    model_config = ConfigDict(frozen=True)
    service_id: int
    name: str
    prefix: str
    waiting: int
    oldest_waiting_at: datetime | None = Field(
        default=None, description="when the longest-waiting ticket joined the queue (UTC)"
    )


class QueueCounts(EventData):
    TYPE = "queue.counts"
    services: list[ServiceCount]


class NoticeUpdated(EventData):
    TYPE = "notice.updated"
    text: str
    updated_by: str | None = None


class DeviceStatus(EventData):
    """A device's health as it reported it (a kiosk's printer, say), or that the server has
    not heard from it for a while (`online` false: 离线)."""

    TYPE = "device.status"
    device_id: int
    kind: str
    label: str
    status: Literal["ok", "warning", "error"]
    printer: str | None = None
    detail: str | None = None
    online: bool = Field(default=True, description="false: not heard from past the limit")
    version: str | None = Field(default=None, description="the app's version, as it said")
    last_seen_at: datetime | None = Field(default=None, description="when it was last heard")


class EvaluationCreated(EventData):
    TYPE = "evaluation.created"
    ticket_id: int
    number: str
    service_id: int
    window_id: int | None = None
    window_number: str | None = None
    staff_no: str | None = None
    level: int
    reasons: list[str] = Field(default_factory=list)
    channel: str
    entered_by: str | None = None  # channel phone: the 工号 of who entered it at the console


# --- alerts: what a supervisor must see, until someone acknowledges it ----------------------

AlertKind = Literal[
    "printer_out",
    "device_error",
    "device_offline",
    "bad_rating",
    "pause_long",
    "wait_over",
    "platform_backlog",  # 好差评 records waiting to reach the platform too long
    "platform_failed",  # 好差评 records the platform refused, or never took
    "followup_due",  # a 差评's 回访 deadline is near
    "followup_overdue",  # … has passed
    "rectification_due",  # a 差评's 整改 deadline is near
    "rectification_overdue",  # … has passed
    "help",  # 呼叫帮办: someone at a kiosk asks for a person (issue 29)
]


class AlertRaised(EventData):
    """An alert was raised (or raised again before anyone acknowledged it: same `alert_id`,
    `resolved_at` cleared). `text` is the sentence to show; the ids say what it is about."""

    TYPE = "alert.raised"
    alert_id: int
    kind: AlertKind
    subject: str = Field(description="what it is about: device:3, ticket:12, window:2, service:4")
    level: Literal["bad", "warn"]
    text: str
    raised_at: datetime
    device_id: int | None = None
    ticket_id: int | None = None
    window_id: int | None = None
    service_id: int | None = None


class AlertResolved(EventData):
    """The cause of an alert went away (paper refilled, the window resumed); it stays on the
    consoles, marked 已恢复, until someone acknowledges it."""

    TYPE = "alert.resolved"
    alert_id: int
    kind: AlertKind
    subject: str
    resolved_at: datetime


class AlertAcknowledged(EventData):
    """Someone acknowledged an alert: gone from every console, with who and when."""

    TYPE = "alert.acknowledged"
    alert_id: int
    kind: AlertKind
    subject: str
    acknowledged_at: datetime
    by_staff_no: str
    by_name: str


class HelpRequested(EventData):
    """呼叫帮办: someone at a kiosk pressed 呼叫帮办 (issue 29). The alert of the same id is in
    every console; `window_id` is the hall's 导办 desk, whose window client shows it (none: the
    consoles only). Over when the alert is acknowledged (`alert.acknowledged`, once)."""

    TYPE = "help.requested"
    alert_id: int
    device_id: int
    label: str = Field(description="the kiosk's label, as staff know it: 1号取号机")
    text: str = Field(description="the sentence to show: 1号取号机需要帮助")
    requested_at: datetime
    window_id: int | None = Field(default=None, description="the hall's 导办 desk, if any")


# --- records of the supervisors (audit): no personal data, only ids and states ------------


class ComplaintCreated(EventData):
    """A complaint (投诉) was recorded; the content stays in the complaint record."""

    TYPE = "complaint.created"
    complaint_id: int
    channel: str
    state: Literal["accepted", "closed"]


class ComplaintHandled(EventData):
    """A complaint was handled: progress (state stays accepted) or closed (已办结)."""

    TYPE = "complaint.handled"
    complaint_id: int
    state: Literal["accepted", "closed"]
    on_time: bool | None = None


class RectificationRectified(EventData):
    """What was done about a bad rating was recorded (差评整改)."""

    TYPE = "rectification.rectified"
    rectification_id: int
    ticket_id: int
    on_time: bool


class RectificationFollowedUp(EventData):
    """The applicant was called back (回访) after a rectification."""

    TYPE = "rectification.followed_up"
    rectification_id: int
    ticket_id: int
    satisfied: bool


# --- administration (an audit trail in the hall's log) -----------------------------------------


class DeviceRevoked(EventData):
    """A device's token was revoked: refused from now on, its live connections closed."""

    TYPE = "device.revoked"
    device_id: int
    kind: str
    label: str
    window_id: int | None = None
    by_staff_id: int
    by_staff_no: str


class StaffUpdated(EventData):
    """A staff account was changed; a change of role, password or `active` ends its sessions."""

    TYPE = "staff.updated"
    staff_id: int
    staff_no: str
    name: str
    role: str
    active: bool
    changed: list[str] = Field(description="what changed: name, role, active, password")
    by_staff_id: int
    by_staff_no: str


class IntegrationCreated(EventData):
    """An outside system (the 政务服务网) was given client credentials."""

    TYPE = "integration.created"
    integration_id: int
    name: str
    client_id: str
    by_staff_id: int
    by_staff_no: str


class IntegrationRevoked(EventData):
    """An integration's credentials were revoked: its tokens are refused from now on."""

    TYPE = "integration.revoked"
    integration_id: int
    name: str
    by_staff_id: int
    by_staff_no: str


# --- appointments (预约): no personal data, no check-in code -----------------------------------


class AppointmentBooked(EventData):
    """An integration (the 政务服务网) booked a slot."""

    TYPE = "appointment.booked"
    appointment_id: int
    service_id: int
    slot_start: datetime
    slot_end: datetime
    integration_id: int | None = None


class AppointmentCancelled(EventData):
    """An appointment was cancelled (by the integration that booked it, or by staff)."""

    TYPE = "appointment.cancelled"
    appointment_id: int
    service_id: int
    slot_start: datetime
    slot_end: datetime
    by_integration_id: int | None = None
    by_staff_no: str | None = None


class AppointmentCheckedIn(EventData):
    """An appointment was checked in: its ticket was issued (`ticket.issued` comes with it)."""

    TYPE = "appointment.checked_in"
    appointment_id: int
    ticket_id: int
    number: str
    service_id: int
    slot_start: datetime
    slot_end: datetime
    by_staff_no: str | None = Field(default=None, description="a staffed desk's; null: kiosk")


class AppointmentMissed(EventData):
    """失约: not checked in by the end of the slot and the grace period."""

    TYPE = "appointment.missed"
    appointment_id: int
    service_id: int
    slot_start: datetime
    slot_end: datetime


class AppointmentBarLifted(EventData):
    """A supervisor lifted the no-show bar of the person of this appointment (no personal
    data here: the appointment is the handle)."""

    TYPE = "appointment.bar_lifted"
    appointment_id: int
    by_staff_id: int
    by_staff_no: str


def event_model(type_: str) -> type[EventData]:
    return EVENT_MODELS.get(type_, UnknownEvent)


def parse_event(type_: str, data: dict[str, Any]) -> EventData:
    return event_model(type_).model_validate(data)
