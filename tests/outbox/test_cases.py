"""办件编号: attached with the finish or by POST /tickets/{id}/cases (the clerk of that window,
a supervisor, the hall's case system with an integration credential); required by a hall
for 办结; carried in the 好差评 record — also when attached while the record waits."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import httpx
import pytest

from client.errors import ApiError
from client.rest import tls_context
from tests.helpers import LiveServer, Seeded, open_window
from tests.outbox.test_delivery import rate, reporting_hall, settled, until

CASE_1, CASE_2 = "330106202611260001", "330106202611260002"


async def serving(server: LiveServer, hall: Seeded, window: str = "1") -> tuple[Any, Any]:
    """A ticket called and being served at `window`, and that window's clerk."""
    ticket = await server.client(hall.kiosk_token).issue_ticket(hall.services["A"])
    clerk = await open_window(server, hall, window)
    called = await clerk.call_next(hall.windows[window])
    assert called is not None and called["id"] == ticket["id"]
    await clerk.ticket_action(ticket["id"], "start")
    return ticket, clerk


async def attach(client: Any, ticket_id: int, *numbers: str) -> dict[str, Any]:
    answer: dict[str, Any] = await client.request(
        "POST", f"/tickets/{ticket_id}/cases", json={"case_nos": list(numbers)}
    )
    return answer


async def test_who_may_attach_case_numbers_and_when(server: LiveServer, hall: Seeded) -> None:
    waiting = await server.client(hall.kiosk_token).issue_ticket(hall.services["B"])
    ticket, clerk = await serving(server, hall)
    answer = await attach(clerk, ticket["id"], CASE_1, f" {CASE_1} ", "３３０１０６-Ａ1")
    assert answer == {
        "ticket_id": ticket["id"],
        "number": ticket["number"],
        "case_nos": [CASE_1, "330106-A1"],
    }, "each once, full-width read as ASCII"
    other_clerk = await open_window(server, hall, "2")
    with pytest.raises(ApiError) as refused:
        await attach(other_clerk, ticket["id"], CASE_2)
    assert refused.value.status == 403 and "不是您办理的" in str(refused.value)
    with pytest.raises(ApiError) as early:
        await attach(clerk, waiting["id"], CASE_2)
    assert early.value.status == 409 and "办理中或办结后录入" in str(early.value)
    for bad, why in (("33 01", "不正确"), ("x" * 51, "最长 50 位"), ("", "不正确")):
        with pytest.raises(ApiError) as invalid:
            await attach(clerk, ticket["id"], bad)
        assert invalid.value.status == 422 and why in str(invalid.value), bad
    with pytest.raises(ApiError) as too_many:
        await attach(clerk, ticket["id"], *[f"N{i}" for i in range(21)])
    assert too_many.value.status == 422
    await clerk.ticket_action(ticket["id"], "finish", {"outcome": "done", "case_nos": [CASE_2]})
    after = await attach(clerk, ticket["id"], "LATE-1")  # the clerk who finished it, that day
    assert after["case_nos"] == [CASE_1, "330106-A1", CASE_2, "LATE-1"]
    supervisor = await server.login(hall.supervisor_no)
    assert (await attach(supervisor, ticket["id"], "SUP-1"))["case_nos"][-1] == "SUP-1"
    with pytest.raises(ApiError) as device:
        await attach(server.client(hall.window_device_tokens["1"]), ticket["id"], "PAD-1")
    assert device.value.status == 403


async def test_the_halls_case_system_attaches_with_its_credential(
    server: LiveServer, hall: Seeded
) -> None:
    from tests.helpers import seed_hall

    other = await seed_hall(server, code="OTHER")
    ticket, clerk = await serving(server, hall)
    await clerk.ticket_action(ticket["id"], "finish", {"outcome": "done"})

    async def token_of(hall_id: int) -> str:
        created = await server.admin.request(
            "POST", "/admin/integrations", json={"name": "办件系统", "hall_id": hall_id}
        )
        async with httpx.AsyncClient(
            verify=tls_context(), base_url=server.base_url + "/api/v1"
        ) as http:
            answer = await http.post(
                "/auth/token",
                data={"grant_type": "client_credentials"},
                auth=(created["client_id"], created["client_secret"]),
            )
        assert answer.status_code == 200, answer.text
        return str(answer.json()["access_token"])

    case_system = server.client(await token_of(hall.hall_id))
    answer = await attach(case_system, ticket["id"], CASE_1)
    assert answer["case_nos"] == [CASE_1]
    foreign = server.client(await token_of(other.hall_id))
    with pytest.raises(ApiError) as refused:
        await attach(foreign, ticket["id"], CASE_2)
    assert refused.value.status == 403


async def test_a_hall_that_requires_case_numbers_refuses_banjie_without_one(
    server: LiveServer, hall: Seeded
) -> None:
    await server.admin.request(
        "PATCH", f"/admin/halls/{hall.hall_id}", json={"case_numbers": "required"}
    )
    ticket, clerk = await serving(server, hall)
    queue = await clerk.window_queue(hall.windows["1"])
    assert queue.case_numbers == "required", "the window client learns the hall's rule"
    with pytest.raises(ApiError) as refused:
        await clerk.ticket_action(ticket["id"], "finish", {"outcome": "done"})
    assert refused.value.status == 409 and "本大厅要求办结时录入办件编号" in str(refused.value)
    done = await clerk.ticket_action(
        ticket["id"], "finish", {"outcome": "done", "case_nos": [CASE_1]}
    )
    assert done["status"] == "done"
    second, clerk = await serving(server, hall)
    returned = await clerk.ticket_action(second["id"], "finish", {"outcome": "returned"})
    assert returned["outcome"] == "returned", "退件 needs no case number"


async def test_case_numbers_reach_the_platform_even_when_attached_after_the_rating(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with reporting_hall(tmp_path, monkeypatch) as (server, hall, fake, clock):
        ticket, clerk = await serving(server, hall)
        await clerk.ticket_action(ticket["id"], "finish", {"outcome": "done", "case_nos": [CASE_1]})
        pad = server.client(hall.window_device_tokens["1"])
        first = await pad.evaluate(ticket["id"], 5)
        key = f"H1-{first['id']}-1"
        await asyncio.to_thread(fake.wait_for, lambda p: key in p.acked)
        assert fake.stored[key].json()["caseNos"] == [CASE_1]

        fake.set_mode("500")  # the next rating waits; its case number comes afterwards
        second, clerk = await serving(server, hall, "2")
        await clerk.ticket_action(second["id"], "finish", {"outcome": "done"})
        late = await server.client(hall.window_device_tokens["2"]).evaluate(second["id"], 4)
        late_key = f"H1-{late['id']}-1"
        await asyncio.to_thread(fake.wait_for, lambda p: late_key in p.keys_received())
        await until(settled(server, clock), "the 500 recorded")
        supervisor = await server.login(hall.supervisor_no)
        await attach(supervisor, second["id"], CASE_2)
        fake.set_mode("ok")
        clock.advance(3600)
        await asyncio.to_thread(fake.wait_for, lambda p: late_key in p.acked)
        await attach(supervisor, ticket["id"], "AFTER-SENT")  # acknowledged: not sent again
        _, third = await rate(server, hall, "1", 5)
        await asyncio.to_thread(fake.wait_for, lambda p: f"H1-{third['id']}-1" in p.acked)
    assert fake.stored[late_key].json()["caseNos"] == [CASE_2]
    assert fake.times_received(key) == 1
