"""The appointment rules, pure: slots, bookable days with 调休, check-in times, the no-show
bar, ID numbers and masking."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from server.domain.appointments import (
    AppointmentPolicy,
    CheckIn,
    Slot,
    ban_until,
    bookable_days,
    check_in_state,
    slots_of_day,
)
from server.domain.calendar import ServiceHours, WorkingCalendar
from server.domain.errors import InvalidInput
from server.domain.personal import (
    IdType,
    checked_id_no,
    is_id_card_number,
    mask_name,
    normalize_id_no,
)

ZONE = ZoneInfo("Asia/Shanghai")


def local(day: date, hhmm: str) -> datetime:
    h, m = (int(x) for x in hhmm.split(":"))
    return datetime(day.year, day.month, day.day, h, m, tzinfo=ZONE).astimezone(UTC)


def test_slots_are_cut_from_each_period_and_a_short_rest_is_dropped() -> None:
    day = date(2026, 11, 27)
    hours = ServiceHours.parse([["09:00", "10:40"], ["13:30", "14:30"]])
    slots = slots_of_day(day, hours, 30, ZONE)
    assert [s.start.astimezone(ZONE).strftime("%H:%M") for s in slots] == [
        "09:00", "09:30", "10:00", "13:30", "14:00",
    ]  # fmt: skip
    assert slots[0].end - slots[0].start == timedelta(minutes=30)
    assert slots_of_day(day, ServiceHours(), 30, ZONE) == []


def test_bookable_days_follow_the_calendar_with_make_up_days() -> None:
    calendar = WorkingCalendar()
    # before the 2026 National Day holiday: 10-10 (a Saturday) is a 调休 working day
    assert bookable_days(date(2026, 9, 30), 5, False, calendar) == [
        date(2026, 10, 8), date(2026, 10, 9), date(2026, 10, 10), date(2026, 10, 12),
        date(2026, 10, 13),
    ]  # fmt: skip
    assert bookable_days(date(2026, 9, 30), 2, True, calendar)[0] == date(2026, 9, 30)
    # same day on a holiday: not bookable
    assert bookable_days(date(2026, 10, 1), 1, True, calendar) == [date(2026, 10, 8)]
    local_holiday = WorkingCalendar(extra_holidays=frozenset({date(2026, 10, 8)}))
    assert bookable_days(date(2026, 9, 30), 1, False, local_holiday) == [date(2026, 10, 9)]


def test_check_in_opens_early_and_closes_after_the_grace() -> None:
    day = date(2026, 11, 27)
    slot = Slot(local(day, "10:00"), local(day, "10:30"))
    policy = AppointmentPolicy(early_minutes=30, grace_minutes=15)
    assert check_in_state(local(day, "09:29"), slot, policy) is CheckIn.early
    assert check_in_state(local(day, "09:30"), slot, policy) is CheckIn.open
    assert check_in_state(local(day, "10:45"), slot, policy) is CheckIn.open
    assert check_in_state(local(day, "10:46"), slot, policy) is CheckIn.late


def test_the_no_show_bar() -> None:
    policy = AppointmentPolicy(no_show_limit=3, no_show_days=30, ban_days=30)
    t0 = datetime(2026, 11, 1, 2, tzinfo=UTC)
    misses = [t0, t0 + timedelta(days=10), t0 + timedelta(days=20)]
    assert ban_until(misses, t0 + timedelta(days=21), policy) == t0 + timedelta(days=50)
    assert ban_until(misses, t0 + timedelta(days=51), policy) is None  # served
    assert ban_until(misses[:2], t0 + timedelta(days=21), policy) is None  # two only
    spread = [t0, t0 + timedelta(days=20), t0 + timedelta(days=40)]
    assert ban_until(spread, t0 + timedelta(days=41), policy) is None  # never 3 within 30 days
    assert ban_until(misses, t0, AppointmentPolicy(no_show_limit=0)) is None


def test_id_numbers_are_checked_and_normalised() -> None:
    assert is_id_card_number("11010519491231002X")
    assert not is_id_card_number("110105194912310021")
    assert normalize_id_no(" １１０１０５１９４９１２３１００２ｘ ") == "11010519491231002X"
    assert checked_id_no(IdType.id_card, "11010519491231002x") == "11010519491231002X"
    with pytest.raises(InvalidInput, match="18 位"):
        checked_id_no(IdType.id_card, "1101051949")
    assert checked_id_no(IdType.passport, "E1234 5678") == "E12345678"


def test_names_are_masked() -> None:
    assert [mask_name(n) for n in ("张三", "张小三", "欧阳小明", "李")] == [
        "张*", "张*三", "欧**明", "*",
    ]  # fmt: skip
