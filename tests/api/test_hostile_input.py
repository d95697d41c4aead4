"""Hostile or careless input gets a clear Chinese 4xx, never a 500 or an English message."""

from __future__ import annotations

import json
import re
from typing import Any

import httpx
import pytest

from client.errors import Conflict, InvalidRequest
from client.rest import tls_context
from tests.helpers import LiveServer, Seeded, open_window

HUGE = 2**63
ENGLISH = re.compile(r"[A-Za-z]{4,} [A-Za-z]{3,}|\{'|String should|Input should|Value error")


def assert_chinese_error(r: httpx.Response, status: int | tuple[int, ...]) -> dict[str, Any]:
    statuses = (status,) if isinstance(status, int) else status
    assert r.status_code in statuses, (r.status_code, r.text)
    body: dict[str, Any] = r.json()
    assert isinstance(body["detail"], str) and isinstance(body["code"], str), body
    assert re.search(r"[\u4e00-\u9fff]", body["detail"]), body
    assert not ENGLISH.search(body["detail"]), body["detail"]
    return body


async def send(
    server: LiveServer, method: str, path: str, token: str | None, **kw: Any
) -> httpx.Response:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    headers |= kw.pop("headers", {})
    async with httpx.AsyncClient(
        verify=tls_context(), base_url=server.base_url + "/api/v1"
    ) as http:
        return await http.request(method, path, headers=headers, **kw)


async def test_ids_beyond_64_bits_are_422_not_500(server: LiveServer, hall: Seeded) -> None:
    admin = str(server.admin.token)
    supervisor = str((await server.login(hall.supervisor_no)).token)
    for method, path, token, body in [
        ("POST", f"/tickets/{HUGE}/cancel", supervisor, None),
        ("POST", f"/tickets/{HUGE}/finish", supervisor, {"outcome": "done"}),
        ("POST", f"/windows/{HUGE}/open", supervisor, None),
        ("GET", f"/halls/{HUGE}/services", None, None),
        ("PATCH", f"/admin/staff/{HUGE}", admin, {"active": False}),
        ("DELETE", f"/admin/devices/{HUGE}", admin, None),
        ("GET", f"/admin/services?hall_id={HUGE}", admin, None),
        ("GET", f"/admin/windows?hall_id={10**30}", admin, None),
        ("POST", "/tickets", hall.kiosk_token, {"service_id": HUGE}),
        (
            "POST",
            "/admin/windows",
            admin,
            {"hall_id": hall.hall_id, "number": "9", "service_ids": [HUGE]},
        ),
        ("POST", "/admin/devices", admin, {"hall_id": HUGE, "kind": "kiosk", "label": "x"}),
        ("POST", f"/tickets/{HUGE}/evaluation", None, {"level": 5, "public_token": "x"}),
        # PostgreSQL's INTEGER ends at 2^31 - 1
        ("POST", f"/tickets/{2**31}/cancel", supervisor, None),
        ("POST", "/tickets", hall.kiosk_token, {"service_id": 2**31}),
    ]:
        r = await send(server, method, path, token, json=body)
        found = assert_chinese_error(r, 422)
        assert found["code"] == "invalid_input"
        assert "2147483647" in found["detail"], found


async def test_unreadable_bodies_get_a_chinese_400(server: LiveServer, hall: Seeded) -> None:
    kiosk = hall.kiosk_token
    json_type = {"content-type": "application/json"}
    not_utf8 = '{"service_id": 1, "priority": "绿色"}'.encode("gbk")
    r = await send(server, "POST", "/tickets", kiosk, content=not_utf8, headers=json_type)
    assert_chinese_error(r, (400, 422))
    deep = "[" * 5000 + "]" * 5000
    r = await send(server, "POST", "/tickets", kiosk, content=deep, headers=json_type)
    assert_chinese_error(r, (400, 422))
    deep_object = '{"service_id": ' + '{"a": ' * 5000 + "1" + "}" * 5000 + "}"
    r = await send(server, "POST", "/tickets", kiosk, content=deep_object, headers=json_type)
    assert_chinese_error(r, (400, 422))
    r = await send(server, "POST", "/tickets", kiosk, content=b"{not json", headers=json_type)
    assert "JSON" in assert_chinese_error(r, 422)["detail"]


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be", "utf-32", "gbk"])
async def test_a_json_body_that_is_not_utf8_is_400_and_creates_nothing(
    server: LiveServer, hall: Seeded, encoding: str
) -> None:
    """Python's json.loads reads UTF-16 and UTF-32 bytes too; docs/api.md says UTF-8 only."""
    admin = server.admin.token
    body = json.dumps({"code": "U16", "name": "编码测试大厅"}, ensure_ascii=False)
    for content_type in ("application/json", "application/json; charset=utf-16", "x/y+json"):
        r = await send(
            server,
            "POST",
            "/admin/halls",
            admin,
            content=body.encode(encoding),
            headers={"content-type": content_type.replace("x/y", "application/merge-patch")},
        )
        assert assert_chinese_error(r, 400)["code"] == "http_400"
        assert "UTF-8" in r.json()["detail"]
    # the kiosks' fast path is behind the same check (an ASCII body in GBK is UTF-8 too)
    ticket = json.dumps({"service_id": hall.services["A"]}).encode(encoding)
    if encoding != "gbk":
        r = await send(
            server,
            "POST",
            "/tickets",
            hall.kiosk_token,
            content=ticket,
            headers={"content-type": "application/json"},
        )
        assert assert_chinese_error(r, 400)["code"] == "http_400"
    assert "U16" not in [h["code"] for h in await server.admin.admin_list("halls")]
    assert (await server.admin.ticket_records(hall.hall_id))["total"] == 0
    # the same in UTF-8 (with or without a BOM) is taken
    created = await send(
        server,
        "POST",
        "/admin/halls",
        admin,
        content=body.encode("utf-8"),
        headers={"content-type": "application/json"},
    )
    assert created.status_code == 201


async def test_bodies_are_limited_in_size(server: LiveServer, hall: Seeded) -> None:
    admin = str(server.admin.token)
    r = await send(
        server,
        "POST",
        "/admin/halls",
        admin,
        content=json.dumps({"code": "BIG", "name": "x" * 100_000}),
        headers={"content-type": "application/json"},
    )
    assert assert_chinese_error(r, 413)["code"] == "payload_too_large"
    pad = hall.window_device_tokens["1"]
    reasons = ["很好" * 50_000] * 10  # ten 100 KB reasons
    r = await send(
        server, "POST", "/tickets/1/evaluation", pad, json={"level": 1, "reasons": reasons}
    )
    assert_chinese_error(r, 413)
    r = await send(
        server, "POST", "/tickets/1/evaluation", pad, json={"level": 1, "reasons": ["x" * 101]}
    )
    detail = assert_chinese_error(r, 422)["detail"]
    assert "评价原因 reasons 第 1 项" in detail and "最多 100 个字符" in detail
    assert [h["code"] for h in await server.admin.admin_list("halls")].count("BIG") == 0


async def test_422_messages_name_the_field_in_chinese(server: LiveServer, hall: Seeded) -> None:
    admin = str(server.admin.token)
    cases: list[tuple[dict[str, Any], str]] = [
        (
            {"hall_id": hall.hall_id, "name": "出入境", "prefix": "e1"},
            "号码前缀 prefix：应为 1–4 个大写字母",
        ),
        ({"hall_id": hall.hall_id, "name": "x" * 101, "prefix": "E"}, "名称 name：最多 100 个字符"),
        ({"hall_id": hall.hall_id, "prefix": "E"}, "名称 name：必填"),
        ({"hall_id": "三", "name": "x", "prefix": "E"}, "大厅编号 hall_id：应为整数"),
        ({"hall_id": hall.hall_id, "name": "x", "prefix": "E", "daily_limit": 0}, "不能小于 1"),
        (
            {"hall_id": hall.hall_id, "name": "x", "prefix": "E", "enabled": "也许"},
            "应为 true 或 false",
        ),
        (
            {"hall_id": hall.hall_id, "name": "x", "prefix": "E", "hours": "全天"},
            "取号时间 hours：应为列表",
        ),
    ]
    for body, expected in cases:
        r = await send(server, "POST", "/admin/services", admin, json=body)
        detail = assert_chinese_error(r, 422)["detail"]
        assert expected in detail, (body, detail)
    r = await send(
        server,
        "POST",
        "/admin/devices",
        admin,
        json={"hall_id": hall.hall_id, "kind": "printer", "label": "x"},
    )
    assert (
        "设备类型 kind：只能是 'kiosk'、'display'、'window'"
        in assert_chinese_error(r, 422)["detail"]
    )
    r = await send(server, "POST", "/admin/services", admin, json=[1, 2])
    assert_chinese_error(r, 422)


@pytest.mark.parametrize(
    "name",
    ["张\x00三", "\u202e三张", "\u200b\u200b", "\u200d", "   ", "李\n四", "王\u2028五"],
    ids=["nul", "rtl-override", "zero-width", "zwj", "blank", "newline", "line-separator"],
)
async def test_names_with_hidden_characters_are_refused(
    server: LiveServer, hall: Seeded, name: str
) -> None:
    with pytest.raises(InvalidRequest) as refused:
        await server.admin.admin_create(
            "staff",
            {
                "staff_no": "N1",
                "name": name,
                "role": "window",
                "password": "password-9",
                "hall_id": hall.hall_id,
            },
        )
    assert "姓名" in refused.value.detail or "名称 name" in refused.value.detail
    assert "N1" not in {s["staff_no"] for s in await server.admin.admin_list("staff")}


async def test_names_are_normalised_so_one_staff_number_is_one_person(
    server: LiveServer, hall: Seeded
) -> None:
    created = await server.admin.admin_create(
        "staff",
        {
            "staff_no": "1000 ",
            "name": "　陈静　",
            "role": "window",
            "password": "password-9",
            "hall_id": hall.hall_id,
        },
    )
    assert (created["staff_no"], created["name"]) == ("1000", "陈静")
    for same in ("１０００", " 1000", "1000"):
        with pytest.raises(Conflict, match="已存在"):
            await server.admin.admin_create(
                "staff",
                {
                    "staff_no": same,
                    "name": "x",
                    "role": "window",
                    "password": "password-9",
                    "hall_id": hall.hall_id,
                },
            )
    clerk = await server.login("１０００", "password-9")  # typed with a full-width keyboard
    assert clerk.token
    hall_row = await server.admin.admin_create(
        "halls", {"code": " ＸＨ ", "name": "新区　政务服务中心 "}
    )
    assert (hall_row.code, hall_row.name) == ("XH", "新区 政务服务中心")
    window = await open_window(server, hall, "1")
    paused = await window.window_action(hall.windows["1"], "pause", {"reason": " 午休 "})
    assert paused["pause_reason"] == "午休"


async def test_edits_clean_names_as_creation_does(server: LiveServer, hall: Seeded) -> None:
    """PATCH on a hall, service or window and PUT on the notice: the same normalisation and
    refusals as when they were created, so an edit cannot bring back what creation refuses."""
    token = server.admin.token
    service_id = hall.services["A"]
    r = await send(
        server, "PATCH", f"/admin/halls/{hall.hall_id}", token, json={"name": " 市民中心\u3000 "}
    )
    assert r.status_code == 200, r.text
    assert r.json()["name"] == "市民中心"
    r = await send(
        server, "PATCH", f"/admin/services/{service_id}", token, json={"name": "户籍\u202e办理"}
    )
    assert "名称" in assert_chinese_error(r, 422)["detail"]
    r = await send(
        server, "PATCH", f"/admin/windows/{hall.windows['1']}", token, json={"number": "\u200b"}
    )
    assert_chinese_error(r, 422)
    r = await send(
        server, "PATCH", f"/admin/windows/{hall.windows['1']}", token, json={"service_ids": [HUGE]}
    )
    assert_chinese_error(r, 422)
    services = {s["id"]: s["name"] for s in await server.admin.admin_list("services")}
    assert "\u202e" not in services[service_id]
    r = await send(
        server, "PUT", f"/admin/halls/{hall.hall_id}/notice", token, json={"text": "请\x00排队"}
    )
    assert_chinese_error(r, 422)
    r = await send(
        server,
        "PUT",
        f"/admin/halls/{hall.hall_id}/notice",
        token,
        json={"text": " 过号请重新取号；\n午休（12:00-13:30），请谅解。 "},
    )
    assert r.status_code == 200, r.text
    # Chinese full-width punctuation stays as typed (free text is not NFKC-folded)
    assert r.json()["text"] == "过号请重新取号；\n午休（12:00-13:30），请谅解。"
    r = await send(
        server, "PUT", f"/admin/halls/{hall.hall_id}/notice", token, json={"text": "   "}
    )
    assert r.status_code == 200 and r.json()["text"] == "", r.text
