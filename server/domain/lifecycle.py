"""Ticket and window state machines. Pure rules: which change is allowed from which state."""

from __future__ import annotations

from typing import Any

from .enums import TicketStatus as T
from .enums import WindowState as W
from .errors import IllegalTransition
from .texts import text

# action -> (states it may start from, state it leads to)
TICKET_TRANSITIONS: dict[str, tuple[frozenset[T], T]] = {
    "call": (frozenset({T.waiting}), T.called),
    "recall": (frozenset({T.called}), T.called),
    "start": (frozenset({T.called}), T.serving),
    "finish": (frozenset({T.serving}), T.done),
    "no_show": (frozenset({T.called}), T.no_show),
    "requeue": (frozenset({T.no_show}), T.waiting),
    "transfer": (frozenset({T.serving}), T.transferred),
    "cancel": (frozenset({T.waiting, T.called, T.no_show}), T.cancelled),
}

WINDOW_TRANSITIONS: dict[str, tuple[frozenset[W], W]] = {
    "open": (frozenset({W.closed, W.open}), W.open),
    "pause": (frozenset({W.open}), W.paused),
    "resume": (frozenset({W.paused}), W.open),
    "close": (frozenset({W.open, W.paused}), W.closed),
}

ACTIVE_AT_WINDOW = frozenset({T.called, T.serving})


def _apply(
    table: dict[str, tuple[frozenset[Any], Any]], action: str, current: Any, key: str, **names: str
) -> Any:
    allowed, target = table[action]
    if current not in allowed:
        raise IllegalTransition(text(key, action=text(f"action.{action}"), **names))
    return target


def next_ticket_status(action: str, current: T, *, number: str) -> T:
    status = text(f"status.{current.value}")
    result: T = _apply(
        TICKET_TRANSITIONS, action, current, "ticket.illegal", number=number, status=status
    )
    return result


def next_window_state(action: str, current: W, *, window: str) -> W:
    state = text(f"window_state.{current.value}")
    result: W = _apply(
        WINDOW_TRANSITIONS, action, current, "window.illegal", window=window, state=state
    )
    return result
