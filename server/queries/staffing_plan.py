"""`govqueue plan` and `GET /stats/plan`: the hall's history read, the domain's plan made, the
result as JSON-ready data (the API's PlanOut, the CLI's table, the XLSX sheet).

Heavy (seconds of simulation): the server runs it in the warm statistics process, never on
its event loop.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlmodel import Session

from server.domain.calendar import WorkingCalendar, hall_zone
from server.domain.errors import InvalidInput
from server.domain.planning.history import (
    DemandBasis,
    PastTicket,
    basis_for,
    expected_arrivals,
    green_shares,
    history_days,
    occupancies,
)
from server.domain.planning.model import (
    HOUR,
    Empirical,
    HallModel,
    ServiceModel,
    Staffing,
    WindowModel,
)
from server.domain.planning.montecarlo import GroupResult, Range, nearest_rank
from server.domain.planning.plan import DayPlan, make_plan
from server.domain.planning.search import MIN_SERVICE_TICKETS, TARGET_SHARE
from server.domain.texts import text
from server.queries import plan_history
from server.queries.plan_request import PlanRequest, check
from server.store import lookups
from server.store.tables import Hall


@dataclass
class PlanInputs:
    """What the simulation is made of, read from the database."""

    hall: Hall
    hall_model: HallModel
    demand: dict[int, dict[int, float]]
    current: Staffing
    current_day: date | None
    basis: DemandBasis
    history_days: int
    tickets: list[PastTicket]
    notes: list[str]


def staffing_plan(
    session: Session, request: PlanRequest, *, now: datetime, calendar: WorkingCalendar
) -> dict[str, Any]:
    """The plan of `request`, as JSON-ready data (see PlanOut in server/api/stats_schemas.py)."""
    inputs = read_inputs(session, request, now=now, calendar=calendar)
    result = make_plan(
        inputs.hall_model, inputs.demand, inputs.current, runs=request.runs, seed=request.seed
    )
    notes = list(inputs.notes)
    if result.unmet:
        notes.append(_unmet_note(result, inputs.hall_model))
    return _report(inputs, request, result, notes)


def read_inputs(
    session: Session, request: PlanRequest, *, now: datetime, calendar: WorkingCalendar
) -> PlanInputs:
    """The hall's model, the expected arrivals and the current staffing (bad input: a Chinese
    InvalidInput)."""
    check(request)
    hall = lookups.hall(session, request.hall_id)
    zone = hall_zone(hall.timezone)
    services = [s for s in plan_history.services(session, request.hall_id) if s.enabled]
    enabled = {s.service_id for s in services}
    windows = [
        w
        for w in (
            WindowModel(
                row.window_id, row.number, tuple(s for s in row.service_ids if s in enabled)
            )
            for row in plan_history.windows(session, request.hall_id)
        )
        if w.service_ids
    ]
    if not windows:
        raise InvalidInput(text("plan.no_windows"))
    tickets = plan_history.past_tickets(session, request.hall_id, request.start, request.end, zone)
    days = history_days(tickets, request.start, request.end)
    if not days:
        raise InvalidInput(text("plan.empty_period", start=request.start, end=request.end))
    samples = occupancies(tickets)
    everyone = tuple(sorted(v for values in samples.values() for v in values))
    if not everyone:
        raise InvalidInput(text("plan.no_handling", start=request.start, end=request.end))
    basis = basis_for(request.day, days, calendar)
    notes = [_basis_note(request.day, basis)]
    served = {s for w in windows for s in w.service_ids}
    demand_all = expected_arrivals(tickets, basis)
    green = green_shares(tickets)
    models = []
    for s in services:
        if s.service_id not in served:
            if demand_all.get(s.service_id):
                notes.append(text("plan.note.unserved", service=s.name))
            continue
        own = samples.get(s.service_id, ())
        if not own and demand_all.get(s.service_id):
            notes.append(text("plan.note.borrowed", service=s.name))
        target = request.target_minutes or s.target_wait_minutes
        models.append(
            ServiceModel(
                s.service_id,
                s.name,
                target * 60.0,
                Empirical(own or everyone),
                green.get(s.service_id, 0.0),
                s.issue_hours,
                s.prefix,
            )
        )
    hall_model = HallModel(tuple(models), tuple(windows))
    modelled = {m.service_id for m in models}
    demand = {s: hours for s, hours in demand_all.items() if s in modelled}
    current, current_day = _current_staffing(session, request, hall_model, zone, now)
    notes.append(
        text("plan.note.current", day=current_day)
        if current_day is not None
        else text("plan.note.no_current")
    )
    return PlanInputs(
        hall, hall_model, demand, current, current_day, basis, len(days), tickets, notes
    )


def _basis_note(day: date, basis: DemandBasis) -> str:
    used = text(f"plan.class.{basis.day_class}")
    if basis.day_class == basis.own_class:
        return text(
            "plan.note.basis",
            days=len(basis.days),
            used=used,
            first=basis.days[0],
            last=basis.days[-1],
        )
    own = text(f"plan.class.{basis.own_class}")
    return text("plan.note.fallback", day=day, own=own, days=len(basis.days), used=used)


def _unmet_note(result: DayPlan, hall: HallModel) -> str:
    hours = "、".join(f"{h:02d}:00" for h in sorted(result.unmet))
    worst = sorted(
        {
            hall.service(service_id).name
            for row in result.hours
            if row.hour in result.unmet
            for service_id, over in row.plan.over_by_service.items()
            if over is not None and over > TARGET_SHARE
        }
    )
    services = "、".join(worst) if worst else ""
    return text("plan.note.unmet", hours=hours, services=services)


def _current_staffing(
    session: Session, request: PlanRequest, hall: HallModel, zone: Any, now: datetime
) -> tuple[Staffing, date | None]:
    """The asked day's actual open time if it has any, else the latest day of the period
    with some; else every window through the hours of issue."""
    last = max(request.end, request.day)
    by_day = plan_history.open_time_by_day(session, request.hall_id, request.start, last, zone, now)
    known = {w.window_id for w in hall.windows}
    usable = {
        day: {w: spans for w, spans in staffing.items() if w in known}
        for day, staffing in by_day.items()
    }
    candidates = [d for d, s in usable.items() if s and (d == request.day or d <= request.end)]
    if candidates:
        day = request.day if request.day in candidates else max(candidates)
        return usable[day], day
    spans = _issue_spans(hall)
    return {w.window_id: spans for w in hall.windows}, None


def _issue_spans(hall: HallModel) -> tuple[tuple[float, float], ...]:
    periods = sorted({p for s in hall.services for p in s.issue_hours})
    if not periods or any(not s.issue_hours for s in hall.services):
        return ((0.0, 24 * HOUR),)
    merged: list[tuple[float, float]] = []
    for a, b in periods:
        if merged and a <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], b))
        else:
            merged.append((a, b))
    return tuple(merged)


# ------------------------------------------------------------------------------- the report


def _range(r: Range) -> list[float] | None:
    return None if r is None else [round(r[0], 4), round(r[1], 4)]


def _seconds(value: float | None) -> int | None:
    return None if value is None else round(value)


def _figures(group: GroupResult) -> dict[str, Any]:
    f = group.pooled
    return {
        "tickets": round(group.arrivals, 2),
        "wait_avg_s": _seconds(f.wait_mean_s),
        "wait_p90_s": _seconds(f.wait_p90_s),
        "over_target_wait_rate": None if f.over_rate is None else round(f.over_rate, 4),
        "wait_avg_s_range": _range(group.wait_mean_range),
        "wait_p90_s_range": _range(group.wait_p90_range),
        "over_target_wait_rate_range": _range(group.over_rate_range),
    }


def _report(
    inputs: PlanInputs, request: PlanRequest, result: DayPlan, notes: list[str]
) -> dict[str, Any]:
    hall, basis, model, current_day = (
        inputs.hall,
        inputs.basis,
        inputs.hall_model,
        inputs.current_day,
    )
    tickets, history_day_count = inputs.tickets, inputs.history_days
    names = {s.service_id: s.name for s in model.services}
    counts: dict[int, int] = {}
    for t in tickets:
        counts[t.service_id] = counts.get(t.service_id, 0) + 1
    hours = []
    for row in result.hours:
        plan = _figures(row.plan)
        plan.update(
            open=len(row.windows), windows=list(row.windows), met=row.hour not in result.unmet
        )
        current = _figures(row.current)
        current.update(open=round(row.current_open, 2))
        hours.append(
            {
                "hour": row.hour,
                "label": f"{row.hour:02d}:00–{row.hour + 1:02d}:00",
                "arrivals": round(row.arrivals, 2),
                "arrivals_by_service": {
                    str(service): round(n, 2) for service, n in row.arrivals_by_service.items()
                },
                "plan": plan,
                "current": current,
            }
        )
    plan_total = _figures(result.plan_day)
    plan_total["window_hours"] = result.plan_window_hours
    current_total = _figures(result.current_day)
    current_total["window_hours"] = round(result.current_window_hours, 2)
    return {
        "hall_id": hall.id,
        "hall_code": hall.code,
        "hall_name": hall.name,
        "from": request.start.isoformat(),
        "to": request.end.isoformat(),
        "day": request.day.isoformat(),
        "day_class": basis.own_class,
        "day_class_label": text(f"plan.class.{basis.own_class}"),
        "basis_class": basis.day_class,
        "basis_class_label": text(f"plan.class.{basis.day_class}"),
        "basis_days": [d.isoformat() for d in basis.days],
        "history_days": history_day_count,
        "target_minutes": request.target_minutes,
        "target_share": TARGET_SHARE,
        "min_service_tickets": MIN_SERVICE_TICKETS,
        "runs": request.runs,
        "seed": request.seed,
        "current_day": current_day.isoformat() if current_day else None,
        "services": [
            {
                "service_id": s.service_id,
                "name": s.name,
                "prefix": s.prefix,
                "target_minutes": round(s.target_wait_s / 60),
                "history_tickets": counts.get(s.service_id, 0),
                "expected_tickets": round(
                    sum(h.arrivals_by_service.get(s.service_id, 0.0) for h in result.hours), 2
                ),
                "occupancy_samples": len(s.occupancy.samples)
                if isinstance(s.occupancy, Empirical)
                else 0,
                "occupancy_avg_s": round(s.occupancy.mean),
                "occupancy_p90_s": round(nearest_rank(s.occupancy.samples, 0.9))
                if isinstance(s.occupancy, Empirical)
                else None,
                "green_share": round(s.green_share, 4),
            }
            for s in model.services
        ],
        "windows": [
            {
                "window_id": w.window_id,
                "number": w.number,
                "services": [names[s] for s in w.service_ids],
            }
            for w in model.windows
        ],
        "hours": hours,
        "total": {
            "arrivals": round(sum(row.arrivals for row in result.hours), 2),
            "plan": plan_total,
            "current": current_total,
        },
        "unmet_hours": sorted(result.unmet),
        "simulated_days": result.simulated_days,
        "notes": notes,
    }
