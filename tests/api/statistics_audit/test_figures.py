"""The statistics audit's figures (the scenario: scenario.py): every indicator of the four
groups — 办事效率, 窗口服务满意率, 异常办理, 投诉处理 — recomputed from the records and compared
with /stats/indicators, live and from the rollups; an empty period; the halls each role sees;
and the worker process that computes long or cold periods."""

from __future__ import annotations

import os
import signal
from collections import defaultdict
from datetime import UTC, date
from typing import Any

import httpx
import pytest

from client.rest import tls_context
from server.queries.stats.rollup import plan
from server.store.engine import make_engine
from tests.api.statistics_audit.expected import (
    GROUP_KEYS,
    check,
    check_groups,
    expected_complaints,
    expected_tickets,
    expected_window_time,
    secs,
    ts,
)
from tests.api.statistics_audit.scenario import (
    PERIOD,
    READ_AT,
    SH,
    Script,
    all_records,
    local,
    use_rollups,
)
from tests.helpers import seed_hall

pytestmark = pytest.mark.asyncio(loop_scope="package")


@pytest.mark.parametrize("rolled_up", [False, True], ids=["live", "rolled-up"])
async def test_every_indicator_recomputed_from_the_records(
    scenario: dict[str, Any], rolled_up: bool
) -> None:
    sup, hall = scenario["sup"], scenario["hall"]
    use_rollups(scenario["server"], hall, rolled_up)
    now = READ_AT.astimezone(UTC)
    records = await all_records(sup, hall.hall_id)
    # the cases are all there
    numbers = {(r["business_day"], r["number"]): r for r in records}
    assert len(records) == 7
    assert numbers[("2026-11-26", "A001")]["recall_count"] == 1
    b001 = numbers[("2026-11-26", "B001")]
    assert (b001["no_show_count"], b001["wait_s"], b001["window_number"]) == (1, 300, "1")
    assert numbers[("2026-11-26", "A002")]["transferred_to"] == "B002"
    assert numbers[("2026-11-26", "A004")]["status"] == "cancelled"
    assert numbers[("2026-11-26", "A003")]["called_at"] is None
    b002 = numbers[("2026-11-26", "B002")]
    assert (b002["evaluation_level"], b002["evaluated_at"][:10]) == (4, "2026-11-27")
    for r in records:  # the API's durations are the times' differences
        assert r["wait_s"] == secs(ts(r["entered_queue_at"]), ts(r["called_at"]))
        if r["status"] == "done":
            assert r["handle_s"] == secs(ts(r["serving_started_at"]), ts(r["finished_at"]))
    rect = {x["ticket_id"]: x for x in (await sup.request("GET", "/rectifications"))["items"]}
    complaints = (await sup.request("GET", "/complaints"))["items"]
    period_end = local(29, 0, 0)
    script: Script = scenario["script"]

    api = await sup.indicators(hall.hall_id, start=PERIOD[0], end=PERIOD[1], group_by="day")
    total = api.total
    check_groups(total, expected_tickets(records, rect, now), "total")
    window_total = expected_window_time(script.window_changes, lambda _m, _w: "", now)[""]
    assert total["window_open_s"] == window_total["window_open_s"] == 7200 + 6000 + 7200
    assert total["paused_by_reason_s"] == dict(window_total["paused_by_reason_s"]) == {"午休": 1200}
    assert total["window_utilization"] == pytest.approx(total["handled_s"] / 20400)
    check(total, expected_complaints(complaints, min(now, period_end)), "complaints")
    # hand-checked anchors, so that a mistake shared by both computations would show
    assert (total["issued"], total["served"], total["abandoned"], total["transferred"]) == (
        7,
        4,
        1,
        1,
    )
    assert (total["complaints"], total["complaints_closed"]) == (2, 1)  # C2 open at period end
    assert total["rectified_rate"] == 1.0 and total["rectified_on_time_rate"] == 0.0

    for grouping, keyfn in GROUP_KEYS.items():
        result = await sup.indicators(
            hall.hall_id, start=PERIOD[0], end=PERIOD[1], group_by=grouping
        )
        groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for r in records:
            groups[keyfn(r)].append(r)
        rows = {row["key"]: row["values"] for row in result["rows"]}
        for key, members in groups.items():
            check_groups(rows[key], expected_tickets(members, rect, now), f"{grouping}={key}")
        assert all(rows[k]["issued"] == 0 for k in set(rows) - set(groups))
    # window time by hour and by window, minute by minute
    by_hour = {
        r["key"]: r["values"]
        for r in (
            await sup.indicators(hall.hall_id, start=PERIOD[0], end=PERIOD[1], group_by="hour")
        )["rows"]
    }
    hours = expected_window_time(
        script.window_changes, lambda m, _w: f"{m.astimezone(SH).hour:02d}", now
    )
    for key, wanted in hours.items():
        assert by_hour[key]["window_open_s"] == wanted["window_open_s"], key
        assert by_hour[key]["paused_by_reason_s"] == dict(wanted["paused_by_reason_s"]), key
    assert by_hour["09"]["paused_s"] == 600 and by_hour["10"]["paused_s"] == 600
    by_window = {
        r["label"]: r["values"]
        for r in (
            await sup.indicators(hall.hall_id, start=PERIOD[0], end=PERIOD[1], group_by="window")
        )["rows"]
    }
    windows = expected_window_time(script.window_changes, lambda _m, w: f"{w}号窗口", now)
    for label, wanted in windows.items():
        assert by_window[label]["window_open_s"] == wanted["window_open_s"]
    assert by_window["1号窗口"]["complaints"] == 1  # C1 names window 1
    by_day = {
        r["key"]: r["values"]
        for r in (await sup.indicators(hall.hall_id, start=PERIOD[0], end=PERIOD[1]))["rows"]
    }
    assert "2026-11-28" not in by_day  # nothing happened on Saturday
    assert by_day["2026-11-27"]["complaints"] == 2


async def test_empty_period_gives_nulls(scenario: dict[str, Any]) -> None:
    sup, hall = scenario["sup"], scenario["hall"]
    empty = await sup.indicators(hall.hall_id, start="2026-11-23", end="2026-11-24")
    t = empty.total
    assert empty.rows == [] and t["issued"] == 0 and t["complaints"] == 0
    for key in (
        "wait_avg_s",
        "wait_median_s",
        "wait_p90_s",
        "over_target_wait_rate",
        "on_time_handle_rate",
        "window_utilization",
        "satisfaction_rate",
        "avg_level",
        "rectified_rate",
        "no_show_rate",
        "complaint_closed_rate",
        "complaint_handle_avg_s",
    ):
        assert t[key] is None, key
    page = await sup.request("GET", "/stats/tickets", params={"from": "2026-11-23"})
    assert page == {"total": 0, "items": [], "next_after": None}


async def test_admin_compares_halls_and_supervisor_sees_only_own(
    scenario: dict[str, Any],
) -> None:
    hall, server = scenario["hall"], scenario["server"]
    other = await seed_hall(server, code="H2")
    kiosk = server.client(other.kiosk_token)
    scenario["script"].at(27, 14, 0)
    await kiosk.issue_ticket(other.services["A"])
    admin = server.admin
    result = await admin.request(
        "GET", "/stats/indicators", params={"group_by": "hall", "from": PERIOD[0], "to": PERIOD[1]}
    )
    assert result["hall_id"] is None
    rows = {r["label"]: r["values"]["issued"] for r in result["rows"]}
    assert rows == {"H1 政务服务中心": 7, "H2 政务服务中心": 1}
    sup2 = await server.login(other.supervisor_no)
    mine = await sup2.indicators(other.hall_id, start=PERIOD[0], end=PERIOD[1])
    assert mine.total["issued"] == 1
    from client.errors import Forbidden

    with pytest.raises(Forbidden):
        await sup2.indicators(hall.hall_id, start=PERIOD[0], end=PERIOD[1])
    with pytest.raises(Forbidden):
        await sup2.request("GET", "/stats/export", params={"hall_id": hall.hall_id})
    with pytest.raises(Forbidden):
        await sup2.request("GET", "/stats/tickets", params={"hall_id": hall.hall_id})


async def test_long_or_cold_periods_are_computed_by_the_worker(
    scenario: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A period with more closed days not rolled up than the serving process reads live goes
    to the worker process, which gives the same figures and rolls the days up."""
    from server.api.routes import stats as route

    sup, hall = scenario["sup"], scenario["hall"]
    use_rollups(scenario["server"], hall, rolled_up=False)
    in_process = (
        await sup.indicators(hall.hall_id, start=PERIOD[0], end=PERIOD[1], group_by="window")
    ).model_dump(mode="json", by_alias=True)
    monkeypatch.setattr(route, "IN_PROCESS_COLD_DAYS", 0)
    async with httpx.AsyncClient(
        verify=tls_context(),  # a process to start: seconds on a loaded machine
        base_url=scenario["server"].base_url + "/api/v1",
        timeout=120,
    ) as http:

        async def from_worker() -> Any:
            response = await http.get(
                "/stats/indicators",
                params={
                    "hall_id": hall.hall_id,
                    "from": PERIOD[0],
                    "to": PERIOD[1],
                    "group_by": "window",
                },
                headers={"Authorization": f"Bearer {sup.token}"},
            )
            assert response.status_code == 200, response.text
            return response.json()

        assert await from_worker() == in_process
        # one warm process serves the next request too (the days are rolled up now: only a
        # long period goes there); killed, it is replaced at once
        monkeypatch.setattr(route, "IN_PROCESS_DAYS", 0)
        statistics = scenario["server"].runtime.statistics
        first = statistics.pid
        assert first is not None
        assert await from_worker() == in_process and statistics.pid == first
        os.kill(first, signal.SIGKILL)
        assert await from_worker() == in_process
        assert statistics.pid not in (None, first)
    engine = make_engine(str(scenario["server"].settings.database_url))
    try:
        from sqlmodel import Session

        with Session(engine) as session:
            todo = plan(
                session, (hall.hall_id,), date(2026, 11, 26), date(2026, 11, 28), SH, READ_AT
            )
        assert (len(todo.cached), todo.cold_days) == (3, 0)
    finally:
        engine.dispose()
