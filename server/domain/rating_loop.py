"""The 好差评 loop's lasting conditions, as pure rules: records that cannot reach the platform,
and 超期预警 — a 差评's 整改 or 回访 deadline coming near or passed. The server's watch
(server/watch.py) checks them with the others and keeps one alert per condition: the 'due'
one is resolved when the 'overdue' one is raised, and both when the work is recorded."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from .alerts import AlertCondition, minutes_between
from .calendar import WorkingCalendar, subtract_working_days
from .texts import text


def platform_backlog(
    hall_id: int, oldest_pending_at: datetime | None, limit_min: int, now: datetime
) -> AlertCondition | None:
    """好差评记录积压: the oldest record still to send is older than the hall's threshold."""
    if oldest_pending_at is None or (now - oldest_pending_at).total_seconds() <= limit_min * 60:
        return None
    minutes = minutes_between(oldest_pending_at, now)
    return AlertCondition(
        "platform_backlog",
        f"hall:{hall_id}",
        text("alert.platform_backlog", minutes=minutes, limit=limit_min),
    )


def platform_failed(hall_id: int, failed: int) -> AlertCondition | None:
    """好差评上报失败: records the platform refused (or never took) wait for a person."""
    if not failed:
        return None
    return AlertCondition("platform_failed", f"hall:{hall_id}", text("alert.platform_failed"))


def _local(instant: datetime, zone: ZoneInfo) -> str:
    return instant.astimezone(zone).strftime("%m-%d %H:%M")


def rectification_deadline(
    rectification_id: int,
    ticket_id: int,
    number: str,
    deadline: datetime,
    now: datetime,
    warn_working_days: int,
    zone: ZoneInfo,
    calendar: WorkingCalendar | None = None,
) -> AlertCondition | None:
    """整改 not recorded: overdue once the deadline passed, due within the hall's warning
    (working days before it)."""
    subject, data = f"rectification:{rectification_id}", {"ticket_id": ticket_id}
    when = _local(deadline, zone)
    if now > deadline:
        sentence = text("alert.rectification_overdue", number=number, deadline=when)
        return AlertCondition("rectification_overdue", subject, sentence, "bad", data)
    if now >= subtract_working_days(deadline, warn_working_days, zone, calendar):
        sentence = text("alert.rectification_due", number=number, deadline=when)
        return AlertCondition("rectification_due", subject, sentence, "warn", data)
    return None


def followup_deadline(
    rectification_id: int,
    ticket_id: int,
    number: str,
    deadline: datetime,
    now: datetime,
    warn_hours: int,
    zone: ZoneInfo,
) -> AlertCondition | None:
    """整改 recorded, 回访 not: overdue once the deadline passed, due `warn_hours` before."""
    subject, data = f"rectification:{rectification_id}", {"ticket_id": ticket_id}
    when = _local(deadline, zone)
    if now > deadline:
        sentence = text("alert.followup_overdue", number=number, deadline=when)
        return AlertCondition("followup_overdue", subject, sentence, "bad", data)
    if now >= deadline - timedelta(hours=warn_hours):
        sentence = text("alert.followup_due", number=number, deadline=when)
        return AlertCondition("followup_due", subject, sentence, "warn", data)
    return None
