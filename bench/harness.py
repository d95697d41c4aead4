"""What the benchmarks share: a fresh database, `govqueue serve` as its own process, a seeded
hall, waiting tickets written straight into the database, and the CPU and memory the server
(and PostgreSQL) used. Nothing here measures; the bench scripts do.
"""

from __future__ import annotations

import argparse
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import psutil

ROOT = Path(__file__).resolve().parents[1]
# the project (client/, server/) and bench/ itself, however this module was imported
for folder in (ROOT, Path(__file__).resolve().parent):
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))

from process_family import processes_pss, processes_rss  # noqa: E402

from client.rest import ApiClient  # noqa: E402

GOVQUEUE = str(Path(sys.executable).with_name("govqueue"))
PASSWORD = "bench-password-1"

# The uvicorn settings of `govqueue serve` (server/cli/serve.py), so that the bare apps run
# under exactly the same server: uvloop + httptools are picked by uvicorn when installed.
UVICORN_OPTIONS: dict[str, Any] = {
    "host": "127.0.0.1",
    "log_level": "warning",
    "ws": "websockets-sansio",
    "ws_per_message_deflate": False,
}


def arguments(doc: str | None) -> argparse.ArgumentParser:
    """A bench's command line, with its module docstring as the help (laid out as written)."""
    return argparse.ArgumentParser(
        description=doc, formatter_class=argparse.RawDescriptionHelpFormatter
    )


def add_fan_out_arguments(parser: argparse.ArgumentParser) -> None:
    """--subscribers screens on the feed while the windows make --calls, --interval apart."""
    parser.add_argument("--subscribers", type=int, default=1000)
    parser.add_argument("--calls", type=int, default=100)
    parser.add_argument("--interval", type=float, default=0.1, help="seconds between calls")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(fraction * len(ordered)) - 1))]


def load_average() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.1f} / {five:.1f} / {fifteen:.1f} on {os.cpu_count()} cores"


# --- databases --------------------------------------------------------------------------


@dataclass
class Database:
    """A fresh database for one benchmark run: a SQLite file (WAL, synchronous=FULL), or a
    new database on a PostgreSQL server."""

    url: str
    data_dir: Path
    env: dict[str, str]
    postgres_server: str | None = None

    @classmethod
    def fresh(cls, postgres: str | None = None) -> Database:
        data_dir = Path(tempfile.mkdtemp(prefix="govqueue-bench-"))
        env = {**os.environ, "GOVQUEUE_DATA_DIR": str(data_dir)}
        url = f"sqlite:///{data_dir / 'govqueue.db'}"
        if postgres:
            from sqlalchemy import create_engine

            name = f"gq_bench_{os.getpid()}_{secrets.token_hex(3)}"
            engine = create_engine(postgres, isolation_level="AUTOCOMMIT")
            with engine.connect() as conn:
                conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
            engine.dispose()
            url = postgres.rsplit("/", 1)[0] + "/" + name
            env["GOVQUEUE_DATABASE_URL"] = url
        db = cls(url, data_dir, env, postgres)
        db.create_admin("admin")
        return db

    @classmethod
    def copy_of(cls, source: Path, admin_no: str) -> Database:
        """A copy of an existing SQLite file (e.g. bench/stats.py's year), with an admin."""
        data_dir = Path(tempfile.mkdtemp(prefix="govqueue-bench-"))
        shutil.copyfile(source, data_dir / "govqueue.db")
        env = {**os.environ, "GOVQUEUE_DATA_DIR": str(data_dir)}
        db = cls(f"sqlite:///{data_dir / 'govqueue.db'}", data_dir, env)
        db.create_admin(admin_no)
        return db

    def create_admin(self, staff_no: str) -> None:
        subprocess.run(
            [GOVQUEUE, "admin", "create-staff", "--staff-no", staff_no, "--name", "压测管理员"],
            input=PASSWORD + "\n",
            text=True,
            env=self.env,
            check=True,
            capture_output=True,
        )
        # create-staff makes an account that must change its password first (migration
        # 0019); the benches sign in and work with the one they chose
        from sqlalchemy import create_engine, text

        engine = create_engine(self.url)
        with engine.begin() as conn:
            conn.execute(
                text("UPDATE staff SET must_change_password = false WHERE staff_no = :n"),
                {"n": staff_no},
            )
        engine.dispose()

    def describe(self) -> str:
        if self.postgres_server:
            return f"PostgreSQL {self.url.rsplit('@', 1)[-1]}"
        return f"SQLite {self.data_dir / 'govqueue.db'} (WAL, synchronous=FULL)"

    def drop(self) -> None:
        if not self.postgres_server:
            return
        from sqlalchemy import create_engine

        name = self.url.rsplit("/", 1)[1]
        engine = create_engine(self.postgres_server, isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        engine.dispose()

    def postgres_pids(self) -> list[int]:
        """The PostgreSQL cluster's processes (postmaster and its children), to count their CPU."""
        if not self.postgres_server:
            return []
        from sqlalchemy import create_engine

        engine = create_engine(self.postgres_server)
        with engine.connect() as conn:
            data_dir = conn.exec_driver_sql("SHOW data_directory").scalar_one()
        engine.dispose()
        try:
            pid = int(Path(data_dir, "postmaster.pid").read_text().split()[0])
            main = psutil.Process(pid)
            return [main.pid, *(c.pid for c in main.children(recursive=True))]
        except (OSError, ValueError, psutil.Error):
            return []


# --- the server -------------------------------------------------------------------------


class Server:
    """`govqueue serve` in its own process (stopped with SIGINT, like Ctrl+C), with the
    logging a hall gets: the default (one access line per request, server/logs.py), unless
    `log_level` says otherwise. `source`: run the server of another checkout of govqueue
    (same virtualenv) instead of this one, e.g. main before a change, for a before/after
    comparison; its output goes to a file in its data dir."""

    def __init__(
        self,
        db: Database,
        workers: int = 1,
        *,
        log_level: str | None = None,
        source: Path | None = None,
    ) -> None:
        self.db = db
        self.workers = workers
        self.log_level = log_level
        self.source = source
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> Server:
        args = ["serve", "--port", str(self.port), "--workers", str(self.workers)]
        if self.log_level:
            args += ["--log-level", self.log_level]
        if self.source is None:
            self.proc = subprocess.Popen([GOVQUEUE, *args], env=self.db.env)
        else:
            run = (  # the command is server/cli/main.py; for a while it was govqueue/cli.py
                "import sys\ntry:\n    from server.cli.main import app\nexcept ImportError:\n"
                "    from govqueue.cli import app\nsys.argv[0] = 'govqueue'\napp()"
            )
            out = (self.db.data_dir / "server-output.log").open("ab")
            self.proc = subprocess.Popen(
                [sys.executable, "-c", run, *args],
                env={**self.db.env, "PYTHONPATH": str(self.source)},
                cwd=self.source,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        wait_healthy(self.base + "/api/v1/health", self.proc)
        if self.workers > 1:  # every worker up: the health answer comes from any one
            deadline = time.monotonic() + 60
            while len(self.process().children()) < self.workers and time.monotonic() < deadline:
                time.sleep(0.2)
        return self

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None

    def process(self) -> psutil.Process:
        assert self.proc is not None
        return psutil.Process(self.proc.pid)

    def pids(self) -> list[int]:
        main = self.process()
        return [main.pid, *(c.pid for c in main.children(recursive=True))]

    def rss(self) -> int:
        return int(processes_rss(self.pids()))

    def pss(self) -> int:
        return int(processes_pss(self.pids()))

    def __enter__(self) -> Server:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def wait_healthy(
    url: str, proc: subprocess.Popen[bytes] | None = None, timeout: float = 120, ok: int = 200
) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"the server exited with {proc.returncode} before it answered")
        try:
            if httpx.get(url, timeout=2).status_code == ok:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"no answer from {url} after {timeout:.0f} s")


# --- a seeded hall ----------------------------------------------------------------------


@dataclass
class Hall:
    hall: int
    services: dict[str, int]  # name -> id
    windows: list[int]
    staff_tokens: list[str]  # one per window, that clerk signed in to it
    kiosk: str
    screen: str
    extra: dict[str, Any] = field(default_factory=dict)


async def seed(
    base: str,
    services: list[str],
    windows: int,
    window_service: str,
    *,
    admin_no: str = "admin",
    code: str = "BENCH",
    name: str = "压测大厅",
    staff_prefix: str = "B",
) -> Hall:
    """A hall with the named services, `windows` windows serving `window_service`, a clerk
    per window, a kiosk and a display. The clerks are signed in and their windows opened.
    `admin_no`, `code`, `name`, `staff_prefix`: for a database that already has a hall."""
    async with ApiClient(base) as admin:
        await admin.login(admin_no, PASSWORD)
        hall = await admin.admin_create("halls", {"code": code, "name": name})
        service_ids: dict[str, int] = {}
        for n, name in enumerate(services):
            prefix = chr(ord("A") + n % 26) + (str(n // 26) if n >= 26 else "")
            s = await admin.admin_create(
                "services", {"hall_id": hall.id, "name": name, "prefix": prefix}
            )
            service_ids[name] = s.id
        window_ids = []
        for n in range(1, windows + 1):
            w = await admin.admin_create(
                "windows",
                {
                    "hall_id": hall.id,
                    "number": str(n),
                    "service_ids": [service_ids[window_service]],
                },
            )
            window_ids.append(w.id)
            await admin.admin_create(
                "staff",
                {
                    "staff_no": f"{staff_prefix}{n}",
                    "name": f"窗口{n}",
                    "role": "window",
                    "password": PASSWORD,
                    "hall_id": hall.id,
                    "must_change_password": False,  # benches and pictures sign in and work
                },
            )
        kiosk = await admin.admin_create(
            "devices", {"hall_id": hall.id, "kind": "kiosk", "label": "k"}
        )
        screen = await admin.admin_create(
            "devices", {"hall_id": hall.id, "kind": "display", "label": "s"}
        )
    tokens = []
    for n, window_id in enumerate(window_ids, start=1):
        async with ApiClient(base) as clerk:
            login = await clerk.login(f"{staff_prefix}{n}", PASSWORD)
            await clerk.window_action(window_id, "open")
            tokens.append(login.access_token)
    return Hall(hall.id, service_ids, window_ids, tokens, kiosk.token, screen.token)


def prefill_waiting(url: str, hall_id: int, counts: dict[int, int]) -> None:
    """Write `counts[service_id]` waiting tickets for today straight into the database (the
    server must be stopped: this is what a long morning leaves behind, made in seconds)."""
    from sqlalchemy import create_engine, insert, text
    from sqlalchemy.dialects import postgresql, sqlite

    from server.domain.calendar import business_day, hall_zone
    from server.store.tables import Ticket, TicketCounter

    engine = create_engine(url)
    now = datetime.now(UTC)
    with engine.begin() as conn:
        tz = conn.execute(
            text("SELECT timezone FROM hall WHERE id = :h"), {"h": hall_id}
        ).scalar_one()
        day = business_day(now, hall_zone(tz))
        for service_id, n in counts.items():
            prefix = conn.execute(
                text("SELECT prefix FROM service WHERE id = :s"), {"s": service_id}
            ).scalar_one()
            rows = [
                {
                    "hall_id": hall_id,
                    "service_id": service_id,
                    "business_day": day,
                    "sequence": i,
                    "number": f"{prefix}{i:03d}",
                    "priority": "normal",
                    "source": "kiosk",
                    "status": "waiting",
                    "public_token": secrets.token_urlsafe(16),
                    "issued_at": now,
                    "entered_queue_at": now,
                    "recall_count": 0,
                    "no_show_count": 0,
                }
                for i in range(1, n + 1)
            ]
            for start in range(0, len(rows), 5000):
                conn.execute(insert(Ticket.__table__), rows[start : start + 5000])  # type: ignore[attr-defined]
            dialect = postgresql if url.startswith("postgresql") else sqlite
            stmt = dialect.insert(TicketCounter.__table__).values(  # type: ignore[attr-defined]
                service_id=service_id, business_day=day, last_number=n, issued=n, waiting=n
            )
            conn.execute(
                stmt.on_conflict_do_update(
                    index_elements=["service_id", "business_day"],
                    set_={"last_number": n, "issued": n, "waiting": n, "priority_waiting": 0},
                )
            )
    if url.startswith("postgresql"):
        # what autovacuum does within a minute of such a write; run at once, before it, the
        # planner knew nothing of these rows and read call-next's queue head through the
        # unique (service, day, sequence) index, sorting the whole queue: 17 ms of
        # PostgreSQL CPU per call with 60,000 waiting, against 0.04 ms through ix_ticket_queue
        with engine.connect() as conn:
            conn.execute(text("ANALYZE ticket"))
            conn.commit()
    engine.dispose()
