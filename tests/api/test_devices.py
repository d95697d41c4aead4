"""GET /devices/me and POST /devices/me/status (→ a device.status event in the hall's feed)."""

from __future__ import annotations

import asyncio

import pytest

from client.errors import Forbidden, InvalidRequest, Unauthorized
from client.events import DeviceStatus
from client.live import LiveFeed
from client.wire import LiveMessage
from tests.helpers import LiveServer, Seeded


async def test_a_device_learns_its_hall_label_and_kind(server: LiveServer, hall: Seeded) -> None:
    kiosk = await server.client(hall.kiosk_token).device_me()
    assert kiosk["kind"] == "kiosk" and kiosk["label"] == "1号取号机"
    assert kiosk["hall_id"] == hall.hall_id and kiosk["hall_name"] == "H1 政务服务中心"
    assert kiosk["hall_timezone"] == "Asia/Shanghai"
    assert kiosk["window_id"] is None and kiosk["window_number"] is None
    screen = await server.client(hall.display_token).device_me()
    assert screen["kind"] == "display" and screen["label"] == "大厅主屏"
    pad = await server.client(hall.window_device_tokens["2"]).device_me()
    assert pad["kind"] == "window"
    assert pad["window_id"] == hall.windows["2"] and pad["window_number"] == "2"


async def test_only_devices_may_ask(server: LiveServer, hall: Seeded) -> None:
    with pytest.raises(Unauthorized):
        await server.client().device_me()
    with pytest.raises(Unauthorized):
        await server.client("gqd_no-such-device-token").device_me()
    with pytest.raises(Forbidden):
        await server.admin.device_me()  # a staff token is not a device
    with pytest.raises(Forbidden):
        await server.admin.report_device_status("ok")


async def test_reported_status_reaches_the_hall_feed(server: LiveServer, hall: Seeded) -> None:
    received: list[LiveMessage] = []
    following = asyncio.Event()

    async def follow() -> None:
        async with LiveFeed(
            server.base_url, hall_id=hall.hall_id, token=hall.display_token
        ) as feed:
            async for message in feed:
                following.set()  # the snapshot came first: the screen follows the hall now
                if isinstance(message, LiveMessage) and message.type == "device.status":
                    received.append(message)
                    return

    watcher = asyncio.create_task(follow())
    await asyncio.wait_for(following.wait(), 10)
    kiosk = server.client(hall.kiosk_token)
    answer = await kiosk.report_device_status("error", printer="paper_out", detail="打印机缺纸")
    assert answer["status"] == "error" and answer["printer"] == "paper_out"
    await asyncio.wait_for(watcher, 5)
    data = received[0].data
    assert isinstance(data, DeviceStatus)
    assert (data.label, data.kind, data.status) == ("1号取号机", "kiosk", "error")
    assert (data.printer, data.detail) == ("paper_out", "打印机缺纸")


async def test_bad_status_is_refused_with_a_clear_error(server: LiveServer, hall: Seeded) -> None:
    kiosk = server.client(hall.kiosk_token)
    with pytest.raises(InvalidRequest) as bad:
        await kiosk.report_device_status("broken")
    assert "请求内容不正确" in bad.value.detail
    with pytest.raises(InvalidRequest):
        await kiosk.report_device_status("ok", printer="Paper Out!")
    with pytest.raises(InvalidRequest):
        await kiosk.report_device_status("ok", detail="长" * 201)
