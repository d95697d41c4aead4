from __future__ import annotations

from fastapi import APIRouter

from server.api.deps import OptionalActor, RuntimeDep
from server.api.params import IdPath
from server.api.responses import AUTH, errors
from server.domain.actor import ensure_hall
from server.queries.services import service_statuses
from server.queries.views import ServiceStatusOut

router = APIRouter(prefix="/halls", tags=["halls"])


@router.get(
    "/{hall_id}/services",
    response_model=list[ServiceStatusOut],
    responses=errors(*AUTH, 404, 422),
)
async def list_services(
    hall_id: IdPath, runtime: RuntimeDep, actor: OptionalActor
) -> list[ServiceStatusOut]:
    """Services with waiting count, estimated wait and whether tickets are issued now.

    Public information (it is on the hall screens), so no token is needed; a token of another
    hall is refused.
    """
    if actor is not None:
        ensure_hall(actor, hall_id)
    now = runtime.clock.now()
    catalog = runtime.writer.catalog
    return await runtime.read(lambda session: service_statuses(session, catalog, hall_id, now))
