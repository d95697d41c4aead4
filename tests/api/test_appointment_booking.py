"""Booking appointments (预约) through the integration API: the slots, the hall's rules with
the holiday calendar (调休 included), cancelling, the idempotency key, the integration's
scope. The clock starts on Thursday 2026-11-26, 09:00 in Shanghai."""

from __future__ import annotations

from datetime import UTC, datetime

from server.domain.clock import ManualClock
from tests.appointment_helpers import (
    SHANGHAI,
    appointment_hall,
    booker,
    enable_appointments,
    id_card,
    local,
)
from tests.helpers import LiveServer, seed_hall


def at(day: str, hhmm: str) -> datetime:
    return datetime.fromisoformat(f"{day}T{hhmm}:00").replace(tzinfo=SHANGHAI).astimezone(UTC)


async def test_slots_are_the_hours_cut_on_the_next_working_days(server: LiveServer) -> None:
    hall, integration = await appointment_hall(server, quota=2)
    slots = await integration.slots(hall.services["A"])
    days = sorted({s["slot_start"][:10] for s in slots})
    # Friday, then Monday to Thursday: not today, not the weekend, 5 working days
    assert days == ["2026-11-27", "2026-11-30", "2026-12-01", "2026-12-02", "2026-12-03"]
    friday = [s for s in slots if s["slot_start"].startswith("2026-11-27")]
    assert len(friday) == 6 + 7  # 09:00–12:00 and 13:30–17:00 in half hours
    assert friday[0] == {
        "slot_start": "2026-11-27T09:00:00+08:00",
        "slot_end": "2026-11-27T09:30:00+08:00",
        "quota": 2,
        "remaining": 2,
    }
    assert friday[6]["slot_start"] == "2026-11-27T13:30:00+08:00"
    assert friday[-1]["slot_end"] == "2026-11-27T17:00:00+08:00"
    one_day = await integration.slots(
        hall.services["A"], **{"from": "2026-11-30", "to": "2026-11-30"}
    )
    assert {s["slot_start"][:10] for s in one_day} == {"2026-11-30"}
    assert await integration.slots(hall.services["B"]) == []  # B takes no appointments


async def test_a_booking_takes_a_seat_and_answers_with_a_code(server: LiveServer) -> None:
    hall, integration = await appointment_hall(server, quota=2)
    response = await integration.book(
        hall.services["A"], local("2026-11-27", "09:30"), id_no=id_card(7), name="张小三"
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert len(body["code"]) == 6 and body["code"].isdigit() and body["qr_text"] == body["code"]
    assert body["service"] == {"id": hall.services["A"], "name": "户籍办理"}
    assert (body["slot_start"], body["slot_end"]) == (
        "2026-11-27T09:30:00+08:00",
        "2026-11-27T10:00:00+08:00",
    )
    assert body["status"] == "booked" and body["status_text"] == "已预约"
    assert body["name"] == "张*三" and body["phone"] == "138****1234"
    assert body["id_no"] == "*" * 14 + id_card(7)[-4:]
    assert body["check_in_opens_at"] == "2026-11-27T09:00:00+08:00"
    assert body["check_in_closes_at"] == "2026-11-27T10:15:00+08:00"
    assert body["cancel_deadline"] == "2026-11-27T07:30:00+08:00"
    slot = next(
        s
        for s in await integration.slots(hall.services["A"])
        if s["slot_start"] == body["slot_start"]
    )
    assert slot["remaining"] == 1
    again = await integration.get(body["id"])
    assert again.status_code == 200 and again.json() == body


async def test_the_rules_refuse_with_a_reason(server: LiveServer, clock: ManualClock) -> None:
    hall, integration = await appointment_hall(server, quota=1)
    a = hall.services["A"]

    async def refused(slot: str, code: str, words: str, **fields: str) -> None:
        response = await integration.book(a, slot, **fields)
        assert response.status_code == 409, response.text
        assert response.json()["code"] == code, response.json()
        assert words in response.json()["detail"], response.json()["detail"]

    await refused(local("2026-11-26", "15:00"), "day_not_bookable", "不接受当天预约")
    await refused(local("2026-11-28", "09:00"), "day_not_bookable", "不是工作日")
    await refused(local("2026-12-04", "09:00"), "day_not_bookable", "5 个工作日内")
    await refused(local("2026-11-27", "09:15"), "not_a_slot", "每 30 分钟")
    await refused(local("2026-11-27", "12:00"), "not_a_slot", "09:00–12:00、13:30–17:00")
    first = await integration.book(a, local("2026-11-27", "10:00"), id_no=id_card(500))
    assert first.status_code == 201
    await refused(
        local("2026-11-27", "14:00"), "one_per_day", "每天只能预约一次", id_no=id_card(500)
    )
    await refused(local("2026-11-27", "10:00"), "slot_full", "11月27日 10:00 的时段已约满")
    # a naive time is the hall's: the same full slot
    await refused("2026-11-27T10:00:00", "slot_full", "已约满")
    bad = await integration.book(a, local("2026-11-27", "11:00"), id_no="110105197001010001")
    assert bad.status_code == 422 and bad.json()["code"] == "bad_id_no"
    assert "18 位" in bad.json()["detail"]
    # same day, when the hall allows it; booking closes 2 hours before the slot
    await server.admin.request(
        "PUT", f"/admin/halls/{hall.hall_id}/appointments", json={"same_day": True}
    )
    clock.set(at("2026-11-27", "08:00"))
    await refused(local("2026-11-27", "09:30"), "booking_closed", "11月27日 07:30")
    assert (await integration.book(a, local("2026-11-27", "10:30"))).status_code == 201


async def test_the_holiday_calendar_and_make_up_days(
    server: LiveServer, clock: ManualClock
) -> None:
    """The day before the 2026 National Day holiday (10-01 … 10-07): the next five working
    days skip it and include Saturday 10-10, a 调休 make-up day."""
    clock.set(at("2026-09-30", "09:00"))
    hall, integration = await appointment_hall(server, quota=1)
    a = hall.services["A"]
    days = sorted({s["slot_start"][:10] for s in await integration.slots(a)})
    assert days == ["2026-10-08", "2026-10-09", "2026-10-10", "2026-10-12", "2026-10-13"]
    holiday = await integration.book(a, local("2026-10-05", "09:00"))
    assert holiday.status_code == 409 and "不是工作日" in holiday.json()["detail"]
    saturday = await integration.book(a, local("2026-10-10", "09:30"))
    assert saturday.status_code == 201
    # cancelling closes 2 hours before the slot, on a make-up Saturday as on any day
    clock.set(at("2026-10-10", "07:31"))
    late = await integration.cancel(saturday.json()["id"])
    assert late.status_code == 409 and late.json()["code"] == "cancel_closed"
    assert "10月10日 07:30" in late.json()["detail"]
    # the hall's supervisor may still cancel (a phone call to the hall)
    supervisor = await server.login(hall.supervisor_no)
    cancelled = await supervisor.request("DELETE", f"/appointments/{saturday.json()['id']}")
    assert cancelled["status"] == "cancelled"


async def test_cancelling_frees_the_seat(server: LiveServer) -> None:
    hall, integration = await appointment_hall(server, quota=1)
    slot = local("2026-11-30", "09:00")
    booked = (await integration.book(hall.services["A"], slot)).json()
    assert (await integration.book(hall.services["A"], slot)).json()["code"] == "slot_full"
    cancelled = await integration.cancel(booked["id"])
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
    assert cancelled.json()["cancelled_at"] is not None
    twice = await integration.cancel(booked["id"])
    assert twice.status_code == 200 and twice.json() == cancelled.json()
    assert (await integration.book(hall.services["A"], slot)).status_code == 201


async def test_the_idempotency_key(server: LiveServer) -> None:
    hall, integration = await appointment_hall(server, quota=3)
    slot = local("2026-11-30", "10:00")
    first = await integration.book(
        hall.services["A"], slot, id_no=id_card(9), request_id="zwfw-000001"
    )
    again = await integration.book(
        hall.services["A"], slot, id_no=id_card(9), request_id="zwfw-000001"
    )
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json() == first.json()
    other = await integration.book(
        hall.services["A"], local("2026-11-30", "10:30"), id_no=id_card(9), request_id="zwfw-000001"
    )
    assert other.status_code == 409 and other.json()["code"] == "request_reused"
    seats = {s["slot_start"]: s["remaining"] for s in await integration.slots(hall.services["A"])}
    assert seats[slot] == 2


async def test_an_integration_stays_in_its_scope(server: LiveServer) -> None:
    hall, integration = await appointment_hall(server, quota=2)
    other_hall = await seed_hall(server, code="H2")
    await enable_appointments(server.admin, other_hall.services["A"])
    outsider = await booker(server, other_hall.hall_id, name="外厅系统")
    mine = (await integration.book(hall.services["A"], local("2026-11-30", "09:00"))).json()
    refused = await outsider.book(hall.services["A"], local("2026-11-30", "09:00"))
    assert refused.status_code == 403
    assert (await outsider.get(mine["id"])).status_code == 404
    assert (await outsider.cancel(mine["id"])).status_code == 404
    # a second integration of the same hall sees only what it booked
    neighbour = await booker(server, hall.hall_id, name="小程序")
    assert (await neighbour.get(mine["id"])).status_code == 404
    # a kiosk cannot book
    import httpx

    from client.rest import tls_context

    async with httpx.AsyncClient(
        verify=tls_context(), base_url=server.base_url + "/api/v1"
    ) as http:
        kiosk = await http.post(
            "/appointments",
            json={"service_id": 1},
            headers={"Authorization": f"Bearer {hall.kiosk_token}"},
        )
    assert kiosk.status_code == 403


async def test_no_shows_bar_online_booking(server: LiveServer, clock: ManualClock) -> None:
    hall, integration = await appointment_hall(server, quota=2)
    a, person = hall.services["A"], id_card(42)
    for day in ("2026-11-27", "2026-11-30", "2026-12-01"):
        assert (await integration.book(a, local(day, "09:00"), id_no=person)).status_code == 201
    clock.set(at("2026-12-02", "08:00"))  # none of the three was checked in
    barred = await integration.book(a, local("2026-12-03", "09:00"), id_no=person)
    assert barred.status_code == 409 and barred.json()["code"] == "no_show_barred"
    # barred for 30 days from the third miss (12-01 09:30 + 15 min grace)
    assert "3 次" in barred.json()["detail"] and "2026年12月31日" in barred.json()["detail"]
    assert (await integration.book(a, local("2026-12-03", "09:00"))).status_code == 201  # others
