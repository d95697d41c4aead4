"""What the statistics, complaint and rectification routes accept and return."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from client.records import AppealState as AppealState  # the replies: shared with the client
from client.records import ComplaintOut as ComplaintOut
from client.records import ComplaintPage as ComplaintPage
from client.records import ComplaintState as ComplaintState
from client.records import Grouping as Grouping
from client.records import IndicatorRowOut as IndicatorRowOut
from client.records import IndicatorsOut as IndicatorsOut
from client.records import RectificationOut as RectificationOut
from client.records import RectificationPage as RectificationPage
from client.records import RectificationState as RectificationState
from client.records import TicketPage as TicketPage
from client.records import TicketRecordOut as TicketRecordOut
from server.api.params import Comment, Id, Note, Paragraph, PersonName, Phone, StaffNo

ComplaintChannel = Literal["onsite", "phone", "12345", "online", "letter"]


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


FollowUpWay = Literal["phone", "sms", "visit", "online"]


class RectifyIn(BaseModel):
    measures: Note = Field(description="整改措施 (what was done)")


class FollowUpIn(BaseModel):
    way: FollowUpWay = Field(description="phone 电话, sms 短信, visit 上门, online 网上")
    result: Note = Field(description="回访情况")
    satisfied: bool = Field(description="回访后是否满意")


class AppealIn(BaseModel):
    reason: Comment = Field(description="why the 差评 is malicious or mistaken")
    evidence: Paragraph | None = Field(
        default=None, description="监控录像、办件记录… as text (where it is kept, what it shows)"
    )


class AppealDecisionIn(BaseModel):
    upheld: bool = Field(description="true: 申诉成立 — the rating no longer counts in 满意率")
    decision: Comment = Field(description="the reasons of the decision")


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
