"""Values at the edge of what a request may carry are refused with a 422 that names the
field, never a 500: offsets past 64 bits (SQLite's OverflowError) or past the one bound of
every list, and an explicit null in a PATCH body where null means nothing (it used to reach
the writer: a TypeError there)."""

from __future__ import annotations

import httpx

from client.rest import tls_context
from tests.helpers import LiveServer, Seeded


async def test_every_offset_has_one_bound(server: LiveServer, hall: Seeded) -> None:
    headers = {"Authorization": f"Bearer {server.admin.token}"}
    async with httpx.AsyncClient(
        verify=tls_context(), base_url=server.base_url + "/api/v1", headers=headers
    ) as http:
        for path in ("/complaints", "/rectifications", "/stats/tickets"):
            for offset in ("9223372036854775808", "2147483648", "10000001", "-1"):
                params = {"hall_id": hall.hall_id, "offset": offset}
                refused = await http.get(path, params=params)
                assert refused.status_code == 422, (path, offset, refused.text)
                assert refused.json()["code"] == "invalid_input"
                assert "起始位置 offset" in refused.json()["detail"]
            # the bound itself: an empty page
            answered = await http.get(path, params={"hall_id": hall.hall_id, "offset": 10**7})
            assert answered.status_code == 200 and answered.json()["items"] == []


NULLS = [
    ("halls", {"timezone": None}, "时区 timezone"),
    ("halls", {"name": None}, "名称 name"),
    ("halls", {"rating_window_days": None}, "rating_window_days"),
    ("services", {"name": None}, "名称 name"),
    ("services", {"hours": None}, "取号时间 hours"),
    ("services", {"enabled": None}, "是否启用 enabled"),
    ("windows", {"number": None}, "窗口号 number"),
    ("windows", {"service_ids": None}, "业务列表 service_ids"),
    ("staff", {"role": None}, "角色 role"),
    ("staff", {"password": None}, "密码 password"),
]


async def test_a_null_in_a_patch_is_a_422_naming_the_field_and_changes_nothing(
    server: LiveServer, hall: Seeded
) -> None:
    ids = {
        "halls": hall.hall_id,
        "services": hall.services["A"],
        "windows": hall.windows["1"],
        "staff": next(
            s["id"] for s in await server.admin.admin_list("staff") if s["staff_no"] == "H1-W1"
        ),
    }
    headers = {"Authorization": f"Bearer {server.admin.token}"}
    async with httpx.AsyncClient(
        verify=tls_context(), base_url=server.base_url + "/api/v1", headers=headers
    ) as http:
        for what, body, label in NULLS:
            before = (await http.get(f"/admin/{what}")).json()
            refused = await http.patch(f"/admin/{what}/{ids[what]}", json=body)
            assert refused.status_code == 422, (what, body, refused.text)
            assert refused.json()["code"] == "invalid_input"
            assert f"{label}：不能为 null" in refused.json()["detail"]
            assert (await http.get(f"/admin/{what}")).json() == before


async def test_daily_limit_null_still_removes_the_limit(server: LiveServer, hall: Seeded) -> None:
    admin = server.admin
    service = hall.services["A"]
    limited = await admin.request("PATCH", f"/admin/services/{service}", json={"daily_limit": 5})
    assert limited["daily_limit"] == 5
    removed = await admin.request("PATCH", f"/admin/services/{service}", json={"daily_limit": None})
    assert removed["daily_limit"] is None


async def test_the_openapi_document_says_which_patch_fields_may_be_null(
    server: LiveServer,
) -> None:
    async with httpx.AsyncClient(verify=tls_context(), base_url=server.base_url) as http:
        schemas = (await http.get("/openapi.json")).json()["components"]["schemas"]

    def nullable(model: str, field: str) -> bool:
        prop = schemas[model]["properties"][field]
        return {"type": "null"} in prop.get("anyOf", [])

    assert not nullable("HallPatch", "timezone") and not nullable("StaffPatch", "role")
    assert not nullable("ServicePatch", "name") and not nullable("WindowPatch", "service_ids")
    assert nullable("ServicePatch", "daily_limit")
