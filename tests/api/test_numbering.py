"""Numbers per hall + service + business day, restarting daily; hours of issue; daily limits."""

from __future__ import annotations

from datetime import timedelta

import pytest

from client.errors import Conflict
from server.domain.clock import ManualClock
from tests.helpers import LiveServer, Seeded, seed_hall


async def test_numbers_run_per_service_and_restart_each_business_day(
    server: LiveServer, hall: Seeded, clock: ManualClock
) -> None:
    kiosk = server.client(hall.kiosk_token)
    a = [await kiosk.issue_ticket(hall.services["A"]) for _ in range(3)]
    b = await kiosk.issue_ticket(hall.services["B"])
    assert [t["number"] for t in a] == ["A001", "A002", "A003"] and b["number"] == "B001"
    assert [t["ahead"] for t in a] == [0, 1, 2]
    # 23:59 the same day in Shanghai (15:59 UTC): still day one
    clock.set(clock.now().replace(hour=15, minute=59))
    assert (await kiosk.issue_ticket(hall.services["A"]))["number"] == "A004"
    # 00:00 in Shanghai is 16:00 UTC: a new business day, numbers restart, no one is "ahead"
    clock.advance(60)
    fresh = await kiosk.issue_ticket(hall.services["A"])
    assert fresh["number"] == "A001" and fresh["ahead"] == 0


async def test_each_hall_has_its_own_numbers(server: LiveServer, hall: Seeded) -> None:
    other = await seed_hall(server, code="H2", windows={"1": ["A"]})
    one = await server.client(hall.kiosk_token).issue_ticket(hall.services["A"])
    two = await server.client(other.kiosk_token).issue_ticket(other.services["A"])
    assert one["number"] == two["number"] == "A001"


async def test_yesterdays_waiting_tickets_are_not_called_today(
    server: LiveServer, hall: Seeded, clock: ManualClock
) -> None:
    kiosk = server.client(hall.kiosk_token)
    await kiosk.issue_ticket(hall.services["A"])
    clock.advance(timedelta(days=1).total_seconds())
    today = await kiosk.issue_ticket(hall.services["A"])
    clerk = await server.login(hall.staff["1"])
    await clerk.window_action(hall.windows["1"], "open")
    called = await clerk.call_next(hall.windows["1"])
    assert called is not None and called["id"] == today["id"]
    await clerk.ticket_action(called["id"], "no-show")
    assert await clerk.call_next(hall.windows["1"]) is None


async def test_hours_of_issue_and_daily_limit(server: LiveServer, clock: ManualClock) -> None:
    seeded = await seed_hall(
        server,
        services=[
            {
                "name": "公积金",
                "prefix": "G",
                "hours": [["09:00", "12:00"], ["13:30", "17:00"]],
                "daily_limit": 2,
            },
        ],
        windows={"1": ["G"]},
    )
    kiosk = server.client(seeded.kiosk_token)
    service_id = seeded.services["G"]
    listed = {s["id"]: s for s in await kiosk.services(seeded.hall_id)}
    assert listed[service_id]["open_now"] is True and listed[service_id]["remaining_today"] == 2
    assert (await kiosk.issue_ticket(service_id))["number"] == "G001"
    clock.advance(3 * 3600 + 60)  # 12:01, lunch break
    with pytest.raises(Conflict, match="不在取号时间内") as info:
        await kiosk.issue_ticket(service_id)
    assert info.value.code == "service_closed" and "13:30–17:00" in info.value.detail
    listed = {s["id"]: s for s in await kiosk.services(seeded.hall_id)}
    assert listed[service_id]["open_now"] is False
    clock.advance(2 * 3600)  # 14:01
    assert (await kiosk.issue_ticket(service_id))["number"] == "G002"
    with pytest.raises(Conflict, match="号源") as info:
        await kiosk.issue_ticket(service_id)
    assert info.value.code == "daily_limit_reached"
    # a refusal consumes no number: the limit still reads 0 left, not negative, and the
    # next day starts from G001 again
    listed = {s["id"]: s for s in await kiosk.services(seeded.hall_id)}
    assert listed[service_id]["issued_today"] == 2 and listed[service_id]["remaining_today"] == 0
    clock.advance(24 * 3600 - 5 * 3600)  # next day 09:01
    assert (await kiosk.issue_ticket(service_id))["number"] == "G001"


async def test_estimated_wait_uses_open_windows(server: LiveServer, hall: Seeded) -> None:
    kiosk = server.client(hall.kiosk_token)
    for _ in range(4):
        await kiosk.issue_ticket(hall.services["A"])
    services = {s["prefix"]: s for s in await kiosk.services(hall.hall_id)}
    # 4 waiting × 10 min target ÷ 1 (no window open yet: counted as one)
    assert services["A"]["waiting"] == 4 and services["A"]["estimated_wait_minutes"] == 40
    for number in ("1", "2"):
        clerk = await server.login(hall.staff[number])
        await clerk.window_action(hall.windows[number], "open")
    services = {s["prefix"]: s for s in await kiosk.services(hall.hall_id)}
    assert services["A"]["estimated_wait_minutes"] == 20
