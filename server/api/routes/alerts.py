"""提醒: the hall's alerts, listed and acknowledged once for everyone (server/commands/alerts.py)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field
from sqlmodel import Session

from server.api.deps import RuntimeDep, Supervisor
from server.api.params import IdPath, OptionalIdQuery
from server.api.responses import AUTH, errors
from server.api.stats_scope import one_hall
from server.commands.alerts import acknowledge_alert
from server.domain.actor import ensure_hall
from server.queries.alerts import AlertOut, AlertState, alert_out, hall_alerts
from server.store import lookups
from server.store.job import call

router = APIRouter(prefix="/alerts", tags=["alerts"])


class AlertList(BaseModel):
    hall_id: int
    state: AlertState
    pause_alert_minutes: int = Field(description="the hall's threshold for 窗口暂停过久")
    items: list[AlertOut]


@router.get("", response_model=AlertList, responses=errors(*AUTH, 404, 422))
async def list_alerts(
    runtime: RuntimeDep,
    user: Supervisor,
    hall_id: OptionalIdQuery = None,
    state: AlertState = "open",
    limit: Annotated[int, Query(ge=1, le=500)] = 200,
) -> AlertList:
    """`state=open`: not yet acknowledged (what the console shows), newest first; `all`:
    acknowledged ones too, with who acknowledged them and when. `hall_id` defaults to the
    caller's hall."""
    hall = one_hall(user, hall_id)
    ensure_hall(user, hall)

    def load(session: Session) -> AlertList:
        items = hall_alerts(session, hall, state, limit)
        limit_min = lookups.hall(session, hall).pause_alert_minutes
        return AlertList(hall_id=hall, state=state, pause_alert_minutes=limit_min, items=items)

    return await runtime.read(load)


@router.post("/{alert_id}/ack", response_model=AlertOut, responses=errors(*AUTH, 404, 422))
async def acknowledge(alert_id: IdPath, runtime: RuntimeDep, user: Supervisor) -> AlertOut:
    """Acknowledge for everyone: `alert.acknowledged` goes to every console of the hall. An
    alert already acknowledged is returned as it is (the first acknowledgement stands)."""
    alert = await runtime.write(call(acknowledge_alert, user, alert_id))
    return alert_out(alert)
