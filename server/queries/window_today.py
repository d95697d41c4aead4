"""Today's figures of a window and of the clerk signed in at it (client/desk.TodayFigures),
taken from the hall indicators' own computation (server/queries/stats/indicators.py), so a
clerk's desk and the supervisor's statistics never disagree."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlmodel import Session

from client.desk import Figures, TodayFigures
from server.domain.calendar import business_day, hall_zone
from server.queries.stats.indicators import Scope, compute
from server.store import lookups


def _figures(values: dict[str, Any] | None) -> Figures:
    """The desk's subset of one group's indicators (nothing that day: all zero / None)."""
    if values is None:
        return Figures()
    called = int(values["wait_count"])
    no_show_rate = values["no_show_rate"]
    return Figures(
        called=called,
        served=values["served"],
        no_show=round(no_show_rate * called) if no_show_rate is not None else 0,
        transferred=values["transferred"],
        wait_avg_s=values["wait_avg_s"],
        handle_avg_s=values["handle_avg_s"],
        on_time_handle_rate=values["on_time_handle_rate"],
        evaluated=values["evaluated"],
        satisfaction_rate=values["satisfaction_rate"],
    )


def today_figures(
    session: Session, window_id: int, now: datetime, *, counts_basic: bool = True
) -> TodayFigures:
    """Today's figures of the window, and of the clerk signed in at it (all their windows)."""
    window = lookups.window(session, window_id)
    hall = lookups.hall(session, window.hall_id)
    zone = hall_zone(hall.timezone)
    day = business_day(now, zone)
    scope = Scope(hall_ids=(window.hall_id,), start=day, end=day, now=now, zone=zone)
    result = compute(session, scope, ["window", "staff"], counts_basic=counts_basic)
    by_window = {row.key: row.values for row in result["window"].rows}
    by_staff = {row.key: row.values for row in result["staff"].rows}
    at = lookups.window_staff(session, window)
    staff_no = at["staff_no"]
    return TodayFigures(
        business_day=day.isoformat(),
        window_id=window_id,
        window_number=window.number,
        window=_figures(by_window.get(str(window_id))),
        staff_no=staff_no,
        staff_name=at["staff_name"],
        staff=_figures(by_staff.get(staff_no)) if staff_no else None,
    )
