"""One statistics process kept warm: /stats/indicators over long or not yet rolled-up
periods, away from the serving process, without paying a process start and the imports
(numpy, SQLAlchemy, the server's modules: ~1.5 s on an idle 2-core machine, more than the
computation of a rolled-up year) on every request.

Started on first use, one per serving process (`runtime.statistics`; the application's
lifespan shuts it down); jobs queue (one at a time: the serving process keeps the other
core). It runs at a lower priority, like the export worker, and is replaced after MAX_JOBS
jobs (memory returned to the system) or if it dies.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
import threading
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from datetime import datetime
from typing import Any

from server.domain.errors import DomainError, InvalidInput
from server.queries.stats.indicators import Scope

log = logging.getLogger(__name__)
MAX_JOBS = 100
Answer = tuple[str, Any, int]  # ("ok", the result) or ("refused", why), and the process id


class StatisticsFailed(DomainError):
    code = "export_failed"


def _warm_up() -> None:
    os.nice(5)  # calls and screens of the serving process come first
    import server.exports.worker
    import server.queries.stats.indicators  # noqa: F401


def _indicators_job(database_url: str, scope: Scope, grouping: str, counts_basic: bool) -> Answer:
    """In the warm process: ("ok", indicators as JSON-ready data) or ("refused", message),
    with the process's id."""
    from server.exports.worker import indicators
    from server.store.engine import make_engine

    engine = make_engine(database_url)
    try:
        return "ok", indicators(engine, scope, grouping, counts_basic), os.getpid()
    except DomainError as exc:
        return "refused", exc.message, os.getpid()
    finally:
        engine.dispose()


def _plan_job(database_url: str, request: Any, now: datetime, calendar: Any) -> Answer:
    """In the warm process: ("ok", the staffing plan as JSON-ready data) or ("refused", …)."""
    from sqlmodel import Session

    from server.queries.staffing_plan import staffing_plan
    from server.store.engine import make_engine

    engine = make_engine(database_url)
    try:
        with Session(engine) as session:
            plan = staffing_plan(session, request, now=now, calendar=calendar)
            return "ok", plan, os.getpid()
    except DomainError as exc:
        return "refused", exc.message, os.getpid()
    finally:
        engine.dispose()


class StatisticsProcess:
    """The warm statistics process of one server (see the module's docstring)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._pool: ProcessPoolExecutor | None = None
        self.pid: int | None = None  # the process that answered last (tests, diagnostics)

    async def indicators(
        self, database_url: str, scope: Scope, grouping: str, counts_basic: bool
    ) -> dict[str, Any]:
        """The indicators of a period, computed (and its closed days rolled up) in the warm
        statistics process; if that process died (killed, out of memory), once more in a
        new one."""
        return await self._run(_indicators_job, database_url, scope, grouping, counts_basic)

    async def plan(
        self, database_url: str, request: Any, now: datetime, calendar: Any
    ) -> dict[str, Any]:
        """The staffing plan (server/queries/staffing_plan.py: `request` a PlanRequest,
        `calendar` a WorkingCalendar), simulated in the warm statistics process: seconds of
        pure Python that would otherwise hold the serving process's event loop and GIL."""
        return await self._run(_plan_job, database_url, request, now, calendar)

    def shutdown(self) -> None:
        """Stop the process (a job under way is waited for; queued ones are dropped)."""
        with self._lock:
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)

    async def _run(self, job: Callable[..., Answer], *args: Any) -> dict[str, Any]:
        for attempt in (1, 2):
            pool = self._executor()
            try:
                loop = asyncio.get_running_loop()
                status, found, self.pid = await loop.run_in_executor(pool, job, *args)
                break
            except BrokenProcessPool:
                self._discard(pool)  # the next one starts a new process
                log.error("the statistics process died (attempt %d)", attempt)
        else:
            raise StatisticsFailed("统计失败，请稍后重试；如仍失败请联系管理员查看服务器日志。")
        if status == "refused":
            raise InvalidInput(str(found))
        return dict(found)

    def _executor(self) -> ProcessPoolExecutor:
        with self._lock:
            if self._pool is None:
                self._pool = ProcessPoolExecutor(
                    max_workers=1,
                    mp_context=multiprocessing.get_context("spawn"),
                    initializer=_warm_up,
                    max_tasks_per_child=MAX_JOBS,
                )
            return self._pool

    def _discard(self, pool: ProcessPoolExecutor) -> None:
        with self._lock:
            if self._pool is pool:
                self._pool = None
        pool.shutdown(wait=False, cancel_futures=True)
