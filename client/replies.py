"""What the REST API replies, defined once: the server's routes declare these as their response
models (server/api/schemas.py, server/queries/views.py, the device routes) and `ApiClient`
returns them parsed, so the apps read attributes, never a reply's keys.

The names are the server's (`…Out`): they are the schemas' names in /api/v1/openapi.json.
A field the server adds later is ignored by an older client (pydantic's default).
The window's desk has its own module (client/desk.py), the platform's outbox too
(client/platform.py), and the records — statistics, 投诉, 差评整改 — theirs (client/records.py).
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, Field

from client.events import AppointmentRef
from client.kinds import DeviceKind, Role


class Reply(BaseModel):
    """A reply of the API. Typed code reads its attributes; for scripts and tests written
    against the JSON, `reply["key"]` and `reply.get("key")` read the reply as JSON (dates as
    ISO text). Those exist at run time only: mypy refuses them in the typed packages."""

    if not TYPE_CHECKING:

        def __getitem__(self, key: str) -> Any:
            return self.model_dump(mode="json", by_alias=True)[key]

        def get(self, key: str, default: Any = None) -> Any:
            return self.model_dump(mode="json", by_alias=True).get(key, default)

        def __contains__(self, key: object) -> bool:
            return key in type(self).model_fields


class HealthOut(Reply):
    """`GET /health`: this process answers and its writer runs."""

    status: str = Field(description='"ok"')


# --- signing in ------------------------------------------------------------------------------


class TokenOut(Reply):
    """`POST /auth/login`: the staff member signed in, and their bearer token."""

    access_token: str
    token_type: str = "bearer"
    staff_id: int
    staff_no: str
    name: str
    role: Role
    hall_id: int | None
    must_change_password: bool = Field(
        default=False,
        description="true: a first password (or an administrator's reset); until it is changed "
        "(POST /auth/password) every other request is refused with 403 password_change_required",
    )


class PasswordChangedOut(Reply):
    """`POST /auth/password`."""

    staff_id: int
    staff_no: str
    must_change_password: bool = False
    access_token: str | None = Field(
        default=None,
        description="A new bearer token (the earlier ones are ended); none for the console's "
        "cookie session, which goes on",
    )


# --- devices ---------------------------------------------------------------------------------


class DeviceMeOut(Reply):
    """`GET /devices/me`: who this device token is, and the hall's settings it follows."""

    id: int
    kind: DeviceKind
    label: str
    hall_id: int
    hall_name: str
    hall_timezone: str
    window_id: int | None
    window_number: str | None
    public_base_url: str = Field(
        description="the address ticket QR codes use: GOVQUEUE_PUBLIC_BASE_URL, else the one "
        "this device reached the server at"
    )
    no_show_requeue: bool = Field(
        default=True, description="the hall lets windows put a no-show back in the queue (过号重排)"
    )
    kiosk_elderly: bool = Field(default=False, description="kiosks start in 长辈版 (适老化)")
    repeat_priority_calls: bool = Field(
        default=False,
        description="hall screens say each call of a 绿色通道 or 长辈 ticket a second time",
    )
    guide_desk: bool = Field(
        default=False, description="this window terminal is the hall's 导办 desk (呼叫帮办)"
    )
    sms: bool = Field(
        default=False,
        description="the hall has an [sms] gateway: kiosks offer 短信提醒 (POST /tickets/{id}/phone)",
    )


class HelpOut(Reply):
    """呼叫帮办 from a kiosk (`POST /devices/me/help`)."""

    alert_id: int
    text: str = Field(description="what staff see: 1号取号机需要帮助")
    new: bool = Field(description="false: the same request again, nobody has taken it yet")


class AlertOut(Reply):
    """An alert as the consoles list it; `POST /help/{id}/ack` (the 导办 desk took a 呼叫帮办)
    and `POST /alerts/{id}/ack` return it acknowledged."""

    id: int
    hall_id: int
    kind: str
    subject: str
    level: str
    text: str
    raised_at: datetime
    resolved_at: datetime | None
    acknowledged_at: datetime | None
    acknowledged_by_no: str | None
    acknowledged_by_name: str | None
    device_id: int | None = None
    ticket_id: int | None = None
    window_id: int | None = None
    service_id: int | None = None


class PairedOut(Reply):
    """`POST /devices/pair`: the device the code was for, and its new token."""

    device_id: int
    kind: str
    label: str
    hall_id: int
    hall_name: str
    token: str = Field(description="The device's token (gqd_…); its earlier token stops working")


class DeviceStatusOut(Reply):
    """`POST /devices/me/status`."""

    device_id: int
    kind: str
    label: str
    status: str
    printer: str | None
    detail: str | None
    online: bool = True
    version: str | None = None
    last_seen_at: datetime | None = None


# --- the administrator's lists (`POST|GET /admin/{halls,services,windows,staff,devices}`) -----


class HallOut(Reply):
    model_config = ConfigDict(from_attributes=True)
    id: int
    code: str
    name: str
    timezone: str
    notice: str = ""
    rating_window_days: int = 7
    pause_alert_minutes: int = 15
    no_show_requeue: bool = True
    case_numbers: str = "off"
    rectification_working_days: int | None = None
    followup_working_days: int | None = None
    rectification_warn_days: int = 3
    followup_warn_hours: int = 4
    re_rating: bool = True
    kiosk_elderly: bool = False
    repeat_priority_calls: bool = False
    guide_window_id: int | None = None
    notify_ahead: int = 3
    rejoin_allowed: bool = True
    rejoin_minutes: int = 10
    rejoin_position: str = "behind"
    rejoin_behind: int = 3


class StaffOut(Reply):
    model_config = ConfigDict(from_attributes=True)
    id: int
    staff_no: str
    name: str
    role: Role
    hall_id: int | None
    active: bool
    must_change_password: bool = False


class DeviceOut(Reply):
    model_config = ConfigDict(from_attributes=True)
    id: int
    hall_id: int
    kind: DeviceKind
    window_id: int | None
    label: str
    created_at: datetime
    revoked_at: datetime | None = None


class DeviceCreatedOut(DeviceOut):
    token: str = Field(description="Shown once; only its hash is stored")


# --- services and windows --------------------------------------------------------------------


class ServiceOut(Reply):
    model_config = ConfigDict(from_attributes=True)
    id: int
    hall_id: int
    name: str
    prefix: str
    daily_limit: int | None
    target_wait_minutes: int
    target_handle_minutes: int
    hours: list[list[str]]
    enabled: bool
    item_code: str | None = None  # 事项编码 (the 好差评 platform's)
    appointment_slot_minutes: int = 30
    appointment_quota: int = 0
    appointment_days_ahead: int = 5
    common: bool = False


class ServiceStatusOut(ServiceOut):
    """`GET /halls/{id}/services`: a service with its queue right now (the kiosk's buttons)."""

    waiting: int
    estimated_wait_minutes: int
    open_now: bool
    issued_today: int
    remaining_today: int | None
    window_numbers: list[str] = Field(
        default_factory=list, description="the windows that serve it (the 长辈版 ticket names them)"
    )


class WindowOut(Reply):
    """A window after `POST /windows/{id}/open|pause|resume|close` (and in the admin's lists)."""

    id: int
    hall_id: int
    number: str
    state: str
    pause_reason: str | None
    staff_id: int | None
    service_ids: list[int]


# --- tickets ---------------------------------------------------------------------------------


class TicketOut(Reply):
    """A ticket after a window's action on it (call-next, recall, start, finish, …)."""

    id: int
    number: str
    hall_id: int
    service_id: int
    status: str
    priority: str
    source: str
    outcome: str | None
    issued_at: datetime
    called_at: datetime | None
    serving_started_at: datetime | None
    finished_at: datetime | None
    window_id: int | None
    recall_count: int
    no_show_count: int
    origin_ticket_id: int | None
    transferred_to_id: int | None
    appointment: AppointmentRef | None = None


class IssuedTicketOut(TicketOut):
    """`POST /tickets`: the ticket taken (or checked in), what the kiosk prints."""

    ahead: int
    estimated_wait_minutes: int
    public_token: str
    public_url: str


class EvaluationOut(Reply):
    """`POST /tickets/{id}/evaluation`."""

    model_config = ConfigDict(from_attributes=True)
    id: int
    ticket_id: int
    level: int
    reasons: list[str]
    comment: str | None
    channel: str
    created_at: datetime


class PhoneOut(Reply):
    """`POST /tickets/{id}/phone` (短信提醒 from a kiosk)."""

    ticket_id: int
    phone: str = Field(description="masked, 138****1234")


class PublicTicketOut(Reply):
    """`GET /tickets/public/{public_token}`: the ticket holder's view (the QR page)."""

    hall_name: str
    number: str
    service_name: str
    status: str
    status_text: str
    ahead: int | None
    estimated_wait_minutes: int | None
    window_number: str | None
    issued_at: datetime
    called_at: datetime | None
    transferred_to_number: str | None
    evaluated: bool
    can_evaluate: bool
    finished_at: datetime | None = None
    rating_closes_at: datetime | None = Field(
        default=None, description="the QR page takes a rating until then (the hall's window)"
    )
    re_rating_open: bool = Field(
        default=False, description="追评 possible: the 差评 was rectified, not yet re-rated"
    )
    re_rated: bool = Field(default=False, description="the applicant made the 追评")
    rectified_at: datetime | None = Field(default=None, description="整改 of this ticket's 差评")
    # the applicant's phone (issue 27)
    recall_count: int = Field(default=0, description="重呼: called again this many times")
    notify_ahead: int = Field(
        default=3, description="the hall's 到号提醒: the page alerts with this many ahead (0: off)"
    )
    rejoined: bool = Field(default=False, description="扫码过号重排 used (once per ticket)")
    rejoin_until: datetime | None = Field(
        default=None,
        description="a no-show may rejoin the queue from its page until then (the hall allows "
        "it and it has not rejoined yet); null otherwise",
    )
    can_rejoin: bool = Field(default=False, description="POST …/rejoin would be accepted now")
    rejoin_position: str = Field(default="behind", description="behind | end")
    rejoin_behind: int = Field(default=3, description="behind the next this many waiting")
