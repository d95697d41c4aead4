"""The vocabulary of the domain: states, outcomes, priorities, roles."""

from __future__ import annotations

from enum import StrEnum

from client.kinds import DeviceKind as DeviceKind  # shared with the client's replies
from client.kinds import Role as Role


class TicketStatus(StrEnum):
    waiting = "waiting"
    called = "called"
    serving = "serving"
    done = "done"
    no_show = "no_show"
    transferred = "transferred"
    cancelled = "cancelled"


class Outcome(StrEnum):
    done = "done"  # 办结
    supplement = "supplement"  # 补正
    returned = "returned"  # 退件
    rejected = "rejected"  # 不予受理


class Priority(StrEnum):
    normal = "normal"
    green = "green"  # 绿色通道: elderly, disabled, servicemen, pregnant …


class TicketSource(StrEnum):
    kiosk = "kiosk"
    appointment = "appointment"
    mobile = "mobile"
    staff = "staff"
    transfer = "transfer"


class WindowState(StrEnum):
    open = "open"
    paused = "paused"
    closed = "closed"


class EvaluationChannel(StrEnum):
    window = "window"  # the evaluator pad at the window
    mobile = "mobile"  # the ticket's QR page
    kiosk = "kiosk"
    phone = "phone"  # a rating taken by phone and entered at the console
