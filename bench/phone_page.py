"""How soon a call shows on the applicant's phone (issue 27: "within 1 s of a call").

Starts `govqueue serve` (fresh SQLite file), seeds a hall, opens `--phones` ticket pages in
headless Chromium (375×667, each its own ticket, each following /t/{token}/live), then makes
`--calls` calls one after the other. For each call it measures, on every open page, the time
from the window's request being sent to the page's headline changing (read in the page with
performance.now() against the same monotonic clock… of the browser: the page records when its
headline changed, the bench when it sent the call, both as wall-clock milliseconds).

Prints the median, p90 and max over all pages and calls, the first load's bytes, and the
machine's load. Asserts nothing.

    .venv/bin/python bench/phone_page.py                    # 20 phones, 10 calls
    .venv/bin/python bench/phone_page.py --phones 100 --calls 20
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import Database, Server, load_average, percentile, seed

from client.rest import ApiClient

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
WATCH = """() => {
  window.changes = [];
  new MutationObserver(() => window.changes.push(Date.now()))
    .observe(document.getElementById('headline'), {childList: true, characterData: true, subtree: true});
}"""


async def run(phones: int, calls: int) -> None:
    from playwright.async_api import async_playwright

    db = Database.fresh()
    with Server(db) as server:
        hall = await seed(server.base, ["户籍办理"], 1, "户籍办理")
        service = hall.services["户籍办理"]
        async with ApiClient(server.base, hall.kiosk) as kiosk:
            tickets = [await kiosk.issue_ticket(service) for _ in range(calls + phones)]
        mine = tickets[calls:]  # the pages' tickets wait behind the ones called
        async with async_playwright() as p:
            browser = await p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
            context = await browser.new_context(viewport={"width": 375, "height": 667})
            pages, sizes = [], []
            for ticket in mine:
                tab = await context.new_page()
                response = await tab.goto(f"{server.base}/t/{ticket.public_token}")
                assert response is not None
                sizes.append(len(await response.body()))
                await tab.wait_for_function("() => window.gqLive && window.gqLive.connected")
                await tab.evaluate(WATCH)
                pages.append(tab)
            delays: list[float] = []
            async with ApiClient(server.base, hall.staff_tokens[0]) as clerk:
                for n in range(calls):
                    before = [len(await t.evaluate("window.changes")) for t in pages]
                    sent = time.time() * 1000
                    called = await clerk.call_next(hall.windows[0])
                    assert called is not None
                    for tab, seen in zip(pages, before, strict=True):
                        await tab.wait_for_function(f"() => window.changes.length > {seen}")
                        changed = (await tab.evaluate("window.changes"))[seen]
                        delays.append(changed - sent)
                    await clerk.ticket_action(called.id, "no-show")
                    print(f"call {n + 1}: slowest page {max(delays[-len(pages) :]):.0f} ms")
            await browser.close()
    delays.sort()
    print(
        f"{phones} pages × {calls} calls: call → page median {percentile(delays, 0.5):.0f} ms, "
        f"p90 {percentile(delays, 0.9):.0f} ms, max {delays[-1]:.0f} ms; "
        f"first load {max(sizes)} bytes (body); load {load_average()}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--phones", type=int, default=20)
    parser.add_argument("--calls", type=int, default=10)
    args = parser.parse_args()
    asyncio.run(run(args.phones, args.calls))


if __name__ == "__main__":
    main()
