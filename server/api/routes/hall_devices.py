"""`GET /halls/{hall_id}/devices`: a hall's kiosks, screens and window terminals with their
last reported health, for the supervisor's live overview (the feed's `device.status`
events then keep it current)."""

from __future__ import annotations

from fastapi import APIRouter
from sqlmodel import Session

from server.api.deps import RuntimeDep, Supervisor
from server.api.params import IdPath
from server.api.responses import AUTH, errors
from server.domain.actor import ensure_hall
from server.queries.devices import DeviceHealth, hall_devices
from server.store import lookups

router = APIRouter(prefix="/halls", tags=["halls"])


@router.get(
    "/{hall_id}/devices", response_model=list[DeviceHealth], responses=errors(*AUTH, 404, 422)
)
async def list_devices(
    hall_id: IdPath, runtime: RuntimeDep, user: Supervisor
) -> list[DeviceHealth]:
    """Supervisors of the hall and admins. Revoked devices are left out."""
    ensure_hall(user, hall_id)

    def load(session: Session) -> list[DeviceHealth]:
        lookups.hall(session, hall_id)
        return hall_devices(session, hall_id)

    return await runtime.read(load)
