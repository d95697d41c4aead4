"""GET /platform/outbox (sent today, pending, the oldest one's age, failed with the answer), an
admin's retry and mark, and `govqueue hcp replay` of a period — through the real server."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from client.errors import ApiError
from server.cli.main import app
from server.domain.clock import ManualClock
from tests.helpers import seed_hall
from tests.outbox.helpers import admin_apply, hall_file, outbox_rows, platform_server
from tests.outbox.test_delivery import rate, reporting_hall, settled, until


def replay(db_url: str, *args: str, clock: ManualClock | None = None) -> tuple[int, str]:
    """`govqueue hcp replay`; it runs on the real clock, so the server's manual `clock` is
    moved past it (in a hall both read the same time)."""
    result = CliRunner().invoke(app, ["hcp", "replay", "--db", db_url, *args])
    if clock is not None:
        clock.set(max(clock.now(), datetime.now(UTC)) + timedelta(seconds=1))
    return result.exit_code, result.stdout + (result.stderr or "")


async def test_the_delivery_state_and_an_admins_retry_and_mark(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with reporting_hall(tmp_path, monkeypatch) as (server, hall, fake, clock):
        admin = server.admin
        supervisor = await server.login(hall.supervisor_no)
        _, sent = await rate(server, hall, "1", 5)
        await asyncio.to_thread(fake.wait_for, lambda p: f"H1-{sent['id']}-1" in p.acked)
        fake.set_mode("400")
        refused_ticket, refused = await rate(server, hall, "2", 4)
        await asyncio.to_thread(
            fake.wait_for, lambda p: f"H1-{refused['id']}-1" in p.keys_received()
        )
        await until(settled(server, clock), "the refusal recorded")
        fake.set_mode("500")
        _, waiting = await rate(server, hall, "1", 3)
        await until(settled(server, clock), "the 500 recorded")
        clock.advance(700)  # past the hall's 10 minutes: the oldest pending one is overdue
        await until(settled(server, clock), "the retry after 700 s recorded")

        state = await supervisor.platform_outbox()
        assert state.configured and state.profile == "gbt39046"
        assert state.profile_title == "GB/T 39046-2020 参考格式"
        assert (state.sent_today, state.pending) == (1, 1)
        assert state.oldest_pending_s == 700.0 and state.overdue
        assert [w.key for w in state.waiting] == [f"H1-{waiting['id']}-1"]
        assert state.waiting[0].last_status == 500
        (failed,) = state.failed
        assert failed.key == f"H1-{refused['id']}-1" and failed.kind == "rating"
        assert failed.ticket_number == refused_ticket["number"]
        assert (failed.last_status, failed.attempts) == (400, 1)
        assert failed.last_answer is not None and "事项编码不存在" in failed.last_answer

        with pytest.raises(ApiError) as denied:
            await supervisor.outbox_retry(failed.id)
        assert denied.value.status == 403
        fake.set_mode("ok")
        retried = await admin.outbox_retry(failed.id)
        assert retried.state == "pending" and retried.attempts == 0
        await asyncio.to_thread(fake.wait_for, lambda p: failed.key in p.acked)
        clock.advance(7200)
        await until(settled(server, clock), "everything sent")
        state = await admin.platform_outbox(hall.hall_id)
        assert (state.sent_today, state.pending, state.failed) == (3, 0, [])
        assert state.oldest_pending_s is None and not state.overdue

        with pytest.raises(ApiError) as settled_already:
            await admin.outbox_mark(failed.id, "已线下报送")
        assert settled_already.value.status == 409
        assert "已发送或已处理" in str(settled_already.value)
        with pytest.raises(ApiError) as missing:
            await admin.outbox_retry(99_999)
        assert missing.value.status == 404
        other = await seed_hall(server, code="H2")
        with pytest.raises(ApiError) as foreign:
            await supervisor.platform_outbox(other.hall_id)
        assert foreign.value.status == 403
        unconfigured = await admin.platform_outbox(other.hall_id)
        assert not unconfigured.configured and unconfigured.sent_today == 0


async def test_mark_settles_a_failed_record_and_lets_its_ticket_go_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with reporting_hall(tmp_path, monkeypatch) as (server, hall, fake, _clock):
        fake.set_mode("400")
        _, refused = await rate(server, hall, "1", 1, ["态度不好"])
        key = f"H1-{refused['id']}-1"
        await asyncio.to_thread(fake.wait_for, lambda p: key in p.keys_received())
        supervisor = await server.login(hall.supervisor_no)
        (item,) = (await supervisor.rectifications(hall_id=hall.hall_id))["items"]
        await supervisor.rectify(item["id"], "约谈")
        fake.set_mode("ok")
        (failed,) = (await server.admin.platform_outbox(hall.hall_id)).failed
        marked = await server.admin.outbox_mark(failed.id, "已在省平台手工补录")
        assert marked.state == "marked" and marked.handled_note == "已在省平台手工补录"
        await asyncio.to_thread(fake.wait_for, lambda p: f"{key}-rectification" in p.acked)
    assert key not in fake.acked, "a marked record is not sent"


async def test_replay_sends_a_period_again_with_the_same_keys(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with reporting_hall(tmp_path, monkeypatch) as (server, hall, fake, clock):
        db = server.settings.resolved_database_url()
        _, first = await rate(server, hall, "1", 5)
        _, bad = await rate(server, hall, "2", 2, ["等候太久"])
        supervisor = await server.login(hall.supervisor_no)
        (item,) = (await supervisor.rectifications(hall_id=hall.hall_id))["items"]
        await supervisor.rectify(item["id"], "增开窗口")
        keys = [f"H1-{first['id']}-1", f"H1-{bad['id']}-1", f"H1-{bad['id']}-1-rectification"]
        await asyncio.to_thread(fake.wait_for, lambda p: set(keys) <= set(p.acked))
        code, out = replay(
            db, "--from", "2026-11-26", "--to", "2026-11-26", "--hall", "H1", clock=clock
        )
        assert code == 0, out
        assert "大厅 H1：2026-11-26 至 2026-11-26 重新排队 3 条记录，新写入 0 条" in out
        await asyncio.to_thread(fake.wait_for, lambda p: all(p.acked[k] == 2 for k in keys))
        code, out = replay(db, "--from", "2026-11-27", "--to", "2026-11-30")
        assert code == 0 and "重新排队 0 条" in out
        code, out = replay(db, "--from", "2026-11-30", "--to", "2026-11-01")
        assert code == 2 and "--from（2026-11-30）不能晚于 --to（2026-11-01）" in out
        code, out = replay(db, "--from", "11/26", "--to", "2026-11-30")
        assert code == 2 and "--from 应是日期 YYYY-MM-DD" in out
        code, out = replay(db, "--from", "2026-11-26", "--to", "2026-11-26", "--hall", "NONE")
        assert code == 1 and "没有配置好差评平台" in out
    assert sorted(fake.stored) == sorted(keys)
    order = [k for k in fake.keys_received() if k.startswith(keys[1])]
    assert order == [keys[1], keys[2], keys[1], keys[2]], "in order, the first time and again"


async def test_replay_writes_what_was_rated_before_the_hall_reported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with platform_server(tmp_path, monkeypatch) as (server, fake, url, clock):
        hall = await seed_hall(server)
        db = server.settings.resolved_database_url()
        _, before = await rate(server, hall, "1", 1, ["态度不好"])
        supervisor = await server.login(hall.supervisor_no)
        (item,) = (await supervisor.rectifications(hall_id=hall.hall_id))["items"]
        await supervisor.rectify(item["id"], "约谈")
        assert outbox_rows(db) == []
        admin_apply(hall_file(tmp_path, url), db)
        code, out = replay(db, "--from", "2026-11-26", "--to", "2026-11-26", clock=clock)
        assert code == 0 and "重新排队 0 条记录，新写入 2 条" in out
        await supervisor.follow_up(item["id"], "phone", "认可", True)
        key = f"H1-{before['id']}-1"
        everything = [key, f"{key}-rectification", f"{key}-followup"]
        await asyncio.to_thread(fake.wait_for, lambda p: set(everything) <= set(p.acked))
    assert fake.keys_received() == everything


async def test_a_later_record_brings_the_ones_before_it_first(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Rated and rectified before the hall reported; the 回访 after: rating, 整改, 回访."""
    async with platform_server(tmp_path, monkeypatch) as (server, fake, url, _clock):
        hall = await seed_hall(server)
        _, before = await rate(server, hall, "1", 2, ["等候太久"])
        supervisor = await server.login(hall.supervisor_no)
        (item,) = (await supervisor.rectifications(hall_id=hall.hall_id))["items"]
        await supervisor.rectify(item["id"], "增开窗口")
        admin_apply(hall_file(tmp_path, url), server.settings.resolved_database_url())
        await supervisor.follow_up(item["id"], "phone", "认可", True)
        key = f"H1-{before['id']}-1"
        everything = [key, f"{key}-rectification", f"{key}-followup"]
        await asyncio.to_thread(fake.wait_for, lambda p: set(everything) <= set(p.acked))
    assert fake.keys_received() == everything


async def test_a_backlog_past_the_halls_minutes_and_a_failure_raise_alerts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from server.watch import watch_once

    async with reporting_hall(tmp_path, monkeypatch) as (server, hall, fake, clock):
        supervisor = await server.login(hall.supervisor_no)

        async def alerts() -> dict[str, dict[str, object]]:
            found = await supervisor.request("GET", "/alerts", params={"hall_id": hall.hall_id})
            return {a["kind"]: a for a in found["items"] if a["kind"].startswith("platform")}

        fake.set_mode("500")
        await rate(server, hall, "1", 5)
        await until(settled(server, clock), "the first try recorded")
        clock.advance(9 * 60)
        await watch_once(server.runtime)
        assert await alerts() == {}, "9 minutes: within the hall's 10"
        clock.advance(2 * 60)
        await until(settled(server, clock), "the next try recorded")
        await watch_once(server.runtime)
        backlog = (await alerts())["platform_backlog"]
        assert backlog["subject"] == f"hall:{hall.hall_id}" and backlog["level"] == "bad"
        assert "好差评记录已 11 分钟未能上报到平台（超过 10 分钟）" in str(backlog["text"])
        fake.set_mode("400")
        clock.advance(3600)
        await until(settled(server, clock), "refused")
        await watch_once(server.runtime)
        now = await alerts()
        assert now["platform_backlog"]["resolved_at"] is not None, "nothing waits any more"
        assert "上报失败" in str(now["platform_failed"]["text"])
        (failed,) = (await server.admin.platform_outbox(hall.hall_id)).failed
        await server.admin.outbox_mark(failed.id, "已手工补录")
        await watch_once(server.runtime)
        assert (await alerts())["platform_failed"]["resolved_at"] is not None
