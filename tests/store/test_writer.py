"""The group-commit writer: jobs of one batch commit together; a refused job leaves no trace."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy.exc import OperationalError
from sqlmodel import Session, col, select

from client.events import NoticeUpdated
from server.commands.queue_counts import publish_queue_counts
from server.domain.clock import ManualClock
from server.domain.errors import Conflict
from server.store.engine import make_engine
from server.store.failures import JobCrashed, StoreBusy, WriterStopped
from server.store.job import Call, ForeignJob, call
from server.store.tables import Event, Hall
from server.store.transaction import CommittedEvent, Tx
from server.store.writer.group_commit import MAX_ATTEMPTS, Writer
from server.store.writer.settling import Publisher
from tests.helpers import HALL_OPENING, migrated_database


class Published(list[CommittedEvent]):
    """The events the writer published, and a way to wait for them (it publishes on the
    loop once the commit is durable)."""

    def __init__(self) -> None:
        super().__init__()
        self.grew = asyncio.Event()

    def __call__(self, events: list[CommittedEvent]) -> None:
        self.extend(events)
        self.grew.set()

    async def wait_for(self, count: int) -> None:
        async with asyncio.timeout(10):
            while len(self) < count:
                self.grew.clear()
                await self.grew.wait()


def add_hall(tx: Tx, code: str, fail: bool = False) -> str:
    hall = Hall(code=code, name=code, created_at=tx.now)
    tx.session.add(hall)
    tx.session.flush()
    tx.lock_hall(hall.id or 0)
    tx.emit(hall.id or 0, NoticeUpdated(text=code))
    if fail:
        raise Conflict(f"{code} refused after writing")
    return code


def make_hall(code: str, fail: bool = False) -> Call[str]:
    return call(add_hall, code, fail)


def make_writer(url: str, publish: Publisher = lambda _: None) -> Writer:
    """The thread writer on `url`, running this module's jobs."""
    writer = Writer(make_engine(url, writer=True), ManualClock(HALL_OPENING), publish)
    writer.jobs_from += (__name__,)
    return writer


def crashing(tx: Tx, crash: BaseException) -> str:
    add_hall(tx, "X")
    raise crash


def unlucky(tx: Tx, failures: Iterator[Exception]) -> str:
    add_hall(tx, "U")
    if (error := next(failures, None)) is not None:
        raise error
    return "U"


def hopeless(tx: Tx) -> None:
    raise sqlstate_error("40P01")


@pytest.mark.parametrize("batch_size", [1, 5])
async def test_a_refused_job_is_rolled_back_alone(tmp_path: Path, batch_size: int) -> None:
    url = migrated_database(tmp_path)
    published = Published()
    writer = make_writer(url, published)
    codes = [f"H{i}" for i in range(batch_size)]
    failing = codes[len(codes) // 2]
    # queued before the writer starts, so they are taken as one batch
    futures = [asyncio.ensure_future(writer.run(make_hall(c, fail=c == failing))) for c in codes]
    await asyncio.sleep(0)
    writer.start()
    results = await asyncio.gather(*futures, return_exceptions=True)
    writer.stop()
    assert writer.batches == 1 and writer.jobs == batch_size
    for code, result in zip(codes, results, strict=True):
        if code == failing:
            assert isinstance(result, Conflict)
        else:
            assert result == code
    with Session(make_engine(url)) as session:
        stored = set(session.exec(select(Hall.code)))
        events = list(session.exec(select(Event).order_by(col(Event.id))))
    assert stored == set(codes) - {failing}
    assert sorted(e.data["text"] for e in events) == sorted(set(codes) - {failing})
    await published.wait_for(len(codes) - 1)  # published on the loop after the commit
    assert sorted(e.data["text"] for e in published) == sorted(set(codes) - {failing})


def sqlstate_error(sqlstate: str) -> OperationalError:
    """What SQLAlchemy raises when PostgreSQL rolls a transaction back (deadlock …)."""

    class Orig(Exception):
        pass

    orig = Orig("deadlock detected")
    orig.sqlstate = sqlstate  # type: ignore[attr-defined]
    return OperationalError("UPDATE hall …", {}, orig)


@pytest.mark.parametrize("crash", [SystemExit(3), KeyboardInterrupt(), GeneratorExit()])
@pytest.mark.parametrize("batch_size", [1, 4])
async def test_a_job_raising_a_base_exception_is_refused_and_the_writer_goes_on(
    tmp_path: Path, crash: BaseException, batch_size: int
) -> None:
    url = migrated_database(tmp_path)
    writer = make_writer(url)

    codes = [f"H{i}" for i in range(batch_size - 1)]
    futures = [asyncio.ensure_future(writer.run(make_hall(c))) for c in codes]
    futures.append(asyncio.ensure_future(writer.run(call(crashing, crash))))
    await asyncio.sleep(0)
    writer.start()
    results = await asyncio.wait_for(asyncio.gather(*futures, return_exceptions=True), 10)
    assert results[:-1] == codes
    assert isinstance(results[-1], JobCrashed)
    assert writer.alive
    assert await writer.run(make_hall("after")) == "after"  # the thread took the next job
    writer.stop()
    with Session(make_engine(url)) as session:
        assert set(session.exec(select(Hall.code))) == {*codes, "after"}


async def test_a_batch_rolled_back_by_the_database_is_run_again(tmp_path: Path) -> None:
    url = migrated_database(tmp_path)
    published = Published()
    writer = make_writer(url, published)
    failures = iter([sqlstate_error("40P01"), sqlstate_error("40001"), sqlstate_error("55P03")])

    futures = [
        asyncio.ensure_future(writer.run(make_hall("A"))),
        asyncio.ensure_future(writer.run(call(unlucky, failures))),
    ]
    await asyncio.sleep(0)
    writer.start()
    assert await asyncio.gather(*futures) == ["A", "U"]
    writer.stop()
    assert writer.batches == 1 and writer.retries == 3
    with Session(make_engine(url)) as session:
        assert sorted(session.exec(select(Hall.code))) == ["A", "U"]  # once each
    await published.wait_for(2)
    assert sorted(e.data["text"] for e in published) == ["A", "U"]


async def test_a_batch_that_keeps_failing_gets_a_busy_error_not_a_hang(tmp_path: Path) -> None:
    url = migrated_database(tmp_path)
    writer = make_writer(url)

    writer.start()
    with pytest.raises(StoreBusy, match="数据库繁忙"):
        await writer.run(call(hopeless))
    assert writer.retries == MAX_ATTEMPTS
    assert await writer.run(make_hall("next")) == "next"
    writer.stop()


async def test_when_the_writer_thread_dies_writes_fail_at_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = migrated_database(tmp_path)
    writer = make_writer(url)
    gate = threading.Event()
    real_take = writer._take
    calls = 0

    def take_then_break() -> object:
        nonlocal calls
        calls += 1
        if calls == 1:
            return real_take()
        gate.wait(5)
        raise MemoryError("simulated: the thread's own code fails")

    monkeypatch.setattr(writer, "_take", take_then_break)
    writer.start()
    assert await writer.run(make_hall("A")) == "A" and writer.alive
    queued = asyncio.ensure_future(writer.run(make_hall("B")))
    await asyncio.sleep(0)  # B is queued (run puts it before it awaits its answer)
    assert writer._queue.qsize() == 1 and not queued.done()
    gate.set()
    with pytest.raises(WriterStopped, match="数据写入已停止"):
        await asyncio.wait_for(queued, 5)  # queued before it died: failed, not forgotten
    assert not writer.alive
    started = asyncio.get_running_loop().time()
    with pytest.raises(WriterStopped):
        await writer.run(make_hall("C"))
    assert asyncio.get_running_loop().time() - started < 1


async def test_a_job_that_is_not_a_command_is_refused_before_it_runs(tmp_path: Path) -> None:
    url = migrated_database(tmp_path)
    writer = Writer(make_engine(url, writer=True), ManualClock(HALL_OPENING), lambda _: None)
    writer.start()
    outside = r"tests\.store\.test_writer\.add_hall is not one \(move the job to server/commands/"
    with pytest.raises(ForeignJob, match=outside):
        await writer.run(make_hall("X"))
    with pytest.raises(ForeignJob, match="<lambda>"):
        await writer.run(lambda tx: add_hall(tx, "Y"))
    with pytest.raises(ForeignJob, match="<locals>"):  # a command's own inner function
        await writer.run(call(local_command_of(publish_queue_counts)))
    await writer.run(call(publish_queue_counts, []))  # a command runs
    assert writer.jobs == 1 and writer.alive
    writer.stop()
    with Session(make_engine(url)) as session:
        assert list(session.exec(select(Hall.code))) == []


def local_command_of(fn: Callable[..., None]) -> Callable[[Tx], None]:
    """A function defined inside another one, posing as `fn`'s module's."""

    def inner(tx: Tx) -> None:
        fn(tx, [])

    inner.__module__ = fn.__module__
    return inner
