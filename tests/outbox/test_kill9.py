"""kill -9 of a real server process in the middle of sending 好差评 records: after the restart
nothing is lost and nothing is doubled — what the platform never answered is sent again with
the same key, what it acknowledged is never sent again."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
from pathlib import Path
from typing import Any

import pytest

from client.rest import ApiClient
from server.domain.clock import SystemClock
from server.settings import Settings
from tests.helpers import (
    ADMIN_NO,
    ADMIN_PASSWORD,
    LiveServer,
    Seeded,
    migrated_database,
    open_window,
    seed_hall,
)
from tests.outbox.fake_platform import FakePlatform
from tests.outbox.helpers import KEY_ENV, SECRET, admin_apply, hall_file, outbox_rows, served
from tests.processes import start_server_process, stop_server_processes

ENV = {
    KEY_ENV: SECRET,
    "GOVQUEUE_OUTBOX_POLL_S": "0.05",
    "GOVQUEUE_OUTBOX_TIMEOUT_S": "30",  # the held requests below are not timed out
    "GOVQUEUE_OUTBOX_BACKOFF_BASE_S": "0.2",
    "GOVQUEUE_OUTBOX_BACKOFF_CAP_S": "1",
}


class Hall:
    """The seeded hall of one server process, and a way to rate a ticket on it."""

    def __init__(self, base: str, admin: ApiClient) -> None:
        self.live = LiveServer(base, SystemClock(), Settings(), admin, app=None)  # type: ignore[arg-type]
        self.seeded: Seeded | None = None

    async def rate(self, window: str, level: int) -> str:
        """A ticket served at `window` and rated `level`: its rating's idempotency key."""
        assert self.seeded is not None
        hall, live = self.seeded, self.live
        clerk = await open_window(live, hall, window)
        prefix = "A" if window == "1" else "B"
        ticket = await served(
            live.client(hall.kiosk_token), clerk, hall.windows[window], hall.services[prefix]
        )
        await clerk.window_action(hall.windows[window], "close")
        pad = live.client(hall.window_device_tokens[window])
        evaluation = await pad.evaluate(ticket["id"], level, ["态度不好"] if level < 3 else [])
        return f"H1-{evaluation['id']}-1"

    async def close(self) -> None:
        for client in self.live.clients:
            await client.aclose()
        await self.live.admin.aclose()


async def serving(url: str, tmp_path: Path) -> tuple[subprocess.Popen[bytes], Hall]:
    proc, base = await start_server_process(url, tmp_path, extra_env=ENV)
    admin = ApiClient(base)
    await admin.login(ADMIN_NO, ADMIN_PASSWORD)
    return proc, Hall(base, admin)


def kill_9(proc: subprocess.Popen[bytes]) -> None:
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(10)


async def seen(fake: FakePlatform, condition: Any) -> None:
    await asyncio.to_thread(fake.wait_for, condition)


@pytest.mark.slow
async def test_kill_9_mid_send_loses_and_doubles_nothing(tmp_path: Path) -> None:
    url = migrated_database(tmp_path)
    fake = FakePlatform(SECRET)
    platform_url = fake.start()
    procs: list[subprocess.Popen[bytes]] = []
    try:
        # 1. the platform holds the first record without answering; the server dies mid-send
        proc, hall = await serving(url, tmp_path)
        procs.append(proc)
        hall.seeded = seeded = await seed_hall(hall.live)
        admin_apply(hall_file(tmp_path, platform_url), url)
        fake.set_mode("hang")
        unanswered = [await hall.rate("1", 5), await hall.rate("2", 1), await hall.rate("1", 4)]
        await seen(fake, lambda p: unanswered[0] in p.keys_received())
        kill_9(proc)
        await hall.close()
        fake.set_mode("ok")
        fake.release()
        # 2. after the restart: sent again with the same key, the rest after it
        proc, hall = await serving(url, tmp_path)
        procs.append(proc)
        hall.seeded = seeded
        await seen(fake, lambda p: set(unanswered) <= set(p.acked))
        assert fake.times_received(unanswered[0]) == 2, "the held one again, same key"
        # 3. the platform acknowledges but the answer never arrives whole: killed again
        fake.set_mode("ack_hang")
        lost_answer = await hall.rate("2", 2)
        await seen(fake, lambda p: p.acked[lost_answer] == 1)
        kill_9(proc)
        await hall.close()
        fake.set_mode("ok")
        fake.release()
        proc, hall = await serving(url, tmp_path)
        procs.append(proc)
        hall.seeded = seeded
        await seen(fake, lambda p: p.acked[lost_answer] == 2)
        # 4. one more rating: by the time it arrives, everything before it was looked at
        last = await hall.rate("1", 3)
        await seen(fake, lambda p: last in p.acked)
        await hall.close()
    finally:
        stop_server_processes(procs)
        fake.stop()
    everything = [*unanswered, lost_answer, last]
    assert sorted(fake.stored) == sorted(everything), "nothing lost, nothing extra"
    assert [fake.times_received(k) for k in everything] == [2, 1, 1, 2, 1], (
        "only the two in flight at a kill were sent twice; nothing acknowledged went again"
    )
    assert not fake.bad_signatures
    rows = outbox_rows(url)
    assert [(r["key"], r["state"]) for r in rows] == [(k, "sent") for k in everything]
