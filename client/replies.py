"""What the REST API replies, defined once: the server's routes declare these as their response
models (server/api/schemas.py, server/queries/views.py, the device routes) and `ApiClient`
returns them parsed, so the apps read attributes, never a reply's keys.

The names are the server's (`…Out`): they are the schemas' names in /api/v1/openapi.json.
A field the server adds later is ignored by an older client (pydantic's default).
The window's desk has its own module (client/desk.py), the platform's outbox too
(client/platform.py).
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
            return self.model_dump(mode="json")[key]

        def get(self, key: str, default: Any = None) -> Any:
            return self.model_dump(mode="json").get(key, default)

        def __contains__(self, key: object) -> bool:
            return key in type(self).model_fields


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
