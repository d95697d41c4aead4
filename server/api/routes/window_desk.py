"""What a window clerk's desk reads: the hall's windows (to choose one) and one window's queue
with the ticket at it (today's figures: window_today.py).

A window clerk reads only the window they are signed into (and their own figures);
supervisors and admins read any window of their hall. The shapes are in client/desk.py.
"""

from __future__ import annotations

from fastapi import APIRouter
from sqlmodel import Session

from client.desk import DeskWindow, WindowQueue
from server.api.deps import RuntimeDep, WindowStaff
from server.api.params import IdPath, IdQuery
from server.api.responses import AUTH, errors
from server.domain.actor import StaffActor, ensure_hall
from server.domain.enums import Role
from server.domain.errors import PermissionDenied
from server.domain.texts import text
from server.queries import window_desk
from server.store import lookups

router = APIRouter(prefix="/windows", tags=["windows"])


def check_desk(session: Session, staff: StaffActor, window_id: int) -> None:
    window = lookups.window(session, window_id)
    ensure_hall(staff, window.hall_id)
    if staff.role == Role.window and window.staff_id != staff.staff_id:
        raise PermissionDenied(text("window.desk_not_yours", window=window.number))


@router.get("", response_model=list[DeskWindow], responses=errors(*AUTH, 404, 422))
async def list_windows(
    hall_id: IdQuery, runtime: RuntimeDep, staff: WindowStaff
) -> list[DeskWindow]:
    """The hall's windows with their state and who is signed in (to choose a window)."""
    ensure_hall(staff, hall_id)
    return await runtime.read(lambda session: window_desk.hall_windows(session, hall_id))


@router.get("/{window_id}/queue", response_model=WindowQueue, responses=errors(*AUTH, 404, 422))
async def window_queue(window_id: IdPath, runtime: RuntimeDep, staff: WindowStaff) -> WindowQueue:
    """The window, the ticket at it, its services' queues in priority order and who it would
    call next; today's no-shows at the window (to requeue one who comes back)."""
    now = runtime.clock.now()

    def load(session: Session) -> WindowQueue:
        check_desk(session, staff, window_id)
        return window_desk.window_queue(session, window_id, now, staff.staff_id)

    return await runtime.read(load)
