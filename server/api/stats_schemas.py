"""What the statistics, complaint and rectification routes accept and return."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from server.api.params import Comment, Id, Note, Paragraph, PersonName, Phone, StaffNo

Grouping = Literal["day", "hour", "hall", "service", "window", "staff"]


class IndicatorRowOut(BaseModel):
    key: str = Field(description="Group key: day YYYY-MM-DD, hour HH, or an id / 工号")
    label: str = Field(description="Group name to show (中文)")
    values: dict[str, Any] = Field(description="Indicator fields, see docs/indicators.md")


class IndicatorsOut(BaseModel):
    model_config = ConfigDict(populate_by_name=True)
    hall_id: int | None = Field(description="The hall, or null for every hall (admins)")
    from_: str = Field(alias="from")
    to: str
    group_by: Grouping
    total: dict[str, Any]
    rows: list[IndicatorRowOut]


class TicketRecordOut(BaseModel):
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


class TicketPage(BaseModel):
    total: int = Field(description="Tickets in the period")
    items: list[TicketRecordOut]
    next_after: int | None = Field(
        description="Pass as `after` for the next page (keyset); null on the last page"
    )


ComplaintChannel = Literal["onsite", "phone", "12345", "online", "letter"]
ComplaintState = Literal["accepted", "closed"]


class ComplaintIn(BaseModel):
    hall_id: Id | None = Field(default=None, description="Default: the caller's hall")
    channel: ComplaintChannel = Field(
        description="onsite 现场, phone 电话, 12345 热线, online 网上, letter 信件"
    )
    content: Paragraph
    ticket_id: Id | None = None
    window_id: Id | None = None
    staff_no: StaffNo | None = None
    service_id: Id | None = None
    complainant_name: PersonName | None = None
    complainant_phone: Phone | None = None
    received_at: datetime | None = Field(default=None, description="Default: now")


class ComplaintHandleIn(BaseModel):
    result: Paragraph = Field(description="处理结果 / 进展")
    handled_at: datetime | None = Field(default=None, description="Default: now")
    close: bool = Field(default=True, description="true: 已办结; false: progress, stays 已受理")


class ComplaintOut(BaseModel):
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


class ComplaintPage(BaseModel):
    total: int
    items: list[ComplaintOut]


RectificationState = Literal["open", "rectified", "followed_up"]
AppealState = Literal["pending", "upheld", "rejected"]
FollowUpWay = Literal["phone", "sms", "visit", "online"]


class RectifyIn(BaseModel):
    measures: Note = Field(description="整改措施 (what was done)")


class FollowUpIn(BaseModel):
    way: FollowUpWay = Field(description="phone 电话, sms 短信, visit 上门, online 网上")
    result: Note = Field(description="回访情况")
    satisfied: bool = Field(description="回访后是否满意")


class RectificationOut(BaseModel):
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


class AppealIn(BaseModel):
    reason: Comment = Field(description="why the 差评 is malicious or mistaken")
    evidence: Paragraph | None = Field(
        default=None, description="监控录像、办件记录… as text (where it is kept, what it shows)"
    )


class AppealDecisionIn(BaseModel):
    upheld: bool = Field(description="true: 申诉成立 — the rating no longer counts in 满意率")
    decision: Comment = Field(description="the reasons of the decision")


class RectificationPage(BaseModel):
    total: int
    items: list[RectificationOut]


# --- GET /stats/plan: the staffing plan (docs/planning.md) ----------------------------------


class PlanFigures(BaseModel):
    """Expected waits of a group of tickets over the simulated days (all runs pooled), and the
    10th–90th percentile of the runs' own figures ([low, high]; null without tickets)."""

    tickets: float = Field(description="Tickets per day, mean over the runs")
    wait_avg_s: int | None
    wait_p90_s: int | None
    over_target_wait_rate: float | None = Field(description="超时等候率 (docs/indicators.md)")
    wait_avg_s_range: list[float] | None
    wait_p90_s_range: list[float] | None
    over_target_wait_rate_range: list[float] | None


class PlanCurrentHour(PlanFigures):
    open: float = Field(description="Window-hours open in the hour in the current staffing")


class PlanProposedHour(PlanFigures):
    open: int = Field(description="Windows to open in the hour")
    windows: list[str] = Field(description="Their numbers")
    met: bool = Field(description="False: the target cannot be met in this hour")


class PlanHourOut(BaseModel):
    hour: int
    label: str = Field(description="HH:00–HH:00 (hall time)")
    arrivals: float = Field(description="Expected tickets entering the queue in the hour")
    arrivals_by_service: dict[str, float] = Field(description="The same by service id")
    plan: PlanProposedHour
    current: PlanCurrentHour


class PlanDayFigures(PlanFigures):
    window_hours: float


class PlanTotalOut(BaseModel):
    arrivals: float = Field(description="Expected tickets of the day (the hours' sum)")
    plan: PlanDayFigures
    current: PlanDayFigures


class PlanServiceOut(BaseModel):
    service_id: int
    name: str
    prefix: str
    target_minutes: int
    history_tickets: int
    expected_tickets: float
    occupancy_samples: int
    occupancy_avg_s: int
    occupancy_p90_s: int | None
    green_share: float


class PlanWindowOut(BaseModel):
    window_id: int
    number: str
    services: list[str] = Field(description="Service names in the window's order of priority")


class PlanOut(BaseModel):
    model_config = ConfigDict(populate_by_name=True)
    hall_id: int
    hall_code: str
    hall_name: str
    from_: str = Field(alias="from", description="First day of the history read")
    to: str
    day: str = Field(description="The day planned")
    day_class: str = Field(description="weekday0…weekday6, holiday, after_holiday, makeup_workday")
    day_class_label: str
    basis_class: str = Field(description="The class whose days were averaged (may be wider)")
    basis_class_label: str
    basis_days: list[str]
    history_days: int
    target_minutes: int | None = Field(description="null: each service's own target wait")
    target_share: float = Field(description="Share of an hour's tickets allowed over target")
    min_service_tickets: int
    runs: int
    seed: int
    current_day: str | None = Field(description="Whose open time is the current staffing")
    services: list[PlanServiceOut]
    windows: list[PlanWindowOut]
    hours: list[PlanHourOut]
    total: PlanTotalOut
    unmet_hours: list[int]
    simulated_days: int
    notes: list[str]
