"""One simulated day of a hall: applicants arrive, windows call them in the hall's order and
are busy for each one's occupancy. Runs on the discrete-event engine the demo uses
(server/domain/des.py); the order of calls is the queue engine's (queueing.WaitingLines, the
order of pick_next).

A clerk behaves like the demo's: from the start of each of the window's open intervals, call
the next ticket the window serves; while nobody waits, wait until a ticket enters one of the
window's queues or the interval ends; a ticket being handled when the interval ends is
finished first. After the hall stops issuing tickets (`close_s`), the windows whose last
interval reaches it keep calling until nobody they serve is left (nobody is sent home).
"""

from __future__ import annotations

import random
from collections.abc import Sequence

from server.domain.des import Process, Simulation, Sleep, WaitFor
from server.domain.planning.model import HOUR, Arrival, Demand, HallModel, Staffing
from server.domain.queueing import WaitingLines


def _support(hour: int, issue_hours: tuple[tuple[float, float], ...]) -> list[tuple[float, float]]:
    """The parts of `hour` in which tickets are issued (the whole hour if none are, e.g.
    transfers after the hours of issue, or no hours set)."""
    start, end = hour * HOUR, (hour + 1) * HOUR
    if issue_hours:
        parts = [(max(a, start), min(b, end)) for a, b in issue_hours if a < end and b > start]
        if parts:
            return parts
    return [(start, end)]


def _place(t: float, parts: list[tuple[float, float]]) -> float:
    """The instant `t` seconds into the time of issue made of `parts`."""
    for a, b in parts:
        if t < b - a:
            return a + t
        t -= b - a
    return parts[-1][1]


def draw_arrivals(
    hall: HallModel, demand: Demand, rng_of: dict[int, random.Random]
) -> list[Arrival]:
    """A day of arrivals: per service and hour a Poisson process with the expected number of
    arrivals of that hour, spread evenly over the hour's time of issue. `rng_of` gives each
    service its own random stream."""
    arrivals: list[Arrival] = []
    for service in hall.services:
        hours = demand.get(service.service_id, {})
        rng = rng_of[service.service_id]
        for hour in sorted(hours):
            expected = hours[hour]
            if expected <= 0:
                continue
            parts = _support(hour, service.issue_hours)
            length = sum(b - a for a, b in parts)
            rate = expected / length
            t = 0.0
            while True:
                t += rng.expovariate(rate)
                if t >= length:
                    break
                at = _place(t, parts)
                green = rng.random() < service.green_share
                arrivals.append(Arrival(at, service.service_id, green, service.occupancy.draw(rng)))
    arrivals.sort(key=lambda a: a.at)
    return arrivals


def simulate_day(
    hall: HallModel,
    staffing: Staffing,
    arrivals: Sequence[Arrival],
    *,
    close_s: float,
    horizon_s: float | None = None,
) -> list[float | None]:
    """Each arrival's wait (seconds to its first call); None if never called.

    `horizon_s`: stop as soon as everyone who arrived before it has been called (a search
    judging the hours before the horizon needs no more)."""
    sim = Simulation()
    lines: WaitingLines[int] = WaitingLines()
    waits: list[float | None] = [None] * len(arrivals)
    signal = {s.service_id: f"queue:{s.service_id}" for s in hall.services}
    before_horizon = [sum(1 for a in arrivals if horizon_s is not None and a.at < horizon_s)]

    def applicants() -> Process:
        for i, arrival in enumerate(arrivals):
            if arrival.at > sim.now:
                yield Sleep(arrival.at - sim.now)
            lines.add(arrival.service_id, arrival.green, i)
            sim.notify(signal[arrival.service_id])

    def clerk(service_ids: tuple[int, ...], intervals: tuple[tuple[float, float], ...]) -> Process:
        signals = tuple(signal[s] for s in service_ids if s in signal)
        last = len(intervals) - 1
        for k, (start, end) in enumerate(intervals):
            if sim.now < start:
                yield Sleep(start - sim.now)
            drain = k == last and end >= close_s
            while True:
                now = sim.now
                if now >= end and not drain:
                    break
                i = lines.take(service_ids)
                if i is not None:
                    arrival = arrivals[i]
                    waits[i] = now - arrival.at
                    if horizon_s is not None and arrival.at < horizon_s:
                        before_horizon[0] -= 1
                    yield Sleep(arrival.occupancy)
                    continue
                if now >= end:
                    break
                yield WaitFor(signals, end - now)

    sim.spawn(applicants())
    for window in hall.windows:
        intervals = staffing.get(window.window_id, ())
        if intervals:
            sim.spawn(clerk(window.service_ids, tuple(intervals)))
    if horizon_s is None:
        sim.run()
    else:
        horizon = horizon_s
        sim.run(stop=lambda: before_horizon[0] == 0 and sim.now >= horizon)
    return waits
