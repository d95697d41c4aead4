"""Integrations (the 政务服务网): client credentials from an admin, the OAuth2
client-credentials grant, revocation at once, and each integration's own rate limit."""

from __future__ import annotations

import asyncio
import base64
import os
from pathlib import Path
from typing import Any

import httpx
import pytest

from client.errors import Forbidden
from client.rest import ApiClient, tls_context
from tests.helpers import ADMIN_NO, ADMIN_PASSWORD, LiveServer, Seeded, migrated_database
from tests.processes import start_server_process


async def create_integration(
    server: LiveServer, hall_id: int | None, **extra: Any
) -> dict[str, Any]:
    body = {"name": "省政务服务网", "hall_id": hall_id, **extra}
    result: dict[str, Any] = await server.admin.request("POST", "/admin/integrations", json=body)
    return result


async def grant(server: LiveServer, data: dict[str, str], **headers: str) -> httpx.Response:
    async with httpx.AsyncClient(
        verify=tls_context(), base_url=server.base_url + "/api/v1"
    ) as http:
        return await http.post("/auth/token", data=data, headers=headers)


async def token_for(server: LiveServer, integration: dict[str, Any]) -> str:
    response = await grant(
        server,
        {
            "grant_type": "client_credentials",
            "client_id": integration["client_id"],
            "client_secret": integration["client_secret"],
        },
    )
    assert response.status_code == 200, response.text
    token: str = response.json()["access_token"]
    return token


async def get(server: LiveServer, path: str, token: str) -> httpx.Response:
    async with httpx.AsyncClient(
        verify=tls_context(), base_url=server.base_url + "/api/v1"
    ) as http:
        return await http.get(path, headers={"Authorization": f"Bearer {token}"})


async def test_client_credentials_give_a_bearer_token(server: LiveServer, hall: Seeded) -> None:
    created = await create_integration(server, hall.hall_id)
    assert created["client_id"].startswith("gqc_") and created["client_secret"].startswith("gqs_")
    listed = await server.admin.request("GET", "/admin/integrations")
    assert [i["client_id"] for i in listed] == [created["client_id"]]
    assert "client_secret" not in listed[0] and "secret_hash" not in listed[0]

    response = await grant(
        server,
        {
            "grant_type": "client_credentials",
            "client_id": created["client_id"],
            "client_secret": created["client_secret"],
        },
    )
    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-store"
    body = response.json()
    assert body["token_type"] == "bearer" and body["expires_in"] == 3600
    me = await get(server, "/integrations/me", body["access_token"])
    assert me.json() == {"id": created["id"], "name": "省政务服务网", "hall_id": hall.hall_id}

    # HTTP Basic (client_secret_basic) works the same
    basic = base64.b64encode(f"{created['client_id']}:{created['client_secret']}".encode())
    response = await grant(
        server, {"grant_type": "client_credentials"}, Authorization=f"Basic {basic.decode()}"
    )
    assert response.status_code == 200 and response.json()["access_token"].startswith("gqi_")


async def test_wrong_credentials_and_grants_are_refused_in_oauth2_form(
    server: LiveServer, hall: Seeded
) -> None:
    created = await create_integration(server, hall.hall_id)
    wrong = await grant(
        server,
        {
            "grant_type": "client_credentials",
            "client_id": created["client_id"],
            "client_secret": "gqs_not-the-secret",
        },
    )
    assert wrong.status_code == 401
    assert wrong.json()["error"] == "invalid_client" and "client_secret" in wrong.json()["detail"]
    other_grant = await grant(server, {"grant_type": "password", "client_id": "x"})
    assert other_grant.status_code == 400
    assert other_grant.json()["error"] == "unsupported_grant_type"
    missing = await grant(server, {"grant_type": "client_credentials"})
    assert missing.status_code == 400 and missing.json()["error"] == "invalid_request"
    assert "client_id" in missing.json()["detail"]
    # a JSON body is not the grant's form
    async with httpx.AsyncClient(
        verify=tls_context(), base_url=server.base_url + "/api/v1"
    ) as http:
        as_json = await http.post("/auth/token", json={"grant_type": "client_credentials"})
    assert as_json.status_code == 400


async def test_failed_attempts_are_throttled(server: LiveServer, hall: Seeded) -> None:
    created = await create_integration(server, hall.hall_id)
    form = {
        "grant_type": "client_credentials",
        "client_id": created["client_id"],
        "client_secret": "gqs_guess",
    }
    statuses = [(await grant(server, form)).status_code for _ in range(6)]
    assert statuses == [401] * 5 + [429]
    refused = await grant(server, {**form, "client_secret": created["client_secret"]})
    assert refused.status_code == 429 and int(refused.headers["retry-after"]) > 0
    assert "秒后再试" in refused.json()["detail"]


async def test_revoking_refuses_its_tokens_at_once(server: LiveServer, hall: Seeded) -> None:
    created = await create_integration(server, hall.hall_id)
    kept = await create_integration(server, hall.hall_id, name="另一个系统")
    token, other = await token_for(server, created), await token_for(server, kept)
    assert (await get(server, "/integrations/me", token)).status_code == 200  # cached now
    revoked = await server.admin.request("DELETE", f"/admin/integrations/{created['id']}")
    assert revoked["revoked_at"] is not None
    refused = await get(server, "/integrations/me", token)
    assert refused.status_code == 401 and refused.json()["code"] == "revoked"
    assert "停用" in refused.json()["detail"]
    again = await grant(
        server,
        {
            "grant_type": "client_credentials",
            "client_id": created["client_id"],
            "client_secret": created["client_secret"],
        },
    )
    assert again.status_code == 401 and again.json()["error"] == "invalid_client"
    assert (await get(server, "/integrations/me", other)).status_code == 200  # not the other
    # revoking twice changes nothing
    twice = await server.admin.request("DELETE", f"/admin/integrations/{created['id']}")
    assert twice["revoked_at"] == revoked["revoked_at"]
    events = await server.admin.request("GET", "/admin/integrations", params={"hall_id": 1})
    assert {e["id"]: e["revoked_at"] is not None for e in events} == {
        created["id"]: True,
        kept["id"]: False,
    }


async def test_each_integration_has_its_own_rate_limit(server: LiveServer, hall: Seeded) -> None:
    slow = await create_integration(server, hall.hall_id, requests_per_minute=3)
    other = await create_integration(server, hall.hall_id, name="市12345")
    slow_token, other_token = await token_for(server, slow), await token_for(server, other)
    statuses = [(await get(server, "/integrations/me", slow_token)).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    refused = await get(server, "/integrations/me", slow_token)
    assert (
        refused.json()["code"] == "rate_limited" and "每分钟最多 3 次" in refused.json()["detail"]
    )
    assert int(refused.headers["retry-after"]) >= 1
    assert (await get(server, "/integrations/me", other_token)).status_code == 200


async def test_integration_tokens_and_other_tokens_stay_apart(
    server: LiveServer, hall: Seeded
) -> None:
    created = await create_integration(server, hall.hall_id)
    token = await token_for(server, created)
    refused = await get(server, f"/halls/{hall.hall_id}/services", token)
    assert refused.status_code == 403 and refused.json()["code"] == "integration_only"
    staff = await get(server, "/integrations/me", str(server.admin.token))
    assert staff.status_code == 403 and "client_id" in staff.json()["detail"]
    kiosk = await get(server, "/integrations/me", hall.kiosk_token)
    assert kiosk.status_code == 403
    forged = await get(server, "/integrations/me", token[:-2] + "xx")
    assert forged.status_code == 401 and forged.json()["code"] == "invalid_token"


async def test_a_hall_admin_manages_only_its_hall(server: LiveServer, hall: Seeded) -> None:
    await server.admin.admin_create(
        "staff",
        {
            "staff_no": "HA",
            "name": "大厅管理员",
            "role": "admin",
            "password": "hall-admin-pw1",
            "hall_id": hall.hall_id,
            "must_change_password": False,
        },
    )
    hall_admin = await server.login("HA", "hall-admin-pw1")
    other_hall = await server.admin.admin_create("halls", {"code": "H2", "name": "二号大厅"})
    with pytest.raises(Forbidden):
        await hall_admin.request("POST", "/admin/integrations", json={"name": "全省"})
    with pytest.raises(Forbidden):
        await hall_admin.request(
            "POST", "/admin/integrations", json={"name": "x", "hall_id": other_hall.id}
        )
    deployment = await create_integration(server, None)
    mine = await hall_admin.request(
        "POST", "/admin/integrations", json={"name": "本厅", "hall_id": hall.hall_id}
    )
    listed = await hall_admin.request("GET", "/admin/integrations")
    assert [i["id"] for i in listed] == [mine["id"]]
    with pytest.raises(Forbidden):
        await hall_admin.request("DELETE", f"/admin/integrations/{deployment['id']}")


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
        async with (
            ApiClient(a) as admin,
            httpx.AsyncClient(verify=tls_context(), base_url=b + "/api/v1") as http_b,
        ):
            await admin.login(ADMIN_NO, ADMIN_PASSWORD)
            hall = await admin.admin_create("halls", {"code": "INT", "name": "对接测试大厅"})
            created = await admin.request(
                "POST", "/admin/integrations", json={"name": "省政务服务网", "hall_id": hall["id"]}
            )
            form = {
                "grant_type": "client_credentials",
                "client_id": created["client_id"],
                "client_secret": created["client_secret"],
            }
            token = (await http_b.post("/auth/token", data=form)).json()["access_token"]
            headers = {"Authorization": f"Bearer {token}"}
            assert (await http_b.get("/integrations/me", headers=headers)).status_code == 200
            await admin.request("DELETE", f"/admin/integrations/{created['id']}")  # through A
            # the notification's way from PostgreSQL to process B: asked until refused
            for _ in range(200):
                answer = await http_b.get("/integrations/me", headers=headers)
                if answer.status_code != 200:
                    break
                await asyncio.sleep(0.01)
            assert answer.status_code == 401 and answer.json()["code"] == "revoked"
    finally:
        for proc, _ in procs:
            proc.terminate()
            proc.wait(10)
