"""Failed logins are throttled per 工号 and per address (429 + Retry-After), and checking
passwords never stalls the event loop: /health stays fast through a burst of bad logins."""

from __future__ import annotations

import asyncio
import statistics
import threading
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from client.errors import ApiError, Unauthorized
from client.rest import tls_context
from server import security
from server.domain.clock import ManualClock
from server.security import LoginThrottle, TooManyAttempts
from tests.helpers import STAFF_PASSWORD, LiveServer, Seeded, start_server


def test_throttle_counts_failures_in_a_sliding_window() -> None:
    now = [1000.0]
    throttle = LoginThrottle(per_account=3, per_address=5, window_s=60, clock=lambda: now[0])
    for _ in range(3):
        throttle.begin("1001", "10.0.0.1")  # never succeeded: three failures
        now[0] += 1
    with pytest.raises(TooManyAttempts) as info:
        throttle.begin("1001", "10.0.0.2")  # another address does not help
    assert info.value.retry_after_s == 57  # the first failure leaves the window at 1060
    assert "57 秒后再试" in info.value.message
    throttle.begin("1002", "10.0.0.1")  # another 工号 from the same address still may
    throttle.begin("1003", "10.0.0.1")
    with pytest.raises(TooManyAttempts):  # ... until the address has five failures
        throttle.begin("1004", "10.0.0.1")
    now[0] = 1060.5
    mark = throttle.begin("1001", "10.0.0.3")  # the oldest failure left the window
    throttle.succeeded("1001", "10.0.0.3", mark)  # a success clears the 工号's failures
    for _ in range(3):
        throttle.begin("1001", "10.0.0.3")


async def test_failed_logins_get_429_with_retry_after(server: LiveServer, hall: Seeded) -> None:
    staff_no = hall.staff["1"]
    for _ in range(server.settings.login_failures_per_account):
        with pytest.raises(Unauthorized):
            await server.client().login(staff_no, "wrong-password")
    async with httpx.AsyncClient(verify=tls_context(), base_url=server.base_url) as http:
        response = await http.post(
            "/api/v1/auth/login", json={"staff_no": staff_no, "password": STAFF_PASSWORD}
        )
    assert response.status_code == 429  # even the right password: no more guesses for now
    assert response.json()["code"] == "too_many_attempts"
    assert "登录失败次数过多" in response.json()["detail"]
    assert 0 < int(response.headers["Retry-After"]) <= server.settings.login_failure_window_s
    await server.login(hall.staff["2"])  # a colleague at another window is not locked out


@pytest.mark.real_password_hashing
async def test_health_stays_fast_during_200_failed_logins(server: LiveServer, hall: Seeded) -> None:
    """Each failed login costs ~0.17 s of argon2. On the event loop, 20 concurrent logins
    would hold /health for seconds; off the loop /health is answered while password checks
    are under way (the test counts those answers rather than timing them: how fast is
    bench's, not a test's). The per-address throttle turns most of the 200 into cheap 429s:
    the test checks both."""
    answers: list[int] = []
    latencies: list[float] = []
    during_checks = 0  # /health answers that arrived while a password check was under way
    passwords = server.runtime.passwords
    done = asyncio.Event()

    async def attacker(n: int) -> None:
        async with httpx.AsyncClient(
            verify=tls_context(), base_url=server.base_url, timeout=60
        ) as http:
            for i in range(10):
                body = {"staff_no": f"X{n}-{i}", "password": "guess-guess-guess"}
                answers.append((await http.post("/api/v1/auth/login", json=body)).status_code)

    async def prober() -> None:
        nonlocal during_checks
        async with httpx.AsyncClient(verify=tls_context(), base_url=server.base_url) as http:
            while not done.is_set():
                started = time.perf_counter()
                assert (await http.get("/api/v1/health")).status_code == 200
                latencies.append(time.perf_counter() - started)
                during_checks += passwords.pending > 0
                await asyncio.sleep(0.01)

    await server.login(hall.staff["1"])  # warm: statements compiled, worker threads started
    probe = asyncio.create_task(prober())
    while not latencies:  # the probe's connection is up
        await asyncio.sleep(0.01)
    await asyncio.gather(*(attacker(n) for n in range(20)))
    done.set()
    await probe
    assert len(answers) == 200
    assert answers.count(401) == server.settings.login_failures_per_address
    # the rest refused without a hash: 429 (this address failed too often), or 503 when more
    # than MAX_PENDING_CHECKS were under way at once (a withdrawn attempt, counted for nobody)
    assert answers.count(429) + answers.count(503) == 200 - answers.count(401)
    print(
        f"/health during 200 failed logins: n={len(latencies)}, {during_checks} while checks "
        f"were under way, median {statistics.median(latencies) * 1000:.1f} ms, "
        f"max {max(latencies) * 1000:.1f} ms"
    )
    # argon2 on the loop: a check starts and ends within one step of the loop, so no answer
    # can arrive while one is under way. Off the loop, ~10 checks of ~0.17 s each (two at a
    # time) leave the probe (every 10 ms) time for many.
    assert during_checks > 0
    with pytest.raises(ApiError) as info:
        await server.client().login("nobody", "guess-guess-guess")
    assert info.value.status == 429


async def guess(
    http: httpx.AsyncClient, staff_no: str, forwarded_for: str | None = None
) -> httpx.Response:
    headers = {"X-Forwarded-For": forwarded_for} if forwarded_for else {}
    body = {"staff_no": staff_no, "password": "guess-guess-guess"}
    return await http.post("/api/v1/auth/login", json=body, headers=headers)


async def test_x_forwarded_for_is_not_believed_from_an_unnamed_proxy(server: LiveServer) -> None:
    """300 guesses with a new X-Forwarded-For each used to get 300 × 401: uvicorn believed
    the header from 127.0.0.1. By default no proxy is trusted: the peer is the client."""
    limit = server.settings.login_failures_per_address
    async with httpx.AsyncClient(verify=tls_context(), base_url=server.base_url) as http:
        statuses = [
            (await guess(http, f"G{n}", f"198.51.100.{n}")).status_code for n in range(limit + 5)
        ]
    assert statuses == [401] * limit + [429] * 5


async def test_x_forwarded_for_from_a_named_proxy_is_the_client(
    tmp_path: Path, clock: ManualClock
) -> None:
    async with start_server(tmp_path, clock, forwarded_allow_ips="127.0.0.1") as server:
        limit = server.settings.login_failures_per_address
        async with httpx.AsyncClient(verify=tls_context(), base_url=server.base_url) as http:
            first = [(await guess(http, f"P{n}", "203.0.113.7")).status_code for n in range(limit)]
            assert first == [401] * limit
            assert (await guess(http, "P-last", "203.0.113.7")).status_code == 429
            # another applicant's phone behind the same proxy is another client
            assert (await guess(http, "Q1", "203.0.113.8")).status_code == 401


async def test_password_checks_are_bounded_over_all_clients(
    server: LiveServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """At most MAX_PENDING_CHECKS password checks wait or run at once; the next login is a
    503 login_busy at once (Retry-After: 1), not counted as a failed attempt."""
    held = threading.Event()
    inner = security._hasher

    class Held:
        def verify(self, stored: str, password: str) -> bool:
            assert held.wait(30)
            return bool(inner.verify(stored, password))

        def __getattr__(self, name: str) -> Any:
            return getattr(inner, name)

    monkeypatch.setattr(security, "_hasher", Held())
    passwords = server.runtime.passwords
    assert passwords.max_pending == security.MAX_PENDING_CHECKS == 16
    async with httpx.AsyncClient(
        verify=tls_context(), base_url=server.base_url, timeout=60
    ) as http:
        waiting = [
            asyncio.create_task(guess(http, f"B{n}")) for n in range(security.MAX_PENDING_CHECKS)
        ]
        while passwords.pending < security.MAX_PENDING_CHECKS:
            await asyncio.sleep(0.01)
        busy = await guess(http, "B-busy")
        assert busy.status_code == 503 and busy.json()["code"] == "login_busy"
        assert busy.headers["Retry-After"] == "1" and "请 1 秒后再试" in busy.json()["detail"]
        held.set()
        assert [(await w).status_code for w in waiting] == [401] * security.MAX_PENDING_CHECKS
        # the busy attempt counted for nobody: this address has failures left until the limit
        left = server.settings.login_failures_per_address - security.MAX_PENDING_CHECKS
        assert [(await guess(http, f"C{n}")).status_code for n in range(left)] == [401] * left
        assert (await guess(http, "C-last")).status_code == 429
