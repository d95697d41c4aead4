"""呼叫帮办 (issue 29): a kiosk asks for a person; one alert in every console and one
`help.requested` event (for the hall's 导办 desk) per request, however often it is pressed;
taken once, by the 导办 desk's clerk or a supervisor; counted per business day."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from client.errors import ApiError
from client.events import HelpRequested, parse_event
from server.domain.clock import ManualClock
from tests.api.test_alerts import feed
from tests.helpers import STAFF_PASSWORD, LiveServer, Seeded, seed_hall


async def test_a_kiosk_asks_for_help_once_and_the_guide_desk_takes_it_once(
    server: LiveServer, hall: Seeded, clock: ManualClock
) -> None:
    desk = hall.windows["1"]
    await server.admin.request(
        "PATCH", f"/admin/halls/{hall.hall_id}", json={"guide_window_id": desk}
    )
    supervisor = await server.login(hall.supervisor_no, STAFF_PASSWORD)
    clerk = await server.login(hall.staff["1"], STAFF_PASSWORD)
    kiosk = server.client(hall.kiosk_token)
    async with feed(server, hall.hall_id, supervisor.token or "") as live:
        first = await kiosk.request("POST", "/devices/me/help")
        again = await kiosk.request("POST", "/devices/me/help")  # pressed again: the same
        assert first["new"] is True and again == {**first, "new": False}
        assert first["text"] == "1号取号机需要帮助"
        event = parse_event("help.requested", (await live.until("help.requested"))["data"])
        assert isinstance(event, HelpRequested)
        assert event.alert_id == first["alert_id"] and event.window_id == desk
        assert event.text == "1号取号机需要帮助" and event.label == "1号取号机"
        raised = (await live.until("alert.raised"))["data"]
        assert raised["kind"] == "help" and raised["alert_id"] == first["alert_id"]
        listed = await supervisor.request("GET", "/alerts")
        assert [(a["kind"], a["text"]) for a in listed["items"]] == [("help", "1号取号机需要帮助")]
        # the 导办 desk's clerk takes it; a supervisor pressing after that changes nothing
        taken = await clerk.request("POST", f"/help/{first['alert_id']}/ack")
        assert taken["acknowledged_by_no"] == hall.staff["1"]
        late = await supervisor.request("POST", f"/help/{first['alert_id']}/ack")
        assert late["acknowledged_by_no"] == hall.staff["1"]
        assert late["acknowledged_at"] == taken["acknowledged_at"]
        acked = (await live.until("alert.acknowledged"))["data"]
        assert acked["alert_id"] == first["alert_id"] and acked["kind"] == "help"
        assert (await supervisor.request("GET", "/alerts"))["items"] == []
        # asked again after it was taken: a new request
        second = await kiosk.request("POST", "/devices/me/help")
        assert second["new"] is True and second["alert_id"] != first["alert_id"]
        await live.until("help.requested", lambda d: d["alert_id"] == second["alert_id"])
        assert live.types().count("help.requested") == 0  # the second press made none
        assert live.types().count("alert.acknowledged") == 0
    counts = await supervisor.request("GET", "/help/counts")
    assert counts["total"] == 2 and [(d["count"], d["open"]) for d in counts["days"]] == [(2, 1)]
    today = counts["days"][0]["day"]
    clock.advance(24 * 3600)
    await kiosk.request("POST", "/devices/me/help")  # the one of yesterday is still open
    clock.advance(24 * 3600)
    clerk_ack = await clerk.request("POST", f"/help/{second['alert_id']}/ack")
    assert clerk_ack["acknowledged_at"]
    third = await kiosk.request("POST", "/devices/me/help")
    assert third["new"] is True
    last = (date.fromisoformat(today) + timedelta(days=6)).isoformat()
    week = await supervisor.request("GET", "/help/counts", params={"from": today, "to": last})
    assert len(week["days"]) == 7
    per_day = {d["day"]: d["count"] for d in week["days"] if d["count"]}
    assert list(per_day.values()) == [2, 1] and week["total"] == 3


async def test_help_refusals_say_what_to_do(server: LiveServer, hall: Seeded) -> None:
    other = await seed_hall(server, code="H2")
    kiosk = server.client(hall.kiosk_token)
    asked = await kiosk.request("POST", "/devices/me/help")
    stranger = await server.login(other.staff["1"], STAFF_PASSWORD)
    with pytest.raises(ApiError) as foreign:
        await stranger.request("POST", f"/help/{asked['alert_id']}/ack")
    assert foreign.value.status == 403
    clerk = await server.login(hall.staff["1"], STAFF_PASSWORD)
    await kiosk.report_device_status("error", printer="paper_out", detail="打印机缺纸")
    supervisor = await server.login(hall.supervisor_no, STAFF_PASSWORD)
    paper = next(
        a for a in (await supervisor.request("GET", "/alerts"))["items"] if a["kind"] != "help"
    )
    with pytest.raises(ApiError) as not_help:  # a clerk takes 呼叫帮办, nothing else
        await clerk.request("POST", f"/help/{paper['id']}/ack")
    assert not_help.value.status == 422 and "不是呼叫帮办" in not_help.value.detail
    with pytest.raises(ApiError) as missing:
        await clerk.request("POST", "/help/999999/ack")
    assert missing.value.status == 404
    with pytest.raises(ApiError) as not_kiosk:  # only a kiosk asks
        await server.client(hall.display_token).request("POST", "/devices/me/help")
    assert not_kiosk.value.status == 403
    with pytest.raises(ApiError) as elsewhere:
        await server.admin.request(
            "PATCH",
            f"/admin/halls/{hall.hall_id}",
            json={"guide_window_id": other.windows["1"]},
        )
    assert elsewhere.value.status == 422 and "导办台" in elsewhere.value.detail
    with pytest.raises(ApiError) as backwards:
        await supervisor.request(
            "GET", "/help/counts", params={"from": "2026-11-26", "to": "2026-11-01"}
        )
    assert backwards.value.status == 422
    hall_row = await server.admin.request(
        "PATCH", f"/admin/halls/{hall.hall_id}", json={"guide_window_id": 0}
    )
    assert hall_row["guide_window_id"] is None
