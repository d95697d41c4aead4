"""One statistics process kept warm: /stats/indicators over long or not yet rolled-up
periods, away from the serving process, without paying a process start and the imports
(numpy, SQLAlchemy, the server's modules: ~1.5 s on an idle 2-core machine, more than the
computation of a rolled-up year) on every request.

Started on first use, one per serving process; jobs queue (one at a time: the serving
process keeps the other core). It runs at a lower priority, like the export worker, and is
replaced after MAX_JOBS jobs (memory returned to the system) or if it dies.
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
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from server.domain.errors import DomainError, InvalidInput

log = logging.getLogger(__name__)
MAX_JOBS = 100


class StatisticsFailed(DomainError):
    code = "export_failed"


def _warm_up() -> None:
    os.nice(5)  # calls and screens of the serving process come first
    import server.exports.worker
    import server.queries.stats.indicators  # noqa: F401


def _indicators_job(
    database_url: str,
    hall_ids: tuple[int, ...] | None,
    start: date,
    end: date,
    now: datetime,
    zone: str,
    grouping: str,
    counts_basic: bool,
) -> tuple[str, Any]:
    """In the warm process: ("ok", indicators as JSON-ready data) or ("refused", message)."""
    from server.exports.worker import indicators
    from server.queries.stats.indicators import Scope
    from server.store.engine import make_engine

    engine = make_engine(database_url)
    try:
        scope = Scope(hall_ids, start, end, now, ZoneInfo(zone))
        return "ok", indicators(engine, scope, grouping, counts_basic)
    except DomainError as exc:
        return "refused", exc.message
    finally:
        engine.dispose()


_lock = threading.Lock()
_pool: ProcessPoolExecutor | None = None


def _executor() -> ProcessPoolExecutor:
    global _pool
    with _lock:
        if _pool is None:
            _pool = ProcessPoolExecutor(
                max_workers=1,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=_warm_up,
                max_tasks_per_child=MAX_JOBS,
            )
        return _pool


def _discard(pool: ProcessPoolExecutor) -> None:
    global _pool
    with _lock:
        if _pool is pool:
            _pool = None
    pool.shutdown(wait=False, cancel_futures=True)


async def warm_indicators(
    database_url: str,
    hall_ids: tuple[int, ...] | None,
    start: date,
    end: date,
    now: datetime,
    zone: str,
    grouping: str,
    counts_basic: bool,
) -> dict[str, Any]:
    """The indicators of a period, computed (and its closed days rolled up) in the warm
    statistics process; if that process died (killed, out of memory), once more in a new
    one."""
    args = (database_url, hall_ids, start, end, now, zone, grouping, counts_basic)
    return await _in_warm_process(_indicators_job, *args)


def _plan_job(database_url: str, request: Any, now: datetime, calendar: Any) -> tuple[str, Any]:
    """In the warm process: ("ok", the staffing plan as JSON-ready data) or ("refused", …)."""
    from sqlmodel import Session

    from server.queries.staffing_plan import staffing_plan
    from server.store.engine import make_engine

    engine = make_engine(database_url)
    try:
        with Session(engine) as session:
            return "ok", staffing_plan(session, request, now=now, calendar=calendar)
    except DomainError as exc:
        return "refused", exc.message
    finally:
        engine.dispose()


async def warm_plan(
    database_url: str, request: Any, now: datetime, calendar: Any
) -> dict[str, Any]:
    """The staffing plan (server/queries/staffing_plan.py: `request` a PlanRequest, `calendar`
    a WorkingCalendar), simulated in the warm statistics process: seconds of pure Python
    that would otherwise hold the serving process's event loop and GIL."""
    return await _in_warm_process(_plan_job, database_url, request, now, calendar)


async def _in_warm_process(job: Callable[..., tuple[str, Any]], *args: Any) -> dict[str, Any]:
    for attempt in (1, 2):
        pool = _executor()
        try:
            status, found = await asyncio.get_running_loop().run_in_executor(pool, job, *args)
            break
        except BrokenProcessPool:
            _discard(pool)  # the next one starts a new process
            log.error("the statistics process died (attempt %d)", attempt)
    else:
        raise StatisticsFailed("统计失败，请稍后重试；如仍失败请联系管理员查看服务器日志。")
    if status == "refused":
        raise InvalidInput(str(found))
    return dict(found)


def warm_pid() -> int | None:
    """The warm process's id, None before it started (for tests and diagnostics)."""
    with _lock:
        processes = dict(getattr(_pool, "_processes", None) or {})
    return next(iter(processes), None)
