"""Test factories: a real migrated SQLite file, a real uvicorn server on a free port, a seeded hall."""

from __future__ import annotations

import asyncio
import atexit
import contextlib
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import websockets
from fastapi import FastAPI
from sqlalchemy import Row, create_engine, text

from client.rest import ApiClient
from server.app import create_app
from server.commands.admin import create_staff, new_password_hash, new_staff_row
from server.domain.clock import Clock, ManualClock
from server.domain.enums import Role
from server.embedded import running_server
from server.realtime.feed import Feed
from server.runtime import Runtime
from server.settings import Settings
from server.store import migrate
from server.store.engine import make_engine
from server.store.transaction import transaction

ROOT = Path(__file__).resolve().parents[1]  # the repository
# Thursday 2026-11-26, 09:00 in Asia/Shanghai.
HALL_OPENING = datetime(2026, 11, 26, 1, 0, tzinfo=UTC)
ADMIN_NO, ADMIN_PASSWORD = "admin", "admin-password-1"
STAFF_PASSWORD = "window-password-1"


def modules_after(statement: str) -> set[str]:
    """The modules a fresh interpreter (run from the repository) has loaded after `statement`:
    what this test process imported does not count."""
    code = f"import json, sys\n{statement}\nprint(json.dumps(sorted(sys.modules)))"
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    )
    return set(json.loads(done.stdout.splitlines()[-1]))


def fresh_database_url(data_dir: Path, template: str | None = None) -> str:
    """A new empty database: a SQLite file, or, when GOVQUEUE_TEST_POSTGRES is set to a
    server URL (postgresql+psycopg://user@host:port/postgres), a new PostgreSQL database
    (a copy of the database `template`, when given)."""
    server = os.environ.get("GOVQUEUE_TEST_POSTGRES")
    if not server:
        return f"sqlite:///{data_dir / 'govqueue.db'}"
    name = f"gq_{uuid.uuid4().hex[:16]}"
    engine = create_engine(server, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        copy = f' TEMPLATE "{template}"' if template else ""
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"{copy}')
    engine.dispose()
    return server.rsplit("/", 1)[0] + "/" + name


def _build_migrated(url: str) -> None:
    migrate.upgrade(url)
    engine = make_engine(url, writer=True)
    with transaction(engine, ManualClock(HALL_OPENING)) as tx:
        hashed = new_password_hash(ADMIN_PASSWORD)
        create_staff(tx, new_staff_row(ADMIN_NO, "系统管理员", Role.admin, hashed, None))
    engine.dispose()
    if url.startswith("sqlite"):  # everything into the main file, so that it can be copied
        with contextlib.closing(sqlite3.connect(url.removeprefix("sqlite:///"))) as conn:
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")


# One database built by the migrations per test process (and per PostgreSQL server), copied
# for each test: the same bytes as building it again, without running Alembic every time.
_templates: dict[str, str] = {}


def migrated_database(data_dir: Path) -> str:
    """A fresh database built by the Alembic migrations, with one admin account."""
    server = os.environ.get("GOVQUEUE_TEST_POSTGRES", "")
    template = _templates.get(server)
    if template is None:
        if server:
            url = fresh_database_url(data_dir)
            _build_migrated(url)
            template = url.rsplit("/", 1)[1]
        else:
            folder = Path(tempfile.mkdtemp(prefix="govqueue-template-"))
            atexit.register(shutil.rmtree, folder, ignore_errors=True)  # not left in /tmp
            _build_migrated(f"sqlite:///{folder / 'govqueue.db'}")
            template = str(folder / "govqueue.db")
        _templates[server] = template
    if server:
        return fresh_database_url(data_dir, template)
    data_dir.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(template, data_dir / "govqueue.db")
    return fresh_database_url(data_dir)


@dataclass
class LiveServer:
    base_url: str
    clock: Clock
    settings: Settings
    admin: ApiClient
    app: FastAPI
    clients: list[ApiClient] = field(default_factory=list)

    @property
    def runtime(self) -> Runtime:
        """The server's own runtime (in-process server), for tests that reach inside."""
        runtime: Runtime = self.app.state.runtime
        return runtime

    @property
    def feed(self) -> Feed:
        """The server's live feed (hub of subscribers, snapshot cache), for tests that reach
        inside."""
        feed: Feed = self.app.state.feed
        return feed

    def accept_jobs_of(self, module: str) -> None:
        """Let the server's writer run the jobs of a test module too (it refuses any job
        from outside server/commands/, server/store/job.py)."""
        self.runtime.writer.jobs_from += (module,)

    def client(self, token: str | None = None) -> ApiClient:
        client = ApiClient(self.base_url, token)
        self.clients.append(client)
        return client

    async def login(self, staff_no: str, password: str = STAFF_PASSWORD) -> ApiClient:
        client = self.client()
        await client.login(staff_no, password)
        return client


@asynccontextmanager
async def start_server(data_dir: Path, clock: Clock, **settings: Any) -> AsyncIterator[LiveServer]:
    """A real server in this process. Its writer process comes from this process's
    forkserver (server/store/writer/launch.py): ~450 starts would otherwise spend ~4 minutes
    of CPU importing the same writer. The default start, a program of its own, is what
    tests/store/test_writer_process.py and every server started as a process (processes.py)
    run."""
    settings.setdefault("writer_forkserver", True)
    # the nightly maintenance (claiming a night, rolling up) only where a test asks for it
    settings.setdefault("nightly_maintenance", False)
    url = migrated_database(data_dir)
    config = Settings(
        data_dir=data_dir,
        database_url=url,
        secret_key="test-secret-key-0123456789abcdef",
        **settings,
    )
    app = create_app(config, clock)
    async with running_server(app) as base:
        admin = ApiClient(base)
        await admin.login(ADMIN_NO, ADMIN_PASSWORD)
        live = LiveServer(base, clock, config, admin, app)
        try:
            yield live
        finally:
            for client in live.clients:
                await client.aclose()
            await admin.aclose()


@dataclass
class Seeded:
    hall_id: int
    services: dict[str, int]  # prefix -> id
    windows: dict[str, int]  # number -> id
    kiosk_token: str
    display_token: str
    window_device_tokens: dict[str, str]  # window number -> token
    staff: dict[str, str]  # window number -> staff_no
    supervisor_no: str


async def seed_hall(
    server: LiveServer,
    *,
    code: str = "H1",
    windows: dict[str, list[str]] | None = None,
    services: list[dict[str, Any]] | None = None,
) -> Seeded:
    """A hall with services A (户籍) and B (社保), windows 1..n, staff, a kiosk and a screen."""
    admin = server.admin
    hall = await admin.admin_create("halls", {"code": code, "name": f"{code} 政务服务中心"})
    hall_id = hall.id
    services = services or [
        {"name": "户籍办理", "prefix": "A", "target_wait_minutes": 20, "target_handle_minutes": 10},
        {"name": "社保医保", "prefix": "B", "target_wait_minutes": 15, "target_handle_minutes": 8},
    ]
    service_ids: dict[str, int] = {}
    for spec in services:
        created = await admin.admin_create("services", {"hall_id": hall_id, **spec})
        service_ids[spec["prefix"]] = created.id
    windows = windows or {"1": ["A", "B"], "2": ["B", "A"]}
    window_ids: dict[str, int] = {}
    device_tokens: dict[str, str] = {}
    staff: dict[str, str] = {}
    for number, prefixes in windows.items():
        created = await admin.admin_create(
            "windows",
            {
                "hall_id": hall_id,
                "number": number,
                "service_ids": [service_ids[p] for p in prefixes],
            },
        )
        window_ids[number] = created.id
        device = await admin.admin_create(
            "devices",
            {
                "hall_id": hall_id,
                "kind": "window",
                "window_id": created.id,
                "label": f"{number}号窗口评价器",
            },
        )
        device_tokens[number] = device.token
        staff_no = f"{code}-W{number}"
        await admin.admin_create(
            "staff",
            {
                "staff_no": staff_no,
                "name": f"窗口{number}",
                "role": "window",
                "password": STAFF_PASSWORD,
                "hall_id": hall_id,
                "must_change_password": False,  # the tests' accounts sign in and work at once
            },
        )
        staff[number] = staff_no
    supervisor_no = f"{code}-S"
    await admin.admin_create(
        "staff",
        {
            "staff_no": supervisor_no,
            "name": "值班主管",
            "role": "supervisor",
            "password": STAFF_PASSWORD,
            "hall_id": hall_id,
            "must_change_password": False,
        },
    )
    kiosk = await admin.admin_create(
        "devices", {"hall_id": hall_id, "kind": "kiosk", "label": "1号取号机"}
    )
    screen = await admin.admin_create(
        "devices", {"hall_id": hall_id, "kind": "display", "label": "大厅主屏"}
    )
    return Seeded(
        hall_id,
        service_ids,
        window_ids,
        kiosk.token,
        screen.token,
        device_tokens,
        staff,
        supervisor_no,
    )


async def open_window(server: LiveServer, seeded: Seeded, number: str) -> ApiClient:
    """The logged-in client of the window's clerk, with the window open."""
    client = await server.login(seeded.staff[number])
    await client.window_action(seeded.windows[number], "open")
    return client


def db_rows(server: LiveServer, sql: str, **params: Any) -> list[Row[Any]]:
    """A query's rows, read from the server's database through a connection of its own."""
    engine = create_engine(server.settings.resolved_database_url())
    try:
        with engine.connect() as conn:
            return list(conn.execute(text(sql), params).all())
    finally:
        engine.dispose()


async def feed_replay(server: LiveServer, hall_id: int) -> list[dict[str, Any]]:
    """Every message of the hall's live feed replayed from seq 0, through a fresh connection
    as the admin, up to the hall's last seq (read from the database: the end of the replay is
    known, not guessed from a quiet second)."""
    ((last,),) = db_rows(server, "SELECT last_seq FROM hall WHERE id = :h", h=hall_id)
    messages: list[dict[str, Any]] = []
    if last == 0:
        return messages
    query = urlencode({"hall_id": hall_id, "token": server.admin.token, "since": 0})
    async with websockets.connect(server.base_url.replace("http", "ws", 1) + "/ws?" + query) as ws:
        while not messages or messages[-1].get("seq", 0) < last:
            # the timeout only guards against a hang
            messages.append(json.loads(await asyncio.wait_for(ws.recv(), 30)))
    return messages
