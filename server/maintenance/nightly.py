"""The nightly maintenance: after 02:00 (the deployment's time zone) the day that closed is
rolled up for the statistics, personal data past its retention is cleared, the database is
backed up (when a backup directory is set) and SQLite's WAL is checkpointed and truncated.

The server runs it itself (`Nightly.loop`, every few minutes it asks "is a night due?"), so a
hall without a timer gets it; `govqueue maintenance run` does the same by hand. A night is
claimed by inserting its row (maintenance_run, one per night): with several server processes
one runs it. A missed night (the server was off) is caught up at the next check: the rollup
builds every closed day without a valid rollup, not only the last one. Each step is logged
and recorded with its result, and the console shows the runs (设置 → 夜间维护).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sqlite3
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from datetime import time as clock_time
from pathlib import Path
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from server.commands import maintenance as jobs
from server.domain.clock import Clock
from server.maintenance import backups
from server.settings import Settings
from server.store.file_lock import sqlite_file
from server.store.job import Call, call

log = logging.getLogger("govqueue.maintenance")
R = TypeVar("R")
Write = Callable[[Call[Any]], Awaitable[Any]]

STARTS_AT = clock_time(2, 0)  # local time: the night's work starts after this


def due_night(now: datetime, zone: ZoneInfo) -> date:
    """The day whose night's maintenance is due at `now`: yesterday after 02:00 local,
    the day before yesterday until then."""
    local = now.astimezone(zone)
    back = 1 if local.time() >= STARTS_AT else 2
    return local.date() - timedelta(days=back)


@dataclass
class Nightly:
    settings: Settings
    url: str
    clock: Clock
    write: Write  # the server's writer, or a transaction of the CLI's own
    runner: str = "server"

    async def run_due(self) -> int | None:
        """Run the due night's maintenance unless it is done or running elsewhere; the run's
        id, or None."""
        night = due_night(self.clock.now(), ZoneInfo(self.settings.default_timezone))
        run_id: int | None = await self.write(call(jobs.claim_night, night, self.runner))
        if run_id is None:
            return None
        log.info("nightly maintenance for %s: started", night)
        steps = [
            await self._step("rollup", self._rollup),
            await self._step("retention", self._retention),
            await self._step("backup", self._backup),
            await self._step("checkpoint", self._checkpoint),
        ]
        ok = all(step["ok"] for step in steps)
        await self.write(call(jobs.finish_run, run_id, ok, steps))
        log.log(
            logging.INFO if ok else logging.ERROR,
            "nightly maintenance for %s: %s",
            night,
            "; ".join(f"{s['step']} {'ok' if s['ok'] else 'FAILED'}: {s['detail']}" for s in steps),
        )
        return run_id

    async def loop(self, every_s: float) -> None:
        """Check every `every_s` seconds (the first check at once: a missed night)."""
        while True:
            try:
                await self.run_due()
            except Exception:
                log.exception("nightly maintenance: the check failed; trying again later")
            await asyncio.sleep(every_s)

    async def _step(self, name: str, work: Callable[[], Awaitable[str]]) -> dict[str, object]:
        started = time.monotonic()
        try:
            detail, ok = await work(), True
        except Exception as exc:
            log.exception("nightly maintenance: %s failed", name)
            message = getattr(exc, "message", None)  # ours are sentences; others get their class
            detail, ok = message or f"{type(exc).__name__}: {exc}", False
        seconds = round(time.monotonic() - started, 3)
        return {"step": name, "ok": ok, "detail": detail, "seconds": seconds}

    async def _rollup(self) -> str:
        # Imported here: the rollup reads the statistics' facts with numpy, which the serving
        # process does not load until statistics are computed (tests/api/test_stats_imports.py).
        from server.maintenance.rollups import rollup_closed_days

        return await asyncio.to_thread(rollup_closed_days, self.url, self.clock.now())

    async def _retention(self) -> str:
        before = self.clock.now() - timedelta(days=self.settings.personal_data_days)
        cleared = []
        for name, (label, _job) in sorted(jobs.RETENTION.items()):
            count = await self.write(call(jobs.run_retention, name, before))
            cleared.append(f"{label} {count} 条")
        return "，".join(cleared) or "—"

    async def _backup(self) -> str:
        if self.settings.backup_dir is None:
            return "未设置 GOVQUEUE_BACKUP_DIR：跳过（备份由 govqueue-backup.timer 做时正常）"
        made = await asyncio.to_thread(
            backups.take,
            self.url,
            self.settings.data_dir,
            self.settings.backup_dir,
            self.clock.now(),
            self.settings.backup_keep,
        )
        return str(made.path)

    async def _checkpoint(self) -> str:
        database = sqlite_file(self.url)
        if database is None:
            return "PostgreSQL: autovacuum"
        return await asyncio.to_thread(checkpoint_truncate, database)


TRUNCATE_ATTEMPTS = 20
TRUNCATE_PAUSE_S = 0.25


def checkpoint_truncate(database: Path) -> str:
    """Copy the WAL back into the database and truncate it to nothing. SQLite answers "busy"
    at once, without waiting, while another connection runs a checkpoint — the server's own
    checkpointer does every 0.5 s (server/store/checkpoint.py) — so a busy answer is asked
    again a few times (5 s in all) before it is reported."""
    with contextlib.closing(sqlite3.connect(database, timeout=30)) as conn:
        conn.execute("PRAGMA busy_timeout=30000")
        for _ in range(TRUNCATE_ATTEMPTS):
            busy, pages, moved = conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
            if not busy:
                break
            time.sleep(TRUNCATE_PAUSE_S)
    if busy:
        return f"WAL 未能截断（有读写进行中）：{moved}/{pages} 页已写回"
    return f"WAL 已写回并截断（{pages} 页）"
