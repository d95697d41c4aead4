"""GET /api/v1/stats/plan through a real server: the same plan as `govqueue plan`, computed
in the warm statistics process (not on the serving process's event loop), defaults from the
server's clock, and bad input refused in Chinese."""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
import pytest_asyncio
from sqlmodel import Session

from client.rest import tls_context
from server.domain.calendar import WorkingCalendar
from server.domain.clock import ManualClock
from server.queries.plan_request import PlanRequest
from server.queries.staffing_plan import staffing_plan
from server.store.engine import make_engine
from tests.helpers import STAFF_PASSWORD, LiveServer, start_server
from tests.planning_history import Ids, write_history

pytestmark = pytest.mark.asyncio(loop_scope="module")
# Sunday 2025-11-02, 20:00 in Shanghai: "tomorrow" is Monday 3 November
NOW = datetime(2025, 11, 2, 12, 0, tzinfo=UTC)


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def served(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[dict[str, Any]]:
    data = Path(tmp_path_factory.mktemp("plan-api"))
    async with start_server(data, ManualClock(NOW)) as server:
        ids = write_history(str(server.settings.database_url), date(2025, 9, 1), date(2025, 10, 31))
        other = write_history(
            str(server.settings.database_url), date(2025, 10, 1), date(2025, 10, 3), code="H2"
        )
        for staff_no, role, hall in (("P001", "supervisor", ids), ("P002", "window", ids)):
            await server.admin.admin_create(
                "staff",
                {
                    "staff_no": staff_no,
                    "name": "赵主任" if role == "supervisor" else "张丽",
                    "role": role,
                    "password": STAFF_PASSWORD,
                    "hall_id": hall.hall,
                    "must_change_password": False,
                },
            )
        supervisor = await server.login("P001")
        clerk = await server.login("P002")
        async with httpx.AsyncClient(
            verify=tls_context(), base_url=server.base_url + "/api/v1", timeout=300
        ) as http:
            yield {
                "server": server,
                "ids": ids,
                "other": other,
                "http": http,
                "sup": {"Authorization": f"Bearer {supervisor.token}"},
                "clerk": {"Authorization": f"Bearer {clerk.token}"},
            }


async def get_plan(served: dict[str, Any], who: str = "sup", **params: Any) -> httpx.Response:
    ids: Ids = served["ids"]
    params.setdefault("hall_id", ids.hall)
    return await served["http"].get("/stats/plan", params=params, headers=served[who])


async def test_the_route_gives_the_plan_of_the_command_computed_elsewhere(
    served: dict[str, Any],
) -> None:
    response = await get_plan(
        served, **{"from": "2025-09-01", "to": "2025-10-31"}, day="2025-11-05", runs=6
    )
    assert response.status_code == 200, response.text
    body = response.json()
    server: LiveServer = served["server"]
    engine = make_engine(str(server.settings.database_url))
    try:
        with Session(engine) as session:
            request = PlanRequest(
                served["ids"].hall, date(2025, 9, 1), date(2025, 10, 31), date(2025, 11, 5), runs=6
            )
            expected = staffing_plan(session, request, now=NOW, calendar=WorkingCalendar())
    finally:
        engine.dispose()
    assert body == expected  # the CLI's code path, field for field
    assert body["day_class_label"] == "周三" and len(body["basis_days"]) == 7
    assert [h["hour"] for h in body["hours"]] == list(range(9, 17))
    assert all(h["plan"]["met"] for h in body["hours"])
    # computed by the warm statistics process, not this one (the serving process)
    assert server.runtime.statistics.pid not in (None, os.getpid())


async def test_the_event_loop_answers_while_a_plan_is_simulated(served: dict[str, Any]) -> None:
    # 30 simulated days of a busy Monday: seconds of the statistics process's CPU (120, as
    # before, spent ~14 CPU-s of the suite to show the same thing)
    long_plan = asyncio.create_task(get_plan(served, day="2025-11-03", runs=30))
    health = await served["http"].get("/health")
    assert health.status_code == 200
    assert not long_plan.done()  # /health did not wait for the plan
    assert (await long_plan).status_code == 200


async def test_defaults_come_from_the_servers_clock(served: dict[str, Any]) -> None:
    response = await get_plan(served, runs=3)
    assert response.status_code == 200, response.text
    body = response.json()
    # tomorrow, from the four weeks up to today (hall time)
    assert (body["day"], body["from"], body["to"]) == ("2025-11-03", "2025-10-06", "2025-11-02")
    assert body["day_class_label"] == "周一" and body["basis_days"] == [
        "2025-10-13",
        "2025-10-20",
        "2025-10-27",
    ]
    assert body["current_day"] == "2025-10-31"


@pytest.mark.parametrize(
    ("who", "params", "status", "message"),
    [
        (
            "sup",
            {"from": "2025-10-31", "to": "2025-09-01"},
            422,
            "开始日期 2025-10-31 晚于结束日期 2025-09-01",
        ),
        ("sup", {"from": "2024-01-01", "to": "2024-01-31"}, 422, "该大厅没有任何取号记录"),
        ("sup", {"day": "2025-02-30"}, 422, "day 应为日期 YYYY-MM-DD"),
        ("sup", {"runs": 0}, 422, "模拟次数应在 1 至 200 之间"),
        ("sup", {"target_minutes": 500}, 422, "目标等候时间应在 1 至 240 分钟之间"),
        ("sup", {"hall_id": "other"}, 403, ""),
        ("clerk", {}, 403, ""),
    ],
)
async def test_bad_requests_are_refused(
    served: dict[str, Any], who: str, params: dict[str, Any], status: int, message: str
) -> None:
    if params.get("hall_id") == "other":
        params["hall_id"] = served["other"].hall
    response = await get_plan(served, who, **params)
    assert response.status_code == status, response.text
    assert message in response.json()["detail"]
