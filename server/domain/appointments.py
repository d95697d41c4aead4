"""Appointments (预约): the hall's rules, pure.

A service takes appointments in slots (default 30 minutes) within its hours, on working days
(China's calendar with 调休, plus the hall's own days), up to `days_ahead` working days ahead
(not today unless the hall allows it), each slot up to `quota` people. Booking closes
`book_before_minutes` before the slot, cancelling `cancel_before_minutes` before it. Check-in
opens `early_minutes` before the slot and closes `grace_minutes` after its end; not checked in
by then is a no-show (失约); `no_show_limit` of them within `no_show_days` bar the person from
booking online for `ban_days` (the console can lift it). Times are UTC instants; days and
hours are the hall's.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from .actor import IntegrationActor, StaffActor, ensure_hall
from .calendar import ServiceHours, WorkingCalendar
from .errors import Conflict, NotFound
from .texts import text


class AppointmentStatus(StrEnum):
    booked = "booked"  # 已预约
    checked_in = "checked_in"  # 已取号 (a ticket was issued for it)
    cancelled = "cancelled"  # 已取消
    missed = "missed"  # 失约: not checked in by the end of the slot + grace


# an appointment that holds its seat in the slot: every one but a cancelled one
HOLDS_SEAT = (
    AppointmentStatus.booked.value,
    AppointmentStatus.checked_in.value,
    AppointmentStatus.missed.value,
)

STATUS_NAMES = {
    AppointmentStatus.booked: "已预约",
    AppointmentStatus.checked_in: "已签到取号",
    AppointmentStatus.cancelled: "已取消",
    AppointmentStatus.missed: "失约",
}


@dataclass(frozen=True)
class AppointmentPolicy:
    """A hall's rules (the hall file's `[appointments]`)."""

    same_day: bool = False
    book_before_minutes: int = 120
    cancel_before_minutes: int = 120
    early_minutes: int = 30
    grace_minutes: int = 15
    no_show_limit: int = 3
    no_show_days: int = 30
    ban_days: int = 30
    retention_days: int = 90
    on_time_minutes: int = 15  # 预约准时率: called within this long of the slot's start


@dataclass(frozen=True)
class ServiceBooking:
    """A service's appointment settings (the hall file's `appointment_*` keys)."""

    slot_minutes: int = 30
    quota: int = 0  # per slot; 0: no appointments
    days_ahead: int = 5  # working days

    @property
    def takes_appointments(self) -> bool:
        return self.quota > 0


@dataclass(frozen=True, order=True)
class Slot:
    start: datetime
    end: datetime


class AppointmentRefused(Conflict):
    """A booking, cancellation or check-in the rules do not allow; `code` says which rule."""

    code = "appointment_refused"


def slots_of_day(day: date, hours: ServiceHours, slot_minutes: int, zone: ZoneInfo) -> list[Slot]:
    """The day's slots: each period of the service's hours cut into `slot_minutes` from its
    start; a piece shorter than a slot at a period's end is no slot. No hours: no slots (an
    all-day service has no opening to cut)."""
    slots: list[Slot] = []
    step = timedelta(minutes=slot_minutes)
    for start, end in hours.periods:
        local = datetime.combine(day, start, tzinfo=zone)
        close = datetime.combine(day, end, tzinfo=zone)
        while local + step <= close:
            slots.append(Slot(local.astimezone(UTC), (local + step).astimezone(UTC)))
            local += step
    return slots


def bookable_days(
    today: date, days_ahead: int, same_day: bool, calendar: WorkingCalendar
) -> list[date]:
    """The working days a person may book: the next `days_ahead` working days after today,
    and today as well when the hall allows same-day booking and it is a working day."""
    days = [today] if same_day and calendar.is_working_day(today) else []
    day, ahead = today, 0
    while ahead < days_ahead:
        day += timedelta(days=1)
        if calendar.is_working_day(day):
            days.append(day)
            ahead += 1
    return days


def book_deadline(slot: Slot, policy: AppointmentPolicy) -> datetime:
    return slot.start - timedelta(minutes=policy.book_before_minutes)


def cancel_deadline(slot: Slot, policy: AppointmentPolicy) -> datetime:
    return slot.start - timedelta(minutes=policy.cancel_before_minutes)


def check_in_opens(slot: Slot, policy: AppointmentPolicy) -> datetime:
    return slot.start - timedelta(minutes=policy.early_minutes)


def check_in_closes(slot: Slot, policy: AppointmentPolicy) -> datetime:
    """The end of the slot and the grace period: not checked in by then is a no-show."""
    return slot.end + timedelta(minutes=policy.grace_minutes)


class CheckIn(StrEnum):
    early = "early"
    open = "open"
    late = "late"


def check_in_state(now: datetime, slot: Slot, policy: AppointmentPolicy) -> CheckIn:
    if now < check_in_opens(slot, policy):
        return CheckIn.early
    if now > check_in_closes(slot, policy):
        return CheckIn.late
    return CheckIn.open


def is_missed(
    status: AppointmentStatus, slot: Slot, policy: AppointmentPolicy, now: datetime
) -> bool:
    """失约: marked so, or still only booked after check-in closed."""
    if status is AppointmentStatus.missed:
        return True
    return status is AppointmentStatus.booked and now > check_in_closes(slot, policy)


def ban_until(
    misses: Iterable[datetime], now: datetime, policy: AppointmentPolicy
) -> datetime | None:
    """Until when a person with these no-shows (each at the moment check-in closed) may not
    book online; None when they may. `no_show_limit` misses within `no_show_days` bar them
    for `ban_days` from the miss that reached the limit. Pass only the misses after the
    console last lifted the person's bar."""
    limit = policy.no_show_limit
    if limit <= 0:
        return None
    window = timedelta(days=policy.no_show_days)
    ban = timedelta(days=policy.ban_days)
    times = sorted(misses)
    latest: datetime | None = None
    for i in range(limit - 1, len(times)):
        if times[i] - times[i - limit + 1] <= window:
            until = times[i] + ban
            if until > now and (latest is None or until > latest):
                latest = until
    return latest


def pick_slot(slots: Sequence[Slot], start: datetime) -> Slot | None:
    """The slot that starts at `start` exactly, if any."""
    return next((s for s in slots if s.start == start), None)


def ensure_may_see(
    actor: IntegrationActor | StaffActor, hall_id: int, integration_id: int | None, ident: int
) -> None:
    """An integration sees the appointments it booked (another's: not found); staff those
    of their hall."""
    if isinstance(actor, IntegrationActor):
        if integration_id != actor.integration_id:
            raise NotFound(text("appointment.not_found", appointment_id=ident))
        return
    ensure_hall(actor, hall_id)
