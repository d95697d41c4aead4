"""Window state and call-next (window staff signed into the window, or a supervisor)."""

from __future__ import annotations

from fastapi import APIRouter, Response, status

from server.api.convert import json_answer, ticket_out
from server.api.deps import RuntimeDep, WindowStaff
from server.api.params import IdPath
from server.api.responses import AUTH, BODY, errors
from server.api.schemas import PauseIn, TicketOut
from server.commands import windows
from server.domain.actor import StaffActor
from server.queries.views import WindowOut, window_out
from server.runtime import Runtime
from server.store.job import call

router = APIRouter(prefix="/windows", tags=["windows"])


async def _change(
    runtime: Runtime, staff: StaffActor, window_id: int, action: str, reason: str | None = None
) -> WindowOut:
    job = call(windows.change_state_with_services, staff, window_id, action, reason)
    return window_out(*await runtime.write(job))


@router.post("/{window_id}/open", response_model=WindowOut, responses=errors(*AUTH, 404, 409, 422))
async def open_window(window_id: IdPath, runtime: RuntimeDep, staff: WindowStaff) -> WindowOut:
    """Open the window and sign the caller in to it."""
    return await _change(runtime, staff, window_id, "open")


@router.post(
    "/{window_id}/pause", response_model=WindowOut, responses=errors(*AUTH, 404, 409, *BODY)
)
async def pause_window(
    window_id: IdPath, runtime: RuntimeDep, staff: WindowStaff, body: PauseIn | None = None
) -> WindowOut:
    return await _change(runtime, staff, window_id, "pause", body.reason if body else None)


@router.post(
    "/{window_id}/resume", response_model=WindowOut, responses=errors(*AUTH, 404, 409, 422)
)
async def resume_window(window_id: IdPath, runtime: RuntimeDep, staff: WindowStaff) -> WindowOut:
    return await _change(runtime, staff, window_id, "resume")


@router.post("/{window_id}/close", response_model=WindowOut, responses=errors(*AUTH, 404, 409, 422))
async def close_window(window_id: IdPath, runtime: RuntimeDep, staff: WindowStaff) -> WindowOut:
    return await _change(runtime, staff, window_id, "close")


@router.post(
    "/{window_id}/call-next",
    response_model=TicketOut,
    responses={
        204: {"description": "Nobody is waiting for this window's services"},
        **errors(*AUTH, 404, 409, 422),
    },
)
async def call_next(window_id: IdPath, runtime: RuntimeDep, staff: WindowStaff) -> Response:
    return await call_next_answer(runtime, staff, window_id)


async def call_next_answer(runtime: Runtime, staff: StaffActor, window_id: int) -> Response:
    """The work and the answer of `call_next` (also server/api/fast_path.py's)."""
    ticket = await runtime.write(call(windows.call_next, staff, window_id))
    if ticket is None:
        return Response(status_code=status.HTTP_204_NO_CONTENT)
    return json_answer(ticket_out(ticket))
