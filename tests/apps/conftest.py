"""Fixtures for the apps' tests: a real server in its own thread (so Qt's event loop and the
server's asyncio loop both run while a test waits), which can be stopped and restarted on the
same port and database; and the apps' async runner."""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import pytest
from sqlalchemy import create_engine, text

from app_shell.bridge import AsyncRunner
from client.rest import ApiClient
from server.app import create_app
from server.domain.clock import ManualClock
from server.embedded import running_server
from server.settings import Settings
from tests.apps.printer_double import TcpTestPrinter
from tests.helpers import (
    ADMIN_NO,
    ADMIN_PASSWORD,
    HALL_OPENING,
    LiveServer,
    Seeded,
    migrated_database,
    seed_hall,
)

T = TypeVar("T")


@dataclass
class ThreadedServer:
    """A real govqueue server on 127.0.0.1 in a background thread's event loop."""

    data_dir: Path
    clock: ManualClock
    settings: Settings = field(init=False)
    port: int = 0
    base_url: str = ""
    hall: Seeded | None = None

    def __post_init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self._thread.start()
        url = migrated_database(self.data_dir)
        self.settings = Settings(
            data_dir=self.data_dir,
            database_url=url,
            secret_key="test-secret-key-0123456789abcdef",
            queue_counts_interval_s=0.1,
            # as tests.helpers.start_server's servers: the writer process forked by this
            # process's forkserver (not a program importing the commands anew, ~0.8 s of CPU
            # a start), and no nightly maintenance (its first check runs at once: a rollup,
            # a backup) — the apps' tests ask for neither
            writer_forkserver=True,
            nightly_maintenance=False,
        )
        self._stop: asyncio.Event | None = None
        self._served: Any = None
        self.admin: ApiClient | None = None

    def run(self, coro: Awaitable[T], timeout: float = 30) -> T:
        async def wrapped() -> T:
            return await coro

        return asyncio.run_coroutine_threadsafe(wrapped(), self.loop).result(timeout)

    def start(self) -> None:
        started: asyncio.Future[str] = self.loop.create_future()  # type: ignore[assignment]

        async def serve() -> None:
            self._stop = asyncio.Event()
            async with running_server(
                create_app(self.settings, self.clock), port=self.port
            ) as base:
                started.set_result(base)
                await self._stop.wait()

        self._served = asyncio.run_coroutine_threadsafe(serve(), self.loop)

        async def wait_started() -> str:
            return await asyncio.wait_for(asyncio.shield(started), 30)

        self.base_url = self.run(wait_started())
        self.port = int(self.base_url.rsplit(":", 1)[1])

    def stop(self) -> None:
        assert self._stop is not None
        self.loop.call_soon_threadsafe(self._stop.set)
        self._served.result(30)

    def seed(self, *, staff: bool = False, **kwargs: Any) -> Seeded:
        """The hall of tests.helpers.seed_hall; without staff accounts unless asked (their
        password hashing is most of the set-up time, and kiosks and screens need none)."""

        async def go() -> Seeded:
            self.admin = ApiClient(self.base_url)
            await self.admin.login(ADMIN_NO, ADMIN_PASSWORD)
            if staff:
                live = LiveServer(self.base_url, self.clock, self.settings, self.admin)
                return await seed_hall(live, **kwargs)
            return await seed_devices_hall(self.admin)

        self.hall = self.run(go())
        return self.hall

    def call(self, fn: Callable[[ApiClient], Awaitable[T]], token: str | None = None) -> T:
        """Run fn(client) on the server's loop with a fresh client (admin's token by default)."""

        async def go() -> T:
            assert self.admin is not None
            client = ApiClient(self.base_url, token or self.admin.token)
            try:
                return await fn(client)
            finally:
                await client.aclose()

        return self.run(go())

    def events(self, type_: str) -> list[dict[str, Any]]:
        """The data of the hall's events of one type, from the event log (oldest first)."""
        engine = create_engine(self.settings.resolved_database_url())
        try:
            with engine.connect() as conn:
                rows = conn.execute(
                    text("SELECT data FROM event WHERE type = :t ORDER BY seq"), {"t": type_}
                ).all()
        finally:
            engine.dispose()
        return [json.loads(r[0]) if isinstance(r[0], str) else r[0] for r in rows]

    def close(self) -> None:
        if self._stop is not None and not self._stop.is_set():
            self.stop()
        if self.admin is not None:
            self.run(self.admin.aclose())
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(10)
        if not self._thread.is_alive():
            self.loop.close()


async def seed_devices_hall(admin: ApiClient, code: str = "H1") -> Seeded:
    """Hall H1 with services A 户籍办理 and B 社保医保, windows 1 and 2, a kiosk and a screen."""
    hall = await admin.admin_create("halls", {"code": code, "name": f"{code} 政务服务中心"})
    services = {}
    for spec in (
        {"name": "户籍办理", "prefix": "A", "target_wait_minutes": 20, "target_handle_minutes": 10},
        {"name": "社保医保", "prefix": "B", "target_wait_minutes": 15, "target_handle_minutes": 8},
    ):
        made = await admin.admin_create("services", {"hall_id": hall.id, **spec})
        services[spec["prefix"]] = made.id
    windows = {}
    for number in ("1", "2"):
        made = await admin.admin_create(
            "windows",
            {"hall_id": hall.id, "number": number, "service_ids": list(services.values())},
        )
        windows[number] = made.id
    kiosk = await admin.admin_create(
        "devices", {"hall_id": hall.id, "kind": "kiosk", "label": "1号取号机"}
    )
    screen = await admin.admin_create(
        "devices", {"hall_id": hall.id, "kind": "display", "label": "大厅主屏"}
    )
    return Seeded(hall.id, services, windows, kiosk.token, screen.token, {}, {}, "")


@pytest.fixture
def app_server(tmp_path: Path) -> Iterator[ThreadedServer]:
    server = ThreadedServer(tmp_path, ManualClock(HALL_OPENING))
    server.start()
    server.seed()
    try:
        yield server
    finally:
        server.close()


@pytest.fixture
def runner(qapp: Any) -> Iterator[AsyncRunner]:
    r = AsyncRunner().start()
    yield r
    r.stop()


@pytest.fixture
def tcp_printer() -> Iterator[TcpTestPrinter]:
    printer = TcpTestPrinter().start()
    yield printer
    printer.stop()


@pytest.fixture
def hall_server(tmp_path: Path) -> Iterator[ThreadedServer]:
    """A running server with hall H1 seeded with its clerks (windows 1 and 2)."""
    from tests.apps.display_helpers import serve_hall

    yield from serve_hall(tmp_path)


@pytest.fixture
def displays(qtbot: Any, runner: AsyncRunner, hall_server: ThreadedServer) -> Iterator[Any]:
    """displays(size=(w, h), **settings) -> Display against `hall_server`; all stopped at
    the end."""
    from tests.apps.display_helpers import display_factory

    yield from display_factory(qtbot, runner, hall_server)


@pytest.fixture
def picture_kiosk(
    kiosks: Any, tcp_printer: TcpTestPrinter, tmp_path: Path, orientation: str, size: Any
) -> Callable[..., Any]:
    """For a test parametrized by tests.apps.pictures.ORIENTATIONS: picture_kiosk(token=None)
    -> PictureKiosk, a kiosk of that size printing to `tcp_printer`."""
    from tests.apps.kiosk_helpers import PictureKiosk
    from tests.apps.pictures import out_dir

    def make(token: str | None = None) -> PictureKiosk:
        kiosk = kiosks(printer=tcp_printer.spec, size=size, token=token)
        return PictureKiosk(kiosk, out_dir(tmp_path), orientation, size)

    return make


@pytest.fixture
def kiosks(qtbot: Any, runner: AsyncRunner, app_server: ThreadedServer) -> Iterator[Any]:
    """kiosks(printer=..., size=(w, h), **settings) -> Kiosk; all stopped at the end."""
    from tests.apps.kiosk_helpers import Kiosk, make_kiosk

    made: list[Kiosk] = []

    def factory(**kwargs: Any) -> Kiosk:
        kiosk = make_kiosk(qtbot, runner, app_server, **kwargs)
        made.append(kiosk)
        return kiosk

    yield factory
    for kiosk in made:
        kiosk.controller.stop()
        runner.submit(kiosk.api.aclose()).result(5)
