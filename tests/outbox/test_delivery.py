"""好差评 records through the real server to a fake platform that fails: what is rated during an
outage arrives exactly once after it, in order per ticket; a refusal is `failed` with the
platform's answer; a hall without a platform writes nothing."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import Session, col, select

from server.commands.outbox import due_query
from server.domain.calendar import hall_zone
from server.domain.clock import ManualClock
from server.store.tables import OutboxMessage
from tests.helpers import HALL_OPENING, LiveServer, Seeded, open_window, seed_hall, start_server
from tests.outbox.fake_platform import FakePlatform
from tests.outbox.helpers import (
    FAST,
    ITEM_CODES,
    SECRET,
    admin_apply,
    hall_file,
    outbox_rows,
    platform_server,
    served,
)

SH = hall_zone("Asia/Shanghai")


@asynccontextmanager
async def reporting_hall(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, profile: str = "gbt39046", **platform: Any
) -> AsyncIterator[tuple[LiveServer, Seeded, FakePlatform, ManualClock]]:
    async with platform_server(tmp_path, monkeypatch, **platform) as (server, fake, url, clock):
        hall = await seed_hall(server)
        file = hall_file(tmp_path, url, profile=profile)
        admin_apply(file, server.settings.resolved_database_url())
        yield server, hall, fake, clock


def zhejiang_hall(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> AbstractAsyncContextManager[tuple[LiveServer, Seeded, FakePlatform, ManualClock]]:
    """reporting_hall with the zhejiang profile, to a platform that wants its headers."""
    wire = {"key_header": "X-Request-Id", "signature_header": "X-Sign", "algorithm": "sm3"}
    return reporting_hall(tmp_path, monkeypatch, "zhejiang", **wire)


async def until(condition: Callable[[], bool], what: str, timeout: float = 60) -> None:
    """Wait for a state (polling the database); the deadline only guards against a hang."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"never happened: {what}")
        await asyncio.sleep(0.02)


def settled(server: LiveServer, clock: ManualClock) -> Callable[[], bool]:
    """Nothing due and nothing claimed: the sender has tried everything whose time came."""

    def check() -> bool:
        with Session(server.runtime.read_engine) as session:
            if session.exec(due_query(clock.now(), 1)).first() is not None:
                return False
            claimed = select(OutboxMessage.id).where(col(OutboxMessage.claimed_by).is_not(None))
            return session.exec(claimed).first() is None

    return check


async def rate(
    server: LiveServer, hall: Seeded, window: str, level: int, reasons: list[str] | None = None
) -> tuple[dict[str, Any], dict[str, Any]]:
    kiosk = server.client(hall.kiosk_token)
    # the clerk stays signed in at the window, for as long as this server runs (kept on the
    # server itself: a module-wide cache by URL handed a later test, whose server had the
    # same port, a client closed with the earlier server)
    state = server.app.state
    if not hasattr(state, "signed_in_clerks"):
        state.signed_in_clerks = {}
    signed_in: dict[str, Any] = state.signed_in_clerks
    if window not in signed_in:
        signed_in[window] = await open_window(server, hall, window)
    clerk = signed_in[window]
    prefix = "A" if window == "1" else "B"
    ticket = await served(kiosk, clerk, hall.windows[window], hall.services[prefix])
    pad = server.client(hall.window_device_tokens[window])
    evaluation = await pad.evaluate(ticket["id"], level, reasons or [], comment=None)
    return ticket, evaluation


async def test_ratings_made_during_an_outage_arrive_exactly_once_after_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with reporting_hall(tmp_path, monkeypatch) as (server, hall, fake, clock):
        fake.set_mode("500")
        rated = [
            await rate(server, hall, window, level, ["态度不好"] if level <= 2 else [])
            for window, level in [("1", 5), ("2", 4), ("1", 1), ("2", 3), ("1", 2), ("2", 5)]
        ]
        keys = [f"H1-{evaluation['id']}-1" for _, evaluation in rated]
        supervisor = await server.login(hall.supervisor_no)
        bad = rated[2][0]
        (item,) = [
            r
            for r in (await supervisor.rectifications(hall_id=hall.hall_id))["items"]
            if r["ticket_id"] == bad["id"]
        ]
        await supervisor.rectify(item["id"], "约谈窗口人员")
        await supervisor.follow_up(item["id"], "phone", "认可", True)
        later = [f"{keys[2]}-rectification", f"{keys[2]}-followup"]
        expected = set(keys) | set(later)
        # the outage: every ticket's first record was tried and refused with 500
        await asyncio.to_thread(fake.wait_for, lambda p: set(keys) <= set(p.keys_received()))
        await until(settled(server, clock), "the first tries recorded")
        assert not fake.stored
        assert not set(later) & set(fake.keys_received()), "a ticket's records wait in order"
        # then every other way of failing, one request each, and the platform is back
        fake.set_mode("ok", "hang", "drop", "reset", "500", "drop")
        for _ in range(30):
            if set(fake.acked) >= expected:
                break
            clock.advance(7200)  # past any back-off
            await until(settled(server, clock), "a round of tries recorded")
        rows = outbox_rows(server.settings.resolved_database_url())
    assert set(fake.stored) == expected
    assert {k: fake.acked[k] for k in expected} == dict.fromkeys(expected, 1), (
        "each record acknowledged exactly once: never sent again after that"
    )
    assert not fake.bad_signatures
    assert {"500", "hang", "drop"} <= {r.mode for r in fake.received} and fake.resets >= 1
    assert [r["state"] for r in rows] == ["sent"] * len(expected)
    assert all(r["attempts"] >= 2 for r in rows if r["key"] in keys)
    order = [k for k in fake.keys_received() if k.startswith(keys[2])]
    firsts = sorted(set(order), key=order.index)
    assert firsts == [keys[2], *later], "rating, then 整改, then 回访"
    first = fake.stored[keys[0]].json()
    _ticket, evaluation = rated[0]
    rated_at = datetime.fromisoformat(evaluation["created_at"]).astimezone(SH)
    assert first == {
        "ratingId": f"H1-{evaluation['id']}",
        "times": 1,
        "caseNos": [],
        "itemCode": ITEM_CODES["A"],
        "itemName": "户籍办理",
        "channel": "4",
        "evaluatedAt": rated_at.strftime("%Y%m%dT%H%M%S"),
        "level": "1",
        "reasons": [],
        "text": "",
        "regionCode": "330106",
        "hallCode": "H1",
        "windowNo": "1",
        "staffNo": "H1-W1",
        "defaultRating": False,
    }
    assert fake.stored[keys[0]].headers["Idempotency-Key"] == keys[0]


async def test_a_refused_record_is_failed_with_the_answer_and_holds_its_ticket(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with reporting_hall(tmp_path, monkeypatch) as (server, hall, fake, clock):
        fake.set_mode("400")
        _ticket, evaluation = await rate(server, hall, "1", 1, ["等候太久"])
        key = f"H1-{evaluation['id']}-1"
        await asyncio.to_thread(fake.wait_for, lambda p: key in p.keys_received())
        supervisor = await server.login(hall.supervisor_no)
        (item,) = (await supervisor.rectifications(hall_id=hall.hall_id))["items"]
        await supervisor.rectify(item["id"], "加派窗口")
        fake.set_mode("ok")
        clock.advance(7200)
        await until(settled(server, clock), "the sender looked again")
        rows = outbox_rows(server.settings.resolved_database_url())
    assert [(r["kind"], r["state"]) for r in rows] == [
        ("rating", "failed"),
        ("rectification", "pending"),
    ]
    assert rows[0]["last_status"] == 400 and "事项编码不存在" in rows[0]["last_answer"]
    assert rows[0]["attempts"] == 1, "a refusal is not tried again by itself"
    assert fake.keys_received() == [key], "the 整改 record waits behind the refused rating"


async def test_the_zhejiang_style_profile_over_the_wire(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with zhejiang_hall(tmp_path, monkeypatch) as (server, hall, fake, _clock):
        _ticket, evaluation = await rate(server, hall, "2", 2, ["态度不好", "等候太久"])
        key = f"H1-{evaluation['id']}-1"
        await asyncio.to_thread(fake.wait_for, lambda p: key in p.acked)
    received = fake.stored[key]
    assert received.path == "/hcp/pj/report"
    assert received.headers["X-Api-Key"] == SECRET
    rated_at = datetime.fromisoformat(evaluation["created_at"]).astimezone(SH)
    assert received.json() == {
        "pjbh": f"H1-{evaluation['id']}",
        "pjcs": 1,
        "bjbh": "",
        "sxbm": ITEM_CODES["B"],
        "sxmc": "社保医保",
        "pjqd": "01",
        "pjsj": rated_at.strftime("%Y-%m-%d %H:%M:%S"),
        "myd": 2,
        "cpyy": "态度不好;等候太久",
        "wzpj": "",
        "xzqh": "330106",
        "dtbm": "H1",
        "ckbh": "2",
        "gzry": "H1-W2",
        "mrpj": "0",
        "sszt": "0",
        "sjly": "govqueue",
    }
    assert not fake.bad_signatures


async def test_a_hall_without_a_platform_writes_nothing(tmp_path: Path) -> None:
    clock = ManualClock(HALL_OPENING)
    async with start_server(tmp_path, clock, **FAST) as server:
        hall = await seed_hall(server)
        await rate(server, hall, "1", 1, ["态度不好"])
        rows = outbox_rows(server.settings.resolved_database_url())
    assert rows == []
