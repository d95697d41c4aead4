from __future__ import annotations

from fastapi import APIRouter

from server.api.deps import RuntimeDep, Supervisor
from server.api.responses import AUTH, errors
from server.queries.maintenance import RunOut, recent_runs

router = APIRouter(prefix="/maintenance", tags=["maintenance"])


@router.get("/runs", response_model=list[RunOut], responses=errors(*AUTH))
async def maintenance_runs(runtime: RuntimeDep, _user: Supervisor) -> list[RunOut]:
    """The nightly maintenance's last 14 runs, newest first: each step (rollup, retention,
    backup, checkpoint) with its result (docs/operations.md)."""
    return await runtime.read(recent_runs)
