"""Setting up a hall: valid objects come back with ids, bad ones get a clear error and leave nothing."""

from __future__ import annotations

import asyncio
import threading
from typing import Any

import pytest

from client.errors import Conflict, InvalidRequest, NotFound
from tests.helpers import LiveServer, Seeded


async def test_create_and_list_everything(server: LiveServer) -> None:
    admin = server.admin
    hall = await admin.admin_create("halls", {"code": "XH", "name": "新区政务服务中心"})
    assert hall["id"] > 0 and hall["timezone"] == "Asia/Shanghai"
    service = await admin.admin_create(
        "services",
        {
            "hall_id": hall["id"],
            "name": "出入境",
            "prefix": "E",
            "daily_limit": 50,
            "hours": [["13:30", "17:00"], ["09:00", "12:00"]],
            "target_wait_minutes": 25,
        },
    )
    assert service.hours == [["09:00", "12:00"], ["13:30", "17:00"]] and service.daily_limit == 50
    window = await admin.admin_create(
        "windows", {"hall_id": hall["id"], "number": "8", "service_ids": [service.id]}
    )
    assert window.state == "closed" and window.service_ids == [service.id]
    staff = await admin.admin_create(
        "staff",
        {
            "staff_no": "E01",
            "name": "周敏",
            "role": "window",
            "password": "password-8",
            "hall_id": hall["id"],
        },
    )
    assert "password" not in staff and "password_hash" not in staff
    device = await admin.admin_create(
        "devices",
        {"hall_id": hall["id"], "kind": "window", "window_id": window.id, "label": "8号评价器"},
    )
    assert device["token"].startswith("gqd_")
    listed = await admin.admin_list("devices", hall_id=hall["id"])
    assert [d["id"] for d in listed] == [device["id"]] and "token" not in listed[0]
    assert [w["number"] for w in await admin.admin_list("windows", hall_id=hall["id"])] == ["8"]
    assert [s["prefix"] for s in await admin.admin_list("services", hall_id=hall["id"])] == ["E"]
    assert "E01" in [s["staff_no"] for s in await admin.admin_list("staff")]
    assert "XH" in [h["code"] for h in await admin.admin_list("halls")]


async def test_bad_input_is_refused_and_nothing_is_half_written(server: LiveServer) -> None:
    admin = server.admin
    hall = await admin.admin_create("halls", {"code": "BAD", "name": "测试"})
    hid = hall["id"]
    with pytest.raises(InvalidRequest, match="取号时间"):
        await admin.admin_create(
            "services", {"hall_id": hid, "name": "x", "prefix": "A", "hours": [["12:00", "09:00"]]}
        )
    with pytest.raises(InvalidRequest):
        await admin.admin_create("services", {"hall_id": hid, "name": "x", "prefix": "a1"})
    with pytest.raises(InvalidRequest, match="时区"):
        await admin.admin_create("halls", {"code": "TZ", "name": "x", "timezone": "Mars/Base"})
    a = await admin.admin_create("services", {"hall_id": hid, "name": "户籍", "prefix": "A"})
    with pytest.raises(Conflict, match="前缀"):
        await admin.admin_create("services", {"hall_id": hid, "name": "别的", "prefix": "A"})
    with pytest.raises(NotFound):
        await admin.admin_create(
            "windows", {"hall_id": hid, "number": "1", "service_ids": [a.id, 99999]}
        )
    assert await admin.admin_list("windows", hall_id=hid) == [], (
        "the window must not exist without its services"
    )
    with pytest.raises(InvalidRequest, match="重复"):
        await admin.admin_create(
            "windows", {"hall_id": hid, "number": "1", "service_ids": [a.id, a.id]}
        )
    await admin.admin_create("windows", {"hall_id": hid, "number": "1", "service_ids": [a.id]})
    with pytest.raises(Conflict, match="1 号窗口"):
        await admin.admin_create("windows", {"hall_id": hid, "number": "1", "service_ids": []})
    with pytest.raises(InvalidRequest, match="8 位"):
        await admin.admin_create(
            "staff",
            {"staff_no": "S1", "name": "x", "role": "window", "password": "short", "hall_id": hid},
        )
    with pytest.raises(InvalidRequest, match="hall_id"):
        await admin.admin_create(
            "staff", {"staff_no": "S1", "name": "x", "role": "window", "password": "long-enough"}
        )
    with pytest.raises(InvalidRequest, match="window_id"):
        await admin.admin_create("devices", {"hall_id": hid, "kind": "window", "label": "x"})
    with pytest.raises(InvalidRequest, match="只能是"):
        await admin.admin_create("devices", {"hall_id": hid, "kind": "printer", "label": "x"})
    assert [s["prefix"] for s in await admin.admin_list("services", hall_id=hid)] == ["A"]
    assert await admin.admin_list("devices", hall_id=hid) == []


class HeldHasher:
    """The test's argon2 hasher, holding each hash until the test lets it go."""

    def __init__(self, inner: Any) -> None:
        self._inner = inner
        self.started = threading.Event()
        self.release = threading.Event()

    def hash(self, password: str) -> str:
        self.started.set()
        assert self.release.wait(30), "the test never let the hash go"
        return str(self._inner.hash(password))

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)


@pytest.mark.parametrize("change", ["create", "reset"])
async def test_a_new_password_is_hashed_before_the_writer_and_holds_no_ticket(
    server: LiveServer, hall: Seeded, monkeypatch: pytest.MonkeyPatch, change: str
) -> None:
    """Hashing a password takes ~0.15 s: done inside a writer job, it held every kiosk's
    ticket as long. The serving process hashes it first; meanwhile tickets are issued."""
    from server import security

    staff_id = 0
    if change == "reset":
        created = await server.admin.admin_create(
            "staff",
            {
                "staff_no": "H100",
                "name": "重置",
                "role": "window",
                "password": "password-0",
                "hall_id": hall.hall_id,
            },
        )
        staff_id = created.id
    held = HeldHasher(security._hasher)
    monkeypatch.setattr(security, "_hasher", held)
    if change == "create":
        body = {
            "staff_no": "H100",
            "name": "新人",
            "role": "window",
            "password": "password-8",
            "hall_id": hall.hall_id,
        }
        pending = asyncio.create_task(server.admin.admin_create("staff", body))
    else:
        pending = asyncio.create_task(
            server.admin.request(
                "PATCH", f"/admin/staff/{staff_id}", json={"password": "password-8"}
            )
        )
    assert await asyncio.to_thread(held.started.wait, 30), "hashed by the serving process"
    kiosk = server.client(hall.kiosk_token)
    ticket = await kiosk.issue_ticket(hall.services["A"])  # while the hash is under way
    assert ticket["number"] == "A001" and not pending.done()
    held.release.set()
    await pending
    clerk = await server.login("H100", "password-8")
    assert clerk.token


async def test_a_short_password_is_refused_before_any_hashing(
    server: LiveServer, hall: Seeded, monkeypatch: pytest.MonkeyPatch
) -> None:
    from server import security

    held = HeldHasher(security._hasher)
    monkeypatch.setattr(security, "_hasher", held)
    body = {
        "staff_no": "H101",
        "name": "短",
        "role": "window",
        "password": "short",
        "hall_id": hall.hall_id,
    }
    with pytest.raises(InvalidRequest) as refused:
        await server.admin.admin_create("staff", body)
    assert "至少需要 8 位" in refused.value.detail and not held.started.is_set()
