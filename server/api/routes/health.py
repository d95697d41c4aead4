"""Liveness and readiness.

`GET /health` is liveness: this process answers, and its writer runs (503 `writer_stopped`
while it does not — it is being restarted, or the process is stopping).

`GET /health/ready` is readiness, for a load balancer or monitoring: can this process do its
work now? Each check is named in the answer:

- `writer`: the writer runs (not being restarted);
- `store`: a real write commits — one row of `health_probe`, through the writer, fsynced
  (a full disk, a read-only file, a PostgreSQL server restarting or unreachable fail it);
- `migrations`: the database is at this program's newest migration (not behind, not newer);
- `feed` (PostgreSQL): the process listens for the other processes' events (its LISTEN
  connection is up), so its screens see every call.

200 `{"ready": true, "checks": {...}}`, or 503 with `ready: false`, the same checks (each
`{"ok": false, "detail": 中文}` that failed) and the usual `detail`/`code` (`not_ready`).
Probes arriving together share one round of checks (at most one per READY_TTL_S).
"""

from __future__ import annotations

import asyncio
import time

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from client.replies import HealthOut
from server.api.deps import RuntimeDep
from server.api.responses import ErrorOut
from server.commands.health import probe
from server.domain.texts import text
from server.runtime import Runtime
from server.store import migrate
from server.store.failures import StoreUnavailable
from server.store.job import call

router = APIRouter(tags=["health"])

READY_TTL_S = 1.0
PROBE_TIMEOUT_S = 5.0
RETRY_AFTER_S = 5


class CheckOut(BaseModel):
    ok: bool
    detail: str | None = Field(default=None, description="中文：为什么不可用")


class ReadyOut(BaseModel):
    ready: bool
    checks: dict[str, CheckOut] = Field(description="writer, store, migrations; feed on PostgreSQL")


class NotReadyOut(ReadyOut, ErrorOut):
    """503: `ready` false, the checks, and `detail` naming those that failed."""


@router.get(
    "/health",
    response_model=HealthOut,
    responses={503: {"model": ErrorOut, "description": "写入已停止"}},
)
async def health(runtime: RuntimeDep) -> HealthOut:
    """`{"status": "ok"}`, or 503 `writer_stopped` when this process can no longer save."""
    if not runtime.writer.alive:
        raise runtime.writer.stopped_error()
    return HealthOut(status="ok")


@router.get(
    "/health/ready",
    response_model=ReadyOut,
    responses={503: {"model": NotReadyOut, "description": "未就绪：detail 和 checks 说明原因"}},
)
async def ready(runtime: RuntimeDep) -> ReadyOut | JSONResponse:
    """Readiness (see the module's docstring)."""
    answer = await _checked(runtime)
    if answer.ready:
        return answer
    failed = "；".join(
        f"{name}：{check.detail}" for name, check in answer.checks.items() if not check.ok
    )
    body = NotReadyOut(
        ready=False,
        checks=answer.checks,
        detail=text("health.not_ready", failed=failed),
        code="not_ready",
    )
    return JSONResponse(
        body.model_dump(), status_code=503, headers={"Retry-After": str(RETRY_AFTER_S)}
    )


_last: dict[int, tuple[float, asyncio.Future[ReadyOut]]] = {}  # per runtime: when, the round


async def _checked(runtime: Runtime) -> ReadyOut:
    """The latest round of checks, or a new one when it is older than READY_TTL_S."""
    key = id(runtime)
    last = _last.get(key)
    if last is None or time.monotonic() - last[0] > READY_TTL_S:
        round_ = asyncio.ensure_future(_check(runtime))
        _last.clear()  # one server per process (tests start many, one after the other)
        _last[key] = (time.monotonic(), round_)
        last = _last[key]
    return await asyncio.shield(last[1])


async def _check(runtime: Runtime) -> ReadyOut:
    checks: dict[str, CheckOut] = {}
    writer = runtime.writer
    if writer.alive:
        checks["writer"] = CheckOut(ok=True)
    else:
        checks["writer"] = CheckOut(ok=False, detail=writer.stopped_error().message)
    checks["store"] = await _store(runtime)
    checks["migrations"] = await _migrations(runtime)
    if runtime.listener is not None:
        listening = runtime.listener.connected.is_set()
        checks["feed"] = CheckOut(
            ok=listening, detail=None if listening else text("health.feed_not_listening")
        )
    return ReadyOut(ready=all(c.ok for c in checks.values()), checks=checks)


async def _store(runtime: Runtime) -> CheckOut:
    try:
        await asyncio.wait_for(runtime.write(call(probe)), PROBE_TIMEOUT_S)
    except StoreUnavailable as exc:
        return CheckOut(ok=False, detail=exc.message)
    except TimeoutError:
        return CheckOut(ok=False, detail=text("health.store_slow", seconds=PROBE_TIMEOUT_S))
    except Exception as exc:  # the database refused the write: disk full, read-only, gone
        reason = str(getattr(exc, "orig", None) or exc).splitlines()[0][:200]
        return CheckOut(ok=False, detail=text("health.store_failed", reason=reason))
    return CheckOut(ok=True)


async def _migrations(runtime: Runtime) -> CheckOut:
    url = runtime.settings.resolved_database_url()
    try:
        current = await asyncio.to_thread(migrate.current_revision, url)
    except Exception as exc:
        reason = str(getattr(exc, "orig", None) or exc).splitlines()[0][:200]
        return CheckOut(ok=False, detail=text("health.store_failed", reason=reason))
    head = migrate.head_revision()
    if current == head:
        return CheckOut(ok=True)
    return CheckOut(ok=False, detail=text("health.migrations", current=current, head=head))
