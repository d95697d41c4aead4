"""The console's cookie session on the REST API and /ws: sign-in, refusal, CSRF, sign-out."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

import pytest
import websockets

from tests.console.cookies import CookieClient
from tests.helpers import ADMIN_NO, ADMIN_PASSWORD, STAFF_PASSWORD, LiveServer, Seeded


@pytest.fixture
async def browser(server: LiveServer) -> AsyncIterator[CookieClient]:
    client = CookieClient(server.base_url)
    yield client
    await client.aclose()


async def test_supervisor_signs_in_with_an_httponly_samesite_cookie(
    server: LiveServer, hall: Seeded, browser: CookieClient
) -> None:
    response = await browser.sign_in(hall.supervisor_no, STAFF_PASSWORD)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["role"] == "supervisor" and body["hall_id"] == hall.hall_id
    assert "access_token" not in body  # the session never reaches page scripts
    cookies = response.headers.get_list("set-cookie")
    session = next(c for c in cookies if c.startswith("gq_session="))
    csrf = next(c for c in cookies if c.startswith("gq_csrf="))
    assert "HttpOnly" in session and "SameSite=strict" in session and "Path=/" in session
    assert "HttpOnly" not in csrf and "SameSite=strict" in csrf
    who = await browser.get("/auth/session")
    assert who.status_code == 200 and who.json()["staff_no"] == hall.supervisor_no
    # The same REST routes as every client, with the cookie instead of a bearer token.
    services = await browser.get("/stats/indicators", hall_id=hall.hall_id)
    assert services.status_code == 200, services.text


async def test_window_clerk_and_wrong_password_are_refused(
    hall: Seeded, browser: CookieClient
) -> None:
    clerk = await browser.sign_in(hall.staff["1"], STAFF_PASSWORD)
    assert clerk.status_code == 403
    assert clerk.json()["code"] == "console_role"
    assert "窗口" in clerk.json()["detail"]
    assert "gq_session" not in clerk.headers.get("set-cookie", "")
    wrong = await browser.sign_in(hall.supervisor_no, "not-the-password")
    assert wrong.status_code == 401 and wrong.json()["code"] == "bad_credentials"
    assert (await browser.get("/auth/session")).status_code == 401


async def test_changes_need_the_csrf_header_and_the_same_origin(
    hall: Seeded, browser: CookieClient
) -> None:
    await browser.sign_in(ADMIN_NO, ADMIN_PASSWORD)
    path = f"/admin/halls/{hall.hall_id}/notice"
    missing = await browser.send("PUT", path, {"text": "x"}, csrf=False)
    assert missing.status_code == 403 and missing.json()["code"] == "csrf"
    forged = await browser.send(
        "PUT", path, {"text": "x"}, csrf=False, **{"X-CSRF-Token": "a" * 64}
    )
    assert forged.status_code == 403
    other_site = await browser.send("PUT", path, {"text": "x"}, Origin="https://evil.example")
    assert other_site.status_code == 403 and other_site.json()["code"] == "csrf"
    ok = await browser.send("PUT", path, {"text": "今日下午系统升级"})
    assert ok.status_code == 200, ok.text
    # A bearer token needs no CSRF header (devices and apps never use cookies).
    anon = CookieClient(browser.base_url)
    try:
        bare = await anon.send("PUT", path, {"text": "x"}, csrf=False)
        assert bare.status_code == 401
    finally:
        await anon.aclose()


async def test_sign_out_ends_the_session_even_for_a_copied_cookie(
    server: LiveServer, hall: Seeded, browser: CookieClient
) -> None:
    await browser.sign_in(hall.supervisor_no, STAFF_PASSWORD)
    stolen = dict(browser.http.cookies)
    out = await browser.send("DELETE", "/auth/session")
    assert out.status_code == 204
    assert (await browser.get("/auth/session")).status_code == 401
    thief = CookieClient(server.base_url)
    try:
        thief.http.cookies.update(stolen)
        again = await thief.get("/stats/indicators", hall_id=hall.hall_id)
        assert again.status_code == 401 and again.json()["code"] == "session_ended"
    finally:
        await thief.aclose()


async def test_deactivated_staff_lose_their_session_at_once(
    server: LiveServer, hall: Seeded, browser: CookieClient
) -> None:
    await browser.sign_in(hall.supervisor_no, STAFF_PASSWORD)
    from sqlmodel import Session, select

    from server.store.tables import Staff

    with Session(server.runtime.read_engine) as s:  # the deactivation route is another piece's
        staff = s.exec(select(Staff).where(Staff.staff_no == hall.supervisor_no)).one()
        staff.active = False
        s.add(staff)
        s.commit()
    response = await browser.get("/auth/session")
    assert response.status_code == 401 and response.json()["code"] == "inactive"


def _ws_url(server: LiveServer, hall_id: int) -> str:
    return server.base_url.replace("http://", "ws://") + f"/ws?hall_id={hall_id}"


async def test_the_live_feed_accepts_the_cookie_from_this_site_only(
    server: LiveServer, hall: Seeded, browser: CookieClient
) -> None:
    await browser.sign_in(hall.supervisor_no, STAFF_PASSWORD)
    cookie = "; ".join(f"{k}={v}" for k, v in browser.http.cookies.items())
    headers = {"Cookie": cookie}
    origin = server.base_url
    async with websockets.connect(
        _ws_url(server, hall.hall_id),
        additional_headers=headers,
        origin=origin,  # type: ignore[arg-type]
    ) as ws:
        first = json.loads(await ws.recv())
        assert first["type"] == "snapshot" and first["data"]["hall_id"] == hall.hall_id
    async with websockets.connect(
        _ws_url(server, hall.hall_id),
        additional_headers=headers,
        origin="https://evil.example",  # type: ignore[arg-type]
    ) as ws:
        refused = json.loads(await ws.recv())
        assert refused["type"] == "error" and refused["code"] == "csrf"
    other = await server.admin.admin_create("halls", {"code": "H2", "name": "第二大厅"})
    async with websockets.connect(
        _ws_url(server, other.id),
        additional_headers=headers,
        origin=origin,  # type: ignore[arg-type]
    ) as ws:
        refused = json.loads(await ws.recv())
        assert refused["code"] == "permission_denied"
        await ws.wait_closed()
        assert ws.close_code == 4403
    await browser.send("DELETE", "/auth/session")
    async with websockets.connect(
        _ws_url(server, hall.hall_id),
        additional_headers=headers,
        origin=origin,  # type: ignore[arg-type]
    ) as ws:
        refused = json.loads(await ws.recv())
        assert refused["code"] == "session_ended"
        await ws.wait_closed()
        assert ws.close_code == 4401
