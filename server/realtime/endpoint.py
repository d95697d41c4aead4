"""/ws: the live feed. Replays what a client missed (or sends a snapshot), then goes live."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from datetime import datetime
from typing import Any

from fastapi import APIRouter, WebSocket, WebSocketDisconnect
from sqlmodel import Session

from client.wire import ErrorMessage
from server.auth.console_session import websocket_actor
from server.auth.tokens import actor_from_token
from server.domain import texts
from server.domain.actor import ensure_hall
from server.domain.errors import AuthenticationRequired, DomainError
from server.queries import live
from server.realtime.direct import socket_of
from server.realtime.feed import Feed
from server.realtime.hub import Subscription, encode, visible_to
from server.runtime import Runtime
from server.store.types import MAX_ID

router = APIRouter()
PATH = "/ws"

CLOSE_AUTH = 4401
CLOSE_FORBIDDEN = 4403
CLOSE_NOT_FOUND = 4404
CLOSE_BAD_REQUEST = 4400
CLOSE_TOO_SLOW = 4408
CLOSE_SERVER_ERROR = 1011
CLOSE_SERVICE_RESTART = 1012
CLOSE_TIMEOUT_S = 2.0
log = logging.getLogger(__name__)


async def _refuse(ws: WebSocket, code: int, error: str, detail: str) -> None:
    await ws.send_text(ErrorMessage(code=error, detail=detail).model_dump_json())
    await ws.close(code=code)


MAX_SEQ = 2**63 - 1


def _int(raw: str | None, limit: int) -> int | None:
    """A non-negative integer within `limit` (ids are INTEGER columns: 32-bit on PostgreSQL)."""
    if raw is None or raw == "":
        return None
    value = int(raw)
    if not 0 <= value <= limit:
        raise ValueError(raw)
    return value


@router.websocket(PATH)
async def live_feed(ws: WebSocket) -> None:
    runtime: Runtime = ws.app.state.runtime
    feed: Feed = ws.app.state.feed
    await ws.accept()
    params = ws.query_params
    try:
        hall_id = _int(params.get("hall_id"), MAX_ID)
        window_id = _int(params.get("window_id"), MAX_ID)
        since = _int(params.get("since"), MAX_SEQ)
    except ValueError:
        await _refuse(
            ws,
            CLOSE_BAD_REQUEST,
            "invalid_input",
            f"hall_id、window_id 应为不大于 {MAX_ID} 的非负整数，since 应为非负整数。",
        )
        return
    if hall_id is None:
        await _refuse(ws, CLOSE_BAD_REQUEST, "invalid_input", "请在连接地址中提供 hall_id。")
        return
    token = params.get("token") or ""
    try:
        # no token: the web console's cookie session (same origin only)
        actor = (
            await actor_from_token(runtime, token) if token else await websocket_actor(ws, runtime)
        )
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
        if exc.code == "invalid_token" or isinstance(exc, AuthenticationRequired):
            code = CLOSE_AUTH
        await _refuse(ws, code, exc.code, exc.message)
        return
    except Exception:
        log.exception("live feed: could not open the feed of hall %s", hall_id)
        await _refuse(ws, CLOSE_SERVER_ERROR, "internal_error", "服务器内部错误，请稍后重新连接。")
        return

    sub = feed.hub.subscribe(hall_id, window_id)
    sub.socket = socket_of(ws)
    sender = asyncio.ensure_future(_send(ws, feed, sub, hall_id, window_id, since, current))
    sub.on_overflow = sender.cancel  # a send blocked on a stalled socket stops at once

    def revoked() -> None:  # closed when revoked (server/access.py): nothing more is sent
        sub.end()
        sender.cancel()

    watch = runtime.access.watch(actor, revoked)
    try:
        await sender
    except asyncio.CancelledError:
        if not (sub.overflowed or sub.resync or watch.revoked):
            raise
    except (WebSocketDisconnect, RuntimeError):
        pass
    except Exception:
        log.exception("live feed of hall %s failed", hall_id)
        await _close_quietly(
            ws, CLOSE_SERVER_ERROR, "internal_error", "服务器内部错误，请重新连接并带上最后的 seq。"
        )
    finally:
        sub.end()
        feed.hub.unsubscribe(sub)
        runtime.access.unwatch(watch)
        if not sender.done():
            sender.cancel()
    if watch.revoked:
        await _close_quietly(ws, CLOSE_AUTH, "revoked", texts.text("auth.revoked_live"))
    if sub.resync:  # the writer was restarted: resume from the log (Hub.resync_all)
        await _close_quietly(ws, CLOSE_SERVICE_RESTART, "unavailable", texts.text("live.resync"))
    if sub.overflowed:
        await _close_quietly(
            ws, CLOSE_TOO_SLOW, "too_slow", "连接过慢，请重新连接并带上最后收到的 seq 续传。"
        )


async def _close_quietly(ws: WebSocket, code: int, error: str, detail: str) -> None:
    """Say why and close; give up after a moment if the client does not read any more."""
    with contextlib.suppress(Exception):
        await asyncio.wait_for(_refuse(ws, code, error, detail), CLOSE_TIMEOUT_S)


async def _send(
    ws: WebSocket,
    feed: Feed,
    sub: Subscription,
    hall_id: int,
    window_id: int | None,
    since: int | None,
    current: int,
) -> None:
    last_sent = await _catch_up(ws, feed, hall_id, window_id, since, current)
    await _stream(ws, sub, last_sent)


async def _catch_up(
    ws: WebSocket,
    feed: Feed,
    hall_id: int,
    window_id: int | None,
    since: int | None,
    current: int,
) -> int:
    """Send what the client missed; returns the last seq it now has."""
    runtime = feed.runtime
    limit = runtime.settings.replay_limit
    if since is None or since < 0 or current - since > limit or since > current:
        # A snapshot (shared for a moment by clients connecting together, e.g. every screen
        # after a restart), then the events after it from the log, so nothing is missed.
        seq, text = await feed.snapshot(hall_id)
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


async def _stream(ws: WebSocket, sub: Subscription, last_sent: int) -> None:
    """Forward live events (skipping any already replayed) until the client leaves or the
    subscription ends (server stopping, or the client fell behind: see hub.py).

    Whenever everything queued has been sent, the subscription goes direct: the hub writes
    the next events straight to the socket and this task sleeps until an event has to be
    queued (the socket is paused) or the subscription ends. One plain `queue.get()` per
    queued message: when the client disconnects, the receiving task puts the end marker into
    the queue, so no per-message wait on two things is needed.
    """
    queue = sub.queue
    sub.last_sent = last_sent
    receiver = asyncio.create_task(_drain_incoming(ws))
    receiver.add_done_callback(lambda _: queue.put_nowait(None))
    try:
        while True:
            sub.go_direct()
            item = await queue.get()
            if item is None:
                break
            seq, message = item
            if seq <= sub.last_sent:
                continue  # replayed already
            await ws.send_text(message)
            sub.last_sent = seq
    finally:
        sub.end()
        receiver.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await receiver


async def _drain_incoming(ws: WebSocket) -> None:
    """Answer pings; return when the client disconnects. Anything else a client sends (text
    that is not JSON, JSON that is not an object such as `[1]` or `"ping"`, binary frames)
    is ignored — the feed goes on — and the first such message of a connection is logged."""
    logged = False
    while True:
        message = await ws.receive()
        if message["type"] == "websocket.disconnect":
            return
        raw = message.get("text")
        if _is_ping(raw):
            await ws.send_text('{"type":"pong"}')
        elif not logged:
            logged = True
            log.info(
                'live feed: ignored a message from %s that is not {"type": "ping"}: %.60r',
                _peer(ws),
                raw if raw is not None else message.get("bytes"),
            )


def _is_ping(raw: str | None) -> bool:
    if not raw:
        return False
    try:
        parsed = json.loads(raw)
    except (ValueError, RecursionError):  # not JSON, or nested deeper than Python recurses
        return False
    return isinstance(parsed, dict) and parsed.get("type") == "ping"


def _peer(ws: WebSocket) -> str:
    client = ws.client
    return f"{client.host}:{client.port}" if client is not None else "?"
