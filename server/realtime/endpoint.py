"""/ws: the live feed. Replays what a client missed (or sends a snapshot), then goes live."""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from datetime import datetime
from typing import Any

from fastapi import APIRouter, WebSocket, WebSocketDisconnect
from sqlmodel import Session

from client.wire import ErrorMessage, SnapshotMessage
from server.api.deps import actor_from_token
from server.domain.actor import ensure_hall
from server.domain.errors import DomainError
from server.queries import live
from server.realtime.hub import encode, visible_to
from server.runtime import Runtime

router = APIRouter()

CLOSE_AUTH = 4401
CLOSE_FORBIDDEN = 4403
CLOSE_NOT_FOUND = 4404
CLOSE_BAD_REQUEST = 4400
CLOSE_TOO_SLOW = 4408


async def _refuse(ws: WebSocket, code: int, error: str, detail: str) -> None:
    await ws.send_text(ErrorMessage(code=error, detail=detail).model_dump_json())
    await ws.close(code=code)


def _int(raw: str | None) -> int | None:
    if raw is None or raw == "":
        return None
    return int(raw)


@router.websocket("/ws")
async def live_feed(ws: WebSocket) -> None:
    runtime: Runtime = ws.app.state.runtime
    await ws.accept()
    params = ws.query_params
    try:
        hall_id = _int(params.get("hall_id"))
        window_id = _int(params.get("window_id"))
        since = _int(params.get("since"))
    except ValueError:
        await _refuse(
            ws, CLOSE_BAD_REQUEST, "invalid_input", "hall_id、window_id、since 应为整数。"
        )
        return
    if hall_id is None:
        await _refuse(ws, CLOSE_BAD_REQUEST, "invalid_input", "请在连接地址中提供 hall_id。")
        return
    token = params.get("token") or ""
    try:
        actor = await actor_from_token(runtime, token) if token else None
        if actor is None:
            await _refuse(
                ws,
                CLOSE_AUTH,
                "authentication_required",
                "请提供设备令牌或登录令牌（token 参数）。",
            )
            return
        ensure_hall(actor, hall_id)
        current = await runtime.read(lambda s: live.last_seq(s, hall_id))
    except DomainError as exc:
        code = CLOSE_NOT_FOUND if exc.code == "not_found" else CLOSE_FORBIDDEN
        if exc.code == "invalid_token":
            code = CLOSE_AUTH
        await _refuse(ws, code, exc.code, exc.message)
        return

    sub = runtime.hub.subscribe(hall_id, window_id)
    try:
        last_sent = await _catch_up(ws, runtime, hall_id, window_id, since, current)
        await _stream(ws, sub.queue, last_sent)
        if sub.overflowed:
            await _refuse(
                ws, CLOSE_TOO_SLOW, "too_slow", "连接过慢，请重新连接并带上最后的 seq 续传。"
            )
    except (WebSocketDisconnect, RuntimeError):
        pass
    finally:
        runtime.hub.unsubscribe(sub)


async def _catch_up(
    ws: WebSocket,
    runtime: Runtime,
    hall_id: int,
    window_id: int | None,
    since: int | None,
    current: int,
) -> int:
    """Send what the client missed; returns the last seq it now has."""
    limit = runtime.settings.replay_limit
    if since is None or since < 0 or current - since > limit or since > current:
        # A snapshot (shared for a moment by clients connecting together, e.g. every screen
        # after a restart), then the events after it from the log, so nothing is missed.
        seq, text = await _snapshot(runtime, hall_id)
        await ws.send_text(text)
        since = seq
    last = since
    while True:

        def load(
            session: Session, after: int = last
        ) -> list[tuple[int, str, datetime, dict[str, Any]]]:
            return [
                (e.seq, e.type, e.at, e.data)
                for e in live.events_after(session, hall_id, after, 1000)
            ]

        batch = await runtime.read(load)
        for seq, type_, at, payload in batch:
            if visible_to(window_id, payload):
                await ws.send_text(encode(seq, type_, at, payload))
            last = seq
        if len(batch) < 1000:
            return last


async def _snapshot(runtime: Runtime, hall_id: int) -> tuple[int, str]:
    """The hall's snapshot message, built at most once per `snapshot_ttl_s` per hall."""
    cached = runtime.snapshot_cache.get(hall_id)
    if cached is not None and time.monotonic() - cached[0] < runtime.settings.snapshot_ttl_s:
        return cached[1], cached[2]
    building = runtime.snapshot_builds.get(hall_id)
    if building is None or building.done():
        building = asyncio.ensure_future(_build_snapshot(runtime, hall_id))
        runtime.snapshot_builds[hall_id] = building
    return await asyncio.shield(building)


async def _build_snapshot(runtime: Runtime, hall_id: int) -> tuple[int, str]:
    now = runtime.clock.now()
    seq, data = await runtime.read(lambda s: live.snapshot(s, hall_id, now))
    text = SnapshotMessage(seq=seq, at=now, data=data).model_dump_json()
    runtime.snapshot_cache[hall_id] = (time.monotonic(), seq, text)
    return seq, text


async def _stream(
    ws: WebSocket, queue: asyncio.Queue[tuple[int, str] | None], last_sent: int
) -> None:
    """Forward live events (skipping any already replayed) until the client leaves.

    One plain `queue.get()` per message: when the client disconnects, the receiving task
    puts the end marker into the queue, so no per-message wait on two things is needed.
    """
    receiver = asyncio.create_task(_drain_incoming(ws))
    receiver.add_done_callback(lambda _: _put_end_marker(queue))
    try:
        while (item := await queue.get()) is not None:
            seq, message = item
            if seq <= last_sent:
                continue
            await ws.send_text(message)
            last_sent = seq
    finally:
        receiver.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await receiver


def _put_end_marker(queue: asyncio.Queue[tuple[int, str] | None]) -> None:
    if queue.full():
        queue.get_nowait()
    queue.put_nowait(None)


async def _drain_incoming(ws: WebSocket) -> None:
    """Answer pings; return when the client disconnects."""
    while True:
        message = await ws.receive()
        if message["type"] == "websocket.disconnect":
            return
        raw = message.get("text")
        if raw:
            with contextlib.suppress(ValueError):
                if json.loads(raw).get("type") == "ping":
                    await ws.send_text('{"type":"pong"}')
