"""The hall's no-show rule (issue 22 item 11): with 过号重排 off, a window cannot put a no-show
back in the queue (the ticket's footer then says 过号请重新取号)."""

from __future__ import annotations

import pytest

from client.errors import ApiError
from tests.helpers import LiveServer, Seeded, open_window


async def test_requeue_follows_the_halls_setting(server: LiveServer, hall: Seeded) -> None:
    kiosk = server.client(hall.kiosk_token)
    first = await kiosk.issue_ticket(hall.services["A"])
    second = await kiosk.issue_ticket(hall.services["A"])
    clerk = await open_window(server, hall, "1")
    for ticket in (first, second):
        await clerk.call_next(hall.windows["1"])
        await clerk.ticket_action(ticket["id"], "no-show")
    assert (await clerk.ticket_action(first["id"], "requeue"))["status"] == "waiting"
    changed = await server.admin.request(
        "PATCH", f"/admin/halls/{hall.hall_id}", json={"no_show_requeue": False}
    )
    assert changed["no_show_requeue"] is False
    with pytest.raises(ApiError) as refused:
        await clerk.ticket_action(second["id"], "requeue")
    assert refused.value.status == 409 and refused.value.code == "requeue_off"
    assert "过号需重新取号" in refused.value.detail and second["number"] in refused.value.detail
    me = await kiosk.device_me()
    assert me["no_show_requeue"] is False and me["public_base_url"] == server.base_url
