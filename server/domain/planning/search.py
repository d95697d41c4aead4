"""The fewest open windows, hour by hour, that meet the wait target.

The target is met in an hour when, over all the simulated days, at most `share` (10 %) of the
tickets that entered the queue in that hour waited longer than their service's target — nine
in ten are called in time — and the same holds for each service on its own (once it has at
least MIN_SERVICE_TICKETS tickets in the hour over all runs; fewer say too little), so that no
service is left behind to make the hall's average.

Hours are settled in order. For hour h the hours before keep what they were given and the hours
after have every window open; h gets the fewest windows with which every hour settled so far
still meets the target (tickets of earlier hours may still be waiting in h). The days are
simulated only until everyone who came before the end of h has been called.

Which windows, in an hour:
1. Start from windows that cover every service expected, in the order of the load they take
   (arrivals × mean occupancy, plus half the previous hour's, still being served), up to the
   number Erlang C asks for the hour's load.
2. If the target is met, take windows away (last chosen first) while it stays met.
3. If not, add the window that best serves the tickets that were over target (a window's
   first service counts fully, its second half, …), until the target is met.
4. An hour that misses it even with every window open asks the hours before it for more
   windows, latest first (their backlog may be the cause), as long as each raise lowers its
   tickets over target. If it still misses, it is reported as not met, and from then on kept
   within one percentage point of the best it could get: neither it nor a later hour may give
   up windows that would make it worse (its queue may still be served in the next hour).
5. Settling an hour alone would let it leave a queue for the next one, which then needs a
   spike (6, 9, 5, 11 windows on a steady day); so one or two windows more are tried, and
   kept when the next hour then needs as many fewer — fewest window-hours over the two,
   then the smoother.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from server.domain.planning.erlang import windows_needed
from server.domain.planning.model import (
    HOUR,
    Demand,
    HallModel,
    WindowModel,
    hours_of,
    staffing_by_hour,
)
from server.domain.planning.montecarlo import Runs, over_counts, simulate_runs

TARGET_SHARE = 0.10
MIN_SERVICE_TICKETS = 20  # tickets of a service in an hour, all runs together
UNMET_SLACK = 0.01  # an hour that cannot meet the target stays within a point of its best
LOOK_AHEAD = 2  # windows more in an hour tried, to spare the next hour a queue left over

Counts = Mapping[tuple[int, int], tuple[int, int]]  # (hour, service) -> (over target, tickets)


def loads(hall: HallModel, demand: Demand, hour: int) -> dict[int, float]:
    """Erlangs per service for choosing windows in `hour` (its own and half the last)."""
    out: dict[int, float] = {}
    for service in hall.services:
        hours = demand.get(service.service_id, {})
        arrivals = hours.get(hour, 0.0) + 0.5 * hours.get(hour - 1, 0.0)
        out[service.service_id] = arrivals * service.occupancy.mean / HOUR
    return out


def _best(left: list[WindowModel], weight: Mapping[int, float]) -> WindowModel:
    """The window whose services weigh most (first service fully, second half, …); the first
    of equals, so windows keep the hall's order."""
    return max(
        left,
        key=lambda w: sum(weight.get(s, 0.0) / (rank + 1) for rank, s in enumerate(w.service_ids)),
    )


def window_order(hall: HallModel, load: Mapping[int, float]) -> list[int]:
    """Window ids by the load they take: each time the window whose services have the most
    load per window already open for them; windows covering a service nobody serves yet
    first."""
    left = list(hall.windows)
    capacity: dict[int, float] = {}
    order: list[int] = []
    while left:
        uncovered = {s: a for s, a in load.items() if a > 0 and not capacity.get(s)}
        helping = [w for w in left if any(s in uncovered for s in w.service_ids)]
        if helping:
            best = _best(helping, uncovered)
        else:
            best = _best(left, {s: a / (1.0 + capacity.get(s, 0.0)) for s, a in load.items()})
        left.remove(best)
        order.append(best.window_id)
        for rank, s in enumerate(best.service_ids):
            capacity[s] = capacity.get(s, 0.0) + 1.0 / (rank + 1)
    return order


def covering(hall: HallModel, order: list[int], load: Mapping[int, float]) -> int:
    """How many of `order`'s first windows serve every service with load."""
    needed = {s for s, a in load.items() if a > 0}
    served: set[int] = set()
    for k, window_id in enumerate(order):
        if needed <= served:
            return k
        served |= set(hall.window(window_id).service_ids)
    return len(order)


def meets_target(counts: Counts, share: float = TARGET_SHARE) -> bool:
    by_hour: dict[int, list[int]] = {}
    for (hour, _), (over, n) in counts.items():
        if n >= MIN_SERVICE_TICKETS and over > share * n:
            return False
        total = by_hour.setdefault(hour, [0, 0])
        total[0] += over
        total[1] += n
    return all(over <= share * n for over, n in by_hour.values())


def _first_guess(hall: HallModel, demand: Demand, hour: int) -> int:
    """Erlang C's windows for the hour's arrivals (all services pooled, steady state)."""
    rate = sum(demand.get(s.service_id, {}).get(hour, 0.0) for s in hall.services) / HOUR
    if rate <= 0:
        return 0
    mean = sum(
        demand.get(s.service_id, {}).get(hour, 0.0) * s.occupancy.mean for s in hall.services
    ) / (rate * HOUR)
    target = min(s.target_wait_s for s in hall.services)
    return windows_needed(rate, mean, target, TARGET_SHARE)


@dataclass(frozen=True)
class Recommendation:
    open_windows: dict[int, tuple[int, ...]]  # hour -> window ids
    unmet: frozenset[int]  # hours that miss the target even with every window open
    simulated_days: int  # days simulated by the search (for the benchmark)


Evaluate = Callable[[tuple[int, ...]], Counts]


def _grow(
    hall: HallModel,
    chosen: list[int],
    counts: Counts,
    order: list[int],
) -> int | None:
    """The closed window that best serves the tickets over target in `counts`."""
    left = [hall.window(w) for w in order if w not in chosen]
    if not left:
        return None
    over: dict[int, float] = {}
    for (_, service), (n_over, _) in counts.items():
        over[service] = over.get(service, 0.0) + n_over
    if not any(over.values()):  # an hour short on the whole: take the load order
        return left[0].window_id
    return _best(left, over).window_id


Accept = Callable[[Counts], bool]


def _settle(
    hall: HallModel,
    start: list[int],
    order: list[int],
    evaluate: Evaluate,
    accept: Accept,
) -> tuple[list[int], bool]:
    """The fewest windows from `start` (see the module's text, steps 2–3)."""
    chosen = list(start)
    counts = evaluate(tuple(chosen))
    if accept(counts):
        while chosen:
            fewer = chosen[:-1]
            if not accept(evaluate(tuple(fewer))):
                break
            chosen = fewer
        return chosen, True
    while (more := _grow(hall, chosen, counts, order)) is not None:
        chosen.append(more)
        counts = evaluate(tuple(chosen))
        if accept(counts):
            return chosen, True
    return chosen, False


def over_in(counts: Counts, hour: int) -> tuple[int, int]:
    """(tickets over target, tickets) of one hour, every service together."""
    over = n = 0
    for (h, _), (o, k) in counts.items():
        if h == hour:
            over, n = over + o, n + k
    return over, n


class _Search:
    """The state of `recommend`: the windows settled so far, the hours judged."""

    def __init__(
        self, hall: HallModel, demand: Demand, runs: Runs, close_s: float, share: float
    ) -> None:
        self.hall, self.runs, self.close_s, self.share = hall, runs, close_s, share
        self.hours = hours_of(demand)
        self.every = tuple(w.window_id for w in hall.windows)
        self.plan: dict[int, list[int]] = {}
        self.judged: list[int] = []  # hours that meet the target
        self.floors: dict[int, int] = {}  # hours that cannot: most tickets over target allowed
        self.simulated = 0

    def evaluator(self, hour: int) -> Evaluate:
        def evaluate(windows: tuple[int, ...]) -> Counts:
            open_windows = {h: tuple(self.plan[h]) for h in self.plan if h < hour}
            open_windows[hour] = windows
            open_windows.update((h, self.every) for h in self.hours if h > hour)
            waits = simulate_runs(
                self.hall,
                staffing_by_hour(open_windows),
                self.runs,
                close_s=self.close_s,
                horizon_s=(hour + 1) * HOUR,
            )
            self.simulated += len(self.runs)
            return over_counts(self.hall, self.runs, waits, [*self.judged, *self.floors, hour])

        return evaluate

    def keeps_the_rest(self, counts: Counts) -> bool:
        """The hours judged still meet the target; those that cannot stay near their best."""
        judged = set(self.judged)
        if not meets_target({k: v for k, v in counts.items() if k[0] in judged}, self.share):
            return False
        return all(over_in(counts, h)[0] <= most for h, most in self.floors.items())

    def acceptor(self, hour: int) -> Accept:
        def accept(counts: Counts) -> bool:
            mine = {k: v for k, v in counts.items() if k[0] == hour}
            return meets_target(mine, self.share) and self.keeps_the_rest(counts)

        return accept


def recommend(
    hall: HallModel,
    demand: Demand,
    runs: Runs,
    *,
    close_s: float,
    share: float = TARGET_SHARE,
) -> Recommendation:
    search = _Search(hall, demand, runs, close_s, share)
    for hour in search.hours:
        order = window_order(hall, loads(hall, demand, hour))
        chosen = _fewest(search, demand, hour)
        if chosen is not None:
            search.plan[hour] = _look_ahead(search, demand, hour, chosen, order)
            search.judged.append(hour)
            continue
        evaluate, accept = search.evaluator(hour), search.acceptor(hour)
        if _ask_earlier_hours(search, hour, order):
            search.plan[hour], _ = _settle(hall, order, order, evaluate, accept)
            search.judged.append(hour)
            continue
        # Not met whatever is done: the hour keeps the best it can get (within a point).
        over, n = over_in(evaluate(tuple(order)), hour)
        search.floors[hour] = over + math.ceil(UNMET_SLACK * n)
        search.plan[hour], _ = _settle(hall, order, order, evaluate, search.keeps_the_rest)
    return Recommendation(
        {h: tuple(search.plan[h]) for h in search.hours},
        frozenset(search.floors),
        search.simulated,
    )


def _fewest(search: _Search, demand: Demand, hour: int) -> list[int] | None:
    """Steps 1–3 for `hour`, the hours before as planned, those after fully staffed; None if
    even every window misses the target."""
    load = loads(search.hall, demand, hour)
    order = window_order(search.hall, load)
    start = max(covering(search.hall, order, load), _first_guess(search.hall, demand, hour))
    evaluate, accept = search.evaluator(hour), search.acceptor(hour)
    chosen, met = _settle(search.hall, order[:start], order, evaluate, accept)
    return chosen if met else None


def _look_ahead(
    search: _Search, demand: Demand, hour: int, chosen: list[int], order: list[int]
) -> list[int]:
    """Step 5: up to LOOK_AHEAD more windows in `hour` when that saves as many in the next
    hour (a queue left over is served later at a higher cost), preferring the smoother."""
    if hour + 1 not in search.hours:
        return chosen
    spare = [w for w in order if w not in chosen]
    best: tuple[tuple[int, int, int], list[int]] | None = None
    for extra in range(min(LOOK_AHEAD, len(spare)) + 1):
        candidate = chosen + spare[:extra]
        search.plan[hour] = candidate
        search.judged.append(hour)
        try:
            following = _fewest(search, demand, hour + 1)
        finally:
            search.judged.pop()
            del search.plan[hour]
        if following is None:
            if extra == 0:
                return chosen  # the next hour is short whatever this one does
            continue
        key = (len(candidate) + len(following), max(len(candidate), len(following)), extra)
        if best is None or key < best[0]:
            best = (key, candidate)
    return chosen if best is None else best[1]


def _ask_earlier_hours(search: _Search, hour: int, order: list[int]) -> bool:
    """Step 4: more windows in the hours before `hour`, latest first, while each one lowers
    the tickets over target in `hour`; True once `hour` meets the target with every window.
    The raises that helped are kept either way; going further back stops at an hour whose
    raise did not help."""
    evaluate, accept = search.evaluator(hour), search.acceptor(hour)
    counts = evaluate(tuple(order))
    if accept(counts):
        return True
    best = over_in(counts, hour)[0]
    for earlier in reversed([h for h in search.hours if h < hour]):
        helped = False
        while (
            more := _grow(search.hall, search.plan[earlier], counts, list(search.every))
        ) is not None:
            search.plan[earlier].append(more)
            counts = evaluate(tuple(order))
            if accept(counts):
                return True
            over = over_in(counts, hour)[0]
            if over >= best:
                search.plan[earlier].pop()
                break
            best, helped = over, True
        if not helped:
            return False
    return False
