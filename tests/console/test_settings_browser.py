"""An admin sets a hall up from nothing to a working kiosk token, through the pages alone;
forms show the server's Chinese message next to the field."""

from __future__ import annotations

import pytest
from playwright.async_api import BrowserContext, Page, expect

from client.errors import ApiError
from tests.console.pages import form_shows, new_hall_settings, saved_hall, sign_in
from tests.helpers import ADMIN_NO, ADMIN_PASSWORD, LiveServer

pytestmark = pytest.mark.asyncio(loop_scope="session")


async def _submit(tab: Page, form: str, fields: dict[str, str]) -> None:
    for name, value in fields.items():
        await tab.fill(f"{form} [name={name}]", value)
    await tab.click(f"{form} button[type=submit]")


async def test_admin_sets_up_a_hall_from_empty_to_a_kiosk_token(
    module_server: LiveServer, context: BrowserContext
) -> None:
    tab = await sign_in(context, module_server.base_url, ADMIN_NO, ADMIN_PASSWORD, "settings")
    await expect(tab.locator("#hall-form")).to_be_visible()
    # A bad time zone: the server's message next to the field, nothing created.
    await _submit(
        tab, "#hall-form", {"code": "NEW", "name": "城东便民服务中心", "timezone": "Mars/Base"}
    )
    await expect(tab.locator("#hall-form [data-field=timezone] .field-error")).to_contain_text(
        "时区"
    )
    await _submit(tab, "#hall-form", {"timezone": "Asia/Shanghai"})
    await tab.wait_for_url("**hall=*")
    hall_id = int(tab.url.rsplit("hall=", 1)[1].split("&")[0])

    # Services: a client-side check on the hours, then the server's on the prefix.
    await tab.click("#tab-services")
    await _submit(tab, "#service-form", {"name": "户籍办理", "prefix": "A", "hours": "9点到12点"})
    await expect(tab.locator("#service-form [data-field=hours] .field-error")).to_be_visible()
    # 事项编码 (the 好差评 platform's): the server's check next to the field
    await _submit(
        tab, "#service-form", {"hours": "09:00-12:00, 13:30-17:00", "item_code": "330106/HJ"}
    )
    await expect(tab.locator("#service-form [data-field=item_code] .field-error")).to_contain_text(
        "只能含字母、数字"
    )
    await _submit(tab, "#service-form", {"item_code": "330106-HJ-0001"})
    await expect(tab.locator("#service-list")).to_contain_text("户籍办理")
    await expect(tab.locator("#service-list")).to_contain_text("事项编码 330106-HJ-0001")
    listed = await module_server.admin.request(
        "GET", "/admin/services", params={"hall_id": hall_id}
    )
    assert [s["item_code"] for s in listed] == ["330106-HJ-0001"]
    await _submit(tab, "#service-form", {"name": "社保医保", "prefix": "A", "hours": ""})
    await expect(tab.locator("#service-form [data-field=prefix] .field-error")).to_contain_text(
        "前缀"
    )
    await _submit(tab, "#service-form", {"prefix": "B"})
    await expect(tab.locator("#service-list")).to_contain_text("社保医保")

    await tab.click("#tab-windows")
    await tab.fill("#window-form [name=number]", "1")
    await tab.check("#window-form [name=svc-B]")
    await tab.check("#window-form [name=svc-A]")
    await tab.click("#window-form button[type=submit]")
    await expect(tab.locator("#window-list")).to_contain_text("社保医保 → 户籍办理")

    await tab.click("#tab-staff")
    await _submit(tab, "#staff-form", {"staff_no": "CD-01", "name": "李娜", "password": "short"})
    await expect(tab.locator("#staff-form [data-field=password] .field-error")).to_contain_text("8")
    await _submit(tab, "#staff-form", {"password": "long-enough-1"})
    await expect(tab.locator("#staff-list")).to_contain_text("李娜")

    await tab.click("#tab-devices")
    await _submit(tab, "#device-form", {"label": "大厅1号取号机"})
    token = (await tab.locator("#device-token code.token").inner_text()).strip()
    assert token.startswith("gqd_")
    qr = await tab.locator("#device-token img").get_attribute("src")
    assert qr is not None and qr.startswith("data:image/")

    # The token works: the kiosk takes a ticket in the new hall.
    kiosk = module_server.client(token)
    services = await kiosk.services(hall_id)
    assert [s["prefix"] for s in services] == ["A", "B"]
    ticket = await kiosk.issue_ticket(next(s["id"] for s in services if s["prefix"] == "B"))
    assert ticket["number"] == "B001"
    # Shown once: after a reload the page no longer has it.
    await tab.reload()
    await tab.click("#tab-devices")
    await expect(tab.locator("#device-list")).to_contain_text("大厅1号取号机")
    assert await tab.locator("#device-token").count() == 0


async def test_admin_deactivates_resets_and_revokes_through_the_pages(
    module_server: LiveServer, context: BrowserContext
) -> None:
    """停用 keeps a person out at once, 重置密码 replaces the password, 吊销 stops a kiosk at
    once and the list then says so instead of offering the button again."""
    admin = module_server.admin
    hall = await admin.request("POST", "/admin/halls", json={"code": "REV", "name": "吊销测试大厅"})
    hall_id = hall["id"]
    service = await admin.request(
        "POST", "/admin/services", json={"hall_id": hall_id, "name": "综合受理", "prefix": "Z"}
    )
    await admin.request(
        "POST",
        "/admin/staff",
        json={
            "hall_id": hall_id,
            "staff_no": "REV-01",
            "name": "王芳",
            "role": "window",
            "password": "first-pass-1",
        },
    )
    device = await admin.request(
        "POST", "/admin/devices", json={"hall_id": hall_id, "kind": "kiosk", "label": "取号机甲"}
    )
    kiosk = module_server.client(device["token"])
    assert (await kiosk.issue_ticket(service["id"]))["number"] == "Z001"

    tab = await sign_in(context, module_server.base_url, ADMIN_NO, ADMIN_PASSWORD, "settings")
    await tab.goto(f"{module_server.base_url}/console/settings?hall={hall_id}")
    await tab.click("#tab-staff")
    row = tab.locator("#staff-list tr[data-staff='REV-01']")
    await row.locator("button.deactivate").click()
    await expect(row).to_contain_text("已停用")
    with pytest.raises(ApiError) as refused:
        await module_server.client().login("REV-01", "first-pass-1")
    assert refused.value.status == 401 and refused.value.code == "inactive"

    await row.locator("button.activate").click()
    await expect(row).to_contain_text("在岗")
    await row.locator("button.reset").click()
    await row.locator("input[type=password]").fill("short")
    await row.locator("form button[type=submit]").click()
    await expect(row.locator(".field-error")).to_contain_text("8")
    await row.locator("input[type=password]").fill("second-pass-2")
    await row.locator("form button[type=submit]").click()
    await expect(row.locator("input[type=password]")).to_have_value("second-pass-2")
    signed_in = module_server.client()
    for _ in range(50):  # the PATCH is answered before the page says so; wait for it
        try:
            await signed_in.login("REV-01", "second-pass-2")
            break
        except ApiError:
            await tab.wait_for_timeout(100)
    else:
        pytest.fail("the reset password never worked")
    with pytest.raises(ApiError):
        await module_server.client().login("REV-01", "first-pass-1")

    await tab.click("#tab-devices")
    device_row = tab.locator(f"#device-list tr[data-device='{device['id']}']")
    tab.once("dialog", lambda dialog: dialog.accept())
    await device_row.locator("button.revoke").click()
    await expect(device_row.locator(".revoked")).to_contain_text("已吊销")
    assert await device_row.locator("button.revoke").count() == 0
    with pytest.raises(ApiError) as revoked:
        await kiosk.issue_ticket(service["id"])
    assert revoked.value.status == 401


async def test_admin_sets_the_halls_rules(
    module_server: LiveServer, context: BrowserContext
) -> None:
    """扫码评价期限, the pause-alert threshold and 过号重排 are the hall's, set under 设置 → 大厅."""
    hall, tab, rules = await new_hall_settings(context, module_server, "RULES", "#hall-rules")
    await form_shows(rules, rating_window_days="7", pause_alert_minutes="15")
    await expect(rules.locator("[name=no_show_requeue]")).to_be_checked()
    await rules.locator("[name=rating_window_days]").fill("3")
    await rules.locator("[name=pause_alert_minutes]").fill("20")
    await rules.locator("[name=no_show_requeue]").uncheck()
    await rules.locator("button[type=submit]").click()
    await expect(tab.locator(".form-ok")).to_contain_text("已保存")
    saved = await saved_hall(module_server, hall.hall_id)
    assert saved["rating_window_days"] == 3 and saved["pause_alert_minutes"] == 20
    assert saved["no_show_requeue"] is False
    await rules.locator("[name=pause_alert_minutes]").fill("0")
    await rules.locator("button[type=submit]").click()
    await expect(rules.locator("[data-field=pause_alert_minutes] .field-error")).to_be_visible()


async def test_admin_sets_the_halls_elderly_rules_and_common_services(
    module_server: LiveServer, context: BrowserContext
) -> None:
    """适老化 (issue 29) under 设置 → 大厅: kiosks in 长辈版, 绿色通道 calls said twice, the 导办
    desk; 常用业务 on a service under 设置 → 业务."""
    hall, tab, card = await new_hall_settings(context, module_server, "OLD", "#hall-elderly")
    await expect(card.locator("[name=kiosk_elderly]")).not_to_be_checked()
    await expect(card.locator("[name=guide_window_id] option")).to_have_count(1 + len(hall.windows))
    await card.locator("[name=kiosk_elderly]").check()
    await card.locator("[name=repeat_priority_calls]").check()
    await card.locator("[name=guide_window_id]").select_option(str(hall.windows["2"]))
    await card.locator("button[type=submit]").click()
    await expect(card.locator("xpath=..").locator(".form-ok")).to_contain_text("已保存")
    saved = await saved_hall(module_server, hall.hall_id)
    assert saved["kiosk_elderly"] is True and saved["repeat_priority_calls"] is True
    assert saved["guide_window_id"] == hall.windows["2"]
    await tab.goto(f"{module_server.base_url}/console/settings?hall={hall.hall_id}&tab=services")
    row = tab.locator(f"[data-service='{hall.services['A']}']")
    await row.locator("button").click()
    editing = tab.locator("#service-list form")
    await editing.locator("[name=common]").check()
    await editing.locator("button[type=submit]").click()
    await expect(tab.locator(f"[data-service='{hall.services['A']}'] .common")).to_have_text(
        "常用业务"
    )
    services = await module_server.admin.request(
        "GET", "/admin/services", params={"hall_id": hall.hall_id}
    )
    assert [s["prefix"] for s in services if s["common"]] == ["A"]


async def test_admin_sets_the_applicants_phone_rules(
    module_server: LiveServer, context: BrowserContext
) -> None:
    """到号提醒 and 扫码过号重排 (issue 27) are the hall's too, under 设置 → 大厅."""
    hall, tab, rules = await new_hall_settings(context, module_server, "PHONE", "#phone-rules")
    await expect(rules.locator("[name=rejoin_allowed]")).to_be_checked()
    await form_shows(rules, notify_ahead="3", rejoin_minutes="10", rejoin_position="behind")
    await rules.locator("[name=notify_ahead]").fill("5")
    await rules.locator("[name=rejoin_minutes]").fill("15")
    await rules.locator("[name=rejoin_position]").select_option("end")
    await rules.locator("button[type=submit]").click()
    card = tab.locator("section.card", has=rules)
    await expect(card.locator(".form-ok")).to_contain_text("已保存")
    saved = await saved_hall(module_server, hall.hall_id)
    assert saved["notify_ahead"] == 5 and saved["rejoin_minutes"] == 15
    assert saved["rejoin_position"] == "end" and saved["rejoin_allowed"] is True
    await rules.locator("[name=rejoin_minutes]").fill("500")
    await rules.locator("button[type=submit]").click()
    await expect(rules.locator("[data-field=rejoin_minutes] .field-error")).to_be_visible()
