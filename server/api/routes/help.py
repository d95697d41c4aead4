"""呼叫帮办 (issue 29): a kiosk asks for a person (`POST /devices/me/help`); the 导办 desk or a
supervisor takes it (`POST /help/{alert_id}/ack`); counted per day (`GET /help/counts`)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Annotated

from fastapi import APIRouter, Query, Response, status
from sqlmodel import Session

from client.replies import HelpOut
from server.api.deps import KioskDevice, RuntimeDep, Supervisor, WindowStaff
from server.api.params import BusinessDate, IdPath, OptionalIdQuery
from server.api.responses import AUTH, BODY, errors
from server.api.stats_scope import one_hall
from server.commands.help import acknowledge_help, request_help
from server.domain.actor import ensure_hall
from server.domain.calendar import business_day, hall_zone
from server.domain.errors import InvalidInput
from server.queries.alerts import AlertOut, alert_out
from server.queries.help import HelpCounts, help_counts
from server.store import lookups
from server.store.job import call

router = APIRouter(tags=["help"])
MAX_DAYS = 366


@router.post(
    "/devices/me/help",
    response_model=HelpOut,
    status_code=status.HTTP_201_CREATED,
    responses={200: {"model": HelpOut, "description": "already asked"}, **errors(*AUTH)},
)
async def ask_for_help(runtime: RuntimeDep, device: KioskDevice, response: Response) -> HelpOut:
    """呼叫帮办 from a kiosk: an alert in every console and `help.requested` on the feed (the
    hall's 导办 desk shows it). Asked again before anyone took it: the same request, 200."""
    asked = await runtime.write(call(request_help, device))
    if not asked.new:
        response.status_code = status.HTTP_200_OK
    return HelpOut(alert_id=asked.alert_id, text=asked.text, new=asked.new)


@router.post(
    "/help/{alert_id}/ack", response_model=AlertOut, responses=errors(*AUTH, 404, 422, *BODY)
)
async def take_help(alert_id: IdPath, runtime: RuntimeDep, user: WindowStaff) -> AlertOut:
    """The 导办 desk (any staff of the hall) or a supervisor takes a 呼叫帮办, once for everyone
    (`alert.acknowledged`); the first one stands."""
    alert = await runtime.write(call(acknowledge_help, user, alert_id))
    return alert_out(alert)


@router.get("/help/counts", response_model=HelpCounts, responses=errors(*AUTH, 404, 422))
async def count_help(
    runtime: RuntimeDep,
    user: Supervisor,
    hall_id: OptionalIdQuery = None,
    start: Annotated[BusinessDate | None, Query(alias="from")] = None,
    end: Annotated[BusinessDate | None, Query(alias="to")] = None,
) -> HelpCounts:
    """呼叫帮办 per business day (default: today), with how many are not yet taken."""
    hall = one_hall(user, hall_id)
    ensure_hall(user, hall)
    now: datetime = runtime.clock.now()

    def load(session: Session) -> HelpCounts:
        today: date = business_day(now, hall_zone(lookups.hall(session, hall).timezone))
        first, last = start or end or today, end or start or today
        if last < first or (last - first) > timedelta(days=MAX_DAYS):
            raise InvalidInput(f"from 应不晚于 to，且最多 {MAX_DAYS} 天")
        return help_counts(session, hall, first, last)

    return await runtime.read(load)
