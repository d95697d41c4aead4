"""What the REST API accepts and returns (not the tables)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, model_validator

from client.replies import (
    DeviceCreatedOut as DeviceCreatedOut,  # the replies: shared with the client
)
from client.replies import DeviceOut as DeviceOut
from client.replies import EvaluationOut as EvaluationOut
from client.replies import HallOut as HallOut
from client.replies import IssuedTicketOut as IssuedTicketOut
from client.replies import PasswordChangedOut as PasswordChangedOut
from client.replies import StaffOut as StaffOut
from client.replies import TicketOut as TicketOut
from client.replies import TokenOut as TokenOut
from server.api.params import (
    CaseNo,
    Code,
    Comment,
    Id,
    ItemCode,
    Label,
    PersonName,
    ShortText,
    StaffNo,
    WindowNumber,
)
from server.api.patch import Patch
from server.domain.cases import MAX_PER_TICKET as MAX_CASES
from server.domain.enums import DeviceKind, Outcome, Priority, Role


class LoginIn(BaseModel):
    staff_no: StaffNo
    password: str = Field(min_length=1, max_length=200)


class PasswordChangeIn(BaseModel):
    old_password: str = Field(min_length=1, max_length=200)
    new_password: str = Field(min_length=1, max_length=200)


class HallIn(BaseModel):
    code: Code
    name: Label
    timezone: str = Field(default="Asia/Shanghai", min_length=1, max_length=64)


class ServiceIn(BaseModel):
    hall_id: Id
    name: Label
    prefix: str = Field(min_length=1, max_length=4, pattern=r"^[A-Z]{1,4}$")
    daily_limit: int | None = Field(default=None, ge=1, le=100_000)
    target_wait_minutes: int = Field(default=20, ge=1, le=24 * 60)
    target_handle_minutes: int = Field(default=15, ge=1, le=24 * 60)
    hours: (
        list[Annotated[list[Annotated[str, Field(max_length=5)]], Field(max_length=2)]] | None
    ) = Field(default=None, max_length=12, description='e.g. [["09:00","12:00"],["13:30","17:00"]]')
    enabled: bool = True
    item_code: ItemCode | None = Field(
        default=None, description="事项编码: reported with each rating to the 好差评 platform"
    )
    appointment_slot_minutes: int = Field(default=30, ge=5, le=240)
    appointment_quota: int = Field(
        default=0, ge=0, le=1000, description="people per slot; 0: no appointments"
    )
    appointment_days_ahead: int = Field(default=5, ge=0, le=60, description="working days")
    common: bool = Field(default=False, description="常用业务: offered first in the kiosk's 长辈版")


class WindowIn(BaseModel):
    hall_id: Id
    number: WindowNumber
    service_ids: list[Id] = Field(default_factory=list, max_length=100)


class StaffIn(BaseModel):
    staff_no: StaffNo
    name: PersonName
    role: Role
    password: str = Field(min_length=1, max_length=200)
    hall_id: Id | None = None
    must_change_password: bool = Field(
        default=True, description="The person changes this first password at their first sign-in"
    )


class StaffPatch(Patch):
    """Only the fields given change."""

    name: PersonName | None = None
    role: Role | None = None
    active: bool | None = None
    password: str | None = Field(default=None, min_length=1, max_length=200)


class DeviceIn(BaseModel):
    hall_id: Id
    kind: DeviceKind
    window_id: Id | None = None
    label: Label


class TicketIn(BaseModel):
    """A walk-in's ticket (`service_id`), or an appointment checked in (`appointment_code` or
    `id_no`; `service_id` then optional, and must be the appointment's when given)."""

    service_id: Id | None = None
    priority: Priority = Priority.normal
    elderly: bool = Field(
        default=False, description="taken in the kiosk's 长辈版 (the hall may say its call twice)"
    )
    request_id: str | None = Field(
        default=None,
        min_length=8,
        max_length=64,
        pattern=r"^[A-Za-z0-9_-]+$",
        description="The kiosk's idempotency key (e.g. a UUID per button press): sending the "
        "same request again, because its answer was lost, returns the ticket already issued "
        "(200) instead of a second one (201)",
    )
    appointment_code: str | None = Field(
        default=None,
        pattern=r"^[0-9]{6}$",
        description="预约签到: the booking's 6-digit code (typed, or scanned from its QR)",
    )
    id_no: str | None = Field(
        default=None,
        min_length=5,
        max_length=40,
        description="预约签到: the person's ID number (typed or read by a card reader); never "
        "stored, only matched by its keyed hash",
    )

    @model_validator(mode="after")
    def _walk_in_or_appointment(self) -> TicketIn:
        if self.service_id is None and self.appointment_code is None and self.id_no is None:
            raise ValueError(
                "请提供业务编号 service_id（取号），或预约码 appointment_code、证件号码 id_no（预约签到）"
            )
        if self.appointment_code is not None and self.id_no is not None:
            raise ValueError("预约码 appointment_code 和证件号码 id_no 只需提供一个")
        return self

    @property
    def checks_in(self) -> bool:
        return self.appointment_code is not None or self.id_no is not None


class FinishIn(BaseModel):
    outcome: Outcome
    case_nos: list[CaseNo] = Field(
        default_factory=list,
        max_length=MAX_CASES,
        description="办件编号 handled on this ticket, attached with the finish; a hall that "
        "requires them refuses outcome `done` without one (409)",
    )


class CasesIn(BaseModel):
    case_nos: list[CaseNo] = Field(min_length=1, max_length=MAX_CASES, description="办件编号")


class CasesOut(BaseModel):
    ticket_id: int
    number: str
    case_nos: list[str] = Field(description="every 办件编号 of the ticket, in the order attached")


class TransferIn(BaseModel):
    service_id: Id


class PauseIn(BaseModel):
    reason: ShortText | None = None


class EvaluationIn(BaseModel):
    level: int = Field(ge=1, le=5)
    reasons: list[ShortText] = Field(default_factory=list, max_length=10)
    comment: Comment | None = None
    public_token: str | None = Field(
        default=None,
        max_length=64,
        description="The ticket holder's token, when rating from the QR page",
    )


class IntegrationIn(BaseModel):
    name: Label = Field(description="e.g. 省政务服务网")
    hall_id: Id | None = Field(
        default=None, description="the hall it books for; none: every hall (deployment admin)"
    )
    requests_per_minute: int | None = Field(
        default=None, ge=1, le=60_000, description="its rate limit; default the server's setting"
    )


class IntegrationOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    name: str
    hall_id: int | None
    client_id: str
    requests_per_minute: int
    created_at: datetime
    revoked_at: datetime | None = None


class IntegrationCreatedOut(IntegrationOut):
    client_secret: str = Field(description="Shown once; only its hash is stored")
