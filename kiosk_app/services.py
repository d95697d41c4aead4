"""What each service button says and whether it can be pressed. Pure, tested without Qt."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time
from enum import StrEnum

from app_shell.timefmt import HALL_ZONE, local, wait_text
from client.replies import ServiceStatusOut
from kiosk_app.texts import text


class Availability(StrEnum):
    open = "open"
    closed = "closed"  # outside its hours of issue
    full = "full"  # the daily limit is reached
    disabled = "disabled"  # switched off by the admin


@dataclass(frozen=True)
class ServiceButton:
    service_id: int
    name: str
    prefix: str
    waiting: int
    estimated_wait_minutes: int
    availability: Availability
    status_text: str  # the second line: waiting and wait, or why it cannot be pressed
    common: bool = False  # 常用业务: offered first in 长辈版
    window_numbers: tuple[str, ...] = ()  # the windows that serve it

    @property
    def pressable(self) -> bool:
        return self.availability is Availability.open


def _half_day(at: time) -> str:
    half = text("half.am") if at.hour < 12 else text("half.pm")
    return f"{half} {at:%H:%M}"


def _periods(raw: list[list[str]] | None) -> list[tuple[time, time]]:
    out = []
    for start, end in raw or []:
        out.append((time.fromisoformat(start), time.fromisoformat(end)))
    return sorted(out)


def closed_text(hours: list[list[str]] | None, now: datetime) -> str:
    """Why a service outside its hours is closed, and when it opens again today."""
    at = local(now, HALL_ZONE).time()
    periods = _periods(hours)
    later = [start for start, _ in periods if start > at]
    if not later:
        return text("service.closed_today") if periods else text("service.closed")
    if all(start > at for start, _ in periods):
        return text("service.not_yet", when=_half_day(later[0]))
    return text("service.closed_until", when=_half_day(later[0]))


def service_button(service: ServiceStatusOut, now: datetime) -> ServiceButton:
    """One service of `GET /halls/{id}/services` as its button shows it at `now`."""
    if not service.enabled:
        availability, status = Availability.disabled, text("service.disabled")
    elif service.remaining_today == 0:
        availability, status = Availability.full, text("service.full")
    elif not service.open_now:
        availability, status = Availability.closed, closed_text(service.hours, now)
    else:
        availability = Availability.open
        status = (
            text("service.waiting", count=service.waiting)
            + " · "
            + wait_text(service.estimated_wait_minutes)
        )
    return ServiceButton(
        service_id=service.id,
        name=service.name,
        prefix=service.prefix,
        waiting=service.waiting,
        estimated_wait_minutes=service.estimated_wait_minutes,
        availability=availability,
        status_text=status,
        common=service.common,
        window_numbers=tuple(service.window_numbers),
    )


def service_buttons(services: list[ServiceStatusOut], now: datetime) -> list[ServiceButton]:
    return [service_button(s, now) for s in services]
