"""Checking appointments in (签到取号): at the kiosk by code or ID number, at a staffed desk;
too early, too late, twice, cancelled; the ticket and the feed carry the appointment; 失约
marked by the upkeep, the no-show bar and its lifting; the clerk sees the name in clear."""

from __future__ import annotations

import json
from typing import Any

import pytest

from client.errors import Conflict
from server.appointment_upkeep import upkeep_once
from server.domain.clock import ManualClock
from tests.appointment_helpers import (
    appointment_hall,
    at,
    id_card,
    local,
    post_ticket,
)
from tests.helpers import LiveServer, db_rows, feed_replay, open_window

DAY = "2026-11-27"  # Friday; the clock starts on Thursday 09:00


async def feed_ticket_events(server: LiveServer, hall_id: int, number: str) -> list[dict[str, Any]]:
    """The hall's ticket events of `number`, from the live feed (replayed from seq 0)."""
    return [
        m
        for m in await feed_replay(server, hall_id)
        if m["type"].startswith("ticket.") and m["data"]["number"] == number
    ]


async def test_check_in_by_code_gives_a_ticket_with_the_appointment(
    server: LiveServer, clock: ManualClock
) -> None:
    hall, integration = await appointment_hall(server)
    booked = (await integration.book(hall.services["A"], local(DAY, "10:00"))).json()
    clock.set(at(DAY, "09:40"))
    walk_in = (
        await post_ticket(server, hall.kiosk_token, {"service_id": hall.services["A"]})
    ).json()
    response = await post_ticket(
        server, hall.kiosk_token, {"appointment_code": booked["code"], "request_id": "press-0001"}
    )
    assert response.status_code == 201, response.text
    ticket = response.json()
    assert ticket["number"] == "A002" and ticket["source"] == "appointment"
    assert ticket["appointment"] == {
        "id": booked["id"],
        "slot_start": "2026-11-27T02:00:00Z",
        "slot_end": "2026-11-27T02:30:00Z",
    }
    assert ticket["ahead"] == 0  # ahead of the walk-in who came first
    again = await post_ticket(
        server, hall.kiosk_token, {"appointment_code": booked["code"], "request_id": "press-0001"}
    )
    assert again.status_code == 200 and again.json()["id"] == ticket["id"]
    twice = await post_ticket(server, hall.kiosk_token, {"appointment_code": booked["code"]})
    assert twice.status_code == 409 and twice.json()["code"] == "already_checked_in"
    assert twice.json()["number"] == "A002" and "A002" in twice.json()["detail"]
    state = (await integration.get(booked["id"])).json()
    assert state["status"] == "checked_in" and state["ticket_id"] == ticket["id"]
    # the window calls the appointment before the walk-in
    clerk = await open_window(server, hall, "1")
    called = await clerk.call_next(hall.windows["1"])
    assert called is not None and called["number"] == "A002"
    assert called["appointment"]["id"] == booked["id"]
    assert walk_in["appointment"] is None
    events = await feed_ticket_events(server, hall.hall_id, "A002")
    assert [e["type"] for e in events] == ["ticket.issued", "ticket.called"]
    assert all(e["data"]["appointment"]["id"] == booked["id"] for e in events)
    assert (await feed_ticket_events(server, hall.hall_id, "A001"))[0]["data"][
        "appointment"
    ] is None


async def test_check_in_by_id_number_as_a_card_reader_types_it(
    server: LiveServer, clock: ManualClock
) -> None:
    hall, integration = await appointment_hall(server)
    person = id_card(77, birth="19550312")  # ends in a digit or X
    booked = (await integration.book(hall.services["A"], local(DAY, "14:00"), id_no=person)).json()
    clock.set(at(DAY, "13:35"))
    typed = " " + person.lower() + "\n"  # a reader may add a newline; x typed small
    response = await post_ticket(server, hall.kiosk_token, {"id_no": typed})
    assert response.status_code == 201, response.text
    assert response.json()["appointment"]["id"] == booked["id"]
    unknown = await post_ticket(server, hall.kiosk_token, {"id_no": id_card(78)})
    assert unknown.status_code == 404 and unknown.json()["code"] == "appointment_not_found"
    assert "普通号" in unknown.json()["detail"]


async def test_too_early_says_when_and_too_late_offers_a_normal_ticket(
    server: LiveServer, clock: ManualClock
) -> None:
    hall, integration = await appointment_hall(server)
    booked = (await integration.book(hall.services["A"], local(DAY, "10:00"))).json()
    clock.set(at(DAY, "09:29"))
    early = await post_ticket(server, hall.kiosk_token, {"appointment_code": booked["code"]})
    assert early.status_code == 409 and early.json()["code"] == "too_early"
    assert early.json()["opens_at"] == "2026-11-27T09:30:00+08:00"
    assert "09:30 开始" in early.json()["detail"] and "今天 10:00–10:30" in early.json()["detail"]
    clock.set(at(DAY, "10:46"))
    late = await post_ticket(server, hall.kiosk_token, {"appointment_code": booked["code"]})
    assert late.status_code == 409 and late.json()["code"] == "too_late"
    assert late.json()["service_id"] == hall.services["A"]
    assert "10:45 截止" in late.json()["detail"] and "普通号" in late.json()["detail"]
    # the day before: the code is found, and the answer says which day
    other = (await integration.book(hall.services["A"], local("2026-11-30", "09:00"))).json()
    soon = await post_ticket(server, hall.kiosk_token, {"appointment_code": other["code"]})
    assert soon.status_code == 409 and "11月30日 09:00–09:30" in soon.json()["detail"]


async def test_a_staffed_desk_checks_in(server: LiveServer, clock: ManualClock) -> None:
    hall, integration = await appointment_hall(server)
    booked = (await integration.book(hall.services["A"], local(DAY, "09:30"))).json()
    cancelled = (await integration.book(hall.services["A"], local(DAY, "11:00"))).json()
    await integration.cancel(cancelled["id"])
    clock.set(at(DAY, "09:10"))
    desk = await server.login(hall.staff["2"])
    ticket = await desk.request("POST", f"/appointments/{booked['id']}/check-in")
    assert ticket["appointment"]["id"] == booked["id"] and ticket["public_url"].endswith(
        ticket["public_token"]
    )
    with pytest.raises(Conflict) as refused:
        await desk.request("POST", f"/appointments/{cancelled['id']}/check-in")
    assert refused.value.code == "appointment_cancelled" and "已取消" in refused.value.detail
    ((by,),) = db_rows(server, "SELECT data FROM event WHERE type = 'appointment.checked_in'")
    data = by if isinstance(by, dict) else json.loads(by)
    assert data["by_staff_no"] == hall.staff["2"]


async def test_missed_appointments_bar_the_person_until_lifted(
    server: LiveServer, clock: ManualClock
) -> None:
    hall, integration = await appointment_hall(server)
    person = id_card(55)
    booked = [
        (await integration.book(hall.services["A"], local(day, "09:00"), id_no=person)).json()
        for day in ("2026-11-27", "2026-11-30", "2026-12-01")
    ]
    clock.set(at("2026-12-01", "09:45"))  # check-in of the third closes at 09:45
    assert await upkeep_once(server.runtime) == 2  # the first two only
    clock.set(at("2026-12-01", "09:46"))
    assert await upkeep_once(server.runtime) == 1
    assert (await integration.get(booked[2]["id"])).json()["status"] == "missed"
    supervisor = await server.login(hall.supervisor_no)
    listed = await supervisor.request("GET", "/appointments/no-shows")
    assert len(listed) == 1 and listed[0]["misses"] == 3
    assert listed[0]["appointment_id"] == booked[2]["id"] and listed[0]["name"] == "张*三"
    assert listed[0]["barred_until"].startswith("2026-12-31")
    refused = await integration.book(hall.services["A"], local("2026-12-03", "09:00"), id_no=person)
    assert refused.json()["code"] == "no_show_barred"
    await supervisor.request("POST", f"/appointments/no-shows/{booked[2]['id']}/lift")
    assert await supervisor.request("GET", "/appointments/no-shows") == []
    again = await integration.book(hall.services["A"], local("2026-12-03", "09:00"), id_no=person)
    assert again.status_code == 201
    day = await supervisor.request("GET", "/appointments/day", params={"day": "2026-12-01"})
    assert [(s["booked"], s["missed"]) for s in day["slots"]] == [(1, 1)]


async def test_the_clerk_alone_sees_the_name(server: LiveServer, clock: ManualClock) -> None:
    hall, integration = await appointment_hall(server)
    booked = (
        await integration.book(hall.services["A"], local(DAY, "10:00"), name="欧阳小明")
    ).json()
    clock.set(at(DAY, "09:50"))
    await post_ticket(server, hall.kiosk_token, {"appointment_code": booked["code"]})
    clerk = await open_window(server, hall, "1")
    queued = await clerk.window_queue(hall.windows["1"])
    assert queued.next[0].slot_start is not None
    await clerk.call_next(hall.windows["1"])
    mine = await clerk.window_queue(hall.windows["1"])
    assert mine.current is not None and mine.current.appointment is not None
    assert mine.current.appointment.name == "欧阳小明"
    assert mine.current.appointment.id_no.endswith(id_card(1)[-4:])
    supervisor = await server.login(hall.supervisor_no)
    seen = await supervisor.window_queue(hall.windows["1"])
    assert seen.current is not None and seen.current.appointment is not None
    assert seen.current.appointment.name == "欧**明"
