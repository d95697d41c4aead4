"""Supervisor statistics: the GB/T 32169 indicators and the ticket-level records (明细)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated, Literal

from fastapi import APIRouter, Query
from sqlmodel import Session

from server.api.deps import RuntimeDep, Supervisor
from server.api.schemas import IndicatorRowOut, IndicatorsOut, TicketPage, TicketRecordOut
from server.commands import lookups
from server.domain.actor import ensure_hall
from server.domain.calendar import business_day, hall_zone
from server.domain.errors import InvalidInput
from server.domain.indicators import TicketRecord, all_indicators, grouped
from server.domain.texts import text
from server.queries.stats import ticket_records, window_activities

router = APIRouter(prefix="/stats", tags=["stats"])

MAX_DAYS = 366
From = Annotated[
    date | None, Query(alias="from", description="First business day (YYYY-MM-DD); default today")
]
To = Annotated[
    date | None, Query(alias="to", description="Last business day, inclusive; default = from")
]


def _period(start: date | None, end: date | None, now_day: date) -> tuple[date, date]:
    start = start or now_day
    end = end or start
    if start > end:
        raise InvalidInput(text("stats.bad_range", start=start, end=end))
    if (end - start) > timedelta(days=MAX_DAYS):
        raise InvalidInput(text("stats.range_too_long", days=MAX_DAYS))
    return start, end


@router.get("/indicators", response_model=IndicatorsOut, response_model_by_alias=True)
async def indicators(
    runtime: RuntimeDep,
    user: Supervisor,
    hall_id: int,
    start: From = None,
    end: To = None,
    group_by: Literal["day", "hour", "service", "window", "staff"] = "day",
) -> IndicatorsOut:
    ensure_hall(user, hall_id)
    now = runtime.clock.now()
    counts_basic = runtime.settings.satisfaction_counts_basic

    def load(session: Session) -> IndicatorsOut:
        hall = lookups.hall(session, hall_id)
        zone = hall_zone(hall.timezone)
        first, last = _period(start, end, business_day(now, zone))
        records = ticket_records(session, hall_id, first, last)
        activities = window_activities(session, hall_id, first, last, now)
        rows = grouped(records, activities, group_by, zone, now, counts_basic=counts_basic)
        return IndicatorsOut(
            hall_id=hall_id,
            **{"from": first.isoformat()},
            to=last.isoformat(),
            group_by=group_by,
            total=all_indicators(records, activities, now, counts_basic=counts_basic),
            rows=[IndicatorRowOut(key=r.key, label=r.label, values=r.values) for r in rows],
        )

    return await runtime.read(load)


def record_out(r: TicketRecord) -> TicketRecordOut:
    return TicketRecordOut(
        ticket_id=r.ticket_id,
        number=r.number,
        business_day=r.business_day.isoformat(),
        service_id=r.service_id,
        service_name=r.service_name,
        priority=r.priority,
        source=r.source,
        status=r.status,
        outcome=r.outcome,
        issued_at=r.issued_at,
        entered_queue_at=r.entered_queue_at,
        called_at=r.called_at,
        serving_started_at=r.serving_started_at,
        finished_at=r.finished_at,
        wait_s=r.wait_seconds,
        walk_s=r.walk_seconds,
        handle_s=r.handle_seconds,
        total_s=r.total_seconds,
        window_number=r.window_number,
        staff_no=r.staff_no,
        staff_name=r.staff_name,
        recall_count=r.recall_count,
        no_show_count=r.no_show_count,
        transferred_to=r.transferred_to,
        evaluation_level=r.evaluation_level,
    )


@router.get("/tickets", response_model=TicketPage)
async def ticket_list(
    runtime: RuntimeDep,
    user: Supervisor,
    hall_id: int,
    start: From = None,
    end: To = None,
    limit: Annotated[int, Query(ge=1, le=10_000)] = 500,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> TicketPage:
    ensure_hall(user, hall_id)
    now = runtime.clock.now()

    def load(session: Session) -> TicketPage:
        hall = lookups.hall(session, hall_id)
        first, last = _period(start, end, business_day(now, hall_zone(hall.timezone)))
        records = ticket_records(session, hall_id, first, last)
        page = records[offset : offset + limit]
        return TicketPage(total=len(records), items=[record_out(r) for r in page])

    return await runtime.read(load)
