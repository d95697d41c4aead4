"""Read models that queries build and the API returns as they are (so neither layer has to
import the other's types): services with their queue, windows, the ticket holder's view."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from client.replies import ServiceOut as ServiceOut  # the replies: shared with the client
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


class PublicTicketOut(BaseModel):
    hall_name: str
    number: str
    service_name: str
    status: str
    status_text: str
    ahead: int | None
    estimated_wait_minutes: int | None
    window_number: str | None
    issued_at: datetime
    called_at: datetime | None
    transferred_to_number: str | None
    evaluated: bool
    can_evaluate: bool
    finished_at: datetime | None = None
    rating_closes_at: datetime | None = Field(
        default=None, description="the QR page takes a rating until then (the hall's window)"
    )
    re_rating_open: bool = Field(
        default=False, description="追评 possible: the 差评 was rectified, not yet re-rated"
    )
    re_rated: bool = Field(default=False, description="the applicant made the 追评")
    rectified_at: datetime | None = Field(default=None, description="整改 of this ticket's 差评")
    # the applicant's phone (issue 27)
    recall_count: int = Field(default=0, description="重呼: called again this many times")
    notify_ahead: int = Field(
        default=3, description="the hall's 到号提醒: the page alerts with this many ahead (0: off)"
    )
    rejoined: bool = Field(default=False, description="扫码过号重排 used (once per ticket)")
    rejoin_until: datetime | None = Field(
        default=None,
        description="a no-show may rejoin the queue from its page until then (the hall allows "
        "it and it has not rejoined yet); null otherwise",
    )
    can_rejoin: bool = Field(default=False, description="POST …/rejoin would be accepted now")
    rejoin_position: str = Field(default="behind", description="behind | end")
    rejoin_behind: int = Field(default=3, description="behind the next this many waiting")
