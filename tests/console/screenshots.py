"""Screenshots of every console page at 1366×768, from a real server with a realistic morning.

    .venv/bin/python -m tests.console.screenshots docs/screenshots
    .venv/bin/python -m tests.console.screenshots docs/screenshots plan   # 开窗建议 only

Writes docs/screenshots/console-*.png (committed; README shows them).
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
from datetime import date
from pathlib import Path
from typing import Any

from playwright.async_api import async_playwright

from server.domain.clock import ManualClock
from tests.console.conftest import CHROMIUM
from tests.console.pages import new_context, sign_in
from tests.helpers import (
    ADMIN_NO,
    ADMIN_PASSWORD,
    HALL_OPENING,
    STAFF_PASSWORD,
    LiveServer,
    Seeded,
    open_window,
    seed_hall,
    start_server,
)
from tests.outbox.fake_platform import FakePlatform
from tests.outbox.helpers import KEY_ENV, SECRET, admin_apply, hall_file
from tests.planning_history import write_history


async def morning(
    server: LiveServer, clock: ManualClock, platform_url: str | None = None
) -> tuple[Seeded, list[Any]]:
    """Three windows, two services, a morning of tickets, a pause, a bad rating; the ratings
    reported to the 好差评 platform at `platform_url`, when given."""
    hall = await seed_hall(
        server,
        code="XQ",
        windows={"1": ["A", "B"], "2": ["B", "A"], "3": ["A"]},
    )
    admin = server.admin
    await admin.request("PATCH", f"/admin/halls/{hall.hall_id}", json={"name": "新区政务服务中心"})
    if platform_url is not None:
        file = hall_file(server.settings.data_dir, platform_url, code="XQ")
        file.write_text(file.read_text().replace("XQ 政务服务中心", "新区政务服务中心"))
        admin_apply(file, server.settings.resolved_database_url())
    await admin.request(
        "PUT",
        f"/admin/halls/{hall.hall_id}/notice",
        json={"text": "今天下午 16:00 起社保业务暂停取号，请提前办理。"},
    )
    kiosk = server.client(hall.kiosk_token)
    clerks = {n: await open_window(server, hall, n) for n in ("1", "2", "3")}
    issued = []
    serving: list[Any] = []
    for i in range(14):
        service = "A" if i % 3 else "B"
        issued.append(await kiosk.issue_ticket(hall.services[service]))
        clock.advance(95)
    for round_ in range(3):
        for number, clerk in clerks.items():
            called = await clerk.call_next(hall.windows[number])
            if called is None:
                continue
            clock.advance(40)
            await clerk.ticket_action(called["id"], "start")
            clock.advance(300 + 60 * round_)
            if round_ == 2:
                serving.append((clerk, number, called["id"]))
            else:
                await clerk.ticket_action(called["id"], "finish", {"outcome": "done"})
                device = server.client(hall.window_device_tokens[number])
                level = 2 if (number, round_) == ("2", 0) else 5
                reasons = ["等候时间长", "态度不好"] if level == 2 else []
                await device.evaluate(called["id"], level, reasons=reasons)
    supervisor = await server.login(hall.supervisor_no, STAFF_PASSWORD)
    await supervisor.request(
        "POST",
        "/complaints",
        json={
            "hall_id": hall.hall_id,
            "channel": "12345",
            "content": "反映户籍窗口排队时间过长，咨询电话无人接听。",
            "complainant_name": "王先生",
            "complainant_phone": "13812341234",
        },
    )
    await supervisor.request(
        "POST",
        "/complaints",
        json={
            "hall_id": hall.hall_id,
            "channel": "onsite",
            "content": "取号机打印的号票字迹不清。",
            "ticket_id": issued[0]["id"],
        },
    )
    await clerks["3"].window_action(hall.windows["3"], "pause", {"reason": "临时离岗"})
    await report_health(server, hall)
    for _ in range(18):  # the apps' heartbeat every minute; pad 3's PC was switched off
        clock.advance(60)
        await report_health(server, hall, silent="3")
    await kiosk.issue_ticket(hall.services["B"])
    return hall, serving


async def report_health(server: LiveServer, hall: Seeded, silent: str | None = None) -> None:
    """Every device says how it is, as the apps do every minute (app_shell/health.py)."""
    version = {"version": "0.1.0"}
    kiosk = server.client(hall.kiosk_token)
    await kiosk.request(
        "POST",
        "/devices/me/status",
        json={"status": "warning", "printer": "paper_low", "detail": "打印纸余量不足", **version},
    )
    display = server.client(hall.display_token)
    sound = "本机没有声音设备：叫号只显示，不播报"
    await display.request(
        "POST", "/devices/me/status", json={"status": "warning", "detail": sound, **version}
    )
    for number, token in hall.window_device_tokens.items():
        if number != silent:
            pad = server.client(token)
            await pad.request("POST", "/devices/me/status", json={"status": "ok", **version})


async def bad_rating(server: LiveServer, hall: Seeded, serving: list[Any]) -> None:
    clerk, number, ticket_id = serving[0]
    await clerk.ticket_action(ticket_id, "finish", {"outcome": "done"})
    device = server.client(hall.window_device_tokens[number])
    await device.evaluate(ticket_id, 1, reasons=["办事效率低"])


async def main(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    clock = ManualClock(HALL_OPENING)
    # the 好差评 platform takes the first three ratings, refuses the fourth, then is down
    os.environ[KEY_ENV] = SECRET
    fake = FakePlatform(SECRET, mode="500")
    fake.set_mode("500", "ok", "ok", "ok", "400")
    platform_url = fake.start()
    with tempfile.TemporaryDirectory() as tmp:
        async with start_server(Path(tmp), clock, alert_check_interval_s=0.3) as server:
            hall, serving = await morning(server, clock, platform_url)
            async with async_playwright() as p:
                browser = await p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
                context = await new_context(browser)
                tab = await context.new_page()
                await tab.goto(f"{server.base_url}/console/login")
                await tab.fill("#staff_no", hall.staff["1"])
                await tab.fill("#password", STAFF_PASSWORD)
                await tab.click("#sign-in")
                await tab.wait_for_selector(".field-error")
                await tab.screenshot(path=str(out / "console-login.png"))
                await tab.close()
                tab = await sign_in(context, server.base_url, hall.supervisor_no, STAFF_PASSWORD)
                await tab.wait_for_selector("#alerts li")
                # A bad rating arrives while the page is open.
                await bad_rating(server, hall, serving)
                await tab.wait_for_selector("[data-kind=bad_rating]")
                await tab.wait_for_selector("[data-kind=device_offline]")
                await tab.wait_for_timeout(1000)
                await tab.screenshot(path=str(out / "console-overview.png"))
                for page in ("stats", "rectifications", "complaints"):
                    await tab.goto(f"{server.base_url}/console/{page}")
                    await tab.wait_for_timeout(1500)
                    await tab.screenshot(path=str(out / f"console-{page}.png"))
                await context.close()
                context = await new_context(browser)
                tab = await sign_in(context, server.base_url, ADMIN_NO, ADMIN_PASSWORD, "settings")
                await tab.wait_for_timeout(1000)
                await tab.screenshot(path=str(out / "console-settings.png"))
                await tab.goto(
                    f"{server.base_url}/console/settings?hall={hall.hall_id}&tab=devices"
                )
                await tab.wait_for_selector("#device-list tr[data-kind=display] .version")
                await tab.wait_for_timeout(500)
                await tab.screenshot(path=str(out / "console-settings-devices.png"))
                await tab.fill("#device-form [name=label]", "2号取号机（东门）")
                await tab.click("#device-form button[type=submit]")
                await tab.wait_for_selector("#device-token")
                await tab.screenshot(path=str(out / "console-settings-device.png"))
                await tab.goto(f"{server.base_url}/console/platform?hall={hall.hall_id}")
                await tab.wait_for_selector("#platform-failed tr[data-message]")
                await tab.screenshot(path=str(out / "console-platform.png"))
                await browser.close()
    fake.stop()


async def plan_page(out: Path) -> None:
    """统计 › 开窗建议 of a hall with seven weeks of history, the whole page."""
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        async with start_server(Path(tmp), ManualClock(HALL_OPENING)) as server:
            ids = write_history(
                str(server.settings.database_url), date(2026, 10, 12), date(2026, 11, 25)
            )
            await server.admin.admin_create(
                "staff",
                {
                    "staff_no": "P001",
                    "name": "赵主任",
                    "role": "supervisor",
                    "password": STAFF_PASSWORD,
                    "hall_id": ids.hall,
                    "must_change_password": False,  # benches and pictures sign in and work
                },
            )
            async with async_playwright() as p:
                browser = await p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
                context = await new_context(browser)
                tab = await sign_in(context, server.base_url, "P001", STAFF_PASSWORD, "stats")
                await tab.click("#tab-plan")
                await tab.wait_for_selector("#plan-table tr[data-hour]", timeout=300_000)
                await tab.wait_for_timeout(1000)  # the chart's first paint
                await tab.screenshot(path=str(out / "console-plan.png"), full_page=True)
                await browser.close()


if __name__ == "__main__":
    folder = Path(sys.argv[1] if len(sys.argv) > 1 else "docs/screenshots")
    if sys.argv[2:] == ["plan"]:
        asyncio.run(plan_page(folder))
    else:
        asyncio.run(main(folder))
        asyncio.run(plan_page(folder))
