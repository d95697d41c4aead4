"""呼叫帮办 (issue 29): a kiosk asks for a person. The request is an alert of kind `help` about
the kiosk (every console shows it) and a `help.requested` event the hall's 导办 desk shows;
acknowledged once, by a supervisor in the console or by the clerk at the 导办 desk.

Pressing again while nobody has acknowledged is the same request (the kiosk says it is on its
way): one alert, one event, counted once in the day's 呼叫帮办.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import col, select

from client.events import HelpRequested
from server.commands.alerts import acknowledge_alert, raise_alert
from server.commands.devices import device_of
from server.domain.actor import DeviceActor, StaffActor
from server.domain.errors import InvalidInput, NotFound
from server.domain.texts import text
from server.store import lookups
from server.store.tables import Alert
from server.store.transaction import Tx


@dataclass(frozen=True)
class HelpRequest:
    alert_id: int
    text: str
    new: bool  # False: the same request again, not yet acknowledged


def request_help(tx: Tx, actor: DeviceActor) -> HelpRequest:
    device = device_of(tx.session, actor)
    hall = lookups.hall(tx.session, device.hall_id)
    sentence = text("alert.help", label=device.label)
    subject = f"device:{device.id}"
    tx.lock_hall(device.hall_id)
    before = _open_help(tx, device.hall_id, subject)
    if before is None:
        _close_taken(tx, device.hall_id, subject)
    alert = raise_alert(
        tx, device.hall_id, "help", subject, sentence, data={"device_id": device.id or 0}
    )
    new = before is None
    if new:
        tx.emit(
            device.hall_id,
            HelpRequested(
                alert_id=alert.id or 0,
                device_id=device.id or 0,
                label=device.label,
                text=sentence,
                requested_at=tx.now,
                window_id=hall.guide_window_id,
            ),
        )
    return HelpRequest(alert.id or 0, sentence, new)


def _close_taken(tx: Tx, hall_id: int, subject: str) -> None:
    """A request is over once taken (it has no cause that goes away by itself): marked so,
    the next press is a new request."""
    for alert in tx.session.exec(
        select(Alert).where(
            Alert.hall_id == hall_id,
            Alert.kind == "help",
            Alert.subject == subject,
            col(Alert.acknowledged_at).is_not(None),
            col(Alert.resolved_at).is_(None),
        )
    ):
        alert.resolved_at = alert.acknowledged_at
        tx.session.add(alert)
    tx.session.flush()


def _open_help(tx: Tx, hall_id: int, subject: str) -> int | None:
    return tx.session.exec(
        select(Alert.id).where(
            Alert.hall_id == hall_id,
            Alert.kind == "help",
            Alert.subject == subject,
            col(Alert.acknowledged_at).is_(None),
        )
    ).first()


def acknowledge_help(tx: Tx, actor: StaffActor, alert_id: int) -> Alert:
    """The 导办 desk (any staff of the hall) takes the request; the first one stands."""
    alert = tx.session.get(Alert, alert_id)
    if alert is None:
        raise NotFound(text("alert.not_found", alert_id=alert_id))
    if alert.kind != "help":
        raise InvalidInput(text("help.not_help", alert_id=alert_id))
    return acknowledge_alert(tx, actor, alert_id)
