"""An issued ticket as the kiosk shows and prints it (from `POST /tickets`)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from app_shell.timefmt import HALL_ZONE, local
from client.replies import DeviceMeOut, IssuedTicketOut
from kiosk_app.settings import KioskSettings
from kiosk_app.texts import text


@dataclass(frozen=True)
class IssuedTicket:
    ticket_id: int
    number: str
    service_name: str
    hall_name: str
    ahead: int
    estimated_wait_minutes: int
    issued_at: datetime
    public_url: str
    green: bool
    elderly: bool = False  # taken in 长辈版: shown and printed larger, windows spelled out
    window_numbers: tuple[str, ...] = ()  # the windows that serve its service

    def with_mode(self, elderly: bool, window_numbers: tuple[str, ...]) -> IssuedTicket:
        return replace(self, elderly=elderly, window_numbers=window_numbers)

    # 预约: the appointment's slot (UTC), None for a walk-in
    slot: tuple[datetime, datetime] | None = None

    @property
    def slot_text(self) -> str:
        """10:00–10:30, in the hall's time."""
        if self.slot is None:
            return ""
        start, end = (local(t, HALL_ZONE) for t in self.slot)
        return f"{start:%H:%M}–{end:%H:%M}"

    @classmethod
    def from_api(
        cls, issued: IssuedTicketOut, *, service_name: str, hall_name: str
    ) -> IssuedTicket:
        booked = issued.appointment
        return cls(
            ticket_id=issued.id,
            number=issued.number,
            service_name=service_name,
            hall_name=hall_name,
            ahead=issued.ahead,
            estimated_wait_minutes=issued.estimated_wait_minutes,
            issued_at=issued.issued_at,
            public_url=issued.public_url,
            green=issued.priority != "normal",
            slot=(booked.slot_start, booked.slot_end) if booked is not None else None,
        )


def ticket_notice(settings: KioskSettings, me: DeviceMeOut) -> str:
    """The words under the QR code: the kiosk's own notice when one is set, else the hall's
    no-show rule (过号重排 or 过号需重新取号), as `GET /devices/me` tells it."""
    if settings.ticket_notice:
        return settings.ticket_notice
    return text("ticket.notice.requeue" if me.no_show_requeue else "ticket.notice")
