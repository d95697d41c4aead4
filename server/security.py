"""Password hashing (argon2), staff access tokens (JWT) and device tokens (random, stored hashed).

Checking a password costs ~0.17 s of CPU and 64 MiB (argon2's defaults, on purpose): it runs
in a small pool of its own threads, never on the event loop, and failed logins are
throttled per 工号 and per client address (LoginThrottle), so guessing is slow and a burst
of logins cannot stall the screens, kiosks and windows served by the same process.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import hashlib
import hmac
import math
import os
import secrets
import threading
import time
from collections import deque
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import jwt
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from server.domain.errors import DomainError
from server.domain.texts import text

_hasher = PasswordHasher()

DEVICE_TOKEN_PREFIX = "gqd_"
ALGORITHM = "HS256"


@dataclass(frozen=True, slots=True)
class HashedPassword:
    """A new password, already hashed. Hashing costs ~0.15 s of CPU and 64 MiB, so it is done
    before the change goes to the writer (or before the command line opens its transaction),
    never inside it, where it would hold up every write of the hall meanwhile."""

    value: str


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def hash_many(passwords: list[str]) -> list[HashedPassword]:
    """Hash many new passwords (the command line's `admin apply`) on half the cores, in
    threads of lower priority: a server running beside it keeps the CPU it needs."""
    workers = max(1, (os.cpu_count() or 2) // 2)
    with ThreadPoolExecutor(
        max_workers=workers, thread_name_prefix="govqueue-hash", initializer=_lower_priority
    ) as pool:
        return [HashedPassword(h) for h in pool.map(hash_password, passwords)]


HASHING_NICENESS = 10


def _lower_priority() -> None:
    """This thread only (Linux: a thread's id is a `PRIO_PROCESS` target of its own)."""
    with contextlib.suppress(OSError, AttributeError):  # not Linux, or not allowed: as it is
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), HASHING_NICENESS)


@functools.cache
def dummy_password_hash() -> str:
    """A hash to verify against when the staff number is unknown (constant-time login)."""
    return _hasher.hash(secrets.token_hex(16))


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


# Password checks waiting or running at once, over all clients: past it a login is refused
# at once (503 login_busy) instead of queueing — 300 guesses at once made every login, a clerk's
# included, wait up to 28 s. 16 is ~1.4 s of work for the two threads at 0.17 s a check.
MAX_PENDING_CHECKS = 16


class LoginBusy(DomainError):
    """Too many password checks under way on this server (every client together): try again
    in a moment (HTTP 503, Retry-After). The attempt is not counted as a failed login."""

    code = "login_busy"
    retry_after_s = 1

    def __init__(self) -> None:
        super().__init__(text("auth.login_busy"))


class PasswordThreads:
    """argon2 off the event loop: hashes and checks in two threads of their own (two at a
    time: bounded CPU and memory however many logins arrive at once), and at most
    `max_pending` checks waiting or running (LoginBusy past it). The server's runtime holds
    one (`runtime.passwords`); the application's lifespan shuts it down."""

    def __init__(self, workers: int = 2, max_pending: int = MAX_PENDING_CHECKS) -> None:
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="govqueue-password")
        self.max_pending = max_pending
        self.pending = 0  # checks waiting or running (on the event loop only)

    async def hash(self, password: str) -> HashedPassword:
        """`hash_password` in these threads."""
        loop = asyncio.get_running_loop()
        return HashedPassword(await loop.run_in_executor(self._pool, hash_password, password))

    async def check(self, password_hash: str | None, password: str) -> bool:
        """verify_password in these threads; with no hash (unknown 工号) it checks against a
        dummy hash, so the answer takes as long and does not reveal which numbers exist."""

        if self.pending >= self.max_pending:
            raise LoginBusy()

        def check() -> bool:
            return verify_password(password_hash or dummy_password_hash(), password)

        self.pending += 1
        try:
            return await asyncio.get_running_loop().run_in_executor(self._pool, check)
        finally:
            self.pending -= 1

    def shutdown(self) -> None:
        """Finish the checks under way (each takes a fraction of a second), take no more."""
        self._pool.shutdown(wait=True, cancel_futures=True)


class TooManyAttempts(DomainError):
    code = "too_many_attempts"

    def __init__(self, retry_after_s: int) -> None:
        super().__init__(text("auth.too_many_attempts", seconds=retry_after_s))
        self.retry_after_s = retry_after_s


class LoginThrottle:
    """Failed logins per 工号 and per client address in a sliding window.

    An attempt counts as a failure from the moment it starts (so a burst of concurrent
    attempts cannot slip past the limit) until it succeeds; a success also clears the
    工号's failures. Per process: with several server processes each keeps its own count.
    """

    def __init__(
        self,
        *,
        per_account: int = 5,
        per_address: int = 20,
        window_s: float = 600.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.per_account = per_account
        self.per_address = per_address
        self.window_s = window_s
        self._clock = clock
        self._failures: dict[str, deque[float]] = {}
        self._lock = threading.Lock()
        self._operations = 0

    def begin(self, staff_no: str, address: str) -> float:
        """Refuse with TooManyAttempts, or count the attempt and return its mark."""
        keys = ((f"no:{staff_no}", self.per_account), (f"ip:{address}", self.per_address))
        with self._lock:
            now = self._clock()
            self._sweep(now)
            wait = max(self._wait(key, limit, now) for key, limit in keys)
            if wait > 0:
                raise TooManyAttempts(max(1, math.ceil(wait)))
            for key, _ in keys:
                self._failures.setdefault(key, deque()).append(now)
            return now

    def withdraw(self, staff_no: str, address: str, mark: float) -> None:
        """The attempt begun at `mark` did not take place (LoginBusy): it counts for
        neither the 工号 nor the address."""
        with self._lock:
            for key in (f"no:{staff_no}", f"ip:{address}"):
                times = self._failures.get(key)
                if times is not None and mark in times:
                    times.remove(mark)

    def succeeded(self, staff_no: str, address: str, mark: float) -> None:
        with self._lock:
            self._failures.pop(f"no:{staff_no}", None)
            times = self._failures.get(f"ip:{address}")
            if times is not None and mark in times:
                times.remove(mark)

    def _wait(self, key: str, limit: int, now: float) -> float:
        """Seconds until `key` has fewer than `limit` failures in the window."""
        times = self._failures.get(key)
        if not times:
            return 0.0
        while times and times[0] <= now - self.window_s:
            times.popleft()
        if len(times) < limit:
            return 0.0
        return times[len(times) - limit] + self.window_s - now

    def _sweep(self, now: float) -> None:
        """Forget keys with no failure left in the window (bounded memory)."""
        self._operations += 1
        if self._operations % 1000:
            return
        cutoff = now - self.window_s
        for key in [k for k, times in self._failures.items() if not times or times[-1] <= cutoff]:
            del self._failures[key]


class RateLimited(DomainError):
    code = "rate_limited"

    def __init__(self, limit: int, retry_after_s: int) -> None:
        super().__init__(text("integration.rate_limited", limit=limit, seconds=retry_after_s))
        self.retry_after_s = retry_after_s


class RateLimit:
    """Requests per caller in a sliding minute (an integration's own limit). Per process:
    with several server processes each counts its own share."""

    WINDOW_S = 60.0

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._times: dict[int, deque[float]] = {}
        self._lock = threading.Lock()

    def take(self, key: int, per_minute: int) -> None:
        """Count one request of `key`, or refuse it with RateLimited (nothing counted)."""
        with self._lock:
            now = self._clock()
            times = self._times.setdefault(key, deque())
            while times and times[0] <= now - self.WINDOW_S:
                times.popleft()
            if len(times) >= per_minute:
                wait = times[len(times) - per_minute] + self.WINDOW_S - now
                raise RateLimited(per_minute, max(1, math.ceil(wait)))
            times.append(now)

    def forget(self, key: int) -> None:
        with self._lock:
            self._times.pop(key, None)


def new_device_token() -> str:
    return DEVICE_TOKEN_PREFIX + secrets.token_urlsafe(32)


@functools.lru_cache(maxsize=4096)
def hash_device_token(token: str) -> str:
    # Device tokens are 256 random bits: a fast hash is enough and keeps every request cheap;
    # a hall's few dozen devices send the same tokens all day, so each is hashed once.
    return hashlib.sha256(token.encode()).hexdigest()


def is_device_token(token: str) -> bool:
    return token.startswith(DEVICE_TOKEN_PREFIX)


def id_hash(key: str, id_no: str) -> str:
    """The keyed hash (HMAC-SHA256) an ID number is matched by; the number itself is never
    stored. `id_no` already normalised (server/domain/personal.py). Without the key (kept
    outside the database) a copy of the database cannot be searched for a known number."""
    return hmac.new(key.encode(), id_no.encode(), hashlib.sha256).hexdigest()


# --- integrations (OAuth2 client credentials) -------------------------------------------------

CLIENT_ID_PREFIX = "gqc_"
CLIENT_SECRET_PREFIX = "gqs_"
INTEGRATION_TOKEN_PREFIX = "gqi_"


def new_client_credentials() -> tuple[str, str]:
    """(client_id, client_secret): the id is not secret (it names the caller in logs and
    throttles), the secret is 256 random bits shown once."""
    return (
        CLIENT_ID_PREFIX + secrets.token_hex(12),
        CLIENT_SECRET_PREFIX + secrets.token_urlsafe(32),
    )


def hash_client_secret(secret: str) -> str:
    """256 random bits: a fast hash is enough (as for device tokens)."""
    return hashlib.sha256(secret.encode()).hexdigest()


def same_secret(secret_hash: str, secret: str) -> bool:
    return secrets.compare_digest(secret_hash, hash_client_secret(secret))


def is_integration_token(token: str) -> bool:
    return token.startswith(INTEGRATION_TOKEN_PREFIX)


def issue_integration_token(
    secret: str, *, integration_id: int, hall_id: int | None, now: datetime, seconds: int
) -> str:
    """An integration's bearer token: `gqi_` and a signed JWT naming the integration. Checked
    on every request against the integration's record (revoked: refused at once)."""
    claims = {
        "iid": integration_id,
        "typ": "integration",
        "hall_id": hall_id,
        "iat": int(now.timestamp()),
        "exp": int((now + timedelta(seconds=seconds)).timestamp()),
    }
    return INTEGRATION_TOKEN_PREFIX + jwt.encode(claims, secret, algorithm=ALGORITHM)


def read_integration_token(secret: str, token: str) -> int | None:
    """The integration's id of a well-formed, correctly signed, unexpired token; else None."""
    if not is_integration_token(token):
        return None
    try:
        claims = jwt.decode(
            token[len(INTEGRATION_TOKEN_PREFIX) :],
            secret,
            algorithms=[ALGORITHM],
            options={"require": ["exp", "iid"]},
        )
    except jwt.PyJWTError:
        return None
    ident = claims.get("iid")
    if claims.get("typ") != "integration" or type(ident) is not int or ident <= 0:
        return None
    return ident


def issue_access_token(
    secret: str,
    *,
    staff_id: int,
    staff_no: str,
    name: str,
    role: str,
    hall_id: int | None,
    now: datetime,
    minutes: int,
    token_version: int = 0,
) -> str:
    claims = {
        "sub": str(staff_id),
        "ver": token_version,
        "staff_no": staff_no,
        "name": name,
        "role": role,
        "hall_id": hall_id,
        "iat": int(now.timestamp()),
        "exp": int((now + timedelta(minutes=minutes)).timestamp()),
    }
    return jwt.encode(claims, secret, algorithm=ALGORITHM)


def read_access_token(secret: str, token: str) -> dict[str, Any] | None:
    """The claims, or None when the token is forged, malformed or expired."""
    try:
        return jwt.decode(
            token, secret, algorithms=[ALGORITHM], options={"require": ["exp", "sub"]}
        )
    except jwt.PyJWTError:
        return None
