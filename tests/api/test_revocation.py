"""Revoking a device or deactivating a staff member takes effect at once: the next request is
refused and the open live-feed connections are closed (in every server process)."""

from __future__ import annotations

import asyncio
import json
import os
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import httpx
import jwt
import pytest
import websockets

from client.errors import Forbidden, Unauthorized
from client.rest import ApiClient, tls_context
from tests.helpers import (
    ADMIN_NO,
    ADMIN_PASSWORD,
    STAFF_PASSWORD,
    LiveServer,
    Seeded,
    feed_replay,
    migrated_database,
    seed_hall,
)
from tests.processes import start_server_process


def ws_url(base: str, **params: Any) -> str:
    return base.replace("http", "ws", 1) + "/ws?" + urlencode(params)


async def closed_with(ws: websockets.ClientConnection, timeout: float = 5) -> tuple[int, str]:
    """Read until the server closes; (close code, the error message's code)."""
    error = ""
    try:
        while True:
            message = json.loads(await asyncio.wait_for(ws.recv(), timeout))
            if message.get("type") == "error":
                error = message["code"]
    except websockets.ConnectionClosed as closed:
        assert closed.rcvd is not None, "the server must close with a code"
        return closed.rcvd.code, error


async def hall_events(server: LiveServer, hall_id: int, type_: str) -> list[dict[str, Any]]:
    """The hall's events of one type, read from the log through a fresh connection."""
    return [m["data"] for m in await feed_replay(server, hall_id) if m["type"] == type_]


async def test_a_revoked_device_is_refused_at_once_and_its_feed_closed(
    server: LiveServer, hall: Seeded
) -> None:
    kiosk = server.client(hall.kiosk_token)
    await kiosk.issue_ticket(hall.services["A"])  # the token is now in the cache
    devices = {d["label"]: d for d in await server.admin.admin_list("devices")}
    kiosk_id, screen_id = devices["1号取号机"]["id"], devices["大厅主屏"]["id"]
    async with websockets.connect(
        ws_url(server.base_url, hall_id=hall.hall_id, token=hall.display_token)
    ) as screen:
        assert json.loads(await screen.recv())["type"] == "snapshot"
        revoked = await server.admin.request("DELETE", f"/admin/devices/{screen_id}")
        assert revoked["revoked_at"] is not None
        assert await closed_with(screen) == (4401, "revoked")
    revoked = await server.admin.request("DELETE", f"/admin/devices/{kiosk_id}")
    with pytest.raises(Unauthorized) as refused:
        await kiosk.issue_ticket(hall.services["A"])
    assert refused.value.code == "revoked" and "停用" in refused.value.detail
    async with websockets.connect(
        ws_url(server.base_url, hall_id=hall.hall_id, token=hall.display_token)
    ) as screen:
        assert await closed_with(screen) == (4401, "revoked")
    # revoking again changes nothing; the list shows when it was revoked
    again = await server.admin.request("DELETE", f"/admin/devices/{kiosk_id}")
    assert again["revoked_at"] == revoked["revoked_at"]
    listed = {d["id"]: d for d in await server.admin.admin_list("devices")}
    assert listed[kiosk_id]["revoked_at"] == revoked["revoked_at"]
    events = await hall_events(server, hall.hall_id, "device.revoked")
    assert [(e["device_id"], e["by_staff_no"]) for e in events] == [
        (screen_id, ADMIN_NO),
        (kiosk_id, ADMIN_NO),
    ]
    # the other devices are untouched
    pad = server.client(hall.window_device_tokens["1"])
    assert await pad.services(hall.hall_id)


async def staff_id(server: LiveServer, staff_no: str) -> int:
    return next(
        s["id"] for s in await server.admin.admin_list("staff") if s["staff_no"] == staff_no
    )


async def test_a_deactivated_clerk_is_refused_at_once_and_its_feed_closed(
    server: LiveServer, hall: Seeded
) -> None:
    clerk = await server.login(hall.staff["1"])
    await clerk.window_action(hall.windows["1"], "open")
    ident = await staff_id(server, hall.staff["1"])
    async with websockets.connect(
        ws_url(server.base_url, hall_id=hall.hall_id, token=str(clerk.token))
    ) as feed:
        assert json.loads(await feed.recv())["type"] == "snapshot"
        changed = await server.admin.request(
            "PATCH", f"/admin/staff/{ident}", json={"active": False}
        )
        assert changed["active"] is False
        assert await closed_with(feed) == (4401, "revoked")
    with pytest.raises(Unauthorized) as refused:
        await clerk.window_action(hall.windows["1"], "pause")
    assert refused.value.code == "inactive"
    with pytest.raises(Unauthorized) as refused:
        await server.login(hall.staff["1"])
    assert refused.value.code == "inactive"
    events = await hall_events(server, hall.hall_id, "staff.updated")
    assert [(e["staff_id"], e["changed"], e["active"], e["by_staff_no"]) for e in events] == [
        (ident, ["active"], False, ADMIN_NO)
    ]
    # reactivated, the old token stays refused: the clerk signs in again
    await server.admin.request("PATCH", f"/admin/staff/{ident}", json={"active": True})
    with pytest.raises(Unauthorized) as refused:
        await clerk.window_action(hall.windows["1"], "pause")
    assert refused.value.code == "session_ended"
    again = await server.login(hall.staff["1"])
    assert (await again.window_action(hall.windows["1"], "open"))["state"] == "open"
    assert (await again.window_action(hall.windows["1"], "pause"))["state"] == "paused"


async def test_a_deactivated_clerks_idle_window_is_closed_a_busy_one_left_to_the_supervisor(
    server: LiveServer, hall: Seeded
) -> None:
    """Nobody can close a window for a clerk who can no longer sign in: an idle one is closed
    with the deactivation (screens and estimates stop counting it); one with an applicant at
    it stays, for the supervisor to finish."""
    idle = await server.login(hall.staff["1"])
    await idle.window_action(hall.windows["1"], "open")
    busy = await server.login(hall.staff["2"])
    await busy.window_action(hall.windows["2"], "open")
    kiosk = server.client(hall.kiosk_token)
    for prefix in hall.services:
        await kiosk.issue_ticket(hall.services[prefix])
    called = await busy.call_next(hall.windows["2"])
    assert called is not None
    for number in ("1", "2"):
        ident = await staff_id(server, hall.staff[number])
        await server.admin.request("PATCH", f"/admin/staff/{ident}", json={"active": False})
    states = {
        w["number"]: w
        for w in await server.admin.request("GET", "/windows", params={"hall_id": hall.hall_id})
    }
    assert (states["1"]["state"], states["1"]["staff_no"]) == ("closed", None)
    assert (states["2"]["state"], states["2"]["staff_no"]) == ("open", hall.staff["2"])
    closes = [
        e
        for e in await hall_events(server, hall.hall_id, "window.status")
        if e["state"] == "closed"
    ]
    assert [e["window_number"] for e in closes] == ["1"]


async def test_password_reset_and_role_change_end_sessions_a_rename_does_not(
    server: LiveServer, hall: Seeded
) -> None:
    supervisor = await server.login(hall.supervisor_no)
    ident = await staff_id(server, hall.supervisor_no)
    await server.admin.request("PATCH", f"/admin/staff/{ident}", json={"name": "值班主管（早班）"})
    assert await supervisor.indicators(hall.hall_id)  # still signed in
    await server.admin.request(
        "PATCH", f"/admin/staff/{ident}", json={"password": "new-password-2"}
    )
    with pytest.raises(Unauthorized) as refused:
        await supervisor.indicators(hall.hall_id)
    assert refused.value.code == "session_ended"
    with pytest.raises(Unauthorized):
        await server.login(hall.supervisor_no, STAFF_PASSWORD)
    supervisor = await server.login(hall.supervisor_no, "new-password-2")
    assert supervisor.token
    await server.admin.request("PATCH", f"/admin/staff/{ident}", json={"role": "window"})
    with pytest.raises(Unauthorized):
        await supervisor.indicators(hall.hall_id)
    demoted = await server.login(hall.supervisor_no, "new-password-2")
    with pytest.raises(Forbidden):
        await demoted.indicators(hall.hall_id)
    events = await hall_events(server, hall.hall_id, "staff.updated")
    assert [e["changed"] for e in events] == [["name"], ["password"], ["role"]]


async def test_who_may_change_which_account(server: LiveServer, hall: Seeded) -> None:
    other = await seed_hall(server, code="H2", windows={"1": ["A"]})
    await server.admin.admin_create(
        "staff",
        {
            "staff_no": "H1-ADMIN",
            "name": "大厅管理员",
            "role": "admin",
            "password": STAFF_PASSWORD,
            "hall_id": hall.hall_id,
            "must_change_password": False,
        },
    )
    hall_admin = await server.login("H1-ADMIN")
    own_clerk = await staff_id(server, hall.staff["1"])
    other_clerk = await staff_id(server, other.staff["1"])
    deployment_admin = await staff_id(server, ADMIN_NO)
    me = await staff_id(server, "H1-ADMIN")
    await hall_admin.request("PATCH", f"/admin/staff/{own_clerk}", json={"name": "张三"})
    for target in (other_clerk, deployment_admin):
        with pytest.raises(Forbidden):
            await hall_admin.request("PATCH", f"/admin/staff/{target}", json={"active": False})
    with pytest.raises(Forbidden, match="自己"):
        await hall_admin.request("PATCH", f"/admin/staff/{me}", json={"active": False})
    devices = await server.admin.admin_list("devices", hall_id=other.hall_id)
    with pytest.raises(Forbidden):
        await hall_admin.request("DELETE", f"/admin/devices/{devices[0]['id']}")
    assert all(d["revoked_at"] is None for d in await server.admin.admin_list("devices"))
    for kind, ident in (("staff", 999_999), ("devices", 999_999)):
        method = "PATCH" if kind == "staff" else "DELETE"
        r = await server.admin._http.request(
            method,
            f"/admin/{kind}/{ident}",
            json={"active": False} if kind == "staff" else None,
            headers={"Authorization": f"Bearer {server.admin.token}"},
        )
        assert r.status_code == 404 and r.json()["code"] == "not_found"


async def test_signed_tokens_with_impossible_claims_are_refused(
    server: LiveServer, hall: Seeded
) -> None:
    secret = server.settings.secret_key
    assert secret
    now = datetime.now(UTC)
    good = {"sub": "1", "role": "admin", "hall_id": None, "ver": 0, "exp": now + timedelta(hours=1)}
    for bad in (
        {**good, "role": "root"},
        {**good, "sub": "abc"},
        {**good, "sub": str(2**63)},
        {**good, "sub": str(2**31)},
        {**good, "sub": 1},
        {**good, "ver": "0"},
        {key: value for key, value in good.items() if key != "ver"},
    ):
        token = jwt.encode(bad, secret, algorithm="HS256")
        async with httpx.AsyncClient(
            verify=tls_context(), base_url=server.base_url + "/api/v1"
        ) as http:
            r = await http.get("/admin/halls", headers={"Authorization": f"Bearer {token}"})
        assert r.status_code == 401 and r.json()["code"] == "invalid_token", (bad, r.text)
    token = jwt.encode(good, secret, algorithm="HS256")
    async with httpx.AsyncClient(
        verify=tls_context(), base_url=server.base_url + "/api/v1"
    ) as http:
        r = await http.get("/admin/halls", headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 200, "a well-formed token of the admin is accepted"


@pytest.mark.slow
@pytest.mark.skipif(
    not os.environ.get("GOVQUEUE_TEST_POSTGRES"),
    reason="several server processes share a database on PostgreSQL",
)
async def test_revocation_reaches_every_server_process(tmp_path: Path) -> None:
    url = migrated_database(tmp_path)
    procs = [await start_server_process(url, tmp_path), await start_server_process(url, tmp_path)]
    a, b = (base for _, base in procs)
    try:
        async with ApiClient(a) as admin, ApiClient(b) as kiosk_b, ApiClient(b) as clerk_b:
            await admin.login(ADMIN_NO, ADMIN_PASSWORD)
            hall = await admin.admin_create("halls", {"code": "REV", "name": "吊销测试大厅"})
            service = await admin.admin_create(
                "services", {"hall_id": hall["id"], "name": "综合", "prefix": "A"}
            )
            staff = await admin.admin_create(
                "staff",
                {
                    "staff_no": "R1",
                    "name": "窗口1",
                    "role": "supervisor",
                    "password": STAFF_PASSWORD,
                    "hall_id": hall["id"],
                    "must_change_password": False,
                },
            )
            device = await admin.admin_create(
                "devices", {"hall_id": hall["id"], "kind": "kiosk", "label": "k"}
            )
            kiosk_b.token = device.token
            await clerk_b.login("R1", STAFF_PASSWORD)
            # both credentials are now cached in process B
            await kiosk_b.issue_ticket(service.id)
            assert await clerk_b.indicators(hall["id"])
            async with websockets.connect(
                ws_url(b, hall_id=hall["id"], token=device.token)
            ) as feed:
                assert json.loads(await feed.recv())["type"] == "snapshot"
                await admin.request("DELETE", f"/admin/devices/{device['id']}")  # through A
                assert await closed_with(feed) == (4401, "revoked")
            with pytest.raises(Unauthorized):
                await kiosk_b.issue_ticket(service.id)
            await admin.request("PATCH", f"/admin/staff/{staff['id']}", json={"active": False})
            # the notification's way from PostgreSQL to process B: asked until refused
            for _ in range(200):
                try:
                    await clerk_b.indicators(hall["id"])
                except Unauthorized as error:
                    refused = error
                    break
                await asyncio.sleep(0.01)
            else:
                raise AssertionError("process B still serves the deactivated account")
            assert refused.code == "inactive"
    finally:
        for proc, _ in procs:
            proc.terminate()
            proc.wait(10)
