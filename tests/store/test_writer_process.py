"""The writer in a process of its own (SQLite's default): the same answers, instants and
guarantees as the thread, through a real server; a killed writer process is a 503, never a
lost or hanging write."""

from __future__ import annotations

import asyncio
import os
import signal
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

import httpx
import psutil
import pytest

from server.app import WRITER_IMPORTS
from server.commands.queue_counts import publish_queue_counts
from server.domain.clock import ManualClock
from server.store import migrate
from server.store.failures import WriterStopped
from server.store.job import ForeignJob, call
from server.store.writer_child import instant_bytes, instant_from
from server.store.writer_process import WriterProcess
from tests.helpers import HALL_OPENING, seed_hall, start_server

pytestmark = pytest.mark.skipif(
    bool(os.environ.get("GOVQUEUE_TEST_POSTGRES")), reason="the writer process is SQLite's"
)


@pytest.fixture(params=[False, True], ids=["own-program", "forkserver"])
def forkserver(request: pytest.FixtureRequest) -> bool:
    """Both ways to start the writer process (writer_launch.py)."""
    return bool(request.param)


async def test_tickets_are_issued_by_the_writer_process_at_the_servers_instants(
    tmp_path: Path, forkserver: bool
) -> None:
    clock = ManualClock(HALL_OPENING)
    async with start_server(tmp_path, clock, writer_forkserver=forkserver) as server:
        writer = server.runtime.writer
        assert isinstance(writer, WriterProcess)
        assert writer.pid is not None and writer.pid != os.getpid()
        assert writer.pid in {p.pid for p in psutil.Process().children(recursive=True)}
        seeded = await seed_hall(server)  # written by the child: it is running
        child = psutil.Process(writer.pid)
        assert child.name() == "govqueue-writer"  # what ps and top show
        parent = psutil.Process(child.ppid())
        if forkserver:
            assert parent.ppid() == os.getpid(), "this process's forkserver forked it"
        else:
            assert parent.pid == os.getpid(), "the server started it (no forkserver between)"
        kiosk = server.client(seeded.kiosk_token)
        clock.advance(90)
        tickets = await asyncio.gather(
            *(kiosk.issue_ticket(seeded.services["A"]) for _ in range(40))
        )
        assert sorted(t["number"] for t in tickets) == [f"A{n:03d}" for n in range(1, 41)]
        issued = {t["issued_at"] for t in tickets}
        assert len(issued) == 1
        assert issued.pop().replace("Z", "+00:00").startswith(clock.now().isoformat()[:19]), (
            "the instant is the server's clock when the request handed the job over"
        )
        assert writer.jobs >= 40 and writer.batches < writer.jobs, "jobs were batched"


async def test_a_service_edit_is_seen_by_the_servers_reads_at_once(tmp_path: Path) -> None:
    async with start_server(tmp_path, ManualClock(HALL_OPENING), writer_forkserver=False) as server:
        seeded = await seed_hall(server)
        service_id = seeded.services["A"]
        before = await server.admin.services(seeded.hall_id)  # cached here now
        assert next(s for s in before if s["id"] == service_id)["open_now"]
        await server.admin.request(
            "PATCH", f"/admin/services/{service_id}", json={"enabled": False}
        )
        after = await server.admin.services(seeded.hall_id)
        edited = next(s for s in after if s["id"] == service_id)
        assert edited["enabled"] is False
        assert edited["open_now"] is False, "the server's catalog forgot the edited service"


async def test_a_job_that_is_not_a_command_or_does_not_pickle_is_refused_clearly(
    tmp_path: Path,
) -> None:
    async with start_server(tmp_path, ManualClock(HALL_OPENING), writer_forkserver=False) as server:
        with pytest.raises(ForeignJob, match=r"only module-level functions of server\.commands"):
            await server.runtime.write(lambda tx: None)
        with pytest.raises(ForeignJob, match=r"tests\.helpers\.seed_hall is not one"):
            await server.runtime.write(call(seed_hall, server))  # type: ignore[arg-type]
        with pytest.raises(TypeError, match="must pickle"):
            await server.runtime.write(call(publish_queue_counts, [threading.Lock()]))  # type: ignore[list-item]
        assert server.runtime.writer.alive


async def test_a_killed_writer_process_makes_writes_503_and_loses_no_acknowledged_ticket(
    tmp_path: Path, forkserver: bool
) -> None:
    async with start_server(
        tmp_path, ManualClock(HALL_OPENING), writer_forkserver=forkserver
    ) as server:
        seeded = await seed_hall(server)
        writer = server.runtime.writer
        assert isinstance(writer, WriterProcess) and writer.pid is not None
        issue = {
            "json": {"service_id": seeded.services["A"]},
            "headers": {"Authorization": f"Bearer {seeded.kiosk_token}"},
        }
        acknowledged: list[str] = []
        refused: list[int] = []
        async with httpx.AsyncClient(base_url=server.base_url + "/api/v1") as http:

            async def kiosk() -> None:
                while True:
                    response = await http.post("/tickets", **issue)
                    if response.status_code != 201:
                        refused.append(response.status_code)
                        return
                    acknowledged.append(response.json()["number"])

            kiosks = [asyncio.create_task(kiosk()) for _ in range(8)]
            while len(acknowledged) < 60:
                await asyncio.sleep(0.005)
            os.kill(writer.pid, signal.SIGKILL)  # in the middle of the rush
            started = time.monotonic()
            await asyncio.wait_for(asyncio.gather(*kiosks), 10)
            assert time.monotonic() - started < 5, "the waiting callers were answered at once"
            assert refused == [503] * 8
            health = await http.get("/health")
            assert health.status_code == 503 and health.json()["code"] == "writer_stopped"
            assert not writer.alive
            # what was acknowledged was committed: the reads (another connection) see it
            listed = await server.admin.ticket_records(seeded.hall_id, limit=10_000)
        stored = {r["number"] for r in listed["items"]}
        assert set(acknowledged) <= stored, "an acknowledged ticket was lost"


async def test_stopping_answers_every_job_already_handed_over(
    tmp_path: Path, forkserver: bool
) -> None:
    async with start_server(
        tmp_path, ManualClock(HALL_OPENING), writer_forkserver=forkserver
    ) as server:
        seeded = await seed_hall(server)
        writer = server.runtime.writer
        assert isinstance(writer, WriterProcess)
        jobs = [
            asyncio.ensure_future(writer.run(call(publish_queue_counts, [seeded.hall_id])))
            for _ in range(30)
        ]
        await asyncio.sleep(0)  # each has sent its job and waits for the answer
        writer.stop()  # the child answers what it was given; stop reads those answers
        answers = await asyncio.gather(*jobs, return_exceptions=True)
        assert not [a for a in answers if isinstance(a, BaseException)]
        assert writer.jobs >= 30 and not writer.alive
        with pytest.raises(WriterStopped):
            await writer.run(call(publish_queue_counts, [seeded.hall_id]))


async def test_a_writer_process_that_cannot_start_is_an_error_at_start_and_leaves_nothing(
    tmp_path: Path, forkserver: bool
) -> None:
    url = f"sqlite:///{tmp_path / 'govqueue.db'}"
    migrate.upgrade(url)
    clock = ManualClock(HALL_OPENING)
    if forkserver:  # the forkserver (and its fds, its children) runs before what is counted
        started = WriterProcess(
            url, clock, lambda events: None, imports=WRITER_IMPORTS, forkserver=True
        )
        started.start()
        started.stop()
    me = psutil.Process()
    fds, children = set(os.listdir("/proc/self/fd")), set(me.children(recursive=True))
    writer = WriterProcess(
        url, clock, lambda events: None, imports=["server.no_such_module"], forkserver=forkserver
    )
    with pytest.raises(RuntimeError, match="writer process exited with code 1 before it was ready"):
        writer.start()
    assert not writer.alive and writer.pid is None
    assert not set(os.listdir("/proc/self/fd")) - fds, "the pipes were closed"
    assert not set(me.children(recursive=True)) - children, "the child was waited for"
    with pytest.raises(WriterStopped):
        await writer.run(call(publish_queue_counts, [1]))


@pytest.mark.parametrize(
    "at",
    [
        datetime(2026, 11, 29, 1, 2, 3, 999_999, tzinfo=UTC),
        datetime(1969, 12, 31, 23, 59, 59, 1, tzinfo=UTC),
        datetime(2099, 1, 1, tzinfo=UTC),
    ],
)
def test_a_jobs_instant_crosses_the_pipe_to_the_microsecond(at: datetime) -> None:
    again = instant_from(instant_bytes(at))
    assert again == at and again.tzinfo is UTC
