"""投诉 (complaints): record, list, handle. Supervisors of the hall; admins of the deployment."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from sqlmodel import Session

from server.api.deps import RuntimeDep, Supervisor
from server.api.params import IdPath, Offset, OptionalIdQuery, StaffNoQuery
from server.api.records import page, read_one, read_one_of_hall
from server.api.responses import AUTH, BODY, errors
from server.api.stats_schemas import (
    ComplaintChannel,
    ComplaintHandleIn,
    ComplaintIn,
    ComplaintOut,
    ComplaintPage,
    ComplaintState,
)
from server.api.stats_scope import hall_ids_for, one_hall, parse_day, period
from server.commands.complaints import create_complaint, handle_complaint
from server.domain.calendar import day_bounds, hall_zone
from server.domain.texts import text
from server.queries.complaints import (
    ComplaintFilter,
    complaint,
    count_complaints,
    list_complaints,
)
from server.store import lookups
from server.store.job import call

router = APIRouter(prefix="/complaints", tags=["complaints"])


async def _read_one(runtime: RuntimeDep, complaint_id: int) -> ComplaintOut:
    missing = text("complaint.not_found", complaint_id=complaint_id)
    return await read_one(runtime, complaint, complaint_id, ComplaintOut, missing)


@router.post("", response_model=ComplaintOut, status_code=201, responses=errors(*AUTH, 404, *BODY))
async def create(runtime: RuntimeDep, user: Supervisor, body: ComplaintIn) -> ComplaintOut:
    """Record a complaint (state 已受理); its deadline is `complaint_working_days` working days."""
    hall = one_hall(user, body.hall_id)
    days = runtime.settings.complaint_working_days
    calendar = runtime.settings.working_calendar()
    job = call(
        create_complaint,
        user,
        hall,
        **body.model_dump(exclude={"hall_id"}),  # the complaint as given
        deadline_working_days=days,
        calendar=calendar,
    )
    created = await runtime.write(job)
    return await _read_one(runtime, created.id or 0)


@router.get("", response_model=ComplaintPage, responses=errors(*AUTH, 404, 422))
async def list_(
    runtime: RuntimeDep,
    user: Supervisor,
    hall_id: OptionalIdQuery = None,
    start: Annotated[
        str | None, Query(alias="from", description="Received on or after (day)")
    ] = None,
    end: Annotated[str | None, Query(alias="to", description="Received on or before (day)")] = None,
    state: ComplaintState | None = None,
    overdue: Annotated[
        bool | None, Query(description="true: open past the deadline, or closed late")
    ] = None,
    channel: ComplaintChannel | None = None,
    window_id: OptionalIdQuery = None,
    staff_no: StaffNoQuery = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Offset = 0,
) -> ComplaintPage:
    """Complaints, newest first."""
    hall_ids = hall_ids_for(user, hall_id)
    first, last = parse_day(start, "from"), parse_day(end, "to")
    now = runtime.clock.now()
    default_tz = runtime.settings.default_timezone

    def load(session: Session) -> ComplaintPage:
        zone_name = default_tz
        if hall_ids is not None and len(hall_ids) == 1:
            zone_name = lookups.hall(session, hall_ids[0]).timezone
        zone = hall_zone(zone_name)
        lo = hi = None
        if first or last:
            a, b = period(first, last, first or last)  # type: ignore[arg-type]
            lo, hi = day_bounds(a, zone)[0], day_bounds(b, zone)[1]
        f = ComplaintFilter(hall_ids, lo, hi, state, overdue, channel, window_id, staff_no)
        items = list_complaints(session, f, now, limit=limit, offset=offset)
        return page(ComplaintPage, count_complaints(session, f, now), items)

    return await runtime.read(load)


@router.get("/{complaint_id}", response_model=ComplaintOut, responses=errors(*AUTH, 404, 422))
async def get_one(runtime: RuntimeDep, user: Supervisor, complaint_id: IdPath) -> ComplaintOut:
    missing = text("complaint.not_found", complaint_id=complaint_id)
    return await read_one_of_hall(runtime, user, complaint, complaint_id, ComplaintOut, missing)


@router.post(
    "/{complaint_id}/handle", response_model=ComplaintOut, responses=errors(*AUTH, 404, 409, *BODY)
)
async def handle(
    runtime: RuntimeDep, user: Supervisor, complaint_id: IdPath, body: ComplaintHandleIn
) -> ComplaintOut:
    """Record the handling: `close` true → 已办结 (closed); false → a progress note (已受理)."""
    job = call(
        handle_complaint,
        user,
        complaint_id,
        result=body.result,
        handled_at=body.handled_at,
        close=body.close,
    )
    await runtime.write(job)
    return await _read_one(runtime, complaint_id)
