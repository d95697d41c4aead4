"""The writer in a process of its own (SQLite's default): the same answers, instants and
guarantees as the thread, through a real server; a killed writer process is a 503, never a
lost or hanging write."""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import threading
from datetime import UTC, datetime
from pathlib import Path

import httpx
import psutil
import pytest

from client.errors import ApiError
from client.events import TicketIssued
from client.live import LiveFeed
from client.rest import ApiClient, tls_context
from client.wire import LiveMessage, SnapshotMessage
from server.app import WRITER_IMPORTS
from server.commands.queue_counts import publish_queue_counts
from server.domain.clock import ManualClock
from server.store import migrate
from server.store.failures import WriterStopped
from server.store.job import ForeignJob, call
from server.store.writer.child import instant_bytes, instant_from
from server.store.writer.process import WriterProcess
from server.store.writer.supervisor import EXIT_CODE
from tests.helpers import (
    ADMIN_NO,
    ADMIN_PASSWORD,
    HALL_OPENING,
    migrated_database,
    seed_hall,
    start_server,
)
from tests.processes import start_server_process

pytestmark = pytest.mark.skipif(
    bool(os.environ.get("GOVQUEUE_TEST_POSTGRES")), reason="the writer process is SQLite's"
)


@pytest.fixture(params=[False, True], ids=["own-program", "forkserver"])
def forkserver(request: pytest.FixtureRequest) -> bool:
    """Both ways to start the writer process (writer/launch.py)."""
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


async def test_a_killed_writer_process_is_restarted_and_no_ticket_is_lost_doubled_or_unseen(
    tmp_path: Path, forkserver: bool, caplog: pytest.LogCaptureFixture
) -> None:
    """kill -9 of the writer in the middle of eight kiosks' rush: the callers waiting get 503
    writer_stopped with an honest Retry-After, the server starts a new writer at once, the
    kiosks' retries with the same request_id get their tickets (none twice, none lost), and
    a screen following the feed sees every ticket issued."""
    async with start_server(
        tmp_path, ManualClock(HALL_OPENING), writer_forkserver=forkserver
    ) as server:
        seeded = await seed_hall(server)
        writer = server.runtime.writer
        assert isinstance(writer, WriterProcess) and writer.pid is not None
        old_pid = writer.pid
        headers = {"Authorization": f"Bearer {seeded.kiosk_token}"}
        acknowledged: dict[str, str] = {}  # request_id -> number
        answers: list[tuple[int, str, str | None]] = []  # (status, code, Retry-After)
        seen: list[str] = []
        feed = LiveFeed(
            server.base_url,
            hall_id=seeded.hall_id,
            token=seeded.display_token,
            reconnect_delay=0.05,
        )

        snapshot = asyncio.Event()

        async def screen() -> None:
            async for message in feed:
                if isinstance(message, SnapshotMessage):
                    snapshot.set()
                if isinstance(message, LiveMessage) and isinstance(message.data, TicketIssued):
                    seen.append(message.data.number)

        screen_task = asyncio.create_task(screen())
        # from its first snapshot on, the screen is owed every ticket.issued
        await asyncio.wait_for(snapshot.wait(), 10)
        with caplog.at_level(logging.WARNING, logger="govqueue.writer"):
            async with httpx.AsyncClient(
                verify=tls_context(), base_url=server.base_url + "/api/v1"
            ) as http:

                async def kiosk(k: int) -> None:
                    for n in range(25):
                        request_id = f"kiosk{k}-press{n:03d}"
                        body = {"service_id": seeded.services["A"], "request_id": request_id}
                        while True:  # as the kiosk app: the same key until it has its ticket
                            response = await http.post("/tickets", json=body, headers=headers)
                            if response.status_code in (200, 201):
                                acknowledged[request_id] = response.json()["number"]
                                break
                            code = response.json()["code"]
                            answers.append(
                                (response.status_code, code, response.headers.get("Retry-After"))
                            )
                            assert response.status_code == 503 and code == "writer_stopped"
                            await asyncio.sleep(0.05)  # Retry-After, shortened for the test

                kiosks = [asyncio.create_task(kiosk(k)) for k in range(8)]
                while len(acknowledged) < 60:
                    await asyncio.sleep(0.005)
                os.kill(old_pid, signal.SIGKILL)  # in the middle of the rush
                await asyncio.wait_for(asyncio.gather(*kiosks), 60)
                health = await http.get("/health")
        assert health.status_code == 200
        assert writer.alive and writer.pid != old_pid
        assert server.app.state.supervisor.restarts == 1
        assert not psutil.pid_exists(old_pid), "the dead writer was waited for (no <defunct>)"
        assert answers, "the kill was seen by some kiosk"
        # the first death: restarted at once, back within a second
        assert {retry for _, _, retry in answers} == {"1"}
        messages = [r.getMessage() for r in caplog.records]
        assert any("the writer stopped" in m for m in messages)
        assert any("the writer runs again" in m for m in messages)
        # every press got exactly one ticket; numbers contiguous; nothing lost or doubled
        listed = await server.admin.ticket_records(seeded.hall_id, limit=10_000)
        stored = sorted(r["number"] for r in listed.items)
        assert len(acknowledged) == 200 and len(set(acknowledged.values())) == 200
        assert stored == sorted(acknowledged.values())
        assert stored == [f"A{n:03d}" for n in range(1, 201)]
        # the screen saw every ticket (it was asked to resume from the log)
        for _ in range(200):
            if sorted(set(seen)) == stored:
                break
            await asyncio.sleep(0.05)
        await feed.close()
        screen_task.cancel()
        assert sorted(set(seen)) == stored
        assert feed.reconnects >= 1


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


async def test_a_writer_that_cannot_be_started_again_ends_the_server_with_exit_code_75(
    tmp_path: Path, forkserver: bool, caplog: pytest.LogCaptureFixture
) -> None:
    """When new writers keep failing (here: each one fails to import what it must), the server
    gives up after its back-off and stops with EXIT_CODE, for systemd to start it again."""
    async with start_server(
        tmp_path, ManualClock(HALL_OPENING), writer_forkserver=forkserver
    ) as server:
        writer = server.runtime.writer
        supervisor = server.app.state.supervisor
        assert isinstance(writer, WriterProcess) and writer.pid is not None
        supervisor.backoff_s = (0.0, 0.0, 0.0)  # three attempts, at once
        writer._imports = ("server.no_such_module",)  # every new writer fails to start
        with caplog.at_level(logging.WARNING, logger="govqueue.writer"):
            os.kill(writer.pid, signal.SIGKILL)
            # each attempt starts an interpreter that fails: seconds each on a loaded machine
            for _ in range(6000):
                if getattr(server.app.state, "exit_code", None) is not None:
                    break
                await asyncio.sleep(0.05)
        assert server.app.state.exit_code == EXIT_CODE == 75
        assert supervisor.gave_up and supervisor.restarts == 0 and not writer.alive
        messages = [r.getMessage() for r in caplog.records]
        assert sum("could not be started again" in m for m in messages) == 3
        assert any(f"exit code {EXIT_CODE}" in m for m in messages)


@pytest.mark.slow
async def test_govqueue_serve_restarts_a_killed_writer(tmp_path: Path) -> None:
    """The real server process (its writer a program of its own): kill -9 of
    `govqueue-writer` is followed by a new one, and the kiosk's retry gets its ticket."""
    url = migrated_database(tmp_path)
    proc, base = await start_server_process(url, tmp_path)
    try:
        async with ApiClient(base) as admin:
            await admin.login(ADMIN_NO, ADMIN_PASSWORD)
            hall = await admin.admin_create("halls", {"code": "RS", "name": "重启测试大厅"})
            service = await admin.admin_create(
                "services", {"hall_id": hall["id"], "name": "综合", "prefix": "A"}
            )
            token = (
                await admin.admin_create(
                    "devices", {"hall_id": hall["id"], "kind": "kiosk", "label": "k"}
                )
            )["token"]

        def writers() -> list[psutil.Process]:
            children = psutil.Process(proc.pid).children()
            return [c for c in children if c.name() == "govqueue-writer"]

        (old,) = writers()
        async with ApiClient(base, token) as kiosk:
            first = await kiosk.issue_ticket(service.id, request_id="press-0001")
            old.kill()
            old.wait(10)
            statuses: list[int] = []
            while True:
                try:
                    second = await kiosk.issue_ticket(service.id, request_id="press-0002")
                    break
                except ApiError as exc:
                    statuses.append(exc.status)
                    assert exc.status == 503 and exc.code == "writer_stopped"
                    await asyncio.sleep(0.05)
        (new,) = writers()
        assert new.pid != old.pid and not psutil.pid_exists(old.pid)
        assert (first["number"], second["number"]) == ("A001", "A002")
        assert proc.poll() is None
    finally:
        proc.terminate()
        proc.wait(10)
