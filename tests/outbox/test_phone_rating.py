"""A rating the applicant gives by phone, entered at the console by a supervisor or admin: it is
the ticket's rating (评价渠道 电话), reaches the platform as the reference profile's channel
"6", opens a 差评整改 when bad, and follows the rules of any rating — one per ticket, finished
tickets only, within the hall's rating window, the hall's own staff only."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from client.errors import ApiError
from server.domain.clock import ManualClock
from tests.helpers import HALL_OPENING, LiveServer, Seeded, open_window, seed_hall, start_server
from tests.outbox.helpers import served
from tests.outbox.test_delivery import reporting_hall


async def finished_ticket(server: LiveServer, hall: Seeded, window: str = "1") -> int:
    clerk = await open_window(server, hall, window)
    prefix = "A" if window == "1" else "B"
    ticket = await served(
        server.client(hall.kiosk_token), clerk, hall.windows[window], hall.services[prefix]
    )
    await clerk.window_action(hall.windows[window], "close")
    return int(ticket["id"])


async def test_a_phone_rating_reaches_the_platform_as_channel_6(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with reporting_hall(tmp_path, monkeypatch) as (server, hall, fake, _clock):
        ticket_id = await finished_ticket(server, hall)
        supervisor = await server.login(hall.supervisor_no)
        rated = await supervisor.request(
            "POST",
            f"/tickets/{ticket_id}/evaluation",
            json={"level": 2, "reasons": ["等候太久"], "comment": "电话回访时反映"},
        )
        assert rated["channel"] == "phone" and rated["level"] == 2
        key = f"H1-{rated['id']}-1"
        await asyncio.to_thread(fake.wait_for, lambda p: key in p.acked)
        body = fake.stored[key].json()
        assert (body["channel"], body["level"], body["reasons"], body["text"]) == (
            "6",
            "4",
            ["等候太久"],
            "电话回访时反映",
        )
        (item,) = (await supervisor.rectifications(hall_id=hall.hall_id))["items"]
        assert item["ticket_id"] == ticket_id, "a bad phone rating opens its 差评整改"
        with pytest.raises(ApiError) as again:
            await supervisor.request(
                "POST", f"/tickets/{ticket_id}/evaluation", json={"level": 5, "reasons": []}
            )
        assert again.value.status == 409, "one rating per ticket, whatever the channel"


async def test_who_may_enter_a_phone_rating_and_until_when(tmp_path: Path) -> None:
    clock = ManualClock(HALL_OPENING)
    async with start_server(tmp_path, clock) as server:
        hall = await seed_hall(server)
        other = await seed_hall(server, code="H2")
        ticket_id = await finished_ticket(server, hall)
        clerk = await server.login(hall.staff["2"])
        with pytest.raises(ApiError) as window_staff:
            await clerk.request("POST", f"/tickets/{ticket_id}/evaluation", json={"level": 5})
        assert window_staff.value.status == 403
        assert "在控制台录入" in str(window_staff.value)
        stranger = await server.login(other.supervisor_no)
        with pytest.raises(ApiError) as other_hall:
            await stranger.request("POST", f"/tickets/{ticket_id}/evaluation", json={"level": 5})
        assert other_hall.value.status == 403
        waiting = await server.client(hall.kiosk_token).issue_ticket(hall.services["B"])
        supervisor = await server.login(hall.supervisor_no)
        with pytest.raises(ApiError) as unfinished:
            await supervisor.request(
                "POST", f"/tickets/{waiting['id']}/evaluation", json={"level": 5}
            )
        assert unfinished.value.status == 409
        clock.advance(8 * 24 * 3600)  # past the hall's 7-day rating window
        with pytest.raises(ApiError) as late:
            await supervisor.request("POST", f"/tickets/{ticket_id}/evaluation", json={"level": 5})
        assert late.value.status == 409 and "7 天内" in str(late.value)
