"""短信提醒 (issue 27): an applicant leaves a number at the kiosk; the hall's SMS gateway (a
fake one on 127.0.0.1, checking each request's signature and idempotency key) gets "前面还有
N 人" at the hall's setting and "请到 N 号窗口" at the call, through the same outbox and sender
as the 好差评 platform; a dead gateway never holds a call up; a refused message is on the
failed list; the number is masked in answers and gone with the day's personal data."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import Session, select

from client.errors import ApiError
from client.rest import ApiClient
from server.commands.maintenance import run_retention
from server.domain.clock import ManualClock
from server.store.job import call
from server.store.tables import OutboxMessage, TicketPhone
from tests.helpers import LiveServer, Seeded, open_window, seed_hall
from tests.outbox.fake_platform import FakePlatform
from tests.outbox.helpers import admin_apply, platform_server
from tests.outbox.test_delivery import until

KEY_ENV = "GOVQUEUE_TEST_SMS_KEY"
SECRET = "sms-secret-0123456789"


def sms_file(folder: Path, url: str) -> Path:
    path = folder / "H1-sms.toml"
    path.write_text(
        f"""
[hall]
code = "H1"
name = "H1 政务服务中心"
notify_ahead = 2

[sms]
profile = "generic_http"
url = "{url}"
api_key_env = "{KEY_ENV}"
""",
        encoding="utf-8",
    )
    return path


@dataclass
class Texting:
    """A hall whose 短信提醒 go to a fake gateway, and its kiosk."""

    server: LiveServer
    hall: Seeded
    gateway: FakePlatform
    clock: ManualClock
    kiosk: ApiClient


@asynccontextmanager
async def texting_hall(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, **settings: Any
) -> AsyncIterator[tuple[LiveServer, Seeded, FakePlatform, ManualClock]]:
    async with platform_server(
        tmp_path, monkeypatch, key_env=KEY_ENV, secret=SECRET, settings=settings
    ) as (
        server,
        gateway,
        url,
        clock,
    ):
        hall = await seed_hall(server, windows={"1": ["A"]})
        admin_apply(sms_file(tmp_path, url), server.settings.resolved_database_url())
        yield server, hall, gateway, clock


@pytest.fixture
async def texting(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[Texting]:
    async with texting_hall(tmp_path, monkeypatch) as (server, hall, gateway, clock):
        yield Texting(server, hall, gateway, clock, server.client(hall.kiosk_token))


async def received(gateway: FakePlatform, count: int) -> list[dict[str, object]]:
    await asyncio.to_thread(gateway.wait_for, lambda g: len(g.stored) >= count)
    return [r.json() for r in gateway.stored.values()]


async def test_texts_at_the_halls_n_ahead_and_at_the_call(texting: Texting) -> None:
    server, hall, gateway, clock = texting.server, texting.hall, texting.gateway, texting.clock
    kiosk = texting.kiosk
    tickets = [await kiosk.issue_ticket(hall.services["A"]) for _ in range(4)]
    mine = tickets[-1]
    left = await kiosk.add_phone(mine["id"], "138 1234 5678")
    assert (left.ticket_id, left.phone) == (mine.id, "138****5678")
    with pytest.raises(ApiError) as bad:
        await kiosk.request("POST", f"/tickets/{mine['id']}/phone", json={"phone": "12345"})
    assert bad.value.status == 422 and "请输入 11 位手机号码" in bad.value.detail
    clerk = await open_window(server, hall, "1")
    await clerk.call_next(hall.windows["1"])  # 3 ahead → 2: the hall's notify_ahead
    [near] = await received(gateway, 1)
    assert near == {
        "mobile": "13812345678",
        "content": f"【H1 政务服务中心】您的号码 {mine['number']} 前面还有 2 人，请回到等候区留意叫号。",
        "sign": "H1 政务服务中心",
        "template": "queue_near",
    }
    for ticket in tickets[:3]:
        await clerk.ticket_action(ticket["id"], "no-show")
        await clerk.call_next(hall.windows["1"])
    texts = await received(gateway, 2)
    assert texts[-1]["content"] == f"【H1 政务服务中心】请 {mine['number']} 号到 1 号窗口办理。"
    assert len(gateway.stored) == 2  # near once, however many moved after it
    clock.advance(30)
    await clerk.ticket_action(mine["id"], "recall")  # 重呼 half a minute later: again
    await received(gateway, 3)
    state = await server.admin.request("GET", "/sms/outbox", params={"hall_id": hall.hall_id})
    while state["sent_today"] < 3:  # the gateway answered; the sender records it
        await asyncio.sleep(0.02)
        state = await server.admin.request("GET", "/sms/outbox", params={"hall_id": hall.hall_id})
    assert state["configured"] and state["profile_title"] == "通用 HTTP 短信网关"
    assert state["sent_today"] == 3 and state["failed"] == [] and state["pending"] == 0
    assert "13812345678" not in json.dumps(state)
    assert not gateway.bad_signatures


async def test_a_dead_gateway_never_holds_a_call_and_a_refusal_is_listed(texting: Texting) -> None:
    server, hall, gateway, kiosk = texting.server, texting.hall, texting.gateway, texting.kiosk
    first = await kiosk.issue_ticket(hall.services["A"])
    mine = await kiosk.issue_ticket(hall.services["A"])
    gateway.set_mode("hang")  # the gateway takes the message and never answers
    await kiosk.request("POST", f"/tickets/{mine['id']}/phone", json={"phone": "13912345678"})
    clerk = await open_window(server, hall, "1")
    await clerk.call_next(hall.windows["1"])  # 1 ahead → 0: near is due
    await received(gateway, 1)  # the sender is stuck on it now
    # calls go on while the gateway hangs: answered, not held behind the message
    await clerk.ticket_action(first["id"], "no-show")
    called = await clerk.call_next(hall.windows["1"])
    assert called is not None and called["id"] == mine["id"]
    gateway.set_mode("400")  # and now the gateway refuses what comes
    gateway.release()

    def failed_listed() -> bool:
        with Session(server.runtime.read_engine) as session:
            rows = session.exec(select(OutboxMessage).where(OutboxMessage.channel == "sms")).all()
            return any(r.state == "failed" for r in rows)

    await until(failed_listed, "the refusal on the failed list")
    state = await server.admin.request("GET", "/sms/outbox", params={"hall_id": hall.hall_id})
    refused = [f for f in state["failed"] if f["last_status"] == 400]
    assert refused and refused[0]["ticket_number"] == mine["number"]
    assert "事项编码不存在" in refused[0]["last_answer"]  # the gateway's own words


async def test_the_number_is_the_kiosks_to_give_and_goes_with_the_days_personal_data(
    texting: Texting,
) -> None:
    server, hall, gateway, clock = texting.server, texting.hall, texting.gateway, texting.clock
    kiosk = texting.kiosk
    mine = await kiosk.issue_ticket(hall.services["A"])
    await kiosk.request("POST", f"/tickets/{mine['id']}/phone", json={"phone": "13712345678"})
    await received(gateway, 1)  # nobody ahead: near at once
    clerk = await open_window(server, hall, "1")
    with pytest.raises(ApiError) as staff:
        await clerk.request("POST", f"/tickets/{mine['id']}/phone", json={"phone": "13712345678"})
    assert staff.value.status == 403
    other = await seed_hall(server, code="H2", windows={"1": ["A"]})
    theirs = await server.client(other.kiosk_token).issue_ticket(other.services["A"])
    with pytest.raises(ApiError) as off:
        await server.client(other.kiosk_token).request(
            "POST", f"/tickets/{theirs['id']}/phone", json={"phone": "13712345678"}
        )
    assert off.value.status == 409 and off.value.code == "sms_off"
    clock.advance(13 * 3600)  # the night after the day
    before = clock.now() - timedelta(days=30)  # the deployment's personal_data_days
    cleared = await server.runtime.write(call(run_retention, "sms_phones", before))
    assert cleared == 2  # the number, and the message written for it
    with Session(server.runtime.read_engine) as session:
        assert session.exec(select(TicketPhone)).all() == []
        [message] = session.exec(select(OutboxMessage).where(OutboxMessage.channel == "sms")).all()
        assert message.payload["phone"] == "137****5678"
