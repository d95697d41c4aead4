"""Driving the console in a real browser: sign in, open a page, wait for what it shows."""

from __future__ import annotations

from typing import Any

from playwright.async_api import Browser, BrowserContext, Page

WIDTH, HEIGHT = 1366, 768


async def new_context(browser: Any) -> BrowserContext:
    b: Browser = browser
    return await b.new_context(
        viewport={"width": WIDTH, "height": HEIGHT}, locale="zh-CN", timezone_id="Asia/Shanghai"
    )


async def sign_in(
    context: BrowserContext, base_url: str, staff_no: str, password: str, page: str = "overview"
) -> Page:
    tab = await context.new_page()
    tab.set_default_timeout(10_000)
    await tab.goto(f"{base_url}/console/{page}")
    await tab.wait_for_url("**/console/login**")
    await tab.fill("#staff_no", staff_no)
    await tab.fill("#password", password)
    await tab.click("#sign-in")
    await tab.wait_for_url(f"**/console/{page}**")
    return tab
