"""The 好差评 loop's lasting conditions, as pure rules: records that cannot reach the platform,
and (issue 25) 回访 and 整改 deadlines coming near or passed. The server's watch
(server/watch.py) checks them with the others and keeps one alert per condition."""

from __future__ import annotations

from datetime import datetime

from .alerts import AlertCondition, minutes_between
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
