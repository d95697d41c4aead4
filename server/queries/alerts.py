"""Alerts as the consoles list them, and what the server's watch finds in each hall."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

from sqlmodel import Session, col, select

from client.replies import AlertOut as AlertOut  # the reply: shared with the client
from server.domain.alerts import (
    WATCHED_KINDS,
    AlertCondition,
    is_offline,
    pause_long,
    wait_over,
)
from server.domain.calendar import WorkingCalendar
from server.domain.enums import WindowState
from server.queries.outbox import platform_conditions
from server.queries.rating_loop import deadline_conditions
from server.store import lookups
from server.store.tables import Alert, Device, Hall, Service, Window

AlertState = Literal["open", "all"]


def alert_out(alert: Alert) -> AlertOut:
    """The alert as the consoles list it, with the ids its data names."""
    return AlertOut.model_validate({**alert.model_dump(), **alert.subject_ids()})


def hall_alerts(session: Session, hall_id: int, state: AlertState, limit: int) -> list[AlertOut]:
    """open: not yet acknowledged (what a console shows), newest first; all: every alert,
    newest first, at most `limit`."""
    lookups.hall(session, hall_id)
    query = select(Alert).where(Alert.hall_id == hall_id)
    if state == "open":
        query = query.where(col(Alert.acknowledged_at).is_(None))
    rows = session.exec(query.order_by(col(Alert.id).desc()).limit(limit))
    return [alert_out(a) for a in rows]


@dataclass
class HallFindings:
    """What the watch found in one hall, and whether the alerts already say so."""

    hall_id: int
    holding: list[AlertCondition] = field(default_factory=list)
    ongoing: set[tuple[str, str]] = field(default_factory=set)  # unresolved watched alerts
    offline: list[int] = field(default_factory=list)  # devices to mark 离线

    @property
    def needs_change(self) -> bool:
        return bool(self.offline) or {c.key for c in self.holding} != self.ongoing


def watch_findings(
    session: Session,
    now: datetime,
    offline_after_s: float,
    watching_since: datetime,
    calendar: WorkingCalendar | None = None,
) -> list[HallFindings]:
    """Every hall's long waits, long pauses and silent devices, its 好差评 records stuck on the
    way and its 差评 deadlines near or passed (working days by `calendar`), against its open
    alerts."""
    found: list[HallFindings] = []
    for hall in session.exec(select(Hall).order_by(col(Hall.id))):
        hall_id = hall.id or 0
        findings = HallFindings(hall_id)
        targets = {
            s.id: s.target_wait_minutes
            for s in session.exec(select(Service).where(Service.hall_id == hall_id))
        }
        for count in lookups.service_counts(session, hall_id, now):
            condition = wait_over(
                count.service_id,
                count.name,
                count.oldest_waiting_at if count.waiting else None,
                targets.get(count.service_id, 20),
                now,
            )
            if condition is not None:
                findings.holding.append(condition)
        for window in session.exec(
            select(Window).where(Window.hall_id == hall_id, Window.state == WindowState.paused)
        ):
            condition = pause_long(
                window.id or 0,
                window.number,
                window.pause_reason,
                window.state_since,
                hall.pause_alert_minutes,
                now,
            )
            if condition is not None:
                findings.holding.append(condition)
        for device in session.exec(
            select(Device).where(
                Device.hall_id == hall_id,
                col(Device.revoked_at).is_(None),
                col(Device.offline_since).is_(None),
                col(Device.last_seen_at).is_not(None),
            )
        ):
            if is_offline(device.last_seen_at, now, offline_after_s, watching_since):
                findings.offline.append(device.id or 0)
        findings.holding.extend(platform_conditions(session, hall_id, now))
        findings.holding.extend(deadline_conditions(session, hall, now, calendar))
        findings.ongoing = {
            (kind, subject)
            for kind, subject in session.exec(
                select(Alert.kind, Alert.subject).where(
                    Alert.hall_id == hall_id,
                    col(Alert.kind).in_(WATCHED_KINDS),
                    col(Alert.resolved_at).is_(None),
                )
            )
        }
        found.append(findings)
    return found
