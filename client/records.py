"""What the API replies about records: the statistics (`GET /stats/indicators`, the 明细 of
`GET /stats/tickets`), 投诉 (`/complaints`) and 差评整改 (`/rectifications`). Declared by the
server's routes as their response models (server/api/stats_schemas.py re-exports them) and
returned parsed by `ApiClient`, like client/replies.py."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from pydantic import ConfigDict, Field

from client.replies import Reply

Grouping = Literal["day", "hour", "hall", "service", "window", "staff"]
ComplaintState = Literal["accepted", "closed"]
RectificationState = Literal["open", "rectified", "followed_up"]
AppealState = Literal["pending", "upheld", "rejected"]


# --- statistics ------------------------------------------------------------------------------


class IndicatorRowOut(Reply):
    key: str = Field(description="Group key: day YYYY-MM-DD, hour HH, or an id / 工号")
    label: str = Field(description="Group name to show (中文)")
    values: dict[str, Any] = Field(description="Indicator fields, see docs/indicators.md")


class IndicatorsOut(Reply):
    """`GET /stats/indicators`."""

    model_config = ConfigDict(populate_by_name=True)
    hall_id: int | None = Field(description="The hall, or null for every hall (admins)")
    from_: str = Field(alias="from")  # the JSON key is `from`
    to: str
    group_by: Grouping
    total: dict[str, Any]
    rows: list[IndicatorRowOut]


class TicketRecordOut(Reply):
    ticket_id: int
    hall_id: int
    number: str
    business_day: date
    service_id: int
    service_name: str
    priority: str
    source: str
    status: str
    outcome: str | None
    issued_at: datetime
    entered_queue_at: datetime
    called_at: datetime | None
    serving_started_at: datetime | None
    finished_at: datetime | None
    wait_s: int | None
    walk_s: int | None
    handle_s: int | None
    total_s: int | None
    window_number: str | None
    staff_no: str | None
    staff_name: str | None
    recall_count: int
    no_show_count: int
    transferred_to: str | None
    evaluation_level: int | None
    evaluated_at: datetime | None
    rectification_deadline: datetime | None
    rectified_at: datetime | None
    followup_at: datetime | None
    slot_start: datetime | None = Field(
        default=None, description="预约: the slot's start of an appointment's ticket"
    )
    appeal: AppealState | None = Field(
        default=None,
        description="申诉 of the rating: pending, upheld (the rating is not in 满意率), rejected",
    )


class TicketPage(Reply):
    """`GET /stats/tickets`: one page of 明细."""

    total: int = Field(description="Tickets in the period")
    items: list[TicketRecordOut]
    next_after: int | None = Field(
        description="Pass as `after` for the next page (keyset); null on the last page"
    )


# --- 投诉 --------------------------------------------------------------------------------------


class ComplaintOut(Reply):
    id: int
    hall_id: int
    channel: str
    channel_text: str
    content: str
    ticket_id: int | None
    ticket_number: str | None
    window_id: int | None
    staff_no: str | None
    service_id: int | None
    complainant_name: str | None
    complainant_phone: str | None
    state: ComplaintState
    state_text: str
    received_at: datetime
    deadline: datetime
    overdue: bool
    result: str | None
    handled_at: datetime | None
    closed_at: datetime | None


class ComplaintPage(Reply):
    total: int
    items: list[ComplaintOut]


# --- 差评整改 ------------------------------------------------------------------------------------


class RectificationOut(Reply):
    id: int
    hall_id: int
    ticket_id: int
    ticket_number: str
    business_day: date
    service_name: str
    window_number: str | None
    staff_no: str | None
    staff_name: str | None
    level: int
    reasons: list[str]
    comment: str | None
    state: RectificationState
    state_text: str
    opened_at: datetime
    deadline: datetime
    overdue: bool
    rectified_at: datetime | None
    measures: str | None
    followup_at: datetime | None
    followup_way: str | None
    followup_result: str | None
    followup_satisfied: bool | None
    appeal_id: int | None = None
    appeal_state: AppealState | None = Field(
        default=None, description="申诉: pending, upheld (not counted in 满意率), rejected"
    )
    appeal_state_text: str | None = None
    appeal_reason: str | None = None
    appeal_evidence: str | None = None
    appeal_filed_at: datetime | None = None
    appeal_decided_at: datetime | None = None
    appeal_decision: str | None = None
    followup_deadline: datetime | None = Field(
        default=None, description="回访 due by then (the hall's working days after 整改)"
    )
    re_rating_level: int | None = Field(default=None, description="追评 (评价次数 2): its level")
    re_rating_reasons: list[str] = Field(default_factory=list)
    re_rating_comment: str | None = None
    re_rated_at: datetime | None = None


class RectificationPage(Reply):
    total: int
    items: list[RectificationOut]
