"""Handing a writer batch's outcomes back to the callers: each caller's future is settled
on its own event loop, one wake-up of each loop per batch, the batch's events published
first. Shared by the writer thread (writer/group_commit.py) and the writer process (writer/process.py).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence
from typing import Any

from server.store.transaction import CommittedEvent

log = logging.getLogger("server.store.writer.group_commit")

Publisher = Callable[[list[CommittedEvent]], None]
Outcome = tuple[bool, Any]  # (True, result) or (False, exception)
# where a job's outcome goes: the caller's future, settled on the caller's loop
Waiter = tuple[asyncio.Future[Any], asyncio.AbstractEventLoop]


def _call_soon(loop: asyncio.AbstractEventLoop, fn: Callable[..., Any], *args: Any) -> None:
    """`fn(*args)` on `loop`: at once when this is that loop's thread (the writer process's
    answers are read on the loop), else handed over thread-safely (the writer thread)."""
    try:
        running = asyncio.get_running_loop()
    except RuntimeError:
        running = None
    if running is loop:
        fn(*args)
        return
    try:
        loop.call_soon_threadsafe(fn, *args)
    except RuntimeError:  # the caller's loop is closed: nobody is waiting any more
        log.debug("writer: the loop of a caller is closed")


def settle_all(
    waiters: Sequence[Waiter],
    outcomes: list[Outcome],
    publish: Publisher | None = None,
    events: list[CommittedEvent] | None = None,
) -> None:
    """Hand the outcomes (and the batch's events, published first) to the callers' loops:
    one wake-up of each loop per batch, not one per job."""
    by_loop: dict[asyncio.AbstractEventLoop, list[tuple[asyncio.Future[Any], bool, Any]]] = {}
    for (future, loop), (ok, value) in zip(waiters, outcomes, strict=True):
        by_loop.setdefault(loop, []).append((future, ok, value))
    for index, (loop, settled) in enumerate(by_loop.items()):
        if index == 0 and publish is not None:
            _call_soon(loop, _deliver, settled, publish, events)
        else:
            _call_soon(loop, _deliver, settled, None, None)


def _deliver(
    settled: list[tuple[asyncio.Future[Any], bool, Any]],
    publish: Publisher | None,
    events: list[CommittedEvent] | None,
) -> None:
    if publish is not None and events:
        try:
            publish(events)
        except Exception:  # pragma: no cover - the callers must still get their answers
            log.exception("writer: publishing a batch's events failed")
    for future, ok, value in settled:
        _settle(future, ok, value)


def _settle(future: asyncio.Future[Any], ok: bool, value: Any) -> None:
    if future.done():
        return
    if ok:
        future.set_result(value)
    else:
        future.set_exception(value)
