"""Alerts (提醒): server state every console of the hall sees, not a browser's memory.

An alert is about one thing of a hall: its `kind` (printer_out, device_error, device_offline,
bad_rating, pause_long, wait_over) and its `subject` (`device:3`, `ticket:12`, `window:2`,
`service:4`). Its life:

    raised ──cause goes away──► resolved (已恢复; still shown)
       └─────────────┬──────────────┘
                     └──someone acknowledges──► gone from every console (who, when kept)

`raise_alert` is idempotent per open (hall, kind, subject): while an alert of that kind and
subject is not acknowledged, or its cause has not gone away, raising it again changes its
text and nothing else (a kiosk that reports "no paper" every minute makes one alert). An
alert that was resolved but not yet acknowledged is raised again in place (same id, the feed
says `alert.raised` once more). Only after both — resolved and acknowledged — does the same
fault make a new alert. Alerts of a single happening (a 差评) are never resolved; acknowledging
ends them.

Every change is in the hall's log: `alert.raised`, `alert.resolved`, `alert.acknowledged`.
"""

from __future__ import annotations

from typing import Any, Literal

from sqlmodel import col, or_, select

from client.events import AlertAcknowledged, AlertKind, AlertRaised, AlertResolved
from server.domain.actor import StaffActor, ensure_hall
from server.domain.errors import NotFound
from server.domain.texts import text
from server.store.tables import ALERT_SUBJECT_IDS, Alert
from server.store.transaction import Tx

Level = Literal["bad", "warn"]


def _open(tx: Tx, hall_id: int, kind: str, subject: str) -> Alert | None:
    """The alert of this (hall, kind, subject) that is not over: unacknowledged or ongoing."""
    return tx.session.exec(
        select(Alert)
        .where(
            Alert.hall_id == hall_id,
            Alert.kind == kind,
            Alert.subject == subject,
            or_(col(Alert.acknowledged_at).is_(None), col(Alert.resolved_at).is_(None)),
        )
        .order_by(col(Alert.id).desc())
    ).first()


def raise_alert(
    tx: Tx,
    hall_id: int,
    kind: AlertKind,
    subject: str,
    sentence: str,
    *,
    level: Level = "bad",
    data: dict[str, Any] | None = None,
) -> Alert:
    """Raise an alert, or keep the one already open for (hall, kind, subject)."""
    tx.lock_hall(hall_id)
    alert = _open(tx, hall_id, kind, subject)
    if alert is not None and alert.resolved_at is None:
        if alert.text != sentence:
            alert.text = sentence
            tx.session.add(alert)
        return alert
    if alert is None:
        alert = Alert(
            hall_id=hall_id,
            kind=kind,
            subject=subject,
            level=level,
            text=sentence,
            data={k: v for k, v in (data or {}).items() if k in ALERT_SUBJECT_IDS},
            raised_at=tx.now,
        )
    else:  # resolved, not yet acknowledged: the same fault again
        alert.resolved_at = None
        alert.text = sentence
        alert.raised_at = tx.now
    tx.session.add(alert)
    tx.session.flush()
    tx.emit(hall_id, raised_event(alert))
    return alert


def raised_event(alert: Alert) -> AlertRaised:
    return AlertRaised(
        alert_id=alert.id or 0,
        kind=alert.kind,
        subject=alert.subject,
        level=alert.level,
        text=alert.text,
        raised_at=alert.raised_at,
        **alert.subject_ids(),
    )


def resolve_alert(tx: Tx, hall_id: int, kind: AlertKind, subject: str) -> Alert | None:
    """The cause went away: the open alert (if any) is marked resolved."""
    tx.lock_hall(hall_id)
    alert = _open(tx, hall_id, kind, subject)
    if alert is None or alert.resolved_at is not None:
        return None
    alert.resolved_at = tx.now
    tx.session.add(alert)
    tx.emit(
        hall_id,
        AlertResolved(
            alert_id=alert.id or 0,
            kind=kind,
            subject=subject,
            resolved_at=tx.now,
        ),
    )
    return alert


def acknowledge_alert(tx: Tx, actor: StaffActor, alert_id: int) -> Alert:
    """Acknowledge once for everyone: the first acknowledgement is kept (who and when); a
    second one (two supervisors at once) returns the alert as the first left it."""
    alert = tx.session.get(Alert, alert_id)
    if alert is None:
        raise NotFound(text("alert.not_found", alert_id=alert_id))
    ensure_hall(actor, alert.hall_id)
    tx.lock_hall(alert.hall_id)
    tx.session.refresh(alert)  # as it is now that the hall is ours (another process acked it?)
    if alert.acknowledged_at is not None:
        return alert
    alert.acknowledged_at = tx.now
    alert.acknowledged_by = actor.staff_id
    alert.acknowledged_by_no = actor.staff_no
    alert.acknowledged_by_name = actor.name
    tx.session.add(alert)
    tx.emit(
        alert.hall_id,
        AlertAcknowledged(
            alert_id=alert.id or 0,
            kind=alert.kind,
            subject=alert.subject,
            acknowledged_at=tx.now,
            by_staff_no=actor.staff_no,
            by_name=actor.name,
        ),
    )
    return alert
