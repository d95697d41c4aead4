"""差评整改 (rectifications of bad ratings): list, rectify, follow up (回访)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from sqlmodel import Session

from server.api.deps import RuntimeDep, Supervisor
from server.api.params import IdPath, Offset, OptionalIdQuery, StaffNoQuery
from server.api.records import page, read_one, read_one_of_hall
from server.api.responses import AUTH, BODY, errors
from server.api.stats_schemas import (
    FollowUpIn,
    RectificationOut,
    RectificationPage,
    RectificationState,
    RectifyIn,
)
from server.api.stats_scope import hall_ids_for, parse_day, period
from server.commands.rectifications import follow_up, rectify
from server.domain.texts import text
from server.queries.rectifications import (
    RectificationFilter,
    count_rectifications,
    list_rectifications,
    rectification,
)
from server.store.job import call

router = APIRouter(prefix="/rectifications", tags=["rectifications"])


async def _read_one(runtime: RuntimeDep, rectification_id: int) -> RectificationOut:
    missing = text("rectification.not_found", rectification_id=rectification_id)
    return await read_one(runtime, rectification, rectification_id, RectificationOut, missing)


@router.get("", response_model=RectificationPage, responses=errors(*AUTH, 404, 422))
async def list_(
    runtime: RuntimeDep,
    user: Supervisor,
    hall_id: OptionalIdQuery = None,
    start: Annotated[
        str | None, Query(alias="from", description="Rated ticket's business day, from")
    ] = None,
    end: Annotated[str | None, Query(alias="to", description="… to (inclusive)")] = None,
    state: RectificationState | None = None,
    overdue: Annotated[
        bool | None, Query(description="true: open past the deadline, or rectified late")
    ] = None,
    window_id: OptionalIdQuery = None,
    staff_no: StaffNoQuery = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Offset = 0,
) -> RectificationPage:
    """Rectifications, newest first."""
    hall_ids = hall_ids_for(user, hall_id)
    first, last = parse_day(start, "from"), parse_day(end, "to")
    if first or last:
        first, last = period(first, last, first or last)  # type: ignore[arg-type]
    now = runtime.clock.now()
    f = RectificationFilter(hall_ids, first, last, state, overdue, window_id, staff_no)

    def load(session: Session) -> RectificationPage:
        items = list_rectifications(session, f, now, limit=limit, offset=offset)
        return page(RectificationPage, count_rectifications(session, f, now), items)

    return await runtime.read(load)


@router.get(
    "/{rectification_id}", response_model=RectificationOut, responses=errors(*AUTH, 404, 422)
)
async def get_one(
    runtime: RuntimeDep, user: Supervisor, rectification_id: IdPath
) -> RectificationOut:
    missing = text("rectification.not_found", rectification_id=rectification_id)
    return await read_one_of_hall(
        runtime, user, rectification, rectification_id, RectificationOut, missing
    )


@router.post(
    "/{rectification_id}/rectify",
    response_model=RectificationOut,
    responses=errors(*AUTH, 404, 409, *BODY),
)
async def rectify_route(
    runtime: RuntimeDep, user: Supervisor, rectification_id: IdPath, body: RectifyIn
) -> RectificationOut:
    """Record what was done (整改措施); the rectification is then closed (已整改)."""
    await runtime.write(call(rectify, user, rectification_id, body.measures))
    return await _read_one(runtime, rectification_id)


@router.post(
    "/{rectification_id}/follow-up",
    response_model=RectificationOut,
    responses=errors(*AUTH, 404, 409, *BODY),
)
async def follow_up_route(
    runtime: RuntimeDep, user: Supervisor, rectification_id: IdPath, body: FollowUpIn
) -> RectificationOut:
    """Record the follow-up (回访): way, result, satisfied again or not."""
    job = call(
        follow_up,
        user,
        rectification_id,
        way=body.way,
        result=body.result,
        satisfied=body.satisfied,
    )
    await runtime.write(job)
    return await _read_one(runtime, rectification_id)
