"""Typed dependencies: the runtime, and who is calling (staff, device or ticket holder)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlmodel import Session, select

from server.console.session import cookie_actor
from server.domain.actor import DeviceActor, StaffActor
from server.domain.enums import DeviceKind, Role
from server.domain.errors import AuthenticationRequired, PermissionDenied
from server.domain.texts import text
from server.runtime import Runtime
from server.security import hash_device_token, is_device_token, read_access_token
from server.store.tables import Device

bearer = HTTPBearer(auto_error=False)


async def get_runtime(request: Request) -> Runtime:
    """Async on purpose: a plain function dependency would cost a thread hop per request."""
    runtime: Runtime = request.app.state.runtime
    return runtime


RuntimeDep = Annotated[Runtime, Depends(get_runtime)]
Credentials = Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]


def staff_from_token(runtime: Runtime, token: str) -> StaffActor | None:
    claims = read_access_token(runtime.secret_key, token)
    if claims is None:
        return None
    return StaffActor(
        staff_id=int(claims["sub"]),
        staff_no=str(claims.get("staff_no", "")),
        name=str(claims.get("name", "")),
        role=Role(claims["role"]),
        hall_id=claims.get("hall_id"),
    )


async def device_from_token(runtime: Runtime, token: str) -> DeviceActor | None:
    token_hash = hash_device_token(token)
    cache: dict[str, DeviceActor] = runtime.device_cache
    if token_hash in cache:
        return cache[token_hash]

    def load(session: Session) -> Device | None:
        return session.exec(
            select(Device).where(Device.token_hash == token_hash, Device.revoked_at == None)  # noqa: E711
        ).first()

    device = await runtime.read(load)
    if device is None:
        return None
    actor = DeviceActor(device.id or 0, DeviceKind(device.kind), device.hall_id, device.window_id)
    cache[token_hash] = actor
    return actor


async def actor_from_token(runtime: Runtime, token: str) -> StaffActor | DeviceActor:
    actor: StaffActor | DeviceActor | None
    if is_device_token(token):
        actor = await device_from_token(runtime, token)
    else:
        actor = staff_from_token(runtime, token)
    if actor is None:
        raise AuthenticationRequired(text("auth.invalid_token"), code="invalid_token")
    return actor


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


AnyActor = Annotated[StaffActor | DeviceActor, Depends(any_actor)]
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
WindowStaff = Annotated[StaffActor, require_staff(Role.window, Role.supervisor, Role.admin)]
KioskDevice = Annotated[DeviceActor, require_device(DeviceKind.kiosk)]
