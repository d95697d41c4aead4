"""`GET /windows/{id}/today`: today's figures of a window and of the clerk signed in at it.

A window clerk reads only the window they are signed into (so only their own figures);
supervisors and admins read any window of their hall.
"""

from __future__ import annotations

from fastapi import APIRouter
from sqlmodel import Session

from client.desk import TodayFigures
from server.api.deps import RuntimeDep, WindowStaff
from server.api.params import IdPath
from server.api.responses import AUTH, errors
from server.api.routes.window_desk import check_desk
from server.queries.window_today import today_figures

router = APIRouter(prefix="/windows", tags=["windows"])


@router.get("/{window_id}/today", response_model=TodayFigures, responses=errors(*AUTH, 404, 422))
async def window_today(window_id: IdPath, runtime: RuntimeDep, staff: WindowStaff) -> TodayFigures:
    """Today's figures of the window and of the clerk signed in at it: served, average wait
    and handling, on-time rate, satisfaction (the hall indicators' formulas)."""
    now = runtime.clock.now()
    counts_basic = runtime.settings.satisfaction_counts_basic

    def load(session: Session) -> TodayFigures:
        check_desk(session, staff, window_id)
        return today_figures(session, window_id, now, counts_basic=counts_basic)

    return await runtime.read(load)
