"""The appointment indicators (预约), pure: docs/indicators.md says how each is computed.

- 预约量 `appointments`: appointments of the period (by the slot's business day) that held a
  seat (cancelled ones apart: `appointments_cancelled`).
- 预约到场率 (履约率) `appointment_show_rate`: checked in ÷ (checked in + 失约); those whose
  check-in has not closed yet (as of the period's end, or now) count in neither.
- 预约准时率 `appointment_on_time_rate`: checked-in appointments first called within the hall's
  `on_time_minutes` of the slot's start — or of the check-in, when the person came after the
  slot had begun (the hall could not call them earlier) — ÷ checked-in appointments called, or
  still waiting past that mark.
- 平均预约等候 `appointment_wait_avg_s`: mean of (first call − the same start), at least 0,
  over the checked-in appointments called.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo


@dataclass(frozen=True)
class AppointmentFact:
    hall_id: int
    service_id: int
    business_day: date
    slot_start: datetime
    status: str  # booked / checked_in / cancelled / missed
    closes_at: datetime  # check-in closes (the slot's end + the hall's grace)
    on_time_minutes: int  # the hall's
    checked_in_at: datetime | None = None
    called_at: datetime | None = None  # the first call of its ticket
    window_id: int | None = None
    staff_no: str | None = None

    @property
    def wait_from(self) -> datetime:
        """When the hall could first serve the person: the slot's start, or the check-in."""
        if self.checked_in_at is not None and self.checked_in_at > self.slot_start:
            return self.checked_in_at
        return self.slot_start


def _rate(numerator: int, denominator: int) -> float | None:
    return round(numerator / denominator, 4) if denominator else None


def appointment_indicators(facts: Sequence[AppointmentFact], as_of: datetime) -> dict[str, Any]:
    held = [f for f in facts if f.status != "cancelled"]
    checked = [f for f in held if f.status == "checked_in"]
    missed = [
        f for f in held if f.status == "missed" or (f.status == "booked" and as_of > f.closes_at)
    ]
    called = [f for f in checked if f.called_at is not None and f.called_at <= as_of]
    waits = [max(0.0, (f.called_at - f.wait_from).total_seconds()) for f in called if f.called_at]
    on_time = 0
    judged = 0
    for f in checked:
        mark = f.wait_from + timedelta(minutes=f.on_time_minutes)
        if f.called_at is not None and f.called_at <= as_of:
            judged += 1
            on_time += f.called_at <= mark
        elif as_of > mark:  # still not called, past the mark
            judged += 1
    return {
        "appointments": len(held),
        "appointments_cancelled": len(facts) - len(held),
        "appointments_checked_in": len(checked),
        "appointments_missed": len(missed),
        "appointment_show_rate": _rate(len(checked), len(checked) + len(missed)),
        "appointment_on_time_rate": _rate(on_time, judged),
        "appointment_wait_avg_s": round(sum(waits) / len(waits), 1) if waits else None,
    }


def appointment_key(f: AppointmentFact, grouping: str, zone: ZoneInfo) -> str:
    """The group of an appointment: its slot's day and hour, its hall and service, and the
    window and staff that called its ticket ("" when nobody did)."""
    if grouping == "day":
        return f.business_day.isoformat()
    if grouping == "hour":
        return f"{f.slot_start.astimezone(zone).hour:02d}"
    if grouping == "hall":
        return str(f.hall_id)
    if grouping == "service":
        return str(f.service_id)
    if grouping == "window":
        return str(f.window_id or "")
    if grouping == "staff":
        return f.staff_no or ""
    raise ValueError(f"unknown grouping {grouping!r}")
