"""What a kiosk shows: each service with its queue, estimated wait and whether it issues now."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, col, select

from server.domain.calendar import business_day, hall_zone
from server.queries.views import ServiceStatusOut
from server.store import lookups
from server.store.catalog import Catalog
from server.store.lookups import estimate
from server.store.tables import Service, TicketCounter, Window, WindowService


def service_statuses(
    session: Session, catalog: Catalog, hall_id: int, now: datetime
) -> list[ServiceStatusOut]:
    hall = lookups.hall(session, hall_id)
    zone = hall_zone(hall.timezone)
    day = business_day(now, zone)
    windows = _window_numbers(session, hall_id)
    out = []
    for service in session.exec(
        select(Service).where(Service.hall_id == hall_id).order_by(col(Service.id))
    ):
        waiting = lookups.queue_counts(session.connection(), service.id or 0, day).waiting
        counter = session.get(TicketCounter, (service.id, day))
        issued = counter.issued if counter else 0  # transfers in are not counted
        remaining = None if service.daily_limit is None else max(0, service.daily_limit - issued)
        info = catalog.service(session, service.id or 0)  # what issuing a ticket decides on
        out.append(
            ServiceStatusOut(
                **service.model_dump(),
                waiting=waiting,
                estimated_wait_minutes=estimate(session, catalog, info, day, waiting),
                open_now=info.enabled and info.hours.is_open(now, info.zone) and remaining != 0,
                issued_today=issued,
                remaining_today=remaining,
                window_numbers=windows.get(service.id or 0, []),
            )
        )
    return out


def _window_numbers(session: Session, hall_id: int) -> dict[int, list[str]]:
    """The windows that serve each service (as printed above them), in the hall's order."""
    rows = session.exec(
        select(WindowService.service_id, Window.number)
        .join(Window, col(Window.id) == col(WindowService.window_id))
        .where(Window.hall_id == hall_id)
        .order_by(col(Window.id))
    )
    out: dict[int, list[str]] = {}
    for service_id, number in rows:
        out.setdefault(service_id, []).append(number)
    return out
