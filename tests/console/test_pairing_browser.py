"""设置 → 设备: a new device's pairing code is shown beside its QR code, and 配对码 makes a new
one for a device already registered; a device pairs with what the page shows."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from playwright.async_api import expect

from tests.console.pages import new_context, sign_in
from tests.helpers import ADMIN_NO, ADMIN_PASSWORD, LiveServer

pytestmark = pytest.mark.asyncio(loop_scope="session")


async def test_the_console_shows_a_pairing_code_a_device_can_use(
    module_server: LiveServer, browser: object
) -> None:
    hall = await module_server.admin.admin_create("halls", {"code": "PAIR", "name": "配对大厅"})
    context = await new_context(browser)
    try:
        tab = await sign_in(
            context, module_server.base_url, ADMIN_NO, ADMIN_PASSWORD,
            f"settings?tab=devices&hall={hall['id']}",
        )  # fmt: skip
        await tab.fill("#device-form [name=label]", "东门取号机")
        await tab.click("#device-form button[type=submit]")
        shown = tab.locator("#pairing-code code.pairing-code")
        await expect(shown).to_have_text(re.compile(r"^[A-Z2-9]{4}-[A-Z2-9]{4}$"))
        await expect(tab.locator("#pairing-code")).to_contain_text("--pair")
        folder = os.environ.get("GOVQUEUE_SCREENSHOTS_DIR")
        if folder:
            await tab.screenshot(path=str(Path(folder) / "console-device-pairing.png"))
        first = (await shown.inner_text()).strip()
        await tab.click("#device-list button.pair")
        await expect(shown).not_to_have_text(first)
        second = (await shown.inner_text()).strip()
        paired = await module_server.client().pair(second)
        assert paired["label"] == "东门取号机" and paired["hall_id"] == hall["id"]
    finally:
        await context.close()
