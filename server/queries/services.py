"""What a kiosk shows: each service with its queue, estimated wait and whether it issues now."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, col, select

from server.domain.calendar import business_day, hall_zone
from server.queries.views import ServiceStatusOut
from server.store import lookups
from server.store.catalog import Catalog
from server.store.lookups import estimate
from server.store.tables import Service, TicketCounter


def service_statuses(
    session: Session, catalog: Catalog, hall_id: int, now: datetime
) -> list[ServiceStatusOut]:
    hall = lookups.hall(session, hall_id)
    zone = hall_zone(hall.timezone)
    day = business_day(now, zone)
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
            )
        )
    return out
