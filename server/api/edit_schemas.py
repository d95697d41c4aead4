"""What the admin PATCH routes and the hall notice route accept and return."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from server.api.params import Id, ItemCode, Label, NoticeText, WindowNumber
from server.api.patch import Patch


class HallPatch(Patch):
    """Only the fields given are changed."""

    name: Label | None = None
    timezone: str | None = Field(default=None, min_length=1, max_length=64)
    rating_window_days: int | None = Field(
        default=None, ge=1, le=90, description="the QR page rates a finished ticket this many days"
    )
    pause_alert_minutes: int | None = Field(
        default=None, ge=1, le=480, description="a window paused longer raises an alert"
    )
    no_show_requeue: bool | None = Field(
        default=None, description="过号重排: windows may put a no-show back in the queue"
    )
    case_numbers: Literal["off", "optional", "required"] | None = Field(
        default=None, description="办件编号 at 办结: not asked, asked, or required for 办结"
    )
    rectification_working_days: int | None = Field(
        default=None, ge=1, le=60, description="a 差评's 整改 deadline, in working days"
    )
    followup_working_days: int | None = Field(
        default=None, ge=1, le=30, description="回访 within this many working days of 整改"
    )
    rectification_warn_days: int | None = Field(
        default=None, ge=0, le=30, description="超期预警 this many working days before 整改 is due"
    )
    followup_warn_hours: int | None = Field(
        default=None, ge=0, le=72, description="超期预警 this many hours before 回访 is due"
    )
    re_rating: bool | None = Field(
        default=None, description="the applicant may rate once more (追评) after 整改"
    )
    kiosk_elderly: bool | None = Field(default=None, description="kiosks start in 长辈版")
    repeat_priority_calls: bool | None = Field(
        default=None, description="hall screens say calls of 绿色通道 and 长辈 tickets twice over"
    )
    guide_window_id: int | None = Field(
        default=None, ge=0, description="the 导办 desk's window (呼叫帮办 shows there); 0: none"
    )
    # the applicant's phone (issue 27)
    notify_ahead: int | None = Field(
        default=None,
        ge=0,
        le=50,
        description="到号提醒 on the ticket's page this many ahead; 0: none",
    )
    rejoin_allowed: bool | None = Field(
        default=None, description="扫码过号重排: a no-show may rejoin the queue from its page, once"
    )
    rejoin_minutes: int | None = Field(
        default=None, ge=1, le=120, description="within this many minutes of being marked 过号"
    )
    rejoin_position: Literal["behind", "end"] | None = Field(
        default=None, description="behind the next `rejoin_behind` waiting, or at the end"
    )
    rejoin_behind: int | None = Field(default=None, ge=1, le=50)


class ServicePatch(Patch):
    """Only the fields given are changed; `daily_limit: null` removes the limit, `item_code:
    null` the 事项编码."""

    NULLABLE = frozenset({"daily_limit", "item_code"})

    name: Label | None = None
    prefix: str | None = Field(default=None, min_length=1, max_length=4, pattern=r"^[A-Z]{1,4}$")
    daily_limit: int | None = Field(default=None, ge=1, le=100_000)
    target_wait_minutes: int | None = Field(default=None, ge=1, le=24 * 60)
    target_handle_minutes: int | None = Field(default=None, ge=1, le=24 * 60)
    hours: list[list[str]] | None = Field(
        default=None, max_length=12, description='e.g. [["09:00","12:00"],["13:30","17:00"]]'
    )
    enabled: bool | None = None
    item_code: ItemCode | None = Field(default=None, description="事项编码 (好差评 platform)")
    appointment_slot_minutes: int | None = Field(default=None, ge=5, le=240)
    appointment_quota: int | None = Field(
        default=None, ge=0, le=1000, description="people per slot; 0: no appointments"
    )
    appointment_days_ahead: int | None = Field(default=None, ge=0, le=60)
    common: bool | None = Field(default=None, description="常用业务: offered first in 长辈版")


class WindowPatch(Patch):
    number: WindowNumber | None = None
    service_ids: list[Id] | None = Field(
        default=None, max_length=100, description="In order of priority; replaces the list"
    )


class NoticeIn(BaseModel):
    text: NoticeText = Field(description="Shown on the hall screens; empty = none")


class NoticeOut(BaseModel):
    hall_id: int
    text: str
    updated_at: datetime | None
    updated_by: str | None


class AppointmentRulesIn(BaseModel):
    """A hall's appointment rules (the hall file's `[appointments]`): the fields given change,
    the others stay."""

    same_day: bool | None = Field(default=None, description="booking for today allowed")
    book_before_minutes: int | None = Field(default=None, ge=0, le=7 * 24 * 60)
    cancel_before_minutes: int | None = Field(default=None, ge=0, le=7 * 24 * 60)
    early_minutes: int | None = Field(
        default=None, ge=0, le=240, description="check-in opens this long before the slot"
    )
    grace_minutes: int | None = Field(
        default=None, ge=0, le=240, description="check-in closes this long after the slot"
    )
    no_show_limit: int | None = Field(
        default=None, ge=0, le=100, description="no-shows that bar online booking; 0: never"
    )
    no_show_days: int | None = Field(default=None, ge=1, le=366)
    ban_days: int | None = Field(default=None, ge=1, le=366)
    retention_days: int | None = Field(
        default=None, ge=1, le=3650, description="personal data deleted this long after the day"
    )
    on_time_minutes: int | None = Field(
        default=None, ge=0, le=240, description="预约准时率: called within this long of the slot"
    )


class AppointmentRulesOut(BaseModel):
    hall_id: int
    same_day: bool
    book_before_minutes: int
    cancel_before_minutes: int
    early_minutes: int
    grace_minutes: int
    no_show_limit: int
    no_show_days: int
    ban_days: int
    retention_days: int
    on_time_minutes: int
