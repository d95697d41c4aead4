"""The administrator's lists: halls, services, windows (with their services), staff, devices.

`hall_id` None lists every hall's (a deployment admin); the routes pass the caller's hall.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any, TypeVar

from sqlmodel import Session, SQLModel, col, select

from server.queries.views import WindowOut, window_out
from server.store.tables import (
    Device,
    Hall,
    Integration,
    Service,
    Staff,
    Window,
    WindowService,
)

M = TypeVar("M", bound=SQLModel)


def _in_hall(session: Session, model: type[M], hall_column: Any, hall_id: int | None) -> list[M]:
    query = select(model).order_by(col(model.id))  # type: ignore[attr-defined]
    if hall_id is not None:
        query = query.where(hall_column == hall_id)
    return list(session.exec(query))


def halls(session: Session, hall_id: int | None) -> list[Hall]:
    return _in_hall(session, Hall, Hall.id, hall_id)


def services(session: Session, hall_id: int | None) -> list[Service]:
    return _in_hall(session, Service, Service.hall_id, hall_id)


def staff(session: Session, hall_id: int | None) -> list[Staff]:
    return _in_hall(session, Staff, Staff.hall_id, hall_id)


def devices(session: Session, hall_id: int | None) -> list[Device]:
    return _in_hall(session, Device, Device.hall_id, hall_id)


def windows(session: Session, hall_id: int | None) -> list[WindowOut]:
    """Windows with their services in priority order: two queries, whatever the count."""
    rows = _in_hall(session, Window, Window.hall_id, hall_id)
    links = select(WindowService).order_by(col(WindowService.window_id), col(WindowService.rank))
    if hall_id is not None:
        links = links.join(Window, col(Window.id) == col(WindowService.window_id)).where(
            Window.hall_id == hall_id
        )
    service_ids: dict[int, list[int]] = defaultdict(list)
    for link in session.exec(links):
        service_ids[link.window_id].append(link.service_id)
    return [window_out(w, service_ids.get(w.id or 0, [])) for w in rows]


def integrations(session: Session, hall_id: int | None, deployment: bool) -> list[Integration]:
    """One hall's integrations (a hall's admin: and none of the deployment's); a deployment
    admin without a hall asked for: every one."""
    query = select(Integration).order_by(col(Integration.id))
    if hall_id is not None:
        query = query.where(Integration.hall_id == hall_id)
    elif not deployment:
        return []
    return list(session.exec(query))
