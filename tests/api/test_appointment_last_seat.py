"""The last seats of a slot under concurrent bookings: exactly `quota` booked, every other
request a 409 a person can read — in one server (SQLite or PostgreSQL) and across two server
processes sharing PostgreSQL."""

from __future__ import annotations

import asyncio
import os
from collections import Counter
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import create_engine, text

from client.rest import ApiClient, tls_context
from tests.appointment_helpers import HOURS, id_card, integration_token, local
from tests.helpers import ADMIN_NO, ADMIN_PASSWORD, LiveServer, migrated_database
from tests.processes import start_server_process

SLOT = local("2026-11-30", "09:00")
QUOTA = 3
PEOPLE = 16


def seats_taken(url: str) -> int:
    engine = create_engine(url)
    with engine.connect() as conn:
        taken = conn.execute(
            text("SELECT count(*) FROM appointment WHERE status != 'cancelled'")
        ).scalar_one()
    engine.dispose()
    return int(taken)


async def set_up(admin: ApiClient) -> tuple[int, dict[str, Any]]:
    hall = await admin.admin_create("halls", {"code": "SEAT", "name": "名额测试大厅"})
    service = await admin.admin_create(
        "services",
        {
            "hall_id": hall["id"],
            "name": "户籍办理",
            "prefix": "A",
            "hours": HOURS,
            "appointment_quota": QUOTA,
        },
    )
    integration = await admin.request(
        "POST", "/admin/integrations", json={"name": "省政务服务网", "hall_id": hall["id"]}
    )
    return service.id, integration


async def book_all(
    bases: list[str], token: str, service_id: int, slot: str = SLOT
) -> list[httpx.Response]:
    clients = [
        httpx.AsyncClient(
            verify=tls_context(),
            base_url=b + "/api/v1",
            headers={"Authorization": f"Bearer {token}"},
        )
        for b in bases
    ]
    try:
        start = asyncio.Event()

        async def one(person: int) -> httpx.Response:
            await start.wait()
            body = {
                "service_id": service_id,
                "slot_start": slot,
                "id_type": "id_card",
                "id_no": id_card(person),
                "name": f"申请人{person}",
                "phone": "13800000000",
            }
            return await clients[person % len(clients)].post("/appointments", json=body)

        tasks = [asyncio.create_task(one(person)) for person in range(PEOPLE)]
        await asyncio.sleep(0)  # every task waits on the event: they go together
        start.set()
        return await asyncio.gather(*tasks)
    finally:
        for client in clients:
            await client.aclose()


def check(responses: list[httpx.Response], slot_text: str = "11月30日 09:00") -> None:
    statuses = Counter(r.status_code for r in responses)
    assert statuses == {201: QUOTA, 409: PEOPLE - QUOTA}, statuses
    refusals = {r.json()["code"] for r in responses if r.status_code == 409}
    assert refusals == {"slot_full"}
    detail = next(r.json()["detail"] for r in responses if r.status_code == 409)
    assert detail == f"{slot_text} 的时段已约满，请选择其他时段。"
    assert len({r.json()["code"] for r in responses if r.status_code == 201}) == QUOTA


async def test_the_last_seats_go_to_exactly_quota_people(server: LiveServer) -> None:
    service_id, integration = await set_up(server.admin)
    token = await integration_token(server.base_url, integration)
    check(await book_all([server.base_url], token, service_id))
    assert seats_taken(server.settings.resolved_database_url()) == QUOTA


@pytest.mark.slow
@pytest.mark.skipif(
    not os.environ.get("GOVQUEUE_TEST_POSTGRES"),
    reason="several server processes share a database on PostgreSQL",
)
async def test_the_last_seats_across_server_processes(tmp_path: Path) -> None:
    url = migrated_database(tmp_path)
    procs = [await start_server_process(url, tmp_path), await start_server_process(url, tmp_path)]
    bases = [base for _, base in procs]
    try:
        async with ApiClient(bases[0]) as admin:
            await admin.login(ADMIN_NO, ADMIN_PASSWORD)
            service_id, integration = await set_up(admin)
        token = await integration_token(bases[0], integration)
        async with httpx.AsyncClient(verify=tls_context(), base_url=bases[1] + "/api/v1") as http:
            slots = await http.get(
                "/appointments/slots",
                params={"service_id": service_id},
                headers={"Authorization": f"Bearer {token}"},
            )
        first = datetime.fromisoformat(slots.json()[0]["slot_start"])  # real time: the next one
        check(
            await book_all(bases, token, service_id, first.isoformat()), f"{first:%m月%d日 %H:%M}"
        )
        assert seats_taken(url) == QUOTA
    finally:
        for proc, _ in procs:
            proc.terminate()
            proc.wait(10)
