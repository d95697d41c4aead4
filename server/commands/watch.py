"""The server watch's writer job (server/watch.py): keeps a hall's lasting conditions — long
waits, long pauses, silent devices — in step with its alerts."""

from __future__ import annotations

from sqlmodel import col, select

from server.commands.alerts import raise_alert, resolve_alert
from server.commands.devices import mark_offline
from server.domain.alerts import WATCHED_KINDS, AlertCondition
from server.store.tables import Alert
from server.store.transaction import Tx


def keep_watched(
    tx: Tx,
    hall_id: int,
    holding: list[AlertCondition],
    offline_device_ids: list[int],
    offline_after_s: float,
) -> None:
    """The watch's job for one hall (server/watch.py): raise what holds now, resolve the
    watched alerts whose cause went away, mark silent devices 离线."""
    tx.lock_hall(hall_id)
    wanted = {c.key for c in holding}
    for condition in holding:
        raise_alert(
            tx,
            hall_id,
            condition.kind,  # type: ignore[arg-type]
            condition.subject,
            condition.text,
            level=condition.level,  # type: ignore[arg-type]
            data=dict(condition.data),
        )
    ongoing = tx.session.exec(
        select(Alert).where(
            Alert.hall_id == hall_id,
            col(Alert.kind).in_(WATCHED_KINDS),
            col(Alert.resolved_at).is_(None),
        )
    ).all()
    for alert in ongoing:
        if (alert.kind, alert.subject) not in wanted:
            resolve_alert(tx, hall_id, alert.kind, alert.subject)  # type: ignore[arg-type]
    for device_id in offline_device_ids:
        mark_offline(tx, device_id, offline_after_s)
