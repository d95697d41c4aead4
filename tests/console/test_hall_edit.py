"""Admin PATCH routes for halls, services and windows; the hall notice; the hall's devices;
the longest current wait in the feed. Each refuses another hall's supervisor or admin."""

from __future__ import annotations

import json
from typing import Any

import pytest
import websockets

from client.errors import ApiError
from server.domain.clock import ManualClock
from tests.helpers import STAFF_PASSWORD, LiveServer, Seeded, seed_hall


async def _snapshot(server: LiveServer, hall_id: int, token: str) -> dict[str, Any]:
    url = server.base_url.replace("http://", "ws://") + f"/ws?hall_id={hall_id}&token={token}"
    async with websockets.connect(url) as ws:
        message: dict[str, Any] = json.loads(await ws.recv())
        return message


async def test_patch_hall_service_and_window(server: LiveServer, hall: Seeded) -> None:
    admin = server.admin
    hall_out = await admin.request(
        "PATCH", f"/admin/halls/{hall.hall_id}", json={"name": "新区政务服务中心"}
    )
    assert hall_out["name"] == "新区政务服务中心" and hall_out["timezone"] == "Asia/Shanghai"
    service = await admin.request(
        "PATCH",
        f"/admin/services/{hall.services['A']}",
        json={"daily_limit": 1, "hours": [["09:00", "12:00"]], "target_wait_minutes": 30},
    )
    assert service["daily_limit"] == 1 and service["hours"] == [["09:00", "12:00"]]
    assert service["name"] == "户籍办理" and service["target_wait_minutes"] == 30
    kiosk = server.client(hall.kiosk_token)
    await kiosk.issue_ticket(hall.services["A"])
    with pytest.raises(ApiError) as refused:  # the new limit applies (catalog cache: ≤ 1 s)
        await kiosk.issue_ticket(hall.services["A"])
    assert refused.value.code == "daily_limit_reached"
    cleared = await admin.request(
        "PATCH", f"/admin/services/{hall.services['A']}", json={"daily_limit": None}
    )
    assert cleared["daily_limit"] is None
    disabled = await admin.request(
        "PATCH", f"/admin/services/{hall.services['B']}", json={"enabled": False}
    )
    assert disabled["enabled"] is False
    window = await admin.request(
        "PATCH",
        f"/admin/windows/{hall.windows['1']}",
        json={"number": "1A", "service_ids": [hall.services["B"], hall.services["A"]]},
    )
    assert window["number"] == "1A"
    assert window["service_ids"] == [hall.services["B"], hall.services["A"]]


@pytest.mark.parametrize(
    ("path", "body", "code"),
    [
        ("/admin/services/{A}", {"prefix": "B"}, "already_exists"),
        ("/admin/services/{A}", {"hours": [["12:00", "09:00"]]}, "invalid_input"),
        ("/admin/services/{A}", {"target_wait_minutes": 0}, "invalid_input"),
        ("/admin/windows/{w1}", {"number": "2"}, "already_exists"),
        ("/admin/windows/{w1}", {"service_ids": [999]}, "not_found"),
        ("/admin/halls/{hall}", {"timezone": "Mars/Base"}, "invalid_input"),
        ("/admin/halls/{hall}", {"name": ""}, "invalid_input"),
    ],
)
async def test_bad_changes_are_refused_in_chinese_and_change_nothing(
    server: LiveServer, hall: Seeded, path: str, body: dict[str, Any], code: str
) -> None:
    url = path.format(A=hall.services["A"], w1=hall.windows["1"], hall=hall.hall_id)
    with pytest.raises(ApiError) as refused:
        await server.admin.request("PATCH", url, json=body)
    assert refused.value.code == code
    assert any("\u4e00" <= ch <= "\u9fff" for ch in str(refused.value))
    services = await server.admin.admin_list("services", hall_id=hall.hall_id)
    assert [s["prefix"] for s in services] == ["A", "B"]
    windows = await server.admin.admin_list("windows", hall_id=hall.hall_id)
    assert windows[0]["number"] == "1"
    assert windows[0]["service_ids"] == [hall.services["A"], hall.services["B"]]


async def test_other_halls_are_out_of_reach(server: LiveServer, hall: Seeded) -> None:
    other = await seed_hall(server, code="H2")
    supervisor = await server.login(other.supervisor_no, STAFF_PASSWORD)
    with pytest.raises(ApiError) as refused:
        await supervisor.request(
            "PUT", f"/admin/halls/{hall.hall_id}/notice", json={"text": "不是我的大厅"}
        )
    assert refused.value.code == "permission_denied"
    with pytest.raises(ApiError):
        await supervisor.request("GET", f"/halls/{hall.hall_id}/devices")
    with pytest.raises(ApiError) as not_admin:
        await supervisor.request("PATCH", f"/admin/halls/{other.hall_id}", json={"name": "x"})
    assert not_admin.value.code == "permission_denied"
    hall_admin = await server.admin.admin_create(
        "staff",
        {
            "staff_no": "H2-ADMIN",
            "name": "二厅管理员",
            "role": "admin",
            "password": STAFF_PASSWORD,
            "hall_id": other.hall_id,
            "must_change_password": False,
        },
    )
    assert hall_admin.hall_id == other.hall_id
    admin2 = await server.login("H2-ADMIN", STAFF_PASSWORD)
    for method, path, body in [
        ("PATCH", f"/admin/halls/{hall.hall_id}", {"name": "x"}),
        ("PATCH", f"/admin/services/{hall.services['A']}", {"name": "x"}),
        ("PATCH", f"/admin/windows/{hall.windows['1']}", {"number": "9"}),
        ("PATCH", f"/admin/windows/{other.windows['1']}", {"service_ids": [hall.services["A"]]}),
        ("PUT", f"/admin/halls/{hall.hall_id}/notice", {"text": "x"}),
    ]:
        with pytest.raises(ApiError) as refused:
            await admin2.request(method, path, json=body)
        assert refused.value.code in ("permission_denied", "invalid_input"), path
    assert (await server.admin.admin_list("halls"))[0]["name"] == "H1 政务服务中心"


async def test_notice_is_stored_sent_live_and_in_the_snapshot(
    server: LiveServer, hall: Seeded
) -> None:
    supervisor = await server.login(hall.supervisor_no, STAFF_PASSWORD)
    url = (
        server.base_url.replace("http://", "ws://")
        + f"/ws?hall_id={hall.hall_id}&token={hall.display_token}"
    )
    async with websockets.connect(url) as ws:
        first = json.loads(await ws.recv())
        assert first["type"] == "snapshot" and first["data"]["notice"] == ""
        saved = await supervisor.request(
            "PUT",
            f"/admin/halls/{hall.hall_id}/notice",
            json={"text": "  今天 16:00 后暂停社保业务  "},
        )
        assert saved["text"] == "今天 16:00 后暂停社保业务" and saved["updated_by"] == "值班主管"
        event = json.loads(await ws.recv())
        assert event["type"] == "notice.updated"
        assert event["data"] == {"text": "今天 16:00 后暂停社保业务", "updated_by": "值班主管"}
    server.feed.snapshots.clear()
    snapshot = await _snapshot(server, hall.hall_id, hall.display_token)
    assert snapshot["data"]["notice"] == "今天 16:00 后暂停社保业务"
    halls = await server.admin.admin_list("halls")
    assert halls[0]["notice"] == "今天 16:00 后暂停社保业务"
    with pytest.raises(ApiError):
        await supervisor.request(
            "PUT", f"/admin/halls/{hall.hall_id}/notice", json={"text": "长" * 501}
        )


async def test_longest_wait_and_device_health(
    server: LiveServer, hall: Seeded, clock: ManualClock
) -> None:
    kiosk = server.client(hall.kiosk_token)
    first = await kiosk.issue_ticket(hall.services["A"])
    clock.advance(300)
    await kiosk.issue_ticket(hall.services["A"])
    snapshot = await _snapshot(server, hall.hall_id, hall.display_token)
    by_id = {s["service_id"]: s for s in snapshot["data"]["services"]}
    assert by_id[hall.services["A"]]["waiting"] == 2
    assert by_id[hall.services["A"]]["oldest_waiting_at"].startswith(
        first["issued_at"].replace("+00:00", "")[:19]
    )
    assert by_id[hall.services["B"]]["oldest_waiting_at"] is None
    supervisor = await server.login(hall.supervisor_no, STAFF_PASSWORD)
    devices = await supervisor.request("GET", f"/halls/{hall.hall_id}/devices")
    kinds = sorted(d["kind"] for d in devices)
    assert kinds == ["display", "kiosk", "window", "window"]
    kiosk_row = next(d for d in devices if d["kind"] == "kiosk")
    assert kiosk_row["label"] == "1号取号机" and kiosk_row["status"] is None
    window_row = next(d for d in devices if d["kind"] == "window")
    assert window_row["window_number"] in ("1", "2")
