"""Lock order: every change locks its hall first; batches of two writers (two processes)
that need two halls in opposite orders both commit, without a deadlock."""

from __future__ import annotations

import asyncio
import os
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import text

from client.events import NoticeUpdated
from server.commands.admin import create_hall
from server.domain.clock import ManualClock
from server.store.engine import make_engine
from server.store.job import Call, call
from server.store.transaction import Tx, transaction
from server.store.writer.group_commit import Writer
from tests.helpers import HALL_OPENING, migrated_database


async def test_emit_requires_the_hall_lock_first(tmp_path: Path) -> None:
    engine = make_engine(migrated_database(tmp_path), writer=True)
    with (
        pytest.raises(RuntimeError, match="lock_hall"),
        transaction(engine, ManualClock(HALL_OPENING)) as tx,
    ):
        hall = create_hall(tx, "L", "锁", "Asia/Shanghai")
        tx.emit(hall.id or 0, NoticeUpdated(text="L"))
    engine.dispose()


def touch_hall(
    tx: Tx,
    name: str,
    hall_id: int,
    hold: bool,
    both_hold_one: threading.Barrier,
    waited: set[str],
    pause: float,
) -> str:
    """Writer `name`'s job on a hall; with `hold`, its first attempt waits until the other
    writer holds its own first hall; with `pause`, it waits that long before it asks."""
    time.sleep(pause)
    tx.lock_hall(hall_id)
    tx.emit(hall_id, NoticeUpdated(text=name))
    if hold and name not in waited:
        waited.add(name)
        both_hold_one.wait()
    return f"{name}{hall_id}"


@pytest.mark.skipif(
    not os.environ.get("GOVQUEUE_TEST_POSTGRES"), reason="row locks across processes"
)
@pytest.mark.parametrize("b_pause", [0.0, 0.7], ids=["at-once", "b-slow"])
async def test_batches_taking_two_halls_in_opposite_orders_both_commit(
    tmp_path: Path, b_pause: float
) -> None:
    """b-slow: b asks for its second hall only after a has given way more than once (a loaded
    machine: the test failed so on one, a retried twice) — a's second attempt must take both
    halls in order, the one it gave up on included, and so wait for b instead of again
    giving way (200 ms each)."""
    url = migrated_database(tmp_path)
    clock = ManualClock(HALL_OPENING)
    setup = make_engine(url, writer=True)
    with transaction(setup, clock) as tx:
        low, high = (create_hall(tx, code, code, "Asia/Shanghai").id or 0 for code in "LH")
    writers = {name: Writer(make_engine(url, writer=True), clock, lambda _: None) for name in "ab"}
    for writer in writers.values():
        writer.jobs_from += (__name__,)
    both_hold_one = threading.Barrier(2, timeout=10)
    waited: set[str] = set()

    def touch(name: str, hall_id: int, *, hold: bool = False) -> Call[str]:
        pause = b_pause if name == "b" and not hold else 0.0
        return call(touch_hall, name, hall_id, hold, both_hold_one, waited, pause)

    # writer a: high then low; writer b: low then high, each as one batch
    plans = {"a": (high, low), "b": (low, high)}
    futures = [
        asyncio.ensure_future(writers[name].run(touch(name, hall_id, hold=i == 0)))
        for name, halls in plans.items()
        for i, hall_id in enumerate(halls)
    ]
    await asyncio.sleep(0)
    for writer in writers.values():
        writer.start()
    results = await asyncio.wait_for(asyncio.gather(*futures), 30)
    for writer in writers.values():
        writer.stop()
    assert results == [f"a{high}", f"a{low}", f"b{low}", f"b{high}"]
    assert writers["a"].retries == 1 and writers["b"].retries == 0  # a gave way, then retried
    with setup.connect() as conn:
        seqs = conn.execute(text("select hall_id, seq from event order by hall_id, seq")).all()
        deadlocks = conn.execute(
            text("select deadlocks from pg_stat_database where datname = current_database()")
        ).scalar()
    assert sorted(seqs) == [(low, 1), (low, 2), (high, 1), (high, 2)]
    assert deadlocks == 0, "the database had to break a deadlock"
    setup.dispose()
