"""Supervisor statistics: the GB/T 32169 indicators and the ticket-level records (明细)."""

from __future__ import annotations

import shutil
import tempfile
from datetime import timedelta
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import quote

from fastapi import APIRouter, Query
from fastapi.responses import FileResponse, Response, StreamingResponse
from sqlmodel import Session
from starlette.background import BackgroundTask

from server.api.deps import RuntimeDep, Supervisor
from server.api.params import Offset
from server.api.responses import AUTH, errors
from server.api.stats_schemas import (
    Grouping,
    IndicatorRowOut,
    IndicatorsOut,
    PlanOut,
    TicketPage,
    TicketRecordOut,
)
from server.api.stats_scope import hall_ids_for, one_hall, parse_day, scope_for
from server.domain.calendar import business_day, hall_zone
from server.exports.layout import ROWS_PER_SHEET
from server.exports.process import run_worker, stream_worker
from server.exports.report import check_xlsx_rows, hall_name
from server.exports.worker_command import worker_command
from server.queries.plan_request import DEFAULT_RUNS, DEFAULT_SEED, PlanRequest, check
from server.queries.stats.indicators import ColdPeriod, Scope, compute
from server.queries.stats.records import count_records, record_page
from server.store import lookups
from server.store.types import MAX_ID

router = APIRouter(prefix="/stats", tags=["stats"])

From = Annotated[
    str | None,
    Query(alias="from", description="First business day YYYY-MM-DD (hall time); default today"),
]
To = Annotated[
    str | None, Query(alias="to", description="Last business day, inclusive; default = from")
]
HallId = Annotated[
    int | None,
    Query(
        ge=1,
        le=MAX_ID,
        description="The hall; default the caller's. Admins without a hall may omit it: every hall",
    ),
]


# Computed in the serving process (a thread) only for periods this short, with at most this
# many closed days not rolled up yet (read live, ~20,000 tickets a day); anything longer or
# colder goes to a worker process, which also rolls those days up for the next time.
IN_PROCESS_DAYS = 31
IN_PROCESS_COLD_DAYS = 3


@router.get(
    "/indicators",
    response_model=IndicatorsOut,
    response_model_by_alias=True,
    responses=errors(*AUTH, 404, 422),
)
async def indicators(
    runtime: RuntimeDep,
    user: Supervisor,
    hall_id: HallId = None,
    start: From = None,
    end: To = None,
    group_by: Grouping = "day",
) -> IndicatorsOut:
    """Every indicator of docs/indicators.md for the period, in total and by `group_by`."""
    hall_ids = hall_ids_for(user, hall_id)
    first, last = parse_day(start, "from"), parse_day(end, "to")
    now = runtime.clock.now()
    settings = runtime.settings

    def out(scope: Scope, total: dict[str, Any], rows: list[IndicatorRowOut]) -> IndicatorsOut:
        return IndicatorsOut(
            hall_id=hall_ids[0] if hall_ids else None,
            **{"from": scope.start.isoformat()},
            to=scope.end.isoformat(),
            group_by=group_by,
            total=total,
            rows=rows,
        )

    def load(session: Session) -> IndicatorsOut | Scope:
        scope = scope_for(session, hall_ids, first, last, now, settings.default_timezone)
        if (scope.end - scope.start).days + 1 > IN_PROCESS_DAYS:
            return scope
        try:
            result = compute(
                session,
                scope,
                [group_by],
                counts_basic=settings.satisfaction_counts_basic,
                max_cold_days=IN_PROCESS_COLD_DAYS,
            )[group_by]
        except ColdPeriod:
            return scope
        rows = [IndicatorRowOut(key=r.key, label=r.label, values=r.values) for r in result.rows]
        return out(scope, result.total, rows)

    loaded = await runtime.read(load)
    if isinstance(loaded, IndicatorsOut):
        return loaded
    found = await runtime.statistics.indicators(
        settings.resolved_database_url(), loaded, group_by, settings.satisfaction_counts_basic
    )
    rows = [IndicatorRowOut.model_validate(row) for row in found["rows"]]
    return out(loaded, found["total"], rows)


@router.get("/tickets", response_model=TicketPage, responses=errors(*AUTH, 404, 422))
async def ticket_list(
    runtime: RuntimeDep,
    user: Supervisor,
    hall_id: HallId = None,
    start: From = None,
    end: To = None,
    limit: Annotated[int, Query(ge=1, le=10_000)] = 500,
    offset: Offset = 0,
    after: Annotated[
        int | None,
        Query(ge=0, le=MAX_ID, description="Keyset paging: the `next_after` of the previous page"),
    ] = None,
) -> TicketPage:
    """Ticket-level records (明细) in issue order, one page at a time."""
    hall_ids = hall_ids_for(user, hall_id)
    first, last = parse_day(start, "from"), parse_day(end, "to")
    now = runtime.clock.now()
    default_tz = runtime.settings.default_timezone

    def load(session: Session) -> TicketPage:
        scope = scope_for(session, hall_ids, first, last, now, default_tz)
        total = count_records(session, scope.hall_ids, scope.start, scope.end)
        rows = record_page(
            session, scope.hall_ids, scope.start, scope.end, limit=limit, offset=offset, after=after
        )
        items = [TicketRecordOut.model_validate(row) for row in rows]
        next_after = items[-1].ticket_id if len(items) == limit else None
        return TicketPage(total=total, items=items, next_after=next_after)

    return await runtime.read(load)


MEDIA_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}


def _disposition(filename: str, fallback: str) -> str:
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename)}"


@router.get(
    "/export",
    response_class=Response,
    responses={
        200: {
            "content": {MEDIA_TYPES["xlsx"]: {}, "text/csv": {}},
            "description": "The workbook (XLSX) or the 明细 (CSV, UTF-8 with BOM)",
        },
        **errors(*AUTH, 404, 422),
    },
)
async def export(
    runtime: RuntimeDep,
    user: Supervisor,
    hall_id: HallId = None,
    start: From = None,
    end: To = None,
    format: Annotated[
        Literal["xlsx", "csv"], Query(description="xlsx workbook or csv 明细")
    ] = "xlsx",
    details: Annotated[
        bool, Query(description="XLSX: include the 明细 sheet(s) (one row per ticket)")
    ] = True,
) -> Response:
    """The period as a file. XLSX: 汇总, one sheet per grouping, 明细, 差评整改, 投诉, with
    charts; CSV: the 明细. Built by a separate worker process and streamed, so a long export
    never slows the calls and screens served by this process."""
    hall_ids = hall_ids_for(user, hall_id)
    first, last = parse_day(start, "from"), parse_day(end, "to")
    now = runtime.clock.now()
    settings = runtime.settings

    def prepare(session: Session) -> tuple[Scope, str, int]:
        scope = scope_for(session, hall_ids, first, last, now, settings.default_timezone)
        count = 0
        if format == "xlsx" and details:
            count = count_records(session, scope.hall_ids, scope.start, scope.end)
        return scope, hall_name(session, scope), count

    scope, name, count = await runtime.read(prepare)
    if format == "xlsx" and details:
        check_xlsx_rows(count, ROWS_PER_SHEET)
    period = f"{scope.start.isoformat()}_{scope.end.isoformat()}"
    filename = f"{name}_窗口服务统计_{period}.{format}"
    fallback = f"govqueue-{'-'.join(map(str, hall_ids or ('all',)))}-{period}.{format}"
    args = worker_command(
        scope,
        "--format",
        format,
        "--counts-basic",
        "true" if settings.satisfaction_counts_basic else "false",
    )
    if not details:
        args.append("--no-details")
    database_url = settings.resolved_database_url()
    headers = {"Content-Disposition": _disposition(filename, fallback)}
    if format == "csv":
        return StreamingResponse(
            stream_worker([*args, "--out", "-"], database_url),
            media_type=MEDIA_TYPES["csv"],
            headers=headers,
        )
    folder = Path(tempfile.mkdtemp(prefix="govqueue-export-"))
    path = folder / fallback
    try:
        await run_worker([*args, "--out", str(path)], database_url)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return FileResponse(
        path,
        media_type=MEDIA_TYPES["xlsx"],
        headers=headers,
        background=BackgroundTask(shutil.rmtree, folder, ignore_errors=True),
    )


# A plan's history, when the request names none: the four weeks before the day planned.
PLAN_HISTORY_DAYS = 28


@router.get(
    "/plan",
    response_model=PlanOut,
    response_model_by_alias=True,
    responses=errors(*AUTH, 404, 422),
)
async def plan(
    runtime: RuntimeDep,
    user: Supervisor,
    hall_id: HallId = None,
    start: Annotated[
        str | None,
        Query(alias="from", description="First day of history; default 28 days before `to`"),
    ] = None,
    end: Annotated[
        str | None,
        Query(
            alias="to",
            description="Last day of history; default the day before `day`, at most today",
        ),
    ] = None,
    day: Annotated[
        str | None, Query(description="The day to plan YYYY-MM-DD; default tomorrow (hall time)")
    ] = None,
    target_minutes: Annotated[
        int | None, Query(description="Target wait for every service; default each one's own")
    ] = None,
    runs: Annotated[int, Query(description="Simulated days (1–200)")] = DEFAULT_RUNS,
    seed: Annotated[
        int, Query(description="Random seed: the same seed, the same plan")
    ] = DEFAULT_SEED,
) -> PlanOut:
    """How many windows to open hour by hour on `day`, from the hall's history `from`..`to`:
    the fewest with which 90 % of each hour's applicants (and of each service's) are called
    within the target, with the expected waits of that plan and of the current staffing and
    their spread over `runs` simulated days (docs/planning.md). Simulated in the warm
    statistics process, not in this one."""
    hall = one_hall(user, hall_id)
    first, last, planned = parse_day(start, "from"), parse_day(end, "to"), parse_day(day, "day")
    now = runtime.clock.now()
    settings = runtime.settings

    def request(session: Session) -> PlanRequest:
        today = business_day(now, hall_zone(lookups.hall(session, hall).timezone))
        the_day = planned or today + timedelta(days=1)
        to = last or min(today, the_day - timedelta(days=1))
        made = PlanRequest(
            hall,
            first or to - timedelta(days=PLAN_HISTORY_DAYS - 1),
            to,
            the_day,
            target_minutes,
            runs,
            seed,
        )
        check(made)
        return made

    made = await runtime.read(request)
    found = await runtime.statistics.plan(
        settings.resolved_database_url(), made, now, settings.working_calendar()
    )
    return PlanOut.model_validate(found)
