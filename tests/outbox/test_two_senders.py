"""Two `govqueue serve` processes on one PostgreSQL database, each with its sender thread:
every 好差评 record rated through either of them reaches the platform exactly once — the
claims (a lease, `FOR UPDATE SKIP LOCKED`) never let both post the same record."""

from __future__ import annotations

import asyncio
import os
import subprocess
from pathlib import Path

import pytest

from tests.helpers import migrated_database, seed_hall
from tests.outbox.fake_platform import FakePlatform
from tests.outbox.helpers import SECRET, admin_apply, hall_file
from tests.outbox.test_kill9 import Hall, serving
from tests.processes import stop_server_processes

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not os.environ.get("GOVQUEUE_TEST_POSTGRES"),
        reason="several server processes share a database on PostgreSQL",
    ),
]


async def test_two_server_processes_send_each_record_once(tmp_path: Path) -> None:
    url = migrated_database(tmp_path)
    fake = FakePlatform(SECRET)
    platform_url = fake.start()
    procs: list[subprocess.Popen[bytes]] = []
    halls: list[Hall] = []
    try:
        for _ in range(2):
            proc, hall = await serving(url, tmp_path)
            procs.append(proc)
            halls.append(hall)
        seeded = await seed_hall(halls[0].live)
        for hall in halls:
            hall.seeded = seeded
        admin_apply(hall_file(tmp_path, platform_url), url)
        keys = [await halls[n % 2].rate("1" if n % 4 < 2 else "2", 1 + n % 5) for n in range(10)]
        await asyncio.to_thread(fake.wait_for, lambda p: set(keys) <= set(p.acked))
        for hall in halls:
            await hall.close()
    finally:
        stop_server_processes(procs)
        fake.stop()
    assert sorted(fake.stored) == sorted(keys)
    assert {k: fake.times_received(k) for k in keys} == dict.fromkeys(keys, 1), (
        "no record was posted by both processes"
    )
    assert not fake.bad_signatures
