"""A small fixed day through the real server; every indicator checked against a hand computation.

Times are minutes after 09:00 (Thursday 2026-11-26, Asia/Shanghai). Targets: A waits 20 min,
handles 10 min; B waits 15 min, handles 8 min. The statistics are read at 10:05 (t=65).

 t  event                                         hand-computed consequence
 0  windows 1 [A,B] and 2 [B,A] open; A001 A002 B001 issued
 5  W1 calls A001 (wait 300 s); W2 calls B001 (wait 300 s)
 6  W1 starts A001 (walk 60 s)
 7  W2 starts B001 (walk 120 s)
16  W1 finishes A001 办结 (handle 600 s = target: on time); rated 5 at the window
    W1 calls A002 (wait 960 s)
17  W2 finishes B001 补正 (handle 600 s > 480 s: late); rated 2 → rectification opened
18  W1: A002 no-show
20  B002 issued (green channel)
21  W2 calls B002 (wait 60 s), starts it
22  A002 requeued (its wait stays 960 s: measured to the first call)
25  W1 calls A002 again, starts it
26  W2 finishes B002 办结 (handle 300 s); rated 4 from the QR page; W2 pauses (午休)
30  W1 transfers A002 to B → B003 enters the queue at t=30
36  W2 resumes
40  A003 issued (never called)
65  read: B003 waited 35 min > 15 and A003 25 min > 20 → both over target, never called
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from server.domain.clock import ManualClock
from tests.helpers import LiveServer, Seeded, open_window

SH = ZoneInfo("Asia/Shanghai")


def at(clock: ManualClock, minute: int) -> None:
    clock.set(
        datetime(2026, 11, 26, 9, 0, tzinfo=SH)
        .astimezone(UTC)
        .replace(minute=minute % 60, hour=1 + minute // 60)
    )


@pytest.fixture
async def day(server: LiveServer, hall: Seeded, clock: ManualClock) -> dict[str, Any]:
    kiosk = server.client(hall.kiosk_token)
    w1 = await open_window(server, hall, "1")
    w2 = await open_window(server, hall, "2")
    pad1 = server.client(hall.window_device_tokens["1"])
    pad2 = server.client(hall.window_device_tokens["2"])
    win1, win2 = hall.windows["1"], hall.windows["2"]
    a001 = await kiosk.issue_ticket(hall.services["A"])
    a002 = await kiosk.issue_ticket(hall.services["A"])
    b001 = await kiosk.issue_ticket(hall.services["B"])
    at(clock, 5)
    assert (await w1.call_next(win1))["id"] == a001["id"]  # type: ignore[index]
    assert (await w2.call_next(win2))["id"] == b001["id"]  # type: ignore[index]
    at(clock, 6)
    await w1.ticket_action(a001["id"], "start")
    at(clock, 7)
    await w2.ticket_action(b001["id"], "start")
    at(clock, 16)
    await w1.ticket_action(a001["id"], "finish", {"outcome": "done"})
    await pad1.evaluate(a001["id"], 5, ["办事快"])
    assert (await w1.call_next(win1))["id"] == a002["id"]  # type: ignore[index]
    at(clock, 17)
    await w2.ticket_action(b001["id"], "finish", {"outcome": "supplement"})
    await pad2.evaluate(b001["id"], 2, ["一次性告知不清"], "材料清单没说清楚")
    at(clock, 18)
    await w1.ticket_action(a002["id"], "no-show")
    at(clock, 20)
    b002 = await kiosk.issue_ticket(hall.services["B"], priority="green")
    at(clock, 21)
    assert (await w2.call_next(win2))["id"] == b002["id"]  # type: ignore[index]
    await w2.ticket_action(b002["id"], "start")
    at(clock, 22)
    await w1.ticket_action(a002["id"], "requeue")
    at(clock, 25)
    assert (await w1.call_next(win1))["id"] == a002["id"]  # type: ignore[index]
    await w1.ticket_action(a002["id"], "start")
    at(clock, 26)
    await w2.ticket_action(b002["id"], "finish", {"outcome": "done"})
    await server.client().evaluate(b002["id"], 4, public_token=b002["public_token"])
    await w2.window_action(win2, "pause", {"reason": "午休"})
    at(clock, 30)
    b003 = await w1.ticket_action(a002["id"], "transfer", {"service_id": hall.services["B"]})
    at(clock, 36)
    await w2.window_action(win2, "resume")
    at(clock, 40)
    await kiosk.issue_ticket(hall.services["A"])
    at(clock, 65)
    supervisor = await server.login(hall.supervisor_no)
    return {"supervisor": supervisor, "b003": b003, "hall": hall}


async def test_efficiency_and_satisfaction_totals(day: dict[str, Any]) -> None:
    result = await day["supervisor"].indicators(day["hall"].hall_id, start="2026-11-26")
    t = result["total"]
    assert (t["issued"], t["served"]) == (6, 3)
    assert (
        t["wait_count"],
        t["wait_avg_s"],
        t["wait_median_s"],
        t["wait_p90_s"],
        t["wait_max_s"],
    ) == (4, 405.0, 300, 960, 960)
    assert t["over_target_wait"] == 2 and t["over_target_wait_rate"] == pytest.approx(2 / 6)
    assert (t["handle_avg_s"], t["handle_median_s"], t["handle_p90_s"], t["handle_max_s"]) == (
        500.0,
        600,
        600,
        600,
    )
    assert t["on_time_handle_rate"] == pytest.approx(2 / 3)
    assert t["window_open_s"] == 3900 + 3300
    assert t["window_utilization"] == pytest.approx(1500 / 7200)
    assert t["paused_s"] == 600 and t["paused_by_reason_s"] == {"午休": 600}
    # 好差评
    assert t["evaluated"] == 3 and t["evaluated_rate"] == 1.0
    assert t["satisfaction_rate"] == pytest.approx(2 / 3)
    assert t["very_satisfied_rate"] == pytest.approx(1 / 3) and t["bad_rate"] == pytest.approx(
        1 / 3
    )
    assert t["avg_level"] == 3.67 and t["bad_count"] == 1
    assert (
        t["rectified_rate"] == 0.0
        and t["rectified_on_time_rate"] is None
        and t["followup_rate"] == 0.0
    )
    # 异常办理
    assert t["no_show_rate"] == 0.25 and t["abandoned"] == 2 and t["transferred"] == 1
    assert (
        t["outcome_done"],
        t["outcome_supplement"],
        t["outcome_returned"],
        t["outcome_rejected"],
    ) == (2, 1, 0, 0)
    assert t["outcome_supplement_rate"] == pytest.approx(1 / 3)
    assert t["over_target_handle"] == 1


async def test_grouped_by_window(day: dict[str, Any]) -> None:
    result = await day["supervisor"].indicators(
        day["hall"].hall_id, start="2026-11-26", group_by="window"
    )
    rows = {r["label"]: r["values"] for r in result["rows"]}
    assert set(rows) == {"1号窗口", "2号窗口", "未叫号"}
    one, two = rows["1号窗口"], rows["2号窗口"]
    assert (one["issued"], one["served"], one["handle_avg_s"]) == (2, 1, 600.0)
    assert one["window_utilization"] == pytest.approx(600 / 3900)
    assert (two["served"], two["handle_avg_s"], two["paused_s"]) == (2, 450.0, 600)
    assert two["window_utilization"] == pytest.approx(900 / 3300)
    assert rows["未叫号"]["issued"] == 2 and rows["未叫号"]["over_target_wait"] == 2


async def test_grouped_by_service_hour_and_staff(day: dict[str, Any]) -> None:
    sup, hall_id = day["supervisor"], day["hall"].hall_id
    by_service = {
        r["label"]: r["values"]
        for r in (await sup.indicators(hall_id, start="2026-11-26", group_by="service"))["rows"]
    }
    assert by_service["户籍办理"]["issued"] == 3 and by_service["社保医保"]["issued"] == 3
    assert by_service["社保医保"]["wait_avg_s"] == 180.0  # B001 300 s, B002 60 s
    by_hour = {
        r["key"]: r["values"]
        for r in (await sup.indicators(hall_id, start="2026-11-26", group_by="hour"))["rows"]
    }
    # hour 10 has no ticket, but both windows were open 10:00–10:05 (read time)
    assert set(by_hour) == {"09", "10"} and by_hour["09"]["issued"] == 6
    assert by_hour["10"]["issued"] == 0 and by_hour["10"]["window_open_s"] == 600
    assert by_hour["09"]["window_open_s"] + 600 == 3900 + 3300
    by_staff = {
        r["key"]: r["values"]
        for r in (await sup.indicators(hall_id, start="2026-11-26", group_by="staff"))["rows"]
    }
    hall = day["hall"]
    assert by_staff[hall.staff["2"]]["served"] == 2 and by_staff[hall.staff["1"]]["served"] == 1


async def test_ticket_records_carry_every_time(day: dict[str, Any]) -> None:
    page = await day["supervisor"].ticket_records(day["hall"].hall_id, start="2026-11-26")
    assert page["total"] == 6
    by_number = {r["number"]: r for r in page["items"]}
    a002 = by_number["A002"]
    assert (a002["status"], a002["wait_s"], a002["no_show_count"], a002["transferred_to"]) == (
        "transferred",
        960,
        1,
        "B003",
    )
    b001 = by_number["B001"]
    assert (
        b001["wait_s"],
        b001["walk_s"],
        b001["handle_s"],
        b001["total_s"],
        b001["evaluation_level"],
    ) == (300, 120, 600, 1020, 2)
    assert by_number["B002"]["priority"] == "green" and by_number["B003"]["source"] == "transfer"
    second = await day["supervisor"].ticket_records(
        day["hall"].hall_id, start="2026-11-26", limit=2, offset=4
    )
    assert second["total"] == 6 and [r["number"] for r in second["items"]] == [
        r["number"] for r in page["items"][4:]
    ]


async def test_evaluation_rules(day: dict[str, Any], server: LiveServer) -> None:
    from client.errors import Conflict, InvalidRequest

    hall = day["hall"]
    pad1 = server.client(hall.window_device_tokens["1"])
    records = {
        r["number"]: r
        for r in (await day["supervisor"].ticket_records(hall.hall_id, start="2026-11-26"))["items"]
    }
    with pytest.raises(Conflict, match="已评价"):
        await pad1.evaluate(records["A001"]["ticket_id"], 4)
    with pytest.raises(Conflict, match="尚未办结"):
        await server.client(hall.kiosk_token).evaluate(records["A003"]["ticket_id"], 5)
    with pytest.raises(InvalidRequest, match="评价等级"):
        await pad1.evaluate(records["A001"]["ticket_id"], 6)


async def test_bad_period_is_refused(day: dict[str, Any]) -> None:
    from client.errors import InvalidRequest

    with pytest.raises(InvalidRequest, match="晚于"):
        await day["supervisor"].indicators(
            day["hall"].hall_id, start="2026-11-27", end="2026-11-26"
        )
