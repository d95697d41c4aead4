"""Registering outside systems (the 政务服务网) with OAuth2 client credentials, and revoking
them at once (role admin; a hall's admin for its own hall only)."""

from __future__ import annotations

from fastapi import APIRouter, status
from pydantic import BaseModel, Field

from server.api.deps import AdminUser, IntegrationCaller, RuntimeDep
from server.api.params import IdPath, OptionalIdQuery
from server.api.responses import AUTH, BODY, errors
from server.api.schemas import IntegrationCreatedOut, IntegrationIn, IntegrationOut
from server.commands import integrations
from server.queries import admin as lists
from server.store.job import call
from server.store.tables import Integration

router = APIRouter(prefix="/admin/integrations", tags=["admin", "integrations"])


@router.post(
    "",
    response_model=IntegrationCreatedOut,
    status_code=status.HTTP_201_CREATED,
    responses=errors(*AUTH, 404, *BODY),
)
async def create_integration(
    body: IntegrationIn, runtime: RuntimeDep, user: AdminUser
) -> IntegrationCreatedOut:
    """Client credentials for an outside system: `client_secret` is shown this once."""
    per_minute = body.requests_per_minute or runtime.settings.integration_requests_per_minute
    integration, secret = await runtime.write(
        call(integrations.create_integration, user, body.name, body.hall_id, per_minute)
    )
    out = IntegrationOut.model_validate(integration)
    return IntegrationCreatedOut(**out.model_dump(), client_secret=secret)


@router.get("", response_model=list[IntegrationOut], responses=errors(*AUTH, 422))
async def list_integrations(
    runtime: RuntimeDep, user: AdminUser, hall_id: OptionalIdQuery = None
) -> list[Integration]:
    """A hall's admin sees its hall's; a deployment admin every one (or one hall's)."""
    scope = user.hall_id if user.hall_id is not None else hall_id
    return await runtime.read(lambda s: lists.integrations(s, scope, user.hall_id is None))


@router.delete(
    "/{integration_id}", response_model=IntegrationOut, responses=errors(*AUTH, 404, 422)
)
async def revoke_integration(
    integration_id: IdPath, runtime: RuntimeDep, user: AdminUser
) -> Integration:
    """Revoke at once: its tokens are refused from the next request on, in every server
    process, and it cannot get new ones. Revoking again changes nothing."""
    integration, _ = await runtime.write(
        call(integrations.revoke_integration, user, integration_id)
    )
    runtime.access.revoked("integration", integration.id or 0)  # others: server/access.py
    runtime.integration_limits.forget(integration.id or 0)
    return integration


me_router = APIRouter(prefix="/integrations", tags=["integrations"])


class IntegrationMeOut(BaseModel):
    id: int
    name: str
    hall_id: int | None = Field(description="the hall it acts for; null: every hall")


@me_router.get("/me", response_model=IntegrationMeOut, responses=errors(*AUTH, 429))
async def integration_me(caller: IntegrationCaller) -> IntegrationMeOut:
    """Who this integration token is (a check of the credentials, counted in the rate
    limit like every integration request)."""
    return IntegrationMeOut(id=caller.integration_id, name=caller.name, hall_id=caller.hall_id)
