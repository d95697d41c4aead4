"""Business days, service hours and working-day deadlines, in the hall's time zone."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import chinese_calendar

from .errors import InvalidInput
from .texts import text


def hall_zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise InvalidInput(text("hall.bad_timezone", tz=name)) from exc


def business_day(instant: datetime, zone: ZoneInfo) -> date:
    """The calendar day, in the hall's zone, that `instant` belongs to."""
    return instant.astimezone(zone).date()


def day_bounds(day: date, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """[start, end) of a business day, as UTC instants."""
    start = datetime.combine(day, time.min, tzinfo=zone)
    end = datetime.combine(day + timedelta(days=1), time.min, tzinfo=zone)
    return start.astimezone(UTC), end.astimezone(UTC)


@dataclass(frozen=True)
class ServiceHours:
    """Hours of ticket issue, e.g. 09:00–12:00 and 13:30–17:00. Empty = all day."""

    periods: tuple[tuple[time, time], ...] = ()

    @classmethod
    def parse(cls, raw: list[list[str]] | list[tuple[str, str]] | None) -> ServiceHours:
        if not raw:
            return cls()
        periods: list[tuple[time, time]] = []
        for item in raw:
            if len(item) != 2:
                raise InvalidInput(text("service.bad_hours", detail=f"{list(item)} 应为两个时间"))
            start, end = (_parse_hhmm(s) for s in item)
            if start >= end:
                raise InvalidInput(text("service.bad_hours", detail=f"{item[0]} 应早于 {item[1]}"))
            periods.append((start, end))
        periods.sort()
        for (_, end), (start, _) in itertools.pairwise(periods):
            if start < end:
                raise InvalidInput(text("service.bad_hours", detail="时段有重叠"))
        return cls(tuple(periods))

    def to_json(self) -> list[list[str]]:
        return [[s.strftime("%H:%M"), e.strftime("%H:%M")] for s, e in self.periods]

    def is_open(self, instant: datetime, zone: ZoneInfo) -> bool:
        if not self.periods:
            return True
        local = instant.astimezone(zone).time()
        return any(start <= local < end for start, end in self.periods)

    def describe(self) -> str:
        if not self.periods:
            return text("hours.all_day")
        return "、".join(f"{s:%H:%M}–{e:%H:%M}" for s, e in self.periods)


def _parse_hhmm(raw: str) -> time:
    try:
        hours, minutes = raw.split(":")
        return time(int(hours), int(minutes))
    except (ValueError, AttributeError) as exc:
        raise InvalidInput(text("service.bad_hours", detail=f"“{raw}” 不是 HH:MM")) from exc


@dataclass(frozen=True)
class WorkingCalendar:
    """Which days are working days: China's official calendar (public holidays and 调休
    make-up working days, from the `chinese-calendar` package), plus a hall's own additions.

    For a year the package has no data for yet, Monday–Friday are working days; a deployment
    can list that year's holidays and make-up days in `extra_holidays` / `extra_workdays`
    until the package is updated.
    """

    extra_holidays: frozenset[date] = frozenset()
    extra_workdays: frozenset[date] = frozenset()

    def is_working_day(self, day: date) -> bool:
        if day in self.extra_workdays:
            return True
        if day in self.extra_holidays:
            return False
        return official_working_day(day)

    def is_holiday(self, day: date) -> bool:
        """A public holiday (法定节假日, with the weekend days its 调休 folds in), not an
        ordinary weekend."""
        if day in self.extra_workdays:
            return False
        if day in self.extra_holidays:
            return True
        return official_holiday(day)


# Statutory holidays on fixed dates (全国年节及纪念日放假办法): 元旦, 劳动节, 国庆节. The
# lunar ones (春节, 端午, 中秋) and 清明 move; for a year without data only these are known.
FIXED_HOLIDAYS = ((1, 1), (5, 1), (5, 2), (10, 1), (10, 2), (10, 3))


def official_working_day(day: date) -> bool:
    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError:  # a year the package has no data for (yet)
        return day.weekday() < 5 and (day.month, day.day) not in FIXED_HOLIDAYS


def official_holiday(day: date) -> bool:
    try:
        on_holiday, name = chinese_calendar.get_holiday_detail(day)
    except NotImplementedError:  # a year the package has no data for (yet)
        return (day.month, day.day) in FIXED_HOLIDAYS
    return bool(on_holiday) and name is not None


# How a day is expected to behave (the staffing plan averages a day's arrivals over the past
# days of its class): a weekday, a public holiday, the first working day after one (节后首日,
# usually the busiest), or a weekend day made a working day (调休上班).
HOLIDAY, AFTER_HOLIDAY, MAKEUP_WORKDAY = "holiday", "after_holiday", "makeup_workday"
WEEKDAY_CLASSES = tuple(f"weekday{i}" for i in range(7))
WORKDAYS, RESTDAYS = "workdays", "restdays"  # the wider classes used when one has no history


def day_class(day: date, calendar: WorkingCalendar | None = None) -> str:
    """The class of `day`: HOLIDAY, AFTER_HOLIDAY, MAKEUP_WORKDAY or weekday0 … weekday6."""
    calendar = calendar or WorkingCalendar()
    if calendar.is_holiday(day):
        return HOLIDAY
    if calendar.is_working_day(day):
        before = day - timedelta(days=1)
        while not calendar.is_working_day(before) and day - before <= timedelta(days=14):
            if calendar.is_holiday(before):
                return AFTER_HOLIDAY
            before -= timedelta(days=1)
        if day.weekday() >= 5:
            return MAKEUP_WORKDAY
    return WEEKDAY_CLASSES[day.weekday()]


def wider_class(day: date, calendar: WorkingCalendar | None = None) -> str:
    """WORKDAYS or RESTDAYS: the fallback class of a day whose own class has no history."""
    calendar = calendar or WorkingCalendar()
    return WORKDAYS if calendar.is_working_day(day) else RESTDAYS


def add_working_days(
    start: datetime, days: int, zone: ZoneInfo, calendar: WorkingCalendar | None = None
) -> datetime:
    """`start` moved forward by `days` working days, same local time.

    Working days follow `calendar` (by default China's official calendar): weekends and
    public holidays are skipped, 调休 make-up Saturdays and Sundays count.
    """
    calendar = calendar or WorkingCalendar()
    local = start.astimezone(zone)
    moved = 0
    while moved < days:
        local += timedelta(days=1)
        if calendar.is_working_day(local.date()):
            moved += 1
    return local.astimezone(UTC)


def subtract_working_days(
    end: datetime, days: int, zone: ZoneInfo, calendar: WorkingCalendar | None = None
) -> datetime:
    """`end` moved back by `days` working days, same local time (add_working_days backwards):
    when a warning before a deadline in working days is due."""
    calendar = calendar or WorkingCalendar()
    local = end.astimezone(zone)
    moved = 0
    while moved < days:
        local -= timedelta(days=1)
        if calendar.is_working_day(local.date()):
            moved += 1
    return local.astimezone(UTC)
