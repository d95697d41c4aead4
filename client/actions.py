"""What a window does with a ticket, named once for the server, the client library and the
apps: the domain's state machine is keyed by it (server/domain/lifecycle.py), each action
but `call` has its route `POST /api/v1/tickets/{id}/<path>`, and the window client's buttons
are built on it (window_client/actions.py)."""

from __future__ import annotations

from enum import StrEnum


class TicketAction(StrEnum):
    call = "call"  # 叫号: waiting -> called (POST /windows/{id}/call-next picks the ticket)
    recall = "recall"  # 重呼
    start = "start"  # 开始办理
    finish = "finish"  # 办结, with an outcome
    no_show = "no_show"  # 过号
    requeue = "requeue"  # 过号重排
    transfer = "transfer"  # 转办, to another service
    cancel = "cancel"  # 取消

    @property
    def path(self) -> str:
        """The last segment of its route, POST /api/v1/tickets/{id}/<path>."""
        return self.value.replace("_", "-")


# the actions whose route takes no body
WITHOUT_BODY = (
    TicketAction.recall,
    TicketAction.start,
    TicketAction.no_show,
    TicketAction.requeue,
    TicketAction.cancel,
)
