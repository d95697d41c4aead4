"""Who a bearer token belongs to: a staff member (a signed JWT, its claims checked once and
kept until it expires), a device (a `gqd_` token, by its hash) or an integration (`gqi_`), each
as the database has them now, through the access cache (server/access.py) that a revocation,
a deactivation or a change of role or password empties at once.

The REST dependencies (server/api/deps.py), the fast path and the live feed all ask here.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

from server.domain.actor import DeviceActor, StaffActor
from server.domain.enums import Role
from server.domain.errors import AuthenticationRequired, PermissionDenied
from server.domain.texts import text
from server.queries import access as access_queries
from server.queries.access import IntegrationAccount, StaffAccount
from server.runtime import Runtime
from server.security import (
    hash_device_token,
    is_device_token,
    is_integration_token,
    read_access_token,
    read_integration_token,
)
from server.store.types import MAX_ID

# (secret key, token) -> ((staff id, version), exp): a staff token's signature is checked once,
# not on every request (HS256 decoding is most of a window request's credential check). Only well-formed,
# correctly signed tokens are kept, and each only until its `exp` (as PyJWT decides: valid
# while exp > now); the account behind it is still checked on every request (AccessCache).
_CLAIMS: dict[tuple[str, str], tuple[tuple[int, int], float]] = {}
_CLAIMS_MAX = 4096


def _claims(runtime: Runtime, token: str) -> tuple[int, int] | None:
    """(staff id, token version) of a well-formed, correctly signed, unexpired staff token."""
    cached = _CLAIMS.get((runtime.secret_key, token))
    if cached is not None and cached[1] > time.time():
        return cached[0]
    claims = read_access_token(runtime.secret_key, token)
    if claims is None:
        return None
    sub, role, version = claims.get("sub"), claims.get("role"), claims.get("ver")
    if not (isinstance(sub, str) and sub.isascii() and sub.isdigit() and 0 < int(sub) <= MAX_ID):
        return None
    if role not in {r.value for r in Role} or type(version) is not int:
        return None
    exp = claims.get("exp")
    if isinstance(exp, int | float) and not isinstance(exp, bool):
        if len(_CLAIMS) >= _CLAIMS_MAX:
            _CLAIMS.clear()
        _CLAIMS[(runtime.secret_key, token)] = ((int(sub), version), float(exp))
    return int(sub), version


def cached_staff(runtime: Runtime, token: str) -> StaffActor | None:
    """The staff member of a valid token when everything needed is cached and they may act
    (active, same token version); None when the full check (staff_from_token) must decide."""
    claims = _claims(runtime, token)
    if claims is None:
        return None
    account = runtime.access.staff(claims[0])
    if account is None or not account.active or account.token_version != claims[1]:
        return None
    if account.must_change_password:
        return None  # refused by the full check, with its reason
    return _staff_actor(account)


def cached_device(runtime: Runtime, token: str) -> DeviceActor | None:
    """The device of a cached, unrevoked device token; None when device_from_token must
    decide (not cached, revoked, not a device token)."""
    if not is_device_token(token):
        return None
    account = runtime.access.device(hash_device_token(token))
    if account is None or account.revoked:
        return None
    return account.actor


def _staff_actor(account: StaffAccount) -> StaffActor:
    return StaffActor(
        staff_id=account.staff_id,
        staff_no=account.staff_no,
        name=account.name,
        role=account.role,
        hall_id=account.hall_id,
    )


A = TypeVar("A")


async def _cached(
    runtime: Runtime,
    cached: A | None,
    load: Callable[..., A | None],  # a read of runtime.read (a Session in, no SQL here)
    remember: Callable[[A, int], None],
) -> A:
    """The cached account, else the database's (then remembered, unless a revocation came
    meanwhile: the cache's generation); AuthenticationRequired when there is none."""
    if cached is not None:
        return cached
    generation = runtime.access.generation
    account = await runtime.read(load)
    if account is None:
        raise AuthenticationRequired(text("auth.invalid_token"), code="invalid_token")
    remember(account, generation)
    return account


async def staff_from_token(
    runtime: Runtime, token: str, *, changing_password: bool = False
) -> StaffActor:
    """The staff member, as the database has them now (through a cache that a deactivation or
    a change of role or password empties at once: server/access.py). An account that must
    change its password may do only that (`changing_password`): anything else is 403."""
    claims = _claims(runtime, token)
    if claims is None:
        raise AuthenticationRequired(text("auth.invalid_token"), code="invalid_token")
    staff_id, version = claims
    cache = runtime.access
    account = await _cached(
        runtime,
        cache.staff(staff_id),
        lambda s: access_queries.staff_account(s, staff_id),
        cache.remember_staff,
    )
    if not account.active:
        raise AuthenticationRequired(text("auth.inactive"), code="inactive")
    if account.token_version != version:
        raise AuthenticationRequired(text("auth.session_ended"), code="session_ended")
    if account.must_change_password and not changing_password:
        raise PermissionDenied(text("password.change_required"), code="password_change_required")
    return _staff_actor(account)


async def device_from_token(runtime: Runtime, token: str) -> DeviceActor:
    token_hash = hash_device_token(token)
    cache = runtime.access
    account = await _cached(
        runtime,
        cache.device(token_hash),
        lambda s: access_queries.device_by_token_hash(s, token_hash),
        lambda found, generation: cache.remember_device(token_hash, found, generation),
    )
    if account.revoked:
        raise AuthenticationRequired(text("auth.device_revoked"), code="revoked")
    return account.actor


async def actor_from_token(runtime: Runtime, token: str) -> StaffActor | DeviceActor:
    """Who the token belongs to; AuthenticationRequired (401) when it is not (or no longer)
    valid: invalid_token, inactive, session_ended or revoked. An integration's token is for
    the appointment routes only (403 here)."""
    if is_integration_token(token):
        raise PermissionDenied(text("auth.integration_only"), code="integration_only")
    if is_device_token(token):
        return await device_from_token(runtime, token)
    return await staff_from_token(runtime, token)


async def integration_account(runtime: Runtime, token: str) -> IntegrationAccount:
    """The integration of a valid, unrevoked token (through the access cache, which a
    revocation empties at once: server/access.py)."""
    ident = read_integration_token(runtime.secret_key, token)
    if ident is None:
        raise AuthenticationRequired(text("auth.invalid_token"), code="invalid_token")
    cache = runtime.access
    account = await _cached(
        runtime,
        cache.integration(ident),
        lambda s: access_queries.integration_account(s, ident),
        cache.remember_integration,
    )
    if account.revoked:
        raise AuthenticationRequired(text("integration.revoked"), code="revoked")
    return account
