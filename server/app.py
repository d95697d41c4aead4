"""The FastAPI application factory. Nothing is built at import time."""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import os
import pkgutil
import sys
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import APIRouter, FastAPI
from starlette.routing import BaseRoute

from server import commands, logs, metrics
from server.access import listen_for_revocations
from server.api import errors, logredact, responses
from server.api.fast_path import FastPath
from server.api.limits import BodyLimit
from server.api.public_page import router as public_page_router
from server.api.routes import (
    admin,
    alerts,
    appointments,
    auth,
    complaints,
    devices,
    hall_devices,
    halls,
    health,
    help,
    integrations,
    maintenance,
    pairing,
    password,
    platform,
    rectifications,
    sms,
    stats,
    tickets,
    windows,
)
from server.api.routes.window_desk import router as window_desk_router
from server.api.routes.window_today import router as window_today_router
from server.appointment_upkeep import upkeep_forever
from server.commands import sms as sms_jobs
from server.commands.queue_counts import publish_queue_counts
from server.console import pages as console_pages
from server.console import session_routes as console_session
from server.domain.clock import Clock, SystemClock
from server.domain.outbox import RetryPolicy
from server.maintenance.nightly import Nightly
from server.outbox.sender import WAKING_EVENTS, Sender, SenderSettings
from server.realtime.endpoint import router as ws_router
from server.realtime.feed import Feed
from server.realtime.feed_path import FeedPath
from server.realtime.ticket_feed import router as ticket_feed_router
from server.runtime import Runtime, every
from server.security import LoginThrottle
from server.settings import Settings
from server.store import migrate
from server.store.checkpoint import Checkpointer
from server.store.engine import make_engine
from server.store.file_lock import serving_lock, sqlite_file
from server.store.job import Call, call
from server.store.listener import PostgresListener
from server.store.transaction import CommittedEvent
from server.store.writer.group_commit import Writer
from server.store.writer.process import WriterProcess
from server.store.writer.supervisor import EXIT_CODE, WriterSupervisor
from server.watch import watch_forever

# what the writer process imports as it starts: the commands its jobs call (not this module:
# FastAPI and the routes would add ~40 MB to it)
WRITER_IMPORTS = tuple(
    f"server.commands.{module.name}" for module in pkgutil.iter_modules(commands.__path__)
)

log = logging.getLogger("govqueue")
# The GIL's switch interval while the server serves (docs/runtime.md): a thread that releases
# the GIL for a SQLite call (the writer thread, the readers) waits behind the event loop for
# the whole interval each time it wants it back; with the default 5 ms that convoy cost most
# of the writer thread's throughput and the latency tails.
GIL_SWITCH_INTERVAL_S = 0.0005
SUBMIT_WAIT_S = 60.0  # the outbox sender's wait for a write (the writer answers in ms)


@contextlib.contextmanager
def switch_interval(seconds: float) -> Iterator[None]:
    """The GIL's switch interval set to `seconds` for the block, the previous one restored."""
    before = sys.getswitchinterval()
    sys.setswitchinterval(seconds)
    try:
        yield
    finally:
        sys.setswitchinterval(before)


def create_app(settings: Settings | None = None, clock: Clock | None = None) -> FastAPI:
    settings = settings or Settings()
    clock = clock or SystemClock()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if settings.log_file is not None:  # govqueue serve (each process of --workers N)
            start_logging(settings)
        logredact.install()  # again: uvicorn may have configured its loggers since
        url = settings.resolved_database_url()
        with switch_interval(GIL_SWITCH_INTERVAL_S), serving_lock(url):
            async with _serving(app, url):  # serving_lock: one server per SQLite file
                yield

    @asynccontextmanager
    async def _serving(app: FastAPI, url: str) -> AsyncIterator[None]:
        migrate.refuse_newer(url)  # a database a newer govqueue upgraded is never touched
        if not migrate.is_up_to_date(url):
            log.info("applying migrations to %s", url)
            await asyncio.to_thread(migrate.upgrade, url)
        read_engine = make_engine(url, readers=settings.readers)
        database = sqlite_file(url)
        checkpointer = Checkpointer(database) if database is not None else None
        # SQLite: the writer runs in a process of its own (writer/process.py) unless told not
        write_engine = (
            None
            if database is not None and settings.writer_process
            else make_engine(
                url,
                writer=True,
                checkpointer=checkpointer is not None,
                busy_timeout_s=settings.write_busy_timeout_s,
            )
        )
        feed: Feed | None = None
        runtime: Runtime | None = None

        def on_commit(events: list[CommittedEvent]) -> None:
            assert runtime is not None and feed is not None
            feed.committed(events)
            for event in events:
                if event.type.startswith("ticket.") or event.type == "window.status":
                    runtime.dirty_halls.add(event.hall_id)
                    runtime.texting_halls.add(event.hall_id)
                elif event.type in WAKING_EVENTS and runtime.sender is not None:
                    runtime.sender.wake()

        writer: Writer | WriterProcess = (
            Writer(write_engine, clock, on_commit)
            if write_engine is not None
            else WriterProcess(
                url,
                clock,
                on_commit,
                checkpointer=checkpointer is not None,
                busy_timeout_s=settings.write_busy_timeout_s,
                imports=WRITER_IMPORTS,
                forkserver=settings.writer_forkserver,
            )
        )
        throttle = LoginThrottle(
            per_account=settings.login_failures_per_account,
            per_address=settings.login_failures_per_address,
            window_s=settings.login_failure_window_s,
        )
        runtime = Runtime(
            settings, clock, read_engine, writer, settings.resolved_secret_key(), throttle
        )
        # PostgreSQL: one LISTEN connection for the relay and the revocations
        runtime.listener = PostgresListener(url) if url.startswith("postgresql") else None
        feed = Feed(runtime)
        app.state.runtime = runtime
        app.state.feed = feed
        writer.start()
        supervisor = WriterSupervisor(
            writer,
            on_restarted=lambda: _writer_restarted(runtime, feed),
            on_give_up=lambda: _give_up(app),
        )
        supervisor.start()
        app.state.supervisor = supervisor
        if checkpointer is not None:
            checkpointer.start()
        await feed.start()
        if runtime.listener is not None:  # the relay has registered (feed.start)
            listen_for_revocations(runtime.listener, runtime.access)
            await runtime.listener.start()
        counts_task = asyncio.create_task(_queue_counts_loop(runtime))
        watch_task = asyncio.create_task(watch_forever(runtime))
        upkeep_task = asyncio.create_task(upkeep_forever(runtime))
        texts_task = asyncio.create_task(_texts_loop(runtime))
        tasks = [counts_task, watch_task, upkeep_task, texts_task]
        if settings.nightly_maintenance:
            nightly = Nightly(settings, url, clock, runtime.write)
            app.state.nightly = nightly
            tasks.append(asyncio.create_task(nightly.loop(settings.maintenance_check_s)))
        if settings.outbox_sender:
            # SQLite: the only server of the file, so the only sender
            runtime.sender = _sender(runtime, asyncio.get_running_loop(), database is not None)
            runtime.sender.start()
        try:
            yield
        finally:
            for task in tasks:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
            if runtime.sender is not None:  # off the loop: the sender may wait on a write
                await asyncio.to_thread(runtime.sender.stop)
            if runtime.listener is not None:
                await runtime.listener.stop()
            await feed.stop()
            await supervisor.stop()
            writer.stop()
            if checkpointer is not None:
                checkpointer.stop()
            read_engine.dispose()
            if write_engine is not None:
                write_engine.dispose()
            await asyncio.to_thread(runtime.statistics.shutdown)
            await asyncio.to_thread(runtime.passwords.shutdown)

    app = FastAPI(
        title="govqueue",
        description="政务服务中心排队叫号系统 API (v1). See docs/ for the live feed.",
        version="0.1.0",
        lifespan=lifespan,
        # no OpenTelemetry here (docs/decisions.md): FastAPI would otherwise look up the
        # global tracer, meter and logger providers on every request
        telemetry={"tracing": False, "metrics": False, "logs": False},
    )
    app.state.settings = settings  # for whoever runs it: server/embedded.py's uvicorn options
    # the kiosks' and windows' hot requests, inside BodyLimit and InternalErrors (added after
    # it, so around it) and in front of FastAPI's router: server/api/fast_path.py
    app.add_middleware(FastPath)
    errors.install(app)
    app.add_middleware(BodyLimit)
    responses.install(app)
    # outermost: the live feed's connections skip every layer below (server/realtime/feed_path.py)
    app.add_middleware(FeedPath)
    # around everything: one buffered line per HTTP request, when the server logs (server/logs.py)
    app.add_middleware(logs.AccessLog)
    logredact.install()
    # The routes are built once per process and shared by its apps (_routes); FastAPI's own
    # `include_router` would wrap them anew for each app, to build all again at its first
    # requests.
    app.router.routes.extend(_routes())
    return app


@functools.cache
def _routes() -> tuple[BaseRoute, ...]:
    """The app's routes, built once per process: FastAPI builds a route's handler (its
    parameters' and its reply's validation, ~0.3 s of CPU for all) when it is first matched,
    and keeps it in the included router it built — one per `include_router`. Apps given the
    same included routers share what was built: the tests and the demo create hundreds of
    apps in one process. (The shared routes know no app: `app.dependency_overrides`, which
    govqueue does not use, would not reach them.)"""
    routes = APIRouter()
    api = "/api/v1"
    # FastAPI matches a request against the routes in order (each included router's routes,
    # one by one, twice per request): the kiosks' and windows' routes first, the rare ones
    # after them. No two routers share a path, so the order changes nothing else.
    for module in (
        tickets,
        windows,
        health,
        auth,
        password,
        console_session,
        admin,
        halls,
        hall_devices,
        stats,
        devices,
        complaints,
        rectifications,
        integrations,
        alerts,
        maintenance,
        platform,
        pairing,
        appointments,
        help,
        sms,
    ):
        routes.include_router(module.router, prefix=api)
    routes.include_router(integrations.me_router, prefix=api)
    routes.include_router(window_desk_router, prefix=api)
    routes.include_router(window_today_router, prefix=api)
    routes.include_router(ws_router)
    routes.include_router(ticket_feed_router)
    routes.include_router(public_page_router)
    routes.include_router(console_pages.router)
    routes.include_router(metrics.router)
    return tuple(routes.routes)


def _writer_restarted(runtime: Runtime, feed: Feed) -> None:
    """The writer runs again after it died (writer/supervisor.py). What it changed in its last
    moments was never reported: forget the caches, and ask the live feed's clients to resume
    from the log (a batch committed just before the death was never published)."""
    runtime.access.clear()
    runtime.writer.catalog.clear()
    asked = feed.hub.resync_all()
    log.warning("live feed: %d connections asked to resume from the log", asked)


def _give_up(app: FastAPI) -> None:
    """The writer cannot be kept running: end the server with EXIT_CODE, for its service
    manager (systemd's Restart=on-failure) to start it again. Whoever runs the app
    (`govqueue serve`, server/embedded.py) sets `app.state.stop_serving`; a server run some
    other way (a uvicorn worker) leaves at once."""
    app.state.exit_code = EXIT_CODE
    stop = getattr(app.state, "stop_serving", None)
    if stop is None:
        logging.shutdown()
        os._exit(EXIT_CODE)
    stop()


def _sender(runtime: Runtime, loop: asyncio.AbstractEventLoop, only_sender: bool) -> Sender:
    """The outbox's sender (server/outbox/sender.py): a thread whose writes go through the
    writer on this loop."""
    settings = runtime.settings

    def submit(job: Call[Any]) -> Any:
        return asyncio.run_coroutine_threadsafe(runtime.write(job), loop).result(SUBMIT_WAIT_S)

    policy = RetryPolicy(
        base_s=settings.outbox_backoff_base_s,
        cap_s=settings.outbox_backoff_cap_s,
        max_attempts=settings.outbox_max_attempts,
    )
    sender_settings = SenderSettings(
        poll_s=settings.outbox_poll_s,
        timeout_s=settings.outbox_timeout_s,
        lease_s=settings.outbox_lease_s,
        only_sender=only_sender,
        policy=policy,
    )
    return Sender(runtime.read_engine, runtime.clock, submit, sender_settings)


def start_logging(settings: Settings) -> Path:
    """The server's log as settings say (server/logs.py); `{pid}` in the file name is this
    process's id (several server processes: one file each)."""
    assert settings.log_file is not None
    path = Path(str(settings.log_file).replace("{pid}", str(os.getpid())))
    return logs.configure(
        path,
        fmt=settings.log_format,
        level=settings.log_level,
        max_bytes=settings.log_max_bytes,
        backups=settings.log_backups,
    )


async def _texts_loop(runtime: Runtime) -> None:
    """短信提醒 (server/commands/sms.py): after tickets of a hall moved, a writer job of its
    own writes the text messages now due — never inside the call's transaction — and the
    sender is woken. At most once per interval; a hall without an SMS gateway costs one
    lookup."""

    async def write_texts(halls: list[int]) -> None:
        written = await runtime.write(call(sms_jobs.queue_texts, halls))
        if written and runtime.sender is not None:
            runtime.sender.wake()

    failed = "短信提醒: writing the due messages failed"
    await _per_round(runtime, runtime.texting_halls, write_texts, failed)


async def _queue_counts_loop(runtime: Runtime) -> None:
    """Coalesce queue changes into at most one queue.counts event per hall per interval."""

    async def publish(halls: list[int]) -> None:
        await runtime.write(call(publish_queue_counts, halls))

    await _per_round(runtime, runtime.dirty_halls, publish, "queue.counts failed")


async def _per_round(
    runtime: Runtime,
    pending: set[int],
    work: Callable[[list[int]], Awaitable[None]],
    failed: str,
) -> None:
    """Each interval, the halls marked since the last round (if any) handed to `work` at
    once; the marks are cleared first, so a change during the work is the next round's."""

    async def round_() -> None:
        if pending:
            halls = sorted(pending)
            pending.clear()
            await work(halls)

    await every(runtime.settings.queue_counts_interval_s, round_, log, failed)
