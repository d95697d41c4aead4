"""What a staffing plan is asked for, checked before anything is read or simulated (light: the
serving process imports it; the simulation is in staffing_plan.py, loaded where it runs)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, select

from server.domain.errors import InvalidInput, NotFound
from server.domain.texts import text
from server.store.tables import Hall

RUNS = (1, 200)
TARGET_MINUTES = (1, 240)
MAX_SEED = 2**31 - 1
MAX_DAYS = 366
DEFAULT_RUNS, DEFAULT_SEED = 20, 1


@dataclass(frozen=True)
class PlanRequest:
    hall_id: int
    start: date
    end: date
    day: date
    target_minutes: int | None = None  # None: each service's own target wait
    runs: int = DEFAULT_RUNS
    seed: int = DEFAULT_SEED


def check(request: PlanRequest) -> None:
    """Bad input as a Chinese InvalidInput (the CLI's exit code 2, the API's 422)."""
    if request.start > request.end:
        raise InvalidInput(text("stats.bad_range", start=request.start, end=request.end))
    if (request.end - request.start).days >= MAX_DAYS:
        raise InvalidInput(text("stats.range_too_long", days=MAX_DAYS))
    low, high = RUNS
    if not low <= request.runs <= high:
        raise InvalidInput(text("plan.bad_runs", low=low, high=high, value=request.runs))
    low, high = TARGET_MINUTES
    if request.target_minutes is not None and not low <= request.target_minutes <= high:
        raise InvalidInput(
            text("plan.bad_target", low=low, high=high, value=request.target_minutes)
        )
    if not 0 <= request.seed <= MAX_SEED:
        raise InvalidInput(text("plan.bad_seed", high=MAX_SEED, value=request.seed))


def hall_id_of(session: Session, code: str) -> int:
    """The id of the hall with this code (or this id)."""
    query = select(Hall).where(Hall.code == code)
    found = session.exec(query).first()
    if found is None and code.isdigit():
        found = session.get(Hall, int(code))
    if found is None or found.id is None:
        raise NotFound(text("plan.hall_not_found", hall=code[:40]))
    return found.id
