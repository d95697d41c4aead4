"""When a hall's state is worth an alert (提醒), as pure rules over plain values.

The conditions that last (a long wait, a long pause, a device not heard from) are checked by
the server's watch (server/watch.py) every few seconds; the happenings (a printer out of
paper, a 差评) raise theirs where they happen (server/commands/devices.py, evaluations.py).
server/commands/alerts.py keeps one alert per episode.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from .texts import text

# the kinds a watch keeps in step with the hall (raised while they hold, resolved after)
# the 好差评 loop's (server/domain/rating_loop.py): records stuck on their way to the platform
PLATFORM_KINDS = ("platform_backlog", "platform_failed")
# … and its 超期预警: a 差评's 整改 or 回访 deadline near (due) or passed (overdue)
DEADLINE_KINDS = ("rectification_due", "rectification_overdue", "followup_due", "followup_overdue")
WATCHED_KINDS = ("wait_over", "pause_long", *PLATFORM_KINDS, *DEADLINE_KINDS)


@dataclass(frozen=True)
class AlertCondition:
    """An alert that should be open now: what it is about and the sentence to show."""

    kind: str
    subject: str
    text: str
    level: str = "bad"
    data: dict[str, int] = field(default_factory=dict)

    @property
    def key(self) -> tuple[str, str]:
        return self.kind, self.subject


def minutes_between(start: datetime, end: datetime) -> int:
    return max(0, int((end - start).total_seconds() // 60))


def wait_over(
    service_id: int, name: str, oldest_waiting_at: datetime | None, target_min: int, now: datetime
) -> AlertCondition | None:
    """等候超时: the longest current wait of a service is past its target."""
    if oldest_waiting_at is None or (now - oldest_waiting_at).total_seconds() <= target_min * 60:
        return None
    return AlertCondition(
        "wait_over",
        f"service:{service_id}",
        text(
            "alert.wait_over",
            service=name,
            minutes=minutes_between(oldest_waiting_at, now),
            target=target_min,
        ),
        "bad",
        {"service_id": service_id},
    )


def pause_long(
    window_id: int,
    number: str,
    reason: str | None,
    paused_since: datetime | None,
    limit_min: int,
    now: datetime,
) -> AlertCondition | None:
    """窗口暂停过久: a window paused longer than the hall's threshold."""
    if paused_since is None or (now - paused_since).total_seconds() <= limit_min * 60:
        return None
    return AlertCondition(
        "pause_long",
        f"window:{window_id}",
        text(
            "alert.pause_long",
            window=number,
            minutes=minutes_between(paused_since, now),
            reason=text("alert.pause_reason", reason=reason) if reason else "",
            limit=limit_min,
        ),
        "warn",
        {"window_id": window_id},
    )


def is_offline(
    last_seen_at: datetime | None, now: datetime, after_s: float, watching_since: datetime
) -> bool:
    """离线: not heard from for `after_s` seconds. A device never heard from is not offline
    (it is registered but not installed yet), and a server that just started gives every
    device the same time to report again before it calls it offline."""
    if last_seen_at is None:
        return False
    return (now - max(last_seen_at, watching_since)).total_seconds() > after_s
