"""The clerk's actions and when each applies: pure rules, tested without a screen.

A button that does not apply to the current state is disabled; nothing is offered while an
action waits for the server's answer or while the live feed is reconnecting (the screen may
be stale then, and an action the server did not confirm must never look done).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from client.actions import TicketAction


class Action(StrEnum):
    call = "call"  # 叫号 (call-next)
    recall = "recall"  # 重呼
    start = "start"  # 开始办理
    finish = "finish"  # 办结 (with an outcome)
    no_show = "no_show"  # 过号
    requeue = "requeue"  # 过号重排
    transfer = "transfer"  # 转办
    cancel = "cancel"  # 取消
    pause = "pause"  # 暂停 (with a reason)
    resume = "resume"  # 恢复
    close = "close"  # 下班


# The ticket actions in button order, with their keys (shown on the buttons).
TICKET_ACTIONS: tuple[Action, ...] = (
    Action.call,
    Action.recall,
    Action.start,
    Action.finish,
    Action.no_show,
    Action.requeue,
    Action.transfer,
    Action.cancel,
)
SHORTCUTS: dict[Action, str] = {
    Action.call: "F1",
    Action.recall: "F2",
    Action.start: "F3",
    Action.finish: "F4",
    Action.no_show: "F5",
    Action.requeue: "F6",
    Action.transfer: "F7",
    Action.cancel: "F8",
    Action.pause: "F9",
    Action.resume: "F9",  # one key toggles 暂停 / 恢复
}

# The REST path segment of each ticket action (POST /tickets/{id}/<segment>): the wire's
# TicketAction names them, once for the server, the client library and this client.
TICKET_PATHS: dict[Action, str] = {
    Action(a.value): a.path for a in TicketAction if a is not TicketAction.call
}

ACTIVE = frozenset({"called", "serving"})


@dataclass(frozen=True)
class DeskSituation:
    """What the buttons depend on."""

    window_state: str | None  # open / paused / closed; None before the window is known
    ticket_status: str | None  # the ticket shown at the desk (None: no ticket yet)
    no_shows: int = 0  # today's no-shows at this window (one may be requeued)
    pending: Action | None = None  # an action waiting for the server's answer
    live: bool = True  # the live feed is connected


def enabled_actions(s: DeskSituation) -> frozenset[Action]:
    """The actions that apply now (the others' buttons are disabled)."""
    if s.pending is not None or not s.live or s.window_state not in ("open", "paused"):
        return frozenset()
    status = s.ticket_status
    allowed: set[Action] = set()
    if s.window_state == "open":
        allowed.add(Action.pause)
        if status not in ACTIVE:
            allowed.add(Action.call)
    else:
        allowed.add(Action.resume)
    if status == "called":
        allowed |= {Action.recall, Action.start, Action.no_show, Action.cancel}
    elif status == "serving":
        allowed |= {Action.finish, Action.transfer}
    elif status == "no_show":
        allowed.add(Action.cancel)
    if status == "no_show" or s.no_shows > 0:
        allowed.add(Action.requeue)
    if status not in ACTIVE:
        allowed.add(Action.close)
    return frozenset(allowed)
