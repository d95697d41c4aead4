"""设置 → 夜间维护: the nightly maintenance's runs as an administrator sees them, a failed
step in red words (a real run with a backup directory that cannot be written)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.async_api import expect

from server.maintenance.nightly import Nightly
from tests.console.pages import new_context, sign_in
from tests.helpers import ADMIN_NO, ADMIN_PASSWORD, LiveServer

pytestmark = pytest.mark.asyncio(loop_scope="session")


async def test_the_console_lists_the_nights_and_their_steps(
    module_server: LiveServer, browser: object, tmp_path: Path
) -> None:
    blocked = tmp_path / "not-a-directory"
    blocked.write_text("a file where the backups should go")
    settings = module_server.settings.model_copy(update={"backup_dir": blocked / "backups"})
    url = str(settings.database_url)
    nightly = Nightly(settings, url, module_server.clock, module_server.runtime.write)
    assert await nightly.run_due() is not None
    context = await new_context(browser)
    try:
        tab = await sign_in(
            context, module_server.base_url, ADMIN_NO, ADMIN_PASSWORD, "settings?tab=maintenance"
        )
        table = tab.locator("#maintenance-runs")
        await expect(table).to_contain_text("2026-11-25")
        await expect(table).to_contain_text("有步骤失败")
        await expect(table.locator("td.bad").last).to_contain_text("备份目录")
        await expect(table).to_contain_text("✓ 0 天")
        folder = os.environ.get("GOVQUEUE_SCREENSHOTS_DIR")
        if folder:
            await tab.screenshot(path=str(Path(folder) / "console-maintenance.png"))
    finally:
        await context.close()
