"""Driving the console in a real browser: sign in, open a page, wait for what it shows."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from playwright.async_api import Browser, BrowserContext, Locator, Page, expect

from tests.helpers import ADMIN_NO, ADMIN_PASSWORD, LiveServer, Seeded, seed_hall

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


@asynccontextmanager
async def signed_in(
    browser: Any, base_url: str, staff_no: str, password: str, page: str = "overview"
) -> AsyncIterator[Page]:
    """A tab of a fresh browser context (its own cookies), signed in and on `page`; the
    context is closed at the end."""
    context = await new_context(browser)
    try:
        yield await sign_in(context, base_url, staff_no, password, page)
    finally:
        await context.close()


async def submit_refused(tab: Page, form: str, field: str, says: str = "必填") -> None:
    """Submits `form` (a selector) and waits for its refusal `says` under `field`."""
    await tab.click(f"{form} button[type=submit]")
    await expect(tab.locator(f"{form} [data-field={field}] .field-error")).to_have_text(says)


async def new_hall_settings(
    context: BrowserContext, server: LiveServer, code: str, form: str
) -> tuple[Seeded, Page, Locator]:
    """A new hall (tests.helpers.seed_hall, with `code`) and its 设置 → 大厅, signed in as
    the admin: the hall, the page and its form `form` (a selector)."""
    hall = await seed_hall(server, code=code)
    tab = await sign_in(context, server.base_url, ADMIN_NO, ADMIN_PASSWORD, "settings")
    await tab.goto(f"{server.base_url}/console/settings?hall={hall.hall_id}&tab=halls")
    return hall, tab, tab.locator(form)


async def saved_hall(server: LiveServer, hall_id: int) -> dict[str, Any]:
    """The hall as the admin API gives it (what a settings form saved)."""
    halls = await server.admin.request("GET", "/admin/halls")
    return next(h for h in halls if h["id"] == hall_id)


async def form_shows(form: Locator, **values: str) -> None:
    """Waits until each named field of `form` holds its value."""
    for name, value in values.items():
        await expect(form.locator(f"[name={name}]")).to_have_value(value)


async def submit(tab: Page, form: str, **fields: str) -> None:
    """Fills the named fields of `form` (a selector) and submits it."""
    for name, value in fields.items():
        await tab.fill(f"{form} [name={name}]", value)
    await tab.click(f"{form} button[type=submit]")
