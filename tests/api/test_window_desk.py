"""The window clerk's read routes: the hall's windows and a window's queue — and that a clerk
reads only the window they are signed into."""

from __future__ import annotations

import pytest

from client.errors import Forbidden, Unauthorized
from server.domain.clock import ManualClock
from server.queries.window_desk import NEXT_OVERALL, NEXT_PER_SERVICE
from tests.helpers import LiveServer, Seeded, open_window, seed_hall


async def test_queue_lists_the_window_services_in_order_and_who_comes_next(
    server: LiveServer, hall: Seeded, clock: ManualClock
) -> None:
    kiosk = server.client(hall.kiosk_token)
    a1 = await kiosk.issue_ticket(hall.services["A"])
    clock.advance(10)
    b1 = await kiosk.issue_ticket(hall.services["B"])
    clock.advance(10)
    a2 = await kiosk.issue_ticket(hall.services["A"])
    clock.advance(10)
    b2_green = await kiosk.issue_ticket(hall.services["B"], "green")
    clerk = await open_window(server, hall, "1")  # window 1 serves A before B
    queue = await clerk.window_queue(hall.windows["1"])
    assert [s.name for s in queue.services] == ["户籍办理", "社保医保"]
    assert [(s.waiting, s.green_waiting) for s in queue.services] == [(2, 0), (2, 1)]
    assert [t.number for t in queue.services[1].next] == ["B002", "B001"]  # green first
    assert [t.number for t in queue.next] == ["B002", "A001", "A002", "B001"]
    assert queue.current is None and queue.window.state == "open"
    assert queue.window.staff_no == hall.staff["1"]
    # what the queue says comes next is what call-next calls
    for expected in (b2_green, a1, a2, b1):
        clock.advance(5)
        called = await clerk.call_next(hall.windows["1"])
        assert called is not None and called["id"] == expected["id"]
        queue = await clerk.window_queue(hall.windows["1"])
        assert queue.current is not None and queue.current.number == expected["number"]
        assert queue.current.status == "called" and queue.current.service_name
        await clerk.ticket_action(called["id"], "no-show")
    queue = await clerk.window_queue(hall.windows["1"])
    assert queue.next == [] and queue.current is None
    assert [t.number for t in queue.no_shows] == ["B001", "A002", "A001", "B002"]


async def test_a_services_next_are_its_green_tickets_then_the_first_normal_ones_in_queue_order(
    server: LiveServer, hall: Seeded, clock: ManualClock
) -> None:
    kiosk = server.client(hall.kiosk_token)
    issued = []
    for n in range(NEXT_OVERALL + 3):  # more than the view shows; green ones late in the queue
        clock.advance(7)
        green = n in (NEXT_OVERALL - 1, NEXT_OVERALL + 1)
        issued.append(await kiosk.issue_ticket(hall.services["A"], "green" if green else "normal"))
    clerk = await open_window(server, hall, "1")
    queue = await clerk.window_queue(hall.windows["1"])
    greens = [t["number"] for t in issued if t["priority"] == "green"]
    normals = [t["number"] for t in issued if t["priority"] == "normal"]
    expected = (greens + normals)[:NEXT_OVERALL]
    assert [t.number for t in queue.services[0].next] == expected[:NEXT_PER_SERVICE]
    assert [t.number for t in queue.next] == expected  # service B has nobody waiting
    assert queue.services[0].waiting == NEXT_OVERALL + 3  # green ones included
    assert queue.services[0].green_waiting == 2


async def test_current_ticket_carries_its_times_and_origin(
    server: LiveServer, hall: Seeded, clock: ManualClock
) -> None:
    await server.client(hall.kiosk_token).issue_ticket(hall.services["A"])
    clerk = await open_window(server, hall, "1")
    clock.advance(120)
    t = await clerk.call_next(hall.windows["1"])
    assert t is not None
    clock.advance(20)
    await clerk.ticket_action(t["id"], "start")
    current = (await clerk.window_queue(hall.windows["1"])).current
    assert current is not None and current.status == "serving"
    assert (current.called_at - current.entered_queue_at).total_seconds() == 120
    assert (current.serving_started_at - current.called_at).total_seconds() == 20
    new = await clerk.ticket_action(t["id"], "transfer", {"service_id": hall.services["B"]})
    clerk2 = await open_window(server, hall, "2")
    called = await clerk2.call_next(hall.windows["2"])
    assert called is not None and called["id"] == new["id"]
    current = (await clerk2.window_queue(hall.windows["2"])).current
    assert current is not None and current.transferred_from == "A001"


async def test_a_clerk_reads_only_the_window_signed_into(server: LiveServer, hall: Seeded) -> None:
    clerk1 = await open_window(server, hall, "1")
    window2 = hall.windows["2"]
    with pytest.raises(Forbidden) as info:
        await clerk1.window_queue(window2)
    assert "2 号窗口" in info.value.detail
    # not signed in anywhere yet: nothing but the list of windows
    clerk2 = await server.login(hall.staff["2"])
    with pytest.raises(Forbidden):
        await clerk2.window_queue(window2)
    windows = await clerk2.hall_windows(hall.hall_id)
    assert [(w.number, w.state, w.staff_no) for w in windows] == [
        ("1", "open", hall.staff["1"]),
        ("2", "closed", None),
    ]
    assert windows[0].service_ids == [hall.services["A"], hall.services["B"]]
    # a supervisor of the hall reads any window
    supervisor = await server.login(hall.supervisor_no)
    assert (await supervisor.window_queue(window2)).window.number == "2"
    # devices and strangers do not
    for token in (hall.kiosk_token, hall.window_device_tokens["2"]):
        with pytest.raises(Forbidden):
            await server.client(token).window_queue(window2)
    with pytest.raises(Unauthorized):
        await server.client().window_queue(window2)


async def test_another_hall_is_refused(server: LiveServer, hall: Seeded) -> None:
    other = await seed_hall(server, code="H2", windows={"1": ["A"]})
    clerk = await open_window(server, hall, "1")
    with pytest.raises(Forbidden):
        await clerk.hall_windows(other.hall_id)
    with pytest.raises(Forbidden):
        await clerk.window_queue(other.windows["1"])
