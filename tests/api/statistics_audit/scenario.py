"""The scenario of the statistics audit: a few business days driven through the real API with
a controlled clock. The tests of this folder recompute every indicator from what it leaves
(expected.py) and compare with /stats/indicators (total and every grouping), with the XLSX
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

The scenario is built once for the folder (it takes a while, see conftest.py); each test starts
at the read time and changes nothing the others read (the hall-comparison test adds a second
hall). Every indicator is checked twice: read live from the tables, and from the days' rollups.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest
from sqlalchemy import text

from client.errors import Conflict
from client.rest import tls_context
from server.domain.clock import ManualClock
from server.queries.stats.rollup import build_rollups, plan
from server.store.engine import make_engine
from tests.helpers import LiveServer, Seeded, seed_hall

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


async def play(server: LiveServer, clock: ManualClock) -> dict[str, Any]:
    """Plays the days above; what the tests need of it, by name."""
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


async def download(server: LiveServer, sup: Any, **params: Any) -> httpx.Response:
    async with httpx.AsyncClient(
        verify=tls_context(), base_url=server.base_url + "/api/v1", timeout=60
    ) as http:
        response = await http.get(
            "/stats/export", params=params, headers={"Authorization": f"Bearer {sup.token}"}
        )
    assert response.status_code == 200, response.text
    return response
