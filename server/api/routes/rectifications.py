"""差评整改 (rectifications of bad ratings): list, rectify, follow up (回访)."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Annotated

from fastapi import APIRouter, Query
from sqlmodel import Session

from server.api.deps import AdminUser, RuntimeDep, Supervisor
from server.api.params import IdPath, Offset, OptionalIdQuery, StaffNoQuery
from server.api.records import page, read_one, read_one_of_hall
from server.api.responses import AUTH, BODY, errors
from server.api.stats_schemas import (
    AppealDecisionIn,
    AppealIn,
    AppealState,
    FollowUpIn,
    RectificationOut,
    RectificationPage,
    RectificationState,
    RectifyIn,
)
from server.api.stats_scope import hall_ids_for, parse_day, period
from server.commands.appeals import decide_appeal, file_appeal
from server.commands.rectifications import follow_up, rectify
from server.domain.texts import text
from server.queries.rectifications import (
    RectificationFilter,
    count_rectifications,
    list_rectifications,
    rectification,
)
from server.store.job import call
from server.store.transaction import Tx

router = APIRouter(prefix="/rectifications", tags=["rectifications"])


async def _read_one(runtime: RuntimeDep, rectification_id: int) -> RectificationOut:
    missing = text("rectification.not_found", rectification_id=rectification_id)
    return await read_one(runtime, rectification, rectification_id, RectificationOut, missing)


async def _done(
    runtime: RuntimeDep, job: Callable[[Tx], object], rectification_id: int
) -> RectificationOut:
    """The step written, then the rectification as it now stands."""
    await runtime.write(job)
    return await _read_one(runtime, rectification_id)


# a step of a rectification (整改, 回访, 申诉 and its decision): the rectification after it
_step = functools.partial(
    router.post, response_model=RectificationOut, responses=errors(*AUTH, 404, 409, *BODY)
)


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
    appeal: Annotated[
        AppealState | None, Query(description="申诉: pending (to decide), upheld, rejected")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Offset = 0,
) -> RectificationPage:
    """Rectifications, newest first."""
    hall_ids = hall_ids_for(user, hall_id)
    first, last = parse_day(start, "from"), parse_day(end, "to")
    if first or last:
        first, last = period(first, last, first or last)  # type: ignore[arg-type]
    now = runtime.clock.now()
    f = RectificationFilter(hall_ids, first, last, state, overdue, window_id, staff_no, appeal)

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


@_step("/{rectification_id}/rectify")
async def rectify_route(
    runtime: RuntimeDep, user: Supervisor, rectification_id: IdPath, body: RectifyIn
) -> RectificationOut:
    """Record what was done (整改措施); the rectification is then closed (已整改)."""
    settings = runtime.settings
    job = call(
        rectify,
        user,
        rectification_id,
        body.measures,
        followup_days=settings.followup_working_days,
        calendar=settings.working_calendar(),
    )
    return await _done(runtime, job, rectification_id)


@_step("/{rectification_id}/follow-up")
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
    return await _done(runtime, job, rectification_id)


@_step("/{rectification_id}/appeal", status_code=201)
async def appeal_route(
    runtime: RuntimeDep, user: Supervisor, rectification_id: IdPath, body: AppealIn
) -> RectificationOut:
    """申诉: the hall holds this 差评 malicious or mistaken (reason and evidence); an admin
    decides. Once per 差评."""
    job = call(file_appeal, user, rectification_id, body.reason, body.evidence or "")
    return await _done(runtime, job, rectification_id)


@_step("/{rectification_id}/appeal/decision")
async def decide_route(
    runtime: RuntimeDep, user: AdminUser, rectification_id: IdPath, body: AppealDecisionIn
) -> RectificationOut:
    """An admin decides the 申诉, once: upheld (the rating leaves 满意率, in the statistics,
    the exports and — where the hall's profile has a field — the platform) or rejected."""
    job = call(decide_appeal, user, rectification_id, upheld=body.upheld, decision=body.decision)
    return await _done(runtime, job, rectification_id)
