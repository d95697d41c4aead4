from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from server.domain.calendar import (
    ServiceHours,
    add_working_days,
    business_day,
    day_bounds,
    hall_zone,
)
from server.domain.errors import InvalidInput

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
