"""Read models that queries build and the API returns as they are (so neither layer has to
import the other's types): services with their queue, windows, the ticket holder's view."""

from __future__ import annotations

from client.replies import PublicTicketOut as PublicTicketOut  # the replies: shared with the client
from client.replies import ServiceOut as ServiceOut
from client.replies import ServiceStatusOut as ServiceStatusOut
from client.replies import WindowOut as WindowOut
from server.store.tables import Window


def window_out(window: Window, service_ids: list[int]) -> WindowOut:
    return WindowOut(
        id=window.id or 0,
        hall_id=window.hall_id,
        number=window.number,
        state=window.state,
        pause_reason=window.pause_reason,
        staff_id=window.staff_id,
        service_ids=service_ids,
    )
