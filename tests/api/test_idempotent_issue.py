"""A kiosk that retries POST /tickets with the same request_id (its answer was lost: network
cut, server restarted) gets the ticket already issued, never a second one."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import httpx
from sqlalchemy import create_engine, text

from client.rest import tls_context
from tests.helpers import LiveServer, Seeded


async def post_ticket(
    server: LiveServer, token: str, body: dict[str, Any]
) -> tuple[int, dict[str, Any]]:
    async with httpx.AsyncClient(
        verify=tls_context(), base_url=server.base_url + "/api/v1"
    ) as http:
        response = await http.post(
            "/tickets", json=body, headers={"Authorization": f"Bearer {token}"}
        )
    return response.status_code, response.json()


def tickets_in_db(server: LiveServer) -> list[tuple[str, str | None]]:
    engine = create_engine(server.settings.resolved_database_url())
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT number, request_id FROM ticket ORDER BY id")).all()
    engine.dispose()
    return [(r[0], r[1]) for r in rows]


async def issued_events(server: LiveServer, hall: Seeded) -> int:
    engine = create_engine(server.settings.resolved_database_url())
    with engine.connect() as conn:
        count = conn.execute(
            text("SELECT count(*) FROM event WHERE hall_id = :h AND type = 'ticket.issued'"),
            {"h": hall.hall_id},
        ).scalar_one()
    engine.dispose()
    return int(count)


async def test_a_retried_request_returns_the_same_ticket(server: LiveServer, hall: Seeded) -> None:
    key = uuid.uuid4().hex
    body = {"service_id": hall.services["A"], "request_id": key}
    first_status, first = await post_ticket(server, hall.kiosk_token, body)
    again_status, again = await post_ticket(server, hall.kiosk_token, body)
    assert (first_status, again_status) == (201, 200)
    assert again["id"] == first["id"] and again["number"] == "A001"
    assert again["public_token"] == first["public_token"] and again["ahead"] == 0
    assert tickets_in_db(server) == [("A001", key)]
    assert await issued_events(server, hall) == 1
    # the next press (a new key) takes the next number: the retry consumed none
    _, second = await post_ticket(
        server, hall.kiosk_token, {"service_id": hall.services["A"], "request_id": "press-2xyz"}
    )
    assert second["number"] == "A002"


async def test_retries_racing_each_other_issue_one_ticket(server: LiveServer, hall: Seeded) -> None:
    body = {"service_id": hall.services["B"], "request_id": "same-press-0001"}
    results = await asyncio.gather(*(post_ticket(server, hall.kiosk_token, body) for _ in range(6)))
    assert sorted(status for status, _ in results) == [200] * 5 + [201]
    assert {answer["id"] for _, answer in results} == {results[0][1]["id"]}
    assert tickets_in_db(server) == [("B001", "same-press-0001")]


async def test_the_replay_answers_even_when_the_service_has_since_closed(
    server: LiveServer, hall: Seeded
) -> None:
    body = {"service_id": hall.services["A"], "request_id": "before-close-1"}
    _, first = await post_ticket(server, hall.kiosk_token, body)
    await server.admin.request(
        "PATCH", f"/admin/services/{hall.services['A']}", json={"enabled": False}
    )
    status, again = await post_ticket(server, hall.kiosk_token, body)
    assert status == 200 and again["id"] == first["id"]
    status, _ = await post_ticket(server, hall.kiosk_token, {**body, "request_id": "after-close-1"})
    assert status == 409


async def test_a_key_is_the_kiosks_own(server: LiveServer, hall: Seeded) -> None:
    other = await server.admin.admin_create(
        "devices", {"hall_id": hall.hall_id, "kind": "kiosk", "label": "2号取号机"}
    )
    body = {"service_id": hall.services["A"], "request_id": "shared-key-01"}
    _, mine = await post_ticket(server, hall.kiosk_token, body)
    _, theirs = await post_ticket(server, other.token, body)
    assert mine["number"] == "A001" and theirs["number"] == "A002"


async def test_a_key_reused_for_another_service_is_refused(
    server: LiveServer, hall: Seeded
) -> None:
    key = "reused-key-01"
    await post_ticket(
        server, hall.kiosk_token, {"service_id": hall.services["A"], "request_id": key}
    )
    status, error = await post_ticket(
        server, hall.kiosk_token, {"service_id": hall.services["B"], "request_id": key}
    )
    assert status == 409 and error["code"] == "request_reused" and "A001" in error["detail"]
    assert tickets_in_db(server) == [("A001", key)]


async def test_a_malformed_key_is_refused_in_chinese(server: LiveServer, hall: Seeded) -> None:
    for bad in ("short", "has spaces in it", "x" * 65, "引号编号编号编号编号"):
        status, error = await post_ticket(
            server, hall.kiosk_token, {"service_id": hall.services["A"], "request_id": bad}
        )
        assert status == 422, bad
        assert "取号请求编号 request_id" in error["detail"]
    assert tickets_in_db(server) == []
