"""Changing what a hall is set up with: the hall, its services and windows, and its notice.

Each change is checked like its creation (server/commands/admin.py). Services and hall zones
are cached for a second per process (server/store/catalog.py): the process that makes a change
forgets its copy at once, other processes see it within that second. A new notice goes out to every screen as `notice.updated`.
"""

from __future__ import annotations

from typing import Any

from sqlmodel import col, select

from client.events import NoticeUpdated
from server.commands.admin import check_appointments
from server.domain.actor import StaffActor, ensure_hall
from server.domain.calendar import ServiceHours, hall_zone
from server.domain.errors import AlreadyExists, InvalidInput
from server.domain.texts import text
from server.store import lookups
from server.store.tables import Hall, Service, Window, WindowService
from server.store.transaction import Tx

# the 差评 loop's settings (issue 25): 办件编号 at 办结, deadlines, 超期预警, 追评
LOOP_FIELDS = {
    "case_numbers",
    "rectification_working_days",
    "followup_working_days",
    "rectification_warn_days",
    "followup_warn_hours",
    "re_rating",
}
# 适老化 (issue 29)
ELDERLY_FIELDS = {"kiosk_elderly", "repeat_priority_calls", "guide_window_id"}
# the applicant's phone (issue 27): 到号提醒, 扫码过号重排
PHONE_FIELDS = {
    "notify_ahead",
    "rejoin_allowed",
    "rejoin_minutes",
    "rejoin_position",
    "rejoin_behind",
}
HALL_FIELDS = frozenset(
    {"name", "timezone", "rating_window_days", "pause_alert_minutes", "no_show_requeue"}
    | LOOP_FIELDS
    | ELDERLY_FIELDS
    | PHONE_FIELDS
)
# null removes these: the daily limit, the 事项编码
NULLABLE_SERVICE = frozenset({"daily_limit", "item_code"})
SERVICE_FIELDS = frozenset(
    {
        "name",
        "prefix",
        "daily_limit",
        "target_wait_minutes",
        "target_handle_minutes",
        "hours",
        "enabled",
        "item_code",
        "appointment_slot_minutes",
        "appointment_quota",
        "appointment_days_ahead",
        "common",
    }
)


def update_hall(tx: Tx, hall_id: int, changes: dict[str, Any]) -> Hall:
    hall = lookups.hall(tx.session, hall_id)
    if "timezone" in changes:
        hall_zone(changes["timezone"])  # a clear error for an unknown zone
    if changes.get("guide_window_id") is not None:
        changes = {**changes, "guide_window_id": _guide_window(tx, hall_id, changes)}
    for name in HALL_FIELDS & changes.keys():
        if changes[name] is not None or name == "guide_window_id":
            setattr(hall, name, changes[name])
    tx.session.add(hall)
    tx.session.flush()
    if changes.get("case_numbers") is not None:  # cached with each service (the finish reads it)
        for service_id in tx.session.exec(select(Service.id).where(Service.hall_id == hall_id)):
            tx.catalog.service_changed(service_id or 0)
    return hall


def _guide_window(tx: Tx, hall_id: int, changes: dict[str, Any]) -> int | None:
    """The 导办 desk: a window of this hall, or none (0)."""
    window_id = int(changes["guide_window_id"])
    if window_id == 0:
        return None
    window = tx.session.get(Window, window_id)
    if window is None or window.hall_id != hall_id:
        raise InvalidInput(text("hall.guide_window", window_id=window_id))
    return window_id


def update_service(tx: Tx, service_id: int, changes: dict[str, Any]) -> Service:
    service = lookups.service(tx.session, service_id)
    changes = {k: v for k, v in changes.items() if v is not None or k in NULLABLE_SERVICE}
    if "hours" in changes:
        changes["hours"] = ServiceHours.parse(changes["hours"]).to_json()
    prefix = changes.get("prefix")
    if prefix is not None and prefix != service.prefix:
        taken = tx.session.exec(
            select(Service).where(Service.hall_id == service.hall_id, Service.prefix == prefix)
        ).first()
        if taken is not None:
            raise AlreadyExists(text("service.prefix_taken", prefix=prefix))
    for name in SERVICE_FIELDS & changes.keys():
        setattr(service, name, changes[name])
    check_appointments(ServiceHours.parse(service.hours), service.appointment_quota, service.name)
    tx.session.add(service)
    tx.session.flush()
    tx.catalog.service_changed(service_id)
    return service


def edit_service(tx: Tx, actor: StaffActor, service_id: int, changes: dict[str, Any]) -> Service:
    """`update_service` for a staff member: only a service of the actor's hall."""
    ensure_hall(actor, lookups.service(tx.session, service_id).hall_id)
    return update_service(tx, service_id, changes)


def update_window(
    tx: Tx, window_id: int, number: str | None, service_ids: list[int] | None
) -> tuple[Window, list[int]]:
    """A window's number and/or its services in order of priority (the first is served first)."""
    window = lookups.window(tx.session, window_id)
    if number is not None and number != window.number:
        taken = tx.session.exec(
            select(Window).where(Window.hall_id == window.hall_id, Window.number == number)
        ).first()
        if taken is not None:
            raise AlreadyExists(text("window.number_taken", number=number))
        window.number = number
        tx.session.add(window)
    if service_ids is not None:
        _check_services(tx, window.hall_id, service_ids)
        for link in tx.session.exec(
            select(WindowService).where(WindowService.window_id == window_id)
        ):
            tx.session.delete(link)
        tx.session.flush()
        for rank, service_id in enumerate(service_ids):
            tx.session.add(WindowService(window_id=window_id, service_id=service_id, rank=rank))
        tx.catalog.window_changed()
    tx.session.flush()
    ids = list(
        tx.session.exec(
            select(WindowService.service_id)
            .where(WindowService.window_id == window_id)
            .order_by(col(WindowService.rank))
        )
    )
    return window, ids


def edit_window(
    tx: Tx, actor: StaffActor, window_id: int, number: str | None, service_ids: list[int] | None
) -> tuple[Window, list[int]]:
    """`update_window` for a staff member: only a window of the actor's hall."""
    ensure_hall(actor, lookups.window(tx.session, window_id).hall_id)
    return update_window(tx, window_id, number, service_ids)


def _check_services(tx: Tx, hall_id: int, service_ids: list[int]) -> None:
    for service_id in service_ids:
        service = lookups.service(tx.session, service_id)
        if service.hall_id != hall_id:
            raise InvalidInput(
                text("window.service_other_hall", service_id=service_id, hall_id=hall_id)
            )
    if len(set(service_ids)) != len(service_ids):
        raise InvalidInput(text("window.duplicate_services"))


def set_notice(tx: Tx, hall_id: int, notice: str, by: StaffActor) -> Hall:
    """Store the hall's notice and tell every screen (`notice.updated`)."""
    tx.lock_hall(hall_id)
    hall = lookups.hall(tx.session, hall_id)
    hall.notice = notice
    hall.notice_updated_at = tx.now
    hall.notice_updated_by = by.name
    tx.session.add(hall)
    tx.session.flush()
    tx.emit(hall_id, NoticeUpdated(text=notice, updated_by=by.name))
    return hall
