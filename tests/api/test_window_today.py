"""`GET /windows/{id}/today`: the window's and the clerk's figures of the day, and who may
read them."""

from __future__ import annotations

import pytest

from client.errors import Forbidden
from server.domain.clock import ManualClock
from tests.helpers import LiveServer, Seeded, open_window


async def test_today_figures_of_the_window_and_the_clerk(
    server: LiveServer, hall: Seeded, clock: ManualClock
) -> None:
    kiosk = server.client(hall.kiosk_token)
    for _ in range(3):
        await kiosk.issue_ticket(hall.services["A"])
    clerk = await open_window(server, hall, "1")
    pad = server.client(hall.window_device_tokens["1"])
    handles = [300, 900]  # A's target is 10 minutes: one on time, one late
    for handle, level in zip(handles, (5, 2), strict=True):
        clock.advance(60)
        t = await clerk.call_next(hall.windows["1"])
        assert t is not None
        await clerk.ticket_action(t["id"], "start")
        clock.advance(handle)
        await clerk.ticket_action(t["id"], "finish", {"outcome": "done"})
        await pad.evaluate(t["id"], level)
    t = await clerk.call_next(hall.windows["1"])
    assert t is not None
    await clerk.ticket_action(t["id"], "no-show")
    today = await clerk.window_today(hall.windows["1"])
    assert today.business_day == "2026-11-26" and today.window_number == "1"
    for figures in (today.window, today.staff):
        assert figures is not None
        assert (figures.called, figures.served, figures.no_show) == (3, 2, 1)
        assert figures.handle_avg_s == 600.0
        assert figures.on_time_handle_rate == 0.5
        assert (figures.evaluated, figures.satisfaction_rate) == (2, 0.5)
    assert today.staff_no == hall.staff["1"]
    # the waits: 60, 60+300+60, 60+300+60+900+0 seconds after the tickets entered the queue
    assert today.window.wait_avg_s == pytest.approx((60 + 420 + 1320) / 3, abs=0.1)
    # the clerk of window 2 has done nothing today
    clerk2 = await open_window(server, hall, "2")
    other = await clerk2.window_today(hall.windows["2"])
    assert other.window.called == 0 and other.staff is not None and other.staff.served == 0
    assert other.window.handle_avg_s is None and other.window.satisfaction_rate is None


async def test_only_the_clerk_signed_in_reads_the_figures(server: LiveServer, hall: Seeded) -> None:
    clerk1 = await open_window(server, hall, "1")
    with pytest.raises(Forbidden) as info:
        await clerk1.window_today(hall.windows["2"])
    assert "2 号窗口" in info.value.detail
    supervisor = await server.login(hall.supervisor_no)
    assert (await supervisor.window_today(hall.windows["2"])).staff is None
    assert (await supervisor.window_today(hall.windows["1"])).staff_no == hall.staff["1"]
