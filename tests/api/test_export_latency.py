"""A report never delays a call: while a big export runs, call → screen latency stays low.

The hall gets weeks of history written straight into its database (30,000 tickets), then a
client downloads the whole period as XLSX with its 明细 while a window keeps calling tickets
and a hall screen (a real WebSocket client) times how long each call takes to reach it.
Calls keep being made and reaching the screen all through the export, which would fail if the
export ran on the serving process's event loop or held its GIL (an in-process export of this
size takes tens of seconds on this machine: no call would be made meanwhile). How fast they
arrive is printed here and measured by `bench/export_calls.py`, not asserted (timing goals
are benchmarks, not tests).
"""

from __future__ import annotations

import asyncio
import random
import time
from datetime import UTC, date, datetime, timedelta

import httpx
import pytest
from sqlalchemy import create_engine, insert

from client.events import TicketCalled
from client.live import LiveFeed
from client.rest import tls_context
from client.wire import LiveMessage
from server.domain.clock import ManualClock
from server.queries.stats.sql import EVALUATION, TICKET
from tests.helpers import LiveServer, Seeded, open_window

DAYS, PER_DAY = 12, 2500


def fill_history(url: str, hall: Seeded) -> None:
    """DAYS business days before the test's day, PER_DAY finished tickets each, 70 % rated."""
    rnd = random.Random(7)
    engine = create_engine(url)
    ticket_id, evaluation_id = 1_000_000, 1_000_000
    day = date(2026, 10, 26)
    with engine.begin() as conn:
        for _ in range(DAYS):
            tickets, evaluations = [], []
            for n in range(1, PER_DAY + 1):
                ticket_id += 1
                issued = datetime(day.year, day.month, day.day, 1, tzinfo=UTC) + timedelta(
                    seconds=rnd.uniform(0, 8 * 3600)
                )
                called = issued + timedelta(seconds=rnd.uniform(10, 1800))
                started = called + timedelta(seconds=60)
                finished = started + timedelta(seconds=rnd.uniform(60, 900))
                tickets.append(
                    {
                        "id": ticket_id,
                        "hall_id": hall.hall_id,
                        "service_id": hall.services["A"],
                        "business_day": day,
                        "sequence": n,
                        "number": f"A{n:03d}",
                        "priority": "normal",
                        "source": "kiosk",
                        "status": "done",
                        "outcome": "done",
                        "public_token": f"h{ticket_id}",
                        "issued_at": issued,
                        "entered_queue_at": issued,
                        "called_at": called,
                        "last_called_at": called,
                        "recall_count": 0,
                        "serving_started_at": started,
                        "finished_at": finished,
                        "no_show_count": 0,
                        "window_id": hall.windows["1"],
                    }
                )
                if rnd.random() < 0.7:
                    evaluation_id += 1
                    evaluations.append(
                        {
                            "id": evaluation_id,
                            "ticket_id": ticket_id,
                            "hall_id": hall.hall_id,
                            "level": rnd.choice([5, 5, 5, 4, 3]),
                            "reasons": [],
                            "channel": "window",
                            "created_at": finished,
                        }
                    )
            conn.execute(insert(TICKET), tickets)
            conn.execute(insert(EVALUATION), evaluations)
            day += timedelta(days=1)
    engine.dispose()


@pytest.mark.timeout(300)
async def test_calls_go_on_reaching_the_screen_while_a_big_export_runs(
    server: LiveServer, hall: Seeded, clock: ManualClock
) -> None:
    fill_history(str(server.settings.database_url), hall)
    kiosk = server.client(hall.kiosk_token)
    clerk = await open_window(server, hall, "1")
    sup = await server.login(hall.supervisor_no)
    for _ in range(60):
        await kiosk.issue_ticket(hall.services["A"])
    call_started: list[float] = []  # when the clerk pressed "call" (calls are sequential)
    latencies: list[float] = []
    feed = LiveFeed(server.base_url, hall_id=hall.hall_id, token=hall.display_token)

    async def screen() -> None:
        async for message in feed:
            called = isinstance(message, LiveMessage) and isinstance(message.data, TicketCalled)
            if called and call_started:
                latencies.append(time.perf_counter() - call_started[-1])

    screen_task = asyncio.create_task(screen())
    await asyncio.wait_for(feed.connected.wait(), 10)

    async def export() -> httpx.Response:
        async with httpx.AsyncClient(
            verify=tls_context(), base_url=server.base_url + "/api/v1", timeout=300
        ) as http:
            return await http.get(
                "/stats/export",
                params={"hall_id": hall.hall_id, "from": "2026-10-26", "to": "2026-11-26"},
                headers={"Authorization": f"Bearer {sup.token}"},
            )

    export_task = asyncio.create_task(export())
    calls_during_export = 0
    health: list[float] = []
    started = time.perf_counter()
    async with httpx.AsyncClient(
        verify=tls_context(), base_url=server.base_url + "/api/v1", timeout=30
    ) as http:
        while not export_task.done() and time.perf_counter() - started < 240:
            call_started.append(time.perf_counter())
            ticket = await clerk.call_next(hall.windows["1"])
            if ticket is None:  # everybody called: more applicants arrive
                for _ in range(20):
                    await kiosk.issue_ticket(hall.services["A"])
                continue
            t0 = time.perf_counter()
            assert (await http.get("/health")).status_code == 200
            health.append(time.perf_counter() - t0)
            await clerk.ticket_action(ticket["id"], "no-show")
            calls_during_export += 1
            await asyncio.sleep(0.2)
    response = await export_task
    # the screen saw every call made (the deadline only guards against a hang)
    deadline = time.monotonic() + 30
    while len(latencies) < calls_during_export and time.monotonic() < deadline:
        await asyncio.sleep(0.01)
    await feed.close()
    screen_task.cancel()
    assert response.status_code == 200, response.text
    assert len(response.content) > 1_000_000  # the 明细 of 30,000 tickets is in it
    assert calls_during_export >= 5, "the export ended too soon to measure anything"
    assert len(latencies) >= calls_during_export - 1
    worst = max(latencies)
    print(
        f"\n{calls_during_export} calls during a {time.perf_counter() - started:.1f} s export; "
        f"call → screen max {worst * 1000:.0f} ms, /health max {max(health) * 1000:.0f} ms"
    )
