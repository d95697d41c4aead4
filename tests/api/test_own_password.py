"""Staff change their own password (issue 22, item 10): POST /api/v1/auth/password. An account
created with a first password (the admin API, `admin apply`, `create-staff`) or reset by an
administrator must change it before anything else; the same rules as every password, and
clear messages. The window client's and the console's screens for it are tested in
tests/apps/test_window_password.py and tests/console/test_password_browser.py."""

from __future__ import annotations

import asyncio
import json
import threading
from typing import Any
from urllib.parse import urlencode

import pytest
import websockets

from client.errors import ApiError, Conflict, Forbidden, InvalidRequest, Unauthorized
from client.replies import PasswordChangedOut
from client.rest import ApiClient
from server import security
from tests.console.cookies import CookieClient
from tests.helpers import STAFF_PASSWORD, LiveServer, Seeded, db_rows

FIRST = "first-password-1"


async def new_account(
    server: LiveServer, hall: Seeded, staff_no: str, role: str = "window", **extra: Any
) -> dict[str, Any]:
    """An account as an administrator creates it: with a first password (must change it)."""
    body = {"staff_no": staff_no, "name": "新同事", "role": role, "password": FIRST}
    return await server.admin.admin_create("staff", {**body, "hall_id": hall.hall_id, **extra})


async def test_a_first_password_is_changed_before_anything_else(
    server: LiveServer, hall: Seeded
) -> None:
    created = await new_account(server, hall, "N-000001")
    assert created["must_change_password"] is True
    clerk = server.client()
    signed_in = await clerk.login("N-000001", FIRST)
    assert signed_in["must_change_password"] is True  # the client knows at once
    window_id = hall.windows["1"]
    for attempt in (
        lambda: clerk.hall_windows(hall.hall_id),
        lambda: clerk.window_action(window_id, "open"),
        lambda: clerk.services(hall.hall_id),
    ):
        with pytest.raises(Forbidden) as refused:
            await attempt()
        assert refused.value.code == "password_change_required"
        assert (
            refused.value.detail == "首次登录（或管理员重置密码后）请先修改密码，再进行其他操作。"
        )
    # nor the live feed
    url = (
        server.base_url.replace("http", "ws", 1)
        + "/ws?"
        + urlencode({"hall_id": hall.hall_id, "token": clerk.token})
    )
    async with websockets.connect(url) as ws:
        message = await asyncio.wait_for(ws.recv(), 5)
        assert "password_change_required" in str(message)
    # the rules, each said in words
    for old, new, code, words in (
        ("wrong-password", "new-password-1", "wrong_password", "原密码不正确，请重新输入。"),
        (FIRST, "short", "weak_password", "密码至少需要 8 位，请重新设置。"),
        (FIRST, FIRST, "same_password", "新密码不能与原密码相同，请换一个。"),
        (FIRST, "N-000001", "weak_password", "密码不能与工号相同，请换一个。"),
    ):
        with pytest.raises(InvalidRequest) as bad:
            await clerk.change_password(old, new)
        assert (bad.value.code, bad.value.detail) == (code, words)
    old_token = clerk.token
    changed = await clerk.change_password(FIRST, "my-own-password-1")
    assert changed["must_change_password"] is False and changed["access_token"] != old_token
    # the new token works at once; the one used to change it has ended
    assert await clerk.hall_windows(hall.hall_id)
    stale = ApiClient(server.base_url, old_token)
    with pytest.raises(Unauthorized) as ended:
        await stale.hall_windows(hall.hall_id)
    assert ended.value.code == "session_ended"
    await stale.aclose()
    # and the passwords: the old one no longer signs in, the new one does, as a normal account
    with pytest.raises(Unauthorized):
        await server.client().login("N-000001", FIRST)
    again = await server.client().login("N-000001", "my-own-password-1")
    assert again["must_change_password"] is False
    listed = {s["staff_no"]: s for s in await server.admin.admin_list("staff")}
    assert listed["N-000001"]["must_change_password"] is False
    # the hall's log says who changed what (no password in it)
    events = await hall_events(server, hall.hall_id)
    assert events[-1]["staff_no"] == "N-000001" and events[-1]["changed"] == ["password"]
    assert events[-1]["by_staff_no"] == "N-000001"


async def test_an_administrators_reset_is_a_first_password_again(
    server: LiveServer, hall: Seeded
) -> None:
    clerk = await server.login(hall.staff["1"])
    assert await clerk.hall_windows(hall.hall_id)  # an account in use
    ident = next(
        s["id"] for s in await server.admin.admin_list("staff") if s["staff_no"] == hall.staff["1"]
    )
    await server.admin.request(
        "PATCH", f"/admin/staff/{ident}", json={"password": "reset-by-admin"}
    )
    reset = server.client()
    assert (await reset.login(hall.staff["1"], "reset-by-admin"))["must_change_password"]
    with pytest.raises(Forbidden):
        await reset.hall_windows(hall.hall_id)
    await reset.change_password("reset-by-admin", STAFF_PASSWORD + "-2")
    assert await reset.hall_windows(hall.hall_id)
    # an account that needs no change may still change its password, whenever it likes
    supervisor = await server.login(hall.supervisor_no)
    done = await supervisor.change_password(STAFF_PASSWORD, "supervisor-own-1")
    assert done["must_change_password"] is False
    assert await supervisor.indicators(hall.hall_id)


async def test_wrong_old_passwords_count_as_failed_logins(server: LiveServer, hall: Seeded) -> None:
    clerk = await server.login(hall.staff["2"])
    for _ in range(5):
        with pytest.raises(InvalidRequest):
            await clerk.change_password("guess-password", "whatever-new-1")
    with pytest.raises(ApiError) as throttled:
        await clerk.change_password(STAFF_PASSWORD, "whatever-new-1")  # even the right one now
    assert throttled.value.status == 429 and throttled.value.code == "too_many_attempts"


async def test_two_changes_at_once_with_the_same_old_password_store_one(
    server: LiveServer, hall: Seeded
) -> None:
    await new_account(server, hall, "N-002", must_change_password=False)
    one, two = server.client(), server.client()
    await one.login("N-002", FIRST)
    await two.login("N-002", FIRST)
    results = await asyncio.gather(
        one.change_password(FIRST, "first-of-two-1"),
        two.change_password(FIRST, "second-of-two-1"),
        return_exceptions=True,
    )
    won = [r for r in results if isinstance(r, PasswordChangedOut)]
    lost = [r for r in results if isinstance(r, BaseException)]
    assert len(won) == 1 and len(lost) == 1, results
    # the second either saw the first one's commit (its token ended, or its old password is no
    # longer right) or lost the race inside the writer (409): never two passwords stored
    assert isinstance(lost[0], Conflict | Unauthorized | InvalidRequest), lost[0]
    new = "first-of-two-1" if won[0] is results[0] else "second-of-two-1"
    assert (await server.client().login("N-002", new))["must_change_password"] is False


async def test_the_console_session_changes_it_and_goes_on(server: LiveServer, hall: Seeded) -> None:
    await new_account(server, hall, "N-SUP", role="supervisor")
    elsewhere, browser = CookieClient(server.base_url), CookieClient(server.base_url)
    try:
        for client in (elsewhere, browser):
            signed = await client.sign_in("N-SUP", FIRST)
            assert signed.status_code == 200 and signed.json()["must_change_password"] is True
        who = await browser.get("/auth/session")
        assert who.status_code == 200 and who.json()["must_change_password"] is True
        refused = await browser.get("/stats/indicators", hall_id=hall.hall_id)
        assert refused.status_code == 403
        assert refused.json()["code"] == "password_change_required"
        missing_csrf = await browser.send(
            "POST", "/auth/password", {"old_password": FIRST, "new_password": "x"}, csrf=False
        )
        assert missing_csrf.status_code == 403 and missing_csrf.json()["code"] == "csrf"
        body = {"old_password": FIRST, "new_password": "console-own-pw1"}
        changed = await browser.send("POST", "/auth/password", body)
        assert changed.status_code == 200, changed.text
        assert changed.json()["access_token"] is None  # no bearer token for a page's scripts
        assert (await browser.get("/stats/indicators", hall_id=hall.hall_id)).status_code == 200
        assert (await browser.get("/auth/session")).json()["must_change_password"] is False
        # the other sign-in of the same person has ended
        assert (await elsewhere.get("/auth/session")).status_code == 401
    finally:
        await elsewhere.aclose()
        await browser.aclose()


async def test_devices_cannot_change_passwords(server: LiveServer, hall: Seeded) -> None:
    kiosk = server.client(hall.kiosk_token)
    with pytest.raises(Forbidden):
        await kiosk.change_password("x-password-1", "y-password-1")
    with pytest.raises(Unauthorized):
        await server.client().change_password("x-password-1", "y-password-1")


async def test_the_new_password_is_hashed_outside_the_writer(
    server: LiveServer, hall: Seeded, monkeypatch: pytest.MonkeyPatch
) -> None:
    threads: list[str] = []
    real = security.hash_password

    def watched(password: str) -> str:
        threads.append(threading.current_thread().name)
        return real(password)

    monkeypatch.setattr(security, "hash_password", watched)
    clerk = await server.login(hall.staff["1"])
    await clerk.change_password(STAFF_PASSWORD, "hashed-elsewhere-1")
    assert threads and all(t.startswith("govqueue-password") for t in threads), threads


async def hall_events(server: LiveServer, hall_id: int) -> list[dict[str, Any]]:
    rows = db_rows(server, "SELECT data FROM event WHERE type = 'staff.updated' ORDER BY seq")
    return [json.loads(r[0]) if isinstance(r[0], str) else r[0] for r in rows]
