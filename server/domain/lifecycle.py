"""Ticket and window state machines. Pure rules: which change is allowed from which state."""

from __future__ import annotations

from typing import Any

from client.actions import TicketAction as A

from .enums import TicketStatus as T
from .enums import WindowState as W
from .errors import IllegalTransition
from .texts import text

# action -> (states it may start from, state it leads to); the actions are the wire's
# (client/actions.py), so the server, the client library and the apps name them alike
TICKET_TRANSITIONS: dict[str, tuple[frozenset[T], T]] = {
    A.call: (frozenset({T.waiting}), T.called),
    A.recall: (frozenset({T.called}), T.called),
    A.start: (frozenset({T.called}), T.serving),
    A.finish: (frozenset({T.serving}), T.done),
    A.no_show: (frozenset({T.called}), T.no_show),
    A.requeue: (frozenset({T.no_show}), T.waiting),
    A.transfer: (frozenset({T.serving}), T.transferred),
    A.cancel: (frozenset({T.waiting, T.called, T.no_show}), T.cancelled),
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
