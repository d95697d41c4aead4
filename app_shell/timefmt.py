"""Times as people in the hall read them: the hall's zone (Asia/Shanghai), Chinese dates,
durations in minutes and hours. Pure functions, tested without Qt."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from app_shell.texts import text

HALL_ZONE = ZoneInfo("Asia/Shanghai")


def now_utc() -> datetime:
    return datetime.now(UTC)


class ServerClock:
    """The server's time as best known: this PC's clock plus the offset seen in the last
    snapshot (`follow`), so timers and clocks on screen do not depend on a PC set wrong."""

    def __init__(self, local_now: Callable[[], datetime] = now_utc) -> None:
        self._local_now = local_now
        self.offset = timedelta(0)  # server time minus this PC's time

    def now(self) -> datetime:
        return self._local_now() + self.offset

    def follow(self, server_at: datetime) -> None:
        self.offset = server_at - self._local_now()


def local(moment: datetime, zone: ZoneInfo = HALL_ZONE) -> datetime:
    """`moment` in the hall's zone. A naive datetime is taken as UTC (the server's storage)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(zone)


def parse_instant(value: str) -> datetime:
    """An ISO-8601 instant from the server ("...Z" or with an offset)."""
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def clock_text(moment: datetime, zone: ZoneInfo = HALL_ZONE, *, seconds: bool = True) -> str:
    """09:05:07 (or 09:05) in the hall's zone."""
    return local(moment, zone).strftime("%H:%M:%S" if seconds else "%H:%M")


def date_text(moment: datetime, zone: ZoneInfo = HALL_ZONE) -> str:
    """2026年11月26日 星期四."""
    day = local(moment, zone)
    return text(
        "date.full",
        year=day.year,
        month=day.month,
        day=day.day,
        weekday=text(f"weekday.{day.weekday()}"),
    )


def datetime_text(moment: datetime, zone: ZoneInfo = HALL_ZONE) -> str:
    """2026-11-26 09:05 (for tickets and lists)."""
    return local(moment, zone).strftime("%Y-%m-%d %H:%M")


def duration_text(span: timedelta | float | int) -> str:
    """A duration as people say it: 45秒, 12分钟, 1小时, 1小时5分钟.

    Under a minute shows seconds; from a minute on, whole minutes (rounded down) — a
    waiting-time display must not jump every second.
    """
    seconds = int(span.total_seconds() if isinstance(span, timedelta) else span)
    seconds = max(0, seconds)
    if seconds < 60:
        return text("duration.seconds", seconds=seconds)
    minutes = seconds // 60
    if minutes < 60:
        return text("duration.minutes", minutes=minutes)
    hours, minutes = divmod(minutes, 60)
    if minutes == 0:
        return text("duration.hours", hours=hours)
    return text("duration.hours_minutes", hours=hours, minutes=minutes)


def timer_text(span: timedelta | float | int) -> str:
    """A running timer: 04:07, or 1:04:07 past an hour (tabular, for clocks that tick)."""
    seconds = max(0, int(span.total_seconds() if isinstance(span, timedelta) else span))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes:02d}:{secs:02d}"


def wait_text(minutes: int | None) -> str:
    """An estimated wait: 无需等候, 约 15分钟, 约 1小时10分钟."""
    if not minutes or minutes <= 0:
        return text("wait.none")
    return text("wait.about", duration=duration_text(minutes * 60))
