"""Names of the groups (halls, services, windows, staff) for the indicator rows."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlmodel import Session

from server.queries.stats.sql import HALL, SERVICE, STAFF, WINDOW, of_halls


@dataclass(frozen=True)
class Labels:
    halls: dict[str, str]
    services: dict[str, str]
    windows: dict[str, str]
    staff: dict[str, str]


def load_labels(session: Session, hall_ids: tuple[int, ...] | None) -> Labels:
    halls = session.execute(of_halls(select(HALL.c.id, HALL.c.name), HALL.c.id, hall_ids))
    services = session.execute(
        of_halls(select(SERVICE.c.id, SERVICE.c.name), SERVICE.c.hall_id, hall_ids)
    )
    windows = session.execute(
        of_halls(select(WINDOW.c.id, WINDOW.c.number), WINDOW.c.hall_id, hall_ids)
    )
    staff = session.execute(select(STAFF.c.staff_no, STAFF.c.name))
    return Labels(
        halls={str(i): name for i, name in halls},
        services={str(i): name for i, name in services},
        windows={str(i): f"{number}号窗口" for i, number in windows},
        staff={no: f"{name}（{no}）" for no, name in staff},
    )
