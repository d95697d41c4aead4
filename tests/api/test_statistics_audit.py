"""The test that matters: a few business days driven through the real API with a controlled
clock; every indicator recomputed here, independently, from the ticket-level records
(/stats/tickets), the rectification and complaint lists and the window changes the test made
itself — then compared with /stats/indicators (total and every grouping), with the XLSX
cells read back with openpyxl, and with the CSV.

Hall H1: services A 户籍办理 (targets: wait 20 min, handle 10 min) and B 社保医保 (15, 8);
windows 1 [A, B] and 2 [B, A]. Thursday 2026-11-26 (local time):

 09:00 windows 1 and 2 open; A001 A002 B001 issued
 09:05 W1 calls A001, W2 calls B001      09:06 W1 recalls A001     09:07 W1 starts A001
 09:10 W2: B001 no-show                  09:12 W2 calls A002       09:13 W2 starts A002
 09:15 B001 requeued (wait stays 300 s)  09:20 W1 finishes A001 (780 s > 10 min: late),
       rated 5; a second rating is refused
 09:21 W1 calls B001 again, 09:22 starts 09:25 W2 transfers A002 to B → B002
 09:30 W1 finishes B001 补正 (480 s), rated 2 → rectification
 09:31 W2 calls B002, 09:32 starts       09:40 W2 finishes B002 不予受理 (rated the next day)
 09:50–10:10 W2 paused (午休), across the 10:00 hour boundary
 10:20 A003 issued (never called)        10:25 A004 issued, 10:26 cancelled
 11:00 both windows close
Friday 2026-11-27: W1 09:00–11:00; B002 rated 4 on its window pad (a day late); A001 issued
 09:05, called 09:06, started 09:07, finished 09:15, rated 3 at the kiosk; complaint C1 received
 09:00, closed 09:30; complaint C2 received 10:00, still open when the period ends.
Saturday 2026-11-28: nothing (the period is 26–28). Read on 2026-12-20 10:00, after the
rectification was done late (past its 15 working days) and C2 closed (after the period).

The scenario is built once for the module (it takes a while); each test starts at the read
time and changes nothing the others read (the hall-comparison test adds a second hall).
Every indicator is checked twice: read live from the tables, and from the days' rollups.
"""

from __future__ import annotations

import csv
import io
import math
import os
import signal
import statistics
import zipfile
from collections import defaultdict
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import openpyxl
import pytest
import pytest_asyncio
from sqlalchemy import text

from client.errors import Conflict
from server.domain.clock import ManualClock
from server.queries.stats.rollup import build_rollups, plan
from server.store.engine import make_engine
from tests.helpers import HALL_OPENING, LiveServer, Seeded, seed_hall, start_server

pytestmark = pytest.mark.asyncio(loop_scope="module")

SH = ZoneInfo("Asia/Shanghai")
TARGETS = {"户籍办理": (20, 10), "社保医保": (15, 8)}  # wait, handle minutes
PERIOD = ("2026-11-26", "2026-11-28")
READ_AT = datetime(2026, 12, 20, 10, 0, tzinfo=SH)


def local(day: int, hh: int, mm: int) -> datetime:
    return datetime(2026, 11, day, hh, mm, tzinfo=SH)


class Script:
    """Drives the clock and remembers the window changes it made (for window time)."""

    def __init__(self, clock: ManualClock) -> None:
        self.clock = clock
        self.window_changes: list[tuple[datetime, str, str, str]] = []  # at, window, state, why

    def at(self, day: int, hh: int, mm: int) -> None:
        self.clock.set(local(day, hh, mm).astimezone(UTC))

    async def window(
        self, client: Any, hall: Seeded, number: str, action: str, why: str = ""
    ) -> None:
        body = {"reason": why} if action == "pause" else None
        await client.window_action(hall.windows[number], action, body)
        state = {"open": "open", "resume": "open", "pause": "paused", "close": "closed"}[action]
        self.window_changes.append((self.clock.now(), number, state, why))


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def audit_clock() -> ManualClock:
    return ManualClock(HALL_OPENING)


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def audit_server(tmp_path_factory: pytest.TempPathFactory, audit_clock: ManualClock) -> Any:
    async with start_server(tmp_path_factory.mktemp("audit"), audit_clock) as live:
        yield live


@pytest.fixture(autouse=True)
def at_read_time(audit_clock: ManualClock) -> None:
    audit_clock.set(READ_AT.astimezone(UTC))


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def scenario(audit_server: LiveServer, audit_clock: ManualClock) -> dict[str, Any]:
    server, clock = audit_server, audit_clock
    hall = await seed_hall(server)
    s = Script(clock)
    kiosk = server.client(hall.kiosk_token)
    pad1 = server.client(hall.window_device_tokens["1"])
    pad2 = server.client(hall.window_device_tokens["2"])
    win1, win2 = hall.windows["1"], hall.windows["2"]
    A, B = hall.services["A"], hall.services["B"]
    # --- Thursday 26
    s.at(26, 9, 0)
    w1 = await server.login(hall.staff["1"])
    w2 = await server.login(hall.staff["2"])
    await s.window(w1, hall, "1", "open")
    await s.window(w2, hall, "2", "open")
    a001 = await kiosk.issue_ticket(A)
    a002 = await kiosk.issue_ticket(A)
    b001 = await kiosk.issue_ticket(B)
    s.at(26, 9, 5)
    assert (await w1.call_next(win1))["id"] == a001["id"]  # type: ignore[index]
    assert (await w2.call_next(win2))["id"] == b001["id"]  # type: ignore[index]
    s.at(26, 9, 6)
    await w1.ticket_action(a001["id"], "recall")
    s.at(26, 9, 7)
    await w1.ticket_action(a001["id"], "start")
    s.at(26, 9, 10)
    await w2.ticket_action(b001["id"], "no-show")
    s.at(26, 9, 12)
    assert (await w2.call_next(win2))["id"] == a002["id"]  # type: ignore[index]
    s.at(26, 9, 13)
    await w2.ticket_action(a002["id"], "start")
    s.at(26, 9, 15)
    await w2.ticket_action(b001["id"], "requeue")
    s.at(26, 9, 20)
    await w1.ticket_action(a001["id"], "finish", {"outcome": "done"})
    await pad1.evaluate(a001["id"], 5, ["办事快"])
    with pytest.raises(Conflict, match="已评价"):
        await pad1.evaluate(a001["id"], 1)
    s.at(26, 9, 21)
    assert (await w1.call_next(win1))["id"] == b001["id"]  # type: ignore[index]
    s.at(26, 9, 22)
    await w1.ticket_action(b001["id"], "start")
    s.at(26, 9, 25)
    b002 = await w2.ticket_action(a002["id"], "transfer", {"service_id": B})
    s.at(26, 9, 30)
    await w1.ticket_action(b001["id"], "finish", {"outcome": "supplement"})
    await pad1.evaluate(b001["id"], 2, ["一次性告知不清"], "材料清单没说清楚")
    s.at(26, 9, 31)
    assert (await w2.call_next(win2))["id"] == b002["id"]  # type: ignore[index]
    s.at(26, 9, 32)
    await w2.ticket_action(b002["id"], "start")
    s.at(26, 9, 40)
    await w2.ticket_action(b002["id"], "finish", {"outcome": "rejected"})
    s.at(26, 9, 50)
    await s.window(w2, hall, "2", "pause", "午休")
    s.at(26, 10, 10)
    await s.window(w2, hall, "2", "resume")
    s.at(26, 10, 20)
    await kiosk.issue_ticket(A)  # A003, never called
    s.at(26, 10, 25)
    a004 = await kiosk.issue_ticket(A)
    s.at(26, 10, 26)
    # a waiting ticket is cancelled by the supervisor: a clerk acts only on tickets at their window
    await (await server.login(hall.supervisor_no)).ticket_action(a004["id"], "cancel")
    s.at(26, 11, 0)
    await s.window(w1, hall, "1", "close")
    await s.window(w2, hall, "2", "close")
    # --- Friday 27
    sup = await server.login(hall.supervisor_no)
    s.at(27, 9, 0)
    await s.window(w1, hall, "1", "open")
    await pad2.evaluate(b002["id"], 4)  # the applicant rates the next morning
    c1 = await sup.request(
        "POST",
        "/complaints",
        json={
            "channel": "onsite",
            "content": "窗口人员态度生硬",
            "window_id": win1,
            "complainant_name": "张小三",
            "complainant_phone": "13812345678",
        },
    )
    s.at(27, 9, 5)
    f001 = await kiosk.issue_ticket(A)
    s.at(27, 9, 6)
    await w1.call_next(win1)
    s.at(27, 9, 7)
    await w1.ticket_action(f001["id"], "start")
    s.at(27, 9, 15)
    await w1.ticket_action(f001["id"], "finish", {"outcome": "done"})
    await kiosk.evaluate(f001["id"], 3)
    s.at(27, 9, 30)
    await sup.request("POST", f"/complaints/{c1['id']}/handle", json={"result": "已致歉"})
    s.at(27, 10, 0)
    c2 = await sup.request(
        "POST",
        "/complaints",
        json={"channel": "12345", "content": "等候时间太长", "staff_no": hall.staff["2"]},
    )
    s.at(27, 11, 0)
    await s.window(w1, hall, "1", "close")
    # --- later: the rectification is done late, C2 is closed after the period
    clock.set(READ_AT.astimezone(UTC))
    rectifications = (await sup.request("GET", "/rectifications"))["items"]
    assert len(rectifications) == 1
    done = await sup.request(
        "POST", f"/rectifications/{rectifications[0]['id']}/rectify", json={"measures": "培训"}
    )
    assert done["overdue"] is True
    await sup.request(
        "POST",
        f"/rectifications/{rectifications[0]['id']}/follow-up",
        json={"way": "phone", "result": "认可", "satisfied": True},
    )
    await sup.request("POST", f"/complaints/{c2['id']}/handle", json={"result": "已解释"})
    return {"sup": sup, "hall": hall, "script": s, "server": server, "clock": clock}


# --- the independent computation -----------------------------------------------------------


def ts(raw: str | None) -> datetime | None:
    return None if raw is None else datetime.fromisoformat(raw.replace("Z", "+00:00"))


def secs(a: datetime | None, b: datetime | None) -> int | None:
    return None if a is None or b is None else round((b - a).total_seconds())


def rate(n: int, d: int) -> float | None:
    return None if d == 0 else n / d


def p90(values: list[int]) -> int | None:
    return sorted(values)[math.ceil(0.9 * len(values)) - 1] if values else None


def expected_tickets(
    records: list[dict[str, Any]], rect: dict[int, dict[str, Any]], now: datetime
) -> dict[str, Any]:
    called = [r for r in records if r["called_at"]]
    uncalled = [r for r in records if not r["called_at"] and r["status"] == "waiting"]
    done = [r for r in records if r["status"] == "done"]
    waits = [secs(ts(r["entered_queue_at"]), ts(r["called_at"])) for r in called]
    handles = [secs(ts(r["serving_started_at"]), ts(r["finished_at"])) for r in done]
    assert None not in waits and None not in handles

    def target(r: dict[str, Any], which: int) -> int:
        return TARGETS[r["service_name"]][which] * 60

    over_wait = sum(
        1 for r, w in zip(called, waits, strict=True) if w is not None and w > target(r, 0)
    ) + sum(1 for r in uncalled if (now - ts(r["entered_queue_at"])).total_seconds() > target(r, 0))  # type: ignore[operator]
    late = sum(1 for r, h in zip(done, handles, strict=True) if h is not None and h > target(r, 1))
    levels = [r["evaluation_level"] for r in records if r["evaluation_level"] is not None]
    bad = [r for r in records if r["evaluation_level"] is not None and r["evaluation_level"] <= 2]
    bad_rect = [rect[r["ticket_id"]] for r in bad]
    closed = [x for x in bad_rect if x["rectified_at"]]
    on_time = [x for x in closed if ts(x["rectified_at"]) <= ts(x["deadline"])]  # type: ignore[operator]
    due = [x for x in bad_rect if x["rectified_at"] or ts(x["deadline"]) < now]  # type: ignore[operator]
    hs = [h for h in handles if h is not None]
    ws = [w for w in waits if w is not None]
    out: dict[str, Any] = {
        "issued": len(records),
        "served": len(done),
        "wait_count": len(ws),
        "wait_avg_s": round(statistics.fmean(ws), 1) if ws else None,
        "wait_median_s": statistics.median(ws) if ws else None,
        "wait_p90_s": p90(ws),
        "wait_max_s": max(ws) if ws else None,
        "over_target_wait": over_wait,
        "over_target_wait_rate": rate(over_wait, len(called) + len(uncalled)),
        "handle_avg_s": round(statistics.fmean(hs), 1) if hs else None,
        "handle_median_s": statistics.median(hs) if hs else None,
        "handle_p90_s": p90(hs),
        "handle_max_s": max(hs) if hs else None,
        "on_time_handle_rate": rate(len(done) - late, len(done)),
        "over_target_handle": late,
        "handled_s": sum(hs),
        "evaluated": len(levels),
        "evaluated_rate": rate(len(levels), len(done)),
        "satisfaction_rate": rate(sum(1 for v in levels if v >= 3), len(levels)),
        "very_satisfied_rate": rate(sum(1 for v in levels if v == 5), len(levels)),
        "bad_count": len(bad),
        "bad_rate": rate(len(bad), len(levels)),
        "avg_level": round(statistics.fmean(levels), 2) if levels else None,
        "rectified_rate": rate(len(closed), len(bad)),
        "rectified_on_time_rate": rate(len(on_time), len(due)),
        "followup_rate": rate(sum(1 for x in bad_rect if x["followup_at"]), len(bad)),
        "no_show_rate": rate(sum(1 for r in called if r["no_show_count"] > 0), len(called)),
        "abandoned": sum(1 for r in records if r["status"] in ("waiting", "no_show")),
        "transferred": sum(1 for r in records if r["status"] == "transferred"),
    }
    for outcome in ("done", "supplement", "returned", "rejected"):
        n = sum(1 for r in done if r["outcome"] == outcome)
        out[f"outcome_{outcome}"] = n
        out[f"outcome_{outcome}_rate"] = rate(n, len(done))
    return out


def expected_window_time(
    changes: list[tuple[datetime, str, str, str]],
    key: Callable[[datetime, str], str],
    end: datetime,
) -> dict[str, dict[str, Any]]:
    """Minute by minute (every change in the script is on a minute): open and paused time."""
    result: dict[str, dict[str, Any]] = defaultdict(
        lambda: {"window_open_s": 0, "paused_by_reason_s": defaultdict(int)}
    )
    by_window: dict[str, list[tuple[datetime, str, str]]] = defaultdict(list)
    for at, number, state, why in changes:
        by_window[number].append((at, state, why))
    for number, items in by_window.items():
        for (at, state, why), (until, _, _) in zip(items, [*items[1:], (end, "", "")], strict=True):
            minute = at
            while minute < until and state != "closed":
                bucket = result[key(minute, number)]
                if state == "open":
                    bucket["window_open_s"] += 60
                elif state == "paused":
                    bucket["paused_by_reason_s"][why] += 60
                minute += timedelta(minutes=1)
    return result


def expected_complaints(items: list[dict[str, Any]], as_of: datetime) -> dict[str, Any]:
    closed = [c for c in items if c["closed_at"] and ts(c["closed_at"]) <= as_of]  # type: ignore[operator]
    on_time = [c for c in closed if ts(c["closed_at"]) <= ts(c["deadline"])]  # type: ignore[operator]
    spans = [secs(ts(c["received_at"]), ts(c["closed_at"])) or 0 for c in closed]
    return {
        "complaints": len(items),
        "complaints_closed": len(closed),
        "complaint_closed_rate": rate(len(closed), len(items)),
        "complaint_on_time_rate": rate(len(on_time), len(closed)),
        "complaint_handle_avg_s": round(statistics.fmean(spans), 1) if spans else None,
    }


def same(actual: Any, wanted: Any) -> bool:
    if isinstance(wanted, float) and isinstance(actual, int | float):
        return actual == pytest.approx(wanted)
    return bool(actual == wanted)


def check(values: dict[str, Any], wanted: dict[str, Any], where: str) -> None:
    wrong = {k: (values.get(k), v) for k, v in wanted.items() if not same(values.get(k), v)}
    assert not wrong, f"{where}: (api, recomputed) {wrong}"


async def all_records(sup: Any, hall_id: int) -> list[dict[str, Any]]:
    """Every 明细 row, through keyset pages of 3 (so paging itself is exercised)."""
    records: list[dict[str, Any]] = []
    params: dict[str, Any] = {"hall_id": hall_id, "from": PERIOD[0], "to": PERIOD[1], "limit": 3}
    while True:
        page = await sup.request("GET", "/stats/tickets", params=params)
        records += page["items"]
        if page["next_after"] is None:
            assert page["total"] == len(records)
            return records
        params["after"] = page["next_after"]


GROUP_KEYS: dict[str, Callable[[dict[str, Any]], str]] = {
    "day": lambda r: r["business_day"],
    "hour": lambda r: f"{ts(r['issued_at']).astimezone(SH).hour:02d}",  # type: ignore[union-attr]
    "service": lambda r: str(r["service_id"]),
    "staff": lambda r: r["staff_no"] or "",
}


def use_rollups(server: LiveServer, hall: Seeded, rolled_up: bool) -> None:
    """Roll the period's days up (as the export worker does), or drop every rollup."""
    engine = make_engine(str(server.settings.database_url))
    now = READ_AT.astimezone(UTC)
    days = [date(2026, 11, 26), date(2026, 11, 27), date(2026, 11, 28)]
    try:
        with engine.begin() as conn:
            conn.execute(text("DELETE FROM stats_day"))
        if rolled_up:
            build_rollups(engine, {hall.hall_id: days}, SH, now)
        from sqlmodel import Session

        with Session(engine) as session:
            todo = plan(session, (hall.hall_id,), days[0], days[-1], SH, now)
        assert (len(todo.cached), todo.cold_days) == ((3, 0) if rolled_up else (0, 3))
    finally:
        engine.dispose()


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
    total = api["total"]
    check(total, expected_tickets(records, rect, now), "total")
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
            check(rows[key], expected_tickets(members, rect, now), f"{grouping}={key}")
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
    t = empty["total"]
    assert empty["rows"] == [] and t["issued"] == 0 and t["complaints"] == 0
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


def cell_value(value: Any, kind: str) -> Any:
    if value == "—":
        return None
    if isinstance(value, timedelta):  # openpyxl reads [h]:mm:ss cells as durations
        return round(value.total_seconds(), 3)
    return round(value * 86400, 3) if kind == "dur" else value


async def download(server: LiveServer, sup: Any, **params: Any) -> httpx.Response:
    async with httpx.AsyncClient(base_url=server.base_url + "/api/v1", timeout=60) as http:
        response = await http.get(
            "/stats/export", params=params, headers={"Authorization": f"Bearer {sup.token}"}
        )
    assert response.status_code == 200, response.text
    return response


async def test_xlsx_cells_and_csv_match_the_api(scenario: dict[str, Any], tmp_path: Any) -> None:
    from server.exports.layout import INDICATOR_COLUMNS, TICKET_COLUMNS

    sup, hall, server = scenario["sup"], scenario["hall"], scenario["server"]
    params = {"hall_id": hall.hall_id, "from": PERIOD[0], "to": PERIOD[1]}
    response = await download(server, sup, format="xlsx", **params)
    assert "attachment" in response.headers["content-disposition"]
    path = tmp_path / "report.xlsx"
    path.write_bytes(response.content)
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == [
        "汇总",
        "按日",
        "按时段",
        "按事项",
        "按窗口",
        "按人员",
        "明细",
        "差评整改",
        "投诉",
    ]
    summary = book["汇总"]
    assert "2026-11-26 至 2026-11-28" in str(summary["B2"].value)
    labels = {
        summary.cell(r, 1).value: summary.cell(r, 2).value for r in range(1, summary.max_row + 1)
    }
    api_total = (await sup.indicators(hall.hall_id, start=PERIOD[0], end=PERIOD[1]))["total"]
    by_heading = {c.heading: c for c in INDICATOR_COLUMNS}
    checked = 0
    for heading, value in labels.items():
        if heading in by_heading:
            column = by_heading[heading]
            assert same(cell_value(value, column.kind), api_total[column.key]), heading
            checked += 1
    assert checked >= 30
    assert len(summary._charts) == 3  # wait by hour, satisfaction by window, issued vs served
    for grouping, sheet_name in [
        ("day", "按日"),
        ("hour", "按时段"),
        ("service", "按事项"),
        ("window", "按窗口"),
        ("staff", "按人员"),
    ]:
        sheet = book[sheet_name]
        assert sheet.freeze_panes == "B2" and sheet.auto_filter.ref
        headings = [c.value for c in sheet[1]]
        api = await sup.indicators(hall.hall_id, start=PERIOD[0], end=PERIOD[1], group_by=grouping)
        for i, row in enumerate(api["rows"], start=2):
            assert sheet.cell(i, 1).value == row["label"]
            for c, column in enumerate(INDICATOR_COLUMNS, start=2):
                assert headings[c - 1] == column.heading
                got = cell_value(sheet.cell(i, c).value, column.kind)
                assert same(got, row["values"][column.key]), (sheet_name, row["label"], column.key)
        assert sheet.cell(len(api["rows"]) + 2, 1).value == "合计"
    # 明细: one row per ticket, every time, seconds that add up to the indicators
    details = book["明细"]
    headings = [c.value for c in details[1]]
    assert headings == [c.heading for c in TICKET_COLUMNS]
    rows = [
        dict(zip(headings, (c.value for c in r), strict=True)) for r in details.iter_rows(min_row=2)
    ]
    records = await all_records(sup, hall.hall_id)
    assert [r["号票编号"] for r in rows] == [r["ticket_id"] for r in records]
    for row, record in zip(rows, records, strict=True):
        assert row["等候时长(秒)"] == record["wait_s"] and row["办理时长(秒)"] == record["handle_s"]
        issued = ts(record["issued_at"]).astimezone(SH).replace(tzinfo=None)  # type: ignore[union-attr]
        assert abs((row["取号时间"] - issued).total_seconds()) < 1
    waits = [r["等候时长(秒)"] for r in rows if r["等候时长(秒)"] is not None]
    assert round(statistics.fmean(waits), 1) == api_total["wait_avg_s"]
    assert {r["状态"] for r in rows} >= {"已办结", "已转办", "已取消", "等候中"}
    # 差评整改 and 投诉, with the complainant masked
    rect = list(book["差评整改"].iter_rows(min_row=2, values_only=True))
    assert len(rect) == 1 and rect[0][1] == "B001"
    (listed,) = (await sup.rectifications(hall_id=hall.hall_id))["items"]
    for column, key in ((11, "opened_at"), (12, "deadline"), (13, "rectified_at")):
        local = ts(listed[key]).astimezone(SH).replace(tzinfo=None)  # type: ignore[union-attr]
        assert abs((rect[0][column] - local).total_seconds()) < 0.001, key  # local time
    assert rect[0][14] == ("是" if listed["overdue"] else "否")
    complaints = [
        dict(zip([c.value for c in book["投诉"][1]], r, strict=True))
        for r in book["投诉"].iter_rows(min_row=2, values_only=True)
    ]
    assert len(complaints) == 2
    assert complaints[0]["投诉人"] == "张*三" and complaints[0]["联系电话"] == "138****5678"
    with zipfile.ZipFile(path) as archive:  # the full number is nowhere in the file
        assert not any(b"13812345678" in archive.read(n) for n in archive.namelist())
        assert any("张*三".encode() in archive.read(n) for n in archive.namelist())
    # CSV: UTF-8 with BOM, the same 明细
    content = await sup.export(format="csv", **params)  # through the client library
    assert content.startswith(b"\xef\xbb\xbf")
    table = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert table[0] == [c.heading for c in TICKET_COLUMNS]
    assert [int(r[0]) for r in table[1:]] == [r["ticket_id"] for r in records]
    assert table[1][9] == "2026-11-26 09:00:00"  # local time, as written


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
    assert mine["total"]["issued"] == 1
    from client.errors import Forbidden

    with pytest.raises(Forbidden):
        await sup2.indicators(hall.hall_id, start=PERIOD[0], end=PERIOD[1])
    with pytest.raises(Forbidden):
        await sup2.request("GET", "/stats/export", params={"hall_id": hall.hall_id})
    with pytest.raises(Forbidden):
        await sup2.request("GET", "/stats/tickets", params={"hall_id": hall.hall_id})


@pytest.mark.timeout(300)
async def test_cli_export_without_a_terminal(scenario: dict[str, Any], tmp_path: Any) -> None:
    import asyncio
    import subprocess
    import sys
    from pathlib import Path

    server, sup, hall = scenario["server"], scenario["sup"], scenario["hall"]
    db = str(server.settings.database_url)
    govqueue = [str(Path(sys.executable).parent / "govqueue")]

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [*govqueue, "export", "--db", db, *args],
            capture_output=True,
            text=True,
            stdin=subprocess.DEVNULL,
            timeout=120,
        )

    out = tmp_path / "明细.csv"
    done = await asyncio.to_thread(
        run,
        "--hall",
        "H1",
        "--from",
        PERIOD[0],
        "--to",
        PERIOD[1],
        "--format",
        "csv",
        "--out",
        str(out),
    )
    assert done.returncode == 0, done.stderr
    assert "已导出" in done.stdout and "明细 7 行" in done.stderr
    http = await download(
        server, sup, format="csv", hall_id=hall.hall_id, **{"from": PERIOD[0], "to": PERIOD[1]}
    )
    assert out.read_bytes() == http.content
    book_path = tmp_path / "report.xlsx"
    done = await asyncio.to_thread(
        run,
        "--hall",
        str(hall.hall_id),
        "--from",
        PERIOD[0],
        "--to",
        PERIOD[1],
        "--out",
        str(book_path),
    )
    assert done.returncode == 0, done.stderr
    book = openpyxl.load_workbook(book_path, read_only=True)
    assert book.sheetnames[0] == "汇总" and book["明细"].max_row == 8
    # refusals, in this process (starting the CLI costs seconds)
    from typer.testing import CliRunner

    from server.cli.main import app

    for args, message in [
        (["--hall", "NOPE", "--from", PERIOD[0]], "不存在"),
        (["--hall", "H1", "--from", "0001-01-01"], "2000-01-01"),
    ]:
        refused = await asyncio.to_thread(
            CliRunner().invoke, app, ["export", "--db", db, *args, "--out", str(out)]
        )
        assert refused.exit_code == 2 and message in refused.output


async def test_xlsx_details_split_across_sheets_or_refused(
    scenario: dict[str, Any], tmp_path: Any
) -> None:
    from server.domain.errors import InvalidInput
    from server.exports.report import write_xlsx
    from server.queries.stats.indicators import Scope
    from server.store.engine import make_engine

    hall = scenario["hall"]
    engine = make_engine(str(scenario["server"].settings.database_url))
    scope = Scope((hall.hall_id,), date(2026, 11, 26), date(2026, 11, 28), READ_AT, SH)
    path = tmp_path / "split.xlsx"
    try:
        write_xlsx(engine, scope, path, counts_basic=True, rows_per_sheet=3)
        book = openpyxl.load_workbook(path, read_only=True)
        sizes = [book[n].max_row - 1 for n in ("明细", "明细(2)", "明细(3)")]
        assert sizes == [3, 3, 1] and "明细(4)" not in book.sheetnames
        with pytest.raises(InvalidInput, match="CSV"):
            write_xlsx(engine, scope, path, counts_basic=True, rows_per_sheet=1)
    finally:
        engine.dispose()


async def test_long_or_cold_periods_are_computed_by_the_worker(
    scenario: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A period with more closed days not rolled up than the serving process reads live goes
    to the worker process, which gives the same figures and rolls the days up."""
    from server.api.routes import stats as route

    sup, hall = scenario["sup"], scenario["hall"]
    use_rollups(scenario["server"], hall, rolled_up=False)
    in_process = await sup.indicators(
        hall.hall_id, start=PERIOD[0], end=PERIOD[1], group_by="window"
    )
    monkeypatch.setattr(route, "IN_PROCESS_COLD_DAYS", 0)
    async with httpx.AsyncClient(  # a process to start: seconds on a loaded machine
        base_url=scenario["server"].base_url + "/api/v1", timeout=120
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


async def test_long_csv_written_by_two_processes_is_the_same(
    scenario: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A long period's CSV is written in two halves by two processes: same bytes."""
    import asyncio
    import io

    from server.exports import report
    from server.queries.stats.indicators import Scope

    engine = make_engine(str(scenario["server"].settings.database_url))
    scope = Scope((scenario["hall"].hall_id,), date(2026, 11, 26), date(2026, 11, 28), READ_AT, SH)
    try:
        whole, halves = io.BytesIO(), io.BytesIO()
        assert await asyncio.to_thread(report.write_csv, engine, scope, whole, split=False) == 7
        monkeypatch.setattr(report, "SPLIT_DAYS", 1)
        lines: list[int] = []
        written = await asyncio.to_thread(
            report.write_csv, engine, scope, halves, progress=lines.append
        )
        assert written == 7
        assert halves.getvalue() == whole.getvalue() and sum(lines) == 7
    finally:
        engine.dispose()
