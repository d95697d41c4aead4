"""Weeks of a hall's history for the staffing plan's tests, written into a migrated database.

The days are simulated with the plan's own engine (known arrival rates per weekday, known
handling times, every window open 09:00–12:00 and 13:30–17:00), then stored the way the
server stores them: tickets with their issue, call, start and finish times, and the windows'
window.status events. Busier Mondays, a busier first day after a holiday, closed weekends and
holidays — so a test can tell whether the plan reads the history by class of day.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import insert, update

from server.domain.calendar import AFTER_HOLIDAY, WorkingCalendar, day_class
from server.domain.planning.day import draw_arrivals, simulate_day
from server.domain.planning.model import HOUR, Empirical, HallModel, ServiceModel, WindowModel
from server.queries.plan_history import WINDOW_SERVICE
from server.queries.stats.sql import EVENT, HALL, SERVICE, TICKET, WINDOW
from server.store.engine import make_engine

ZONE = ZoneInfo("Asia/Shanghai")
HOURS = [["09:00", "12:00"], ["13:30", "17:00"]]
# prefix: (name, target wait minutes, mean occupancy minutes)
SERVICES = {"A": ("户籍办理", 20, 6.0), "B": ("社保医保", 20, 4.5), "C": ("不动产登记", 30, 12.0)}
WINDOWS = {"1": "AB", "2": "AB", "3": "BA", "4": "C", "5": "CA"}
BASE = {  # tickets per hour on an ordinary working day
    9: {"A": 10, "B": 9, "C": 3},
    10: {"A": 13, "B": 11, "C": 4},
    11: {"A": 9, "B": 8, "C": 3},
    13: {"A": 4, "B": 3, "C": 1},
    14: {"A": 9, "B": 8, "C": 3},
    15: {"A": 8, "B": 7, "C": 3},
    16: {"A": 5, "B": 5, "C": 2},
}
MONDAY, AFTER = 1.4, 1.8  # how much busier
OPEN = ((9 * HOUR, 12 * HOUR), (13.5 * HOUR, 17 * HOUR))


def busyness(day: date, calendar: WorkingCalendar) -> float:
    if not calendar.is_working_day(day):
        return 0.0
    if day_class(day, calendar) == AFTER_HOLIDAY:
        return AFTER
    return MONDAY if day.weekday() == 0 else 1.0


@dataclass
class Ids:
    hall: int = 0
    services: dict[str, int] | None = None
    windows: dict[str, int] | None = None


def _utc(day: date, seconds: float) -> datetime:
    return (datetime.combine(day, time(), tzinfo=ZONE) + timedelta(seconds=seconds)).astimezone(UTC)


def write_history(url: str, first: date, last: date, *, seed: int = 1, code: str = "PLAN") -> Ids:
    """Fill the migrated database at `url` with a hall and its days first..last."""
    engine = make_engine(url, writer=True)
    calendar = WorkingCalendar()
    rng = random.Random(seed)
    ids = Ids()
    try:
        with engine.begin() as conn:
            ids.hall = conn.execute(
                insert(HALL).values(
                    code=code,
                    name="新区政务服务中心",
                    timezone="Asia/Shanghai",
                    last_seq=0,
                    created_at=_utc(first, 0),
                    notice="",
                )
            ).inserted_primary_key[0]
            ids.services = {}
            for prefix, (name, target, _) in SERVICES.items():
                ids.services[prefix] = conn.execute(
                    insert(SERVICE).values(
                        hall_id=ids.hall,
                        name=name,
                        prefix=prefix,
                        hours=HOURS,
                        target_wait_minutes=target,
                        target_handle_minutes=15,
                        enabled=True,
                    )
                ).inserted_primary_key[0]
            ids.windows = {}
            for number, prefixes in WINDOWS.items():
                ids.windows[number] = conn.execute(
                    insert(WINDOW).values(
                        hall_id=ids.hall,
                        number=number,
                        state="closed",
                        state_since=_utc(first, 0),
                    )
                ).inserted_primary_key[0]
                conn.execute(
                    insert(WINDOW_SERVICE),
                    [
                        {"window_id": ids.windows[number], "service_id": ids.services[p], "rank": r}
                        for r, p in enumerate(prefixes)
                    ],
                )
        model = _model(ids, rng)
        tickets: list[dict[str, Any]] = []
        events: list[dict[str, Any]] = []
        day = first
        while day <= last:
            factor = busyness(day, calendar)
            if factor:
                tickets.extend(_day_tickets(ids, model, day, factor, rng, len(tickets)))
                events.extend(_window_events(ids, day, len(events)))
            day += timedelta(days=1)
        with engine.begin() as conn:
            if tickets:
                conn.execute(insert(TICKET), tickets)
            if events:
                conn.execute(insert(EVENT), events)
                # the server numbers the hall's next event after these
                conn.execute(update(HALL).where(HALL.c.id == ids.hall).values(last_seq=len(events)))
    finally:
        engine.dispose()
    return ids


def _model(ids: Ids, rng: random.Random) -> HallModel:
    assert ids.services and ids.windows
    services = tuple(
        ServiceModel(
            ids.services[p],
            name,
            target * 60.0,
            Empirical(
                tuple(rng.lognormvariate(math.log(mean * 60) - 0.1, 0.45) for _ in range(400))
            ),
            0.05,
            OPEN,
            p,
        )
        for p, (name, target, mean) in SERVICES.items()
    )
    windows = tuple(
        WindowModel(ids.windows[n], n, tuple(ids.services[p] for p in prefixes))
        for n, prefixes in WINDOWS.items()
    )
    return HallModel(services, windows)


def _day_tickets(
    ids: Ids, model: HallModel, day: date, factor: float, rng: random.Random, first_id: int
) -> Iterator[dict[str, Any]]:
    assert ids.services
    demand = {
        ids.services[p]: {
            h: n * factor * (0.5 if h == 13 else 1.0)
            for h, n in ((h, rates[p]) for h, rates in BASE.items())
        }
        for p in SERVICES
    }
    arrivals = draw_arrivals(model, demand, {s.service_id: rng for s in model.services})
    staffing = {w.window_id: OPEN for w in model.windows}
    waits = simulate_day(model, staffing, arrivals, close_s=17 * HOUR)
    prefix_of = {v: k for k, v in ids.services.items()}
    sequence: dict[int, int] = {}
    for n, (arrival, wait) in enumerate(zip(arrivals, waits, strict=True), start=first_id + 1):
        sequence[arrival.service_id] = sequence.get(arrival.service_id, 0) + 1
        called = None if wait is None else arrival.at + wait
        walk = min(30.0, arrival.occupancy / 2)
        yield {
            "hall_id": ids.hall,
            "service_id": arrival.service_id,
            "business_day": day,
            "sequence": sequence[arrival.service_id],
            "number": f"{prefix_of[arrival.service_id]}{sequence[arrival.service_id]:03d}",
            "priority": "green" if arrival.green else "normal",
            "source": "kiosk",
            "status": "done" if called is not None else "waiting",
            "outcome": "done" if called is not None else None,
            "public_token": f"plan-{day.isoformat()}-{n}",
            "issued_at": _utc(day, arrival.at),
            "entered_queue_at": _utc(day, arrival.at),
            "called_at": None if called is None else _utc(day, called),
            "last_called_at": None if called is None else _utc(day, called),
            "serving_started_at": None if called is None else _utc(day, called + walk),
            "finished_at": None if called is None else _utc(day, called + arrival.occupancy),
            "recall_count": 0,
            "no_show_count": 0,
        }


def _window_events(ids: Ids, day: date, seq: int) -> list[dict[str, Any]]:
    assert ids.windows
    changes = [(9 * HOUR, "open", None), (12 * HOUR, "paused", "午休"), (13.5 * HOUR, "open", None)]
    changes.append((17.5 * HOUR, "closed", None))
    events = []
    for number, window_id in ids.windows.items():
        for at, state, reason in changes:
            seq += 1
            events.append(
                {
                    "hall_id": ids.hall,
                    "seq": seq,
                    "type": "window.status",
                    "at": _utc(day, at),
                    "data": {
                        "window_id": window_id,
                        "window_number": number,
                        "state": state,
                        "pause_reason": reason,
                    },
                }
            )
    return events
