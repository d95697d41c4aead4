"""Read models that queries build and the API returns as they are (so neither layer has to
import the other's types): services with their queue, windows, the ticket holder's view."""

from __future__ import annotations

from client.replies import PublicTicketOut as PublicTicketOut  # the replies: shared with the client
from client.replies import ServiceOut as ServiceOut
from client.replies import ServiceStatusOut as ServiceStatusOut
from client.replies import WindowOut as WindowOut
from server.store.tables import Window


def window_out(window: Window, service_ids: list[int]) -> WindowOut:
    """The window's columns and the services it serves, in its order."""
    return WindowOut.model_validate({**window.model_dump(), "service_ids": service_ids})
