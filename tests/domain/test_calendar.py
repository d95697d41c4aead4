from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from server.domain.calendar import (
    ServiceHours,
    WorkingCalendar,
    add_working_days,
    business_day,
    day_bounds,
    hall_zone,
    official_working_day,
)
from server.domain.errors import InvalidInput
from server.settings import Settings

SH = hall_zone("Asia/Shanghai")


def test_business_day_is_the_halls_local_date() -> None:
    # 2026-11-26 23:30 UTC is already the 27th in Shanghai
    assert business_day(datetime(2026, 11, 26, 23, 30, tzinfo=UTC), SH) == date(2026, 11, 27)
    assert business_day(datetime(2026, 11, 26, 15, 59, tzinfo=UTC), SH) == date(2026, 11, 26)
    start, end = day_bounds(date(2026, 11, 27), SH)
    assert start == datetime(2026, 11, 26, 16, 0, tzinfo=UTC)
    assert (end - start).total_seconds() == 86400


def test_hours_of_issue() -> None:
    hours = ServiceHours.parse([["13:30", "17:00"], ["09:00", "12:00"]])
    assert hours.to_json() == [["09:00", "12:00"], ["13:30", "17:00"]]

    def at(h: int, m: int) -> datetime:
        return datetime(2026, 11, 26, h, m, tzinfo=SH).astimezone(UTC)

    assert hours.is_open(at(9, 0), SH)
    assert not hours.is_open(at(12, 0), SH)
    assert not hours.is_open(at(13, 29), SH)
    assert hours.is_open(at(16, 59), SH)
    assert not hours.is_open(at(17, 0), SH)
    assert ServiceHours.parse(None).is_open(at(3, 0), SH)
    assert "09:00–12:00" in hours.describe()


@pytest.mark.parametrize(
    "raw",
    [
        [["9h", "12:00"]],
        [["12:00", "09:00"]],
        [["09:00", "12:00"], ["11:00", "13:00"]],
        [["09:00"]],
    ],
)
def test_bad_hours_are_refused_with_the_expected_format(raw: list[list[str]]) -> None:
    with pytest.raises(InvalidInput, match="取号时间"):
        ServiceHours.parse(raw)


def test_unknown_timezone() -> None:
    with pytest.raises(InvalidInput, match="Mars/Olympus"):
        hall_zone("Mars/Olympus")


def test_working_days_skip_weekends() -> None:
    friday = datetime(2026, 11, 27, 2, 0, tzinfo=UTC)  # Friday 10:00 in Shanghai
    assert add_working_days(friday, 1, SH).astimezone(SH).date() == date(2026, 11, 30)
    assert add_working_days(friday, 15, SH).astimezone(SH).date() == date(2026, 12, 18)


def _local(day: date, hour: int = 10) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=SH).astimezone(UTC)


def _deadline(start: date, days: int, calendar: WorkingCalendar | None = None) -> date:
    moved = add_working_days(_local(start), days, SH, calendar)
    assert moved.astimezone(SH).hour == 10, "same local time of day"
    return moved.astimezone(SH).date()


def test_working_days_skip_public_holidays() -> None:
    # 国庆 2026: 1–7 October off; Wednesday 30 September + 1 working day is Thursday 8 October
    assert _deadline(date(2026, 9, 30), 1) == date(2026, 10, 8)
    # 春节 2026: 15–23 February off
    assert _deadline(date(2026, 2, 13), 1) == date(2026, 2, 14)  # a make-up Saturday
    assert _deadline(date(2026, 2, 14), 1) == date(2026, 2, 24)


def test_make_up_working_days_count() -> None:
    # 调休: Sunday 20 September and Saturday 10 October 2026 are working days
    assert _deadline(date(2026, 9, 18), 1) == date(2026, 9, 20)
    assert _deadline(date(2026, 10, 9), 1) == date(2026, 10, 10)


def test_fifteen_working_days_across_mid_autumn_and_national_day() -> None:
    # From Thursday 24 Sept 2026: 25 Sept (中秋) and 1–7 Oct are off, 10 Oct is worked.
    # 28,29,30 Sep; 8,9,10,12,13,14,15,16,19,20,21,22 Oct -> the 15th is 22 October.
    assert _deadline(date(2026, 9, 24), 15) == date(2026, 10, 22)
    # with Monday–Friday only it would have been 15 October
    assert _deadline(date(2026, 9, 24), 15) != date(2026, 10, 15)


def test_local_holidays_and_extra_working_days() -> None:
    local = WorkingCalendar(
        extra_holidays=frozenset({date(2026, 11, 30)}),
        extra_workdays=frozenset({date(2026, 12, 5)}),
    )
    assert _deadline(date(2026, 11, 27), 1, local) == date(2026, 12, 1)  # Monday 30th off
    assert _deadline(date(2026, 12, 4), 1, local) == date(2026, 12, 5)  # Saturday worked
    assert _deadline(date(2026, 11, 27), 1) == date(2026, 11, 30)


def test_a_year_without_official_data_keeps_fixed_date_holidays() -> None:
    # the package knows up to 2026; 1 January 2027 is 元旦 whatever the year's schedule
    assert not official_working_day(date(2027, 1, 1))
    assert official_working_day(date(2027, 1, 4))
    assert _deadline(date(2026, 12, 31), 1) == date(2027, 1, 4)
    # a deployment lists the new year's schedule itself until the package is updated
    known = WorkingCalendar(extra_holidays=frozenset({date(2027, 1, 4)}))
    assert _deadline(date(2026, 12, 31), 1, known) == date(2027, 1, 5)


def test_settings_read_local_days_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GOVQUEUE_EXTRA_HOLIDAYS", "2026-12-24, 2026-12-25")
    monkeypatch.setenv("GOVQUEUE_EXTRA_WORKDAYS", '["2026-12-26"]')
    calendar = Settings().working_calendar()
    assert calendar.extra_holidays == {date(2026, 12, 24), date(2026, 12, 25)}
    assert not calendar.is_working_day(date(2026, 12, 24))
    assert calendar.is_working_day(date(2026, 12, 26))
    monkeypatch.setenv("GOVQUEUE_EXTRA_HOLIDAYS", "2026-13-01")
    with pytest.raises(ValueError, match="extra_holidays"):
        Settings()


def test_day_classes_set_holidays_and_the_day_after_apart() -> None:
    from server.domain.calendar import (
        AFTER_HOLIDAY,
        HOLIDAY,
        MAKEUP_WORKDAY,
        RESTDAYS,
        WORKDAYS,
        day_class,
        wider_class,
    )

    # 国庆 2025: 1–8 October off, Sunday 28 September and Saturday 11 October worked (调休)
    assert day_class(date(2025, 10, 1)) == HOLIDAY
    assert day_class(date(2025, 10, 4)) == HOLIDAY  # a Saturday inside the holiday
    assert day_class(date(2025, 10, 9)) == AFTER_HOLIDAY  # Thursday, first day back
    assert day_class(date(2025, 10, 10)) == "weekday4"
    assert day_class(date(2025, 10, 11)) == MAKEUP_WORKDAY
    assert day_class(date(2025, 9, 28)) == MAKEUP_WORKDAY
    assert day_class(date(2025, 10, 12)) == "weekday6"  # an ordinary Sunday
    assert day_class(date(2025, 10, 13)) == "weekday0"  # Monday after a weekend: a Monday
    # a hall's own closing day makes the next working day a day after a holiday
    closed = WorkingCalendar(extra_holidays=frozenset({date(2025, 10, 14)}))
    assert day_class(date(2025, 10, 14), closed) == HOLIDAY
    assert day_class(date(2025, 10, 15), closed) == AFTER_HOLIDAY
    assert wider_class(date(2025, 10, 11)) == WORKDAYS
    assert wider_class(date(2025, 10, 12)) == RESTDAYS
    # a year the package has no data for: fixed-date holidays and Monday–Friday
    assert day_class(date(2031, 5, 1)) == HOLIDAY
    assert day_class(date(2031, 5, 5)) == AFTER_HOLIDAY  # Thursday 1, Friday 2, weekend
