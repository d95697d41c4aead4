"""/t/{public_token}/live: the live feed of one ticket, for the page its QR code opens.

The page's own public token is the credential: no device or staff token, and nothing of the
hall's feed goes out as it is. The connection follows the hall's events (a subscription to
the hub like a screen's, always through its queue) and, whenever an event can change what
the holder sees — an event about this ticket, any queue change of its service while it
waits (people ahead, the estimate), a window opening or closing — reads the ticket's public
view again (`server/queries/public.py`, the same as GET /tickets/public/{token}) and sends
it when it changed:

    {"type": "ticket", "at": "2026-12-07T01:05:00Z", "data": {PublicTicketOut}}

Nothing else is ever sent: no other ticket's number, no names. A burst of events costs one
read: everything already queued is taken before the view is read. A client may send
{"type": "ping"} (answered with {"type": "pong"}); it reconnects by itself after a close and
gets the current view at once (a view is the whole state: nothing to replay).

Closes: 4404 no such ticket, 4410 the link expired (its rating window, docs/decisions.md),
4408 fell behind (reconnect), 1012 the server restarted its writer (reconnect), 1001 the
server stops.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging

from fastapi import APIRouter, WebSocket, WebSocketDisconnect
from sqlmodel import Session

from client.wire import ErrorMessage
from server.domain.errors import DomainError, Gone
from server.queries.public import find_by_token, public_view
from server.realtime.feed import Feed
from server.runtime import Runtime

router = APIRouter()
PATH = "/t/{public_token}/live"

CLOSE_NOT_FOUND = 4404
CLOSE_GONE = 4410
CLOSE_TOO_SLOW = 4408
CLOSE_SERVICE_RESTART = 1012
CLOSE_GOING_AWAY = 1001
MAX_TOKEN = 64
log = logging.getLogger(__name__)

# events that change a waiting ticket's estimate whatever their service
HALL_WIDE = frozenset({"window.status"})


class Watched:
    """What the connection needs to know about its ticket to tell which events concern it."""

    def __init__(self, ticket_id: int, hall_id: int, service_id: int) -> None:
        self.ticket_id = ticket_id
        self.hall_id = hall_id
        self.service_id = service_id
        self.waiting = True  # while it waits, every queue change of its service matters

    def concerns(self, message: str) -> bool:
        """Whether a hall event (its encoded message) can change this ticket's view."""
        try:
            event = json.loads(message)
        except ValueError:
            return True
        type_ = event.get("type", "")
        data = event.get("data") or {}
        new = data.get("new_ticket") or {}
        if self.ticket_id in (data.get("ticket_id"), new.get("ticket_id")):
            return True
        if not self.waiting:
            return False
        if type_ in HALL_WIDE:
            return True
        if type_.startswith("ticket."):
            return self.service_id in (data.get("service_id"), new.get("service_id"))
        return False


async def _refuse(ws: WebSocket, code: int, error: str, detail: str) -> None:
    with contextlib.suppress(Exception):
        await ws.send_text(ErrorMessage(code=error, detail=detail).model_dump_json())
        await ws.close(code=code)


@router.websocket(PATH)
async def ticket_live(ws: WebSocket, public_token: str) -> None:
    runtime: Runtime = ws.app.state.runtime
    feed: Feed = ws.app.state.feed
    await ws.accept()
    if len(public_token) > MAX_TOKEN:
        await _refuse(ws, CLOSE_NOT_FOUND, "not_found", "未找到该号票，请核对二维码或票面信息。")
        return

    def locate(session: Session) -> Watched:
        ticket = find_by_token(session, public_token, runtime.clock.now())
        assert ticket.id is not None
        return Watched(ticket.id, ticket.hall_id, ticket.service_id)

    try:
        watched = await runtime.read(locate)
    except DomainError as exc:
        code = CLOSE_GONE if isinstance(exc, Gone) else CLOSE_NOT_FOUND
        await _refuse(ws, code, exc.code, exc.message)
        return
    sub = feed.hub.subscribe(watched.hall_id)  # no socket: every event through its queue
    receiver = asyncio.create_task(_drain_incoming(ws))
    receiver.add_done_callback(lambda _: sub.end())
    try:
        await _follow(ws, runtime, public_token, watched, sub.queue)
    except DomainError as exc:  # the link expired while open
        await _refuse(ws, CLOSE_GONE if isinstance(exc, Gone) else CLOSE_NOT_FOUND, exc.code,
                      exc.message)  # fmt: skip
        return
    except (WebSocketDisconnect, RuntimeError):
        return
    finally:
        sub.end()
        feed.hub.unsubscribe(sub)
        receiver.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await receiver
    if receiver.done() and not sub.overflowed and not sub.resync:
        return  # the client left
    if sub.overflowed:
        await _refuse(ws, CLOSE_TOO_SLOW, "too_slow", "连接过慢，请重新连接。")
    elif sub.resync:
        await _refuse(ws, CLOSE_SERVICE_RESTART, "unavailable", "服务器正在恢复，请重新连接。")
    else:
        await _refuse(ws, CLOSE_GOING_AWAY, "unavailable", "服务器正在停止，请稍后重新连接。")


async def _follow(
    ws: WebSocket,
    runtime: Runtime,
    token: str,
    watched: Watched,
    queue: asyncio.Queue[tuple[int, str] | None],
) -> None:
    """Send the view, then again whenever a change that concerns it leaves it different."""
    catalog = runtime.writer.catalog
    last = ""
    while True:
        now = runtime.clock.now()
        view = await runtime.read(lambda s, at=now: public_view(s, catalog, token, at))  # type: ignore[misc]
        watched.waiting = view.status == "waiting"
        text = json.dumps(view.model_dump(mode="json"), ensure_ascii=False)
        if text != last:
            at = now.isoformat().replace("+00:00", "Z")
            await ws.send_text(f'{{"type":"ticket","at":"{at}","data":{text}}}')
            last = text
        if not await _wait_for_change(queue, watched):
            return


async def _wait_for_change(queue: asyncio.Queue[tuple[int, str] | None], watched: Watched) -> bool:
    """Until an event concerns the ticket (then everything already queued is taken too, so
    a burst costs one read): True; False when the subscription ended."""
    relevant = False
    while not relevant:
        item = await queue.get()
        if item is None:
            return False
        relevant = watched.concerns(item[1])
    while not queue.empty():
        item = queue.get_nowait()
        if item is None:
            return False
    return True


async def _drain_incoming(ws: WebSocket) -> None:
    """Answer pings; return when the client disconnects; ignore anything else."""
    while True:
        message = await ws.receive()
        if message["type"] == "websocket.disconnect":
            return
        raw = message.get("text") or ""
        if '"ping"' in raw:
            with contextlib.suppress(Exception):
                await ws.send_text('{"type":"pong"}')
