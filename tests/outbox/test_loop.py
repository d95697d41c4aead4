"""The 差评 loop as the hall sets it: 整改 and 回访 deadlines in its working days, 超期预警 before
and after each deadline (raised and resolved by the server's watch), and one 追评 from the
ticket's page after 整改 (评价次数 2, channel 二维码) that reaches the platform."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest

from client.rest import ApiClient, tls_context
from server.domain.calendar import hall_zone
from server.domain.clock import ManualClock
from server.watch import watch_once
from tests.helpers import LiveServer, Seeded
from tests.outbox.test_delivery import rate, reporting_hall

SH = hall_zone("Asia/Shanghai")


async def set_rules(server: LiveServer, hall: Seeded, **rules: Any) -> None:
    await server.admin.request("PATCH", f"/admin/halls/{hall.hall_id}", json=rules)


async def loop_alerts(server: LiveServer, hall: Seeded) -> dict[str, str]:
    """The hall's open 超期预警, by kind: their sentences (resolved ones left out)."""
    await watch_once(server.runtime)
    found = await server.admin.request("GET", "/alerts", params={"hall_id": hall.hall_id})
    return {
        a["kind"]: a["text"]
        for a in found["items"]
        if a["kind"].startswith(("rectification_", "followup_")) and not a["resolved_at"]
    }


async def the_rectification(server: LiveServer, hall: Seeded) -> dict[str, Any]:
    page = await server.admin.rectifications(hall_id=hall.hall_id)
    item: dict[str, Any] = page.items[0]
    return item


async def test_deadlines_and_their_warnings_follow_the_halls_settings(
    server: LiveServer, hall: Seeded, clock: ManualClock
) -> None:
    # Thursday 26 November 2026: 5 working days are 27, 30 Nov, 1, 2, 3 Dec
    await set_rules(
        server,
        hall,
        rectification_working_days=5,
        followup_working_days=2,
        rectification_warn_days=2,
        followup_warn_hours=4,
    )
    ticket, _ = await rate(server, hall, "1", 1, ["态度不好"])
    item = await the_rectification(server, hall)
    deadline = datetime.fromisoformat(item["deadline"]).astimezone(SH)
    assert deadline.date() == date(2026, 12, 3)
    assert await loop_alerts(server, hall) == {}

    clock.set(datetime(2026, 11, 30, 10, 0, tzinfo=SH).astimezone(UTC))  # 3 working days left
    assert await loop_alerts(server, hall) == {}
    clock.set(datetime(2026, 12, 1, 9, 30, tzinfo=SH).astimezone(UTC))  # 2 left: warn
    alerts = await loop_alerts(server, hall)
    assert list(alerts) == ["rectification_due"]
    assert alerts["rectification_due"] == (
        f"{ticket['number']} 号的差评须在 12-03 09:00 前整改，即将到期，请尽快登记整改"
    )
    clock.set(datetime(2026, 12, 3, 9, 1, tzinfo=SH).astimezone(UTC))  # passed
    assert list(await loop_alerts(server, hall)) == ["rectification_overdue"]

    supervisor = await server.login(hall.supervisor_no)
    done = await supervisor.rectify(item["id"], "约谈并培训")
    followup = datetime.fromisoformat(done["followup_deadline"]).astimezone(SH)
    assert followup == datetime(2026, 12, 7, 9, 1, tzinfo=SH), "2 working days: Fri, Mon"
    assert await loop_alerts(server, hall) == {}, "整改 recorded: the warnings end"
    clock.set(datetime(2026, 12, 7, 5, 2, tzinfo=SH).astimezone(UTC))  # 4 h before
    assert list(await loop_alerts(server, hall)) == ["followup_due"]
    clock.set(datetime(2026, 12, 7, 9, 2, tzinfo=SH).astimezone(UTC))
    assert list(await loop_alerts(server, hall)) == ["followup_overdue"]
    await supervisor.follow_up(item["id"], "phone", "已回访", True)
    assert await loop_alerts(server, hall) == {}


async def test_an_upheld_appeal_needs_no_rectification_and_warns_of_none(
    server: LiveServer, hall: Seeded, clock: ManualClock
) -> None:
    await rate(server, hall, "1", 1, ["态度不好"])
    item = await the_rectification(server, hall)
    supervisor = await server.login(hall.supervisor_no)
    appeal = f"/rectifications/{item['id']}/appeal"
    await supervisor.request("POST", appeal, json={"reason": "恶意差评"})
    await server.admin.request(
        "POST", f"{appeal}/decision", json={"upheld": True, "decision": "成立"}
    )
    clock.advance(40 * 24 * 3600)
    assert await loop_alerts(server, hall) == {}


async def bad_rating(server: LiveServer, hall: Seeded) -> tuple[str, ApiClient, dict[str, Any]]:
    """A 非常不满意 at window 1: its ticket page's token, the supervisor, its 差评整改."""
    ticket, _ = await rate(server, hall, "1", 1, ["态度不好"])
    supervisor = await server.login(hall.supervisor_no)
    return ticket["public_token"], supervisor, await the_rectification(server, hall)


async def page(http: httpx.AsyncClient, token: str) -> str:
    answer = await http.get(f"/t/{token}")
    assert answer.status_code == 200
    return answer.text


async def re_rate(http: httpx.AsyncClient, token: str, form: dict[str, str]) -> httpx.Response:
    return await http.post(f"/t/{token}/rating", data={"times": "2", **form})


async def test_one_re_rating_from_the_ticket_page_after_zhenggai_reaches_the_platform(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with reporting_hall(tmp_path, monkeypatch) as (server, hall, fake, clock):
        ticket, evaluation = await rate(server, hall, "1", 2, ["等候时间长"])
        token = ticket["public_token"]
        async with httpx.AsyncClient(verify=tls_context(), base_url=server.base_url) as http:
            assert "追评" not in await page(http, token), "before 整改: no 追评"
            refused = await re_rate(http, token, {"level": "4"})
            assert refused.status_code == 409 and "整改后才能追评" in refused.text
            supervisor = await server.login(hall.supervisor_no)
            item = await the_rectification(server, hall)
            clock.advance(3600)
            await supervisor.rectify(item["id"], "增开午间窗口")
            shown = await page(http, token)
            assert "追评：您的差评已于" in shown and "请对整改结果再评价一次" in shown
            assert 'name="times" value="2"' in shown
            bad = await re_rate(http, token, {"level": "2"})
            assert bad.status_code == 303 and bad.headers["location"].endswith("?level=2#rate")
            reasons = await http.get(f"/t/{token}?level=2")
            assert 'name="times" value="2"' in reasons.text, "the reasons step stays a 追评"
            clock.advance(600)
            done = await re_rate(http, token, {"level": "4"})
            assert done.status_code == 303
            thanked = await http.get(done.headers["location"].split("#")[0])
            assert "感谢您的追评" in thanked.text
            again = await re_rate(http, token, {"level": "5"})
            assert again.status_code == 409 and "只能追评一次" in again.text
            assert "本号票已评价并追评" in await page(http, token)
        first = f"H1-{evaluation['id']}-1"
        second = f"H1-{evaluation['id']}-2"
        await asyncio.to_thread(fake.wait_for, lambda p: second in p.acked)
        listed = await the_rectification(server, hall)
    assert listed["re_rating_level"] == 4 and listed["re_rated_at"] is not None
    order = [k for k in fake.keys_received() if k.startswith(f"H1-{evaluation['id']}-")]
    assert list(dict.fromkeys(order)) == [first, f"{first}-rectification", second]
    body = fake.stored[second].json()
    assert (body["times"], body["level"], body["channel"]) == (2, "2", "3"), "满意 = 2, 二维码"
    assert fake.stored[second].headers["Idempotency-Key"] == second


async def test_a_hall_without_re_rating_and_a_closed_window(
    server: LiveServer, hall: Seeded, clock: ManualClock
) -> None:
    token, supervisor, item = await bad_rating(server, hall)
    await supervisor.rectify(item["id"], "约谈")
    async with httpx.AsyncClient(verify=tls_context(), base_url=server.base_url) as http:
        await set_rules(server, hall, re_rating=False)
        assert "追评：" not in await page(http, token)
        refused = await re_rate(http, token, {"level": "4"})
        assert refused.status_code == 409 and "本大厅不接受追评" in refused.text
        await set_rules(server, hall, re_rating=True)
        clock.advance(8 * 24 * 3600)  # the hall's 7 days after 整改 (and after 办结)
        gone = await http.get(f"/t/{token}")
        assert gone.status_code == 410, "the link ends once neither rating nor 追评 is possible"
        late = await re_rate(http, token, {"level": "4"})
        assert late.status_code == 410


async def test_a_late_rectification_keeps_the_link_for_its_re_rating(
    server: LiveServer, hall: Seeded, clock: ManualClock
) -> None:
    """整改 six days after 办结: the page outlives the 7-day rating window for the 追评."""
    token, supervisor, item = await bad_rating(server, hall)
    clock.advance(6 * 24 * 3600)
    await supervisor.rectify(item["id"], "约谈")
    clock.advance(3 * 24 * 3600)  # 9 days after 办结, 3 after 整改
    async with httpx.AsyncClient(verify=tls_context(), base_url=server.base_url) as http:
        assert "追评：" in await page(http, token)
        answer = await re_rate(http, token, {"level": "4"})
        assert answer.status_code in (200, 303), answer.text
        clock.advance(5 * 24 * 3600)  # 追评 made: the link ends with the rating window
        assert (await http.get(f"/t/{token}")).status_code == 410
