"""Typed dependencies: the runtime, and who is calling (staff, device or ticket holder)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from server.auth.console_session import cookie_actor
from server.auth.tokens import actor_from_token, integration_account
from server.domain.actor import DeviceActor, IntegrationActor, StaffActor
from server.domain.enums import DeviceKind, Role
from server.domain.errors import AuthenticationRequired, PermissionDenied
from server.domain.texts import text
from server.runtime import Runtime
from server.security import (
    is_integration_token,
)

bearer = HTTPBearer(auto_error=False)


async def get_runtime(request: Request) -> Runtime:
    """Async on purpose: a plain function dependency would cost a thread hop per request."""
    runtime: Runtime = request.app.state.runtime
    return runtime


RuntimeDep = Annotated[Runtime, Depends(get_runtime)]
Credentials = Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]


async def optional_actor(
    request: Request, runtime: RuntimeDep, creds: Credentials
) -> StaffActor | DeviceActor | None:
    if creds is None:  # the web console's cookie session, CSRF-checked (server/console)
        return await cookie_actor(request, runtime, request.method)
    return await actor_from_token(runtime, creds.credentials)


async def any_actor(
    request: Request, runtime: RuntimeDep, creds: Credentials
) -> StaffActor | DeviceActor:
    actor = await optional_actor(request, runtime, creds)
    if actor is None:
        raise AuthenticationRequired(text("auth.required"))
    return actor


async def integration_caller(runtime: RuntimeDep, creds: Credentials) -> IntegrationActor:
    """An integration with a valid token, within its rate limit (429 past it)."""
    if creds is None or not is_integration_token(creds.credentials):
        if creds is None:
            raise AuthenticationRequired(text("auth.integration_required"))
        raise PermissionDenied(text("auth.integration_required"), code="integration_required")
    account = await integration_account(runtime, creds.credentials)
    runtime.integration_limits.take(account.actor.integration_id, account.requests_per_minute)
    return account.actor


async def staff_or_integration(
    request: Request, runtime: RuntimeDep, creds: Credentials
) -> StaffActor | IntegrationActor:
    """An integration (rate-limited) or a staff member (the console, a 导办台); no device."""
    if creds is not None and is_integration_token(creds.credentials):
        return await integration_caller(runtime, creds)
    actor = await any_actor(request, runtime, creds)
    if not isinstance(actor, StaffActor):
        raise PermissionDenied(text("auth.role", roles="、".join(r.value for r in Role)))
    return actor


AnyActor = Annotated[StaffActor | DeviceActor, Depends(any_actor)]
IntegrationCaller = Annotated[IntegrationActor, Depends(integration_caller)]
StaffOrIntegration = Annotated[StaffActor | IntegrationActor, Depends(staff_or_integration)]
OptionalActor = Annotated[StaffActor | DeviceActor | None, Depends(optional_actor)]


def require_staff(*roles: Role):  # type: ignore[no-untyped-def]
    async def dependency(actor: AnyActor) -> StaffActor:
        if not isinstance(actor, StaffActor) or actor.role not in roles:
            raise PermissionDenied(text("auth.role", roles="、".join(r.value for r in roles)))
        return actor

    return Depends(dependency)


def require_device(*kinds: DeviceKind):  # type: ignore[no-untyped-def]
    async def dependency(actor: AnyActor) -> DeviceActor:
        if not isinstance(actor, DeviceActor) or actor.kind not in kinds:
            names = {"kiosk": "自助取号机", "display": "大厅显示屏", "window": "窗口终端"}
            raise PermissionDenied(
                text("auth.device_kind", kinds="或".join(names[k] for k in kinds))
            )
        return actor

    return Depends(dependency)


AdminUser = Annotated[StaffActor, require_staff(Role.admin)]
Supervisor = Annotated[StaffActor, require_staff(Role.supervisor, Role.admin)]
WINDOW_ROLES = (Role.window, Role.supervisor, Role.admin)
WindowStaff = Annotated[StaffActor, require_staff(*WINDOW_ROLES)]
KioskDevice = Annotated[DeviceActor, require_device(DeviceKind.kiosk)]
