"""The Erlang C formulas of the M/M/c queue: Poisson arrivals, exponential handling, c
windows, first come first served. The simulation is checked against them (tests), and the
search starts from the windows they call for."""

from __future__ import annotations

import math


def erlang_c(windows: int, load: float) -> float:
    """Probability that an arrival has to wait, with `load` = arrival rate × mean handling
    (in erlangs) on `windows` windows; 1 when the queue grows without end."""
    if windows <= 0 or load >= windows:
        return 1.0
    if load <= 0:
        return 0.0
    # Erlang B by its recurrence (stable for large c), then C from B
    b = 1.0
    for k in range(1, windows + 1):
        b = load * b / (k + load * b)
    rho = load / windows
    return b / (1 - rho + rho * b)


def mean_wait(windows: int, arrival_rate: float, mean_handle: float) -> float:
    """Expected wait before the call (same unit as `mean_handle`; rate per that unit)."""
    load = arrival_rate * mean_handle
    if load >= windows:
        return math.inf
    return erlang_c(windows, load) * mean_handle / (windows - load)


def wait_exceeds(windows: int, arrival_rate: float, mean_handle: float, t: float) -> float:
    """P(wait > t) = C · e^{−(c − a)·t / mean_handle}."""
    load = arrival_rate * mean_handle
    if load >= windows:
        return 1.0
    return erlang_c(windows, load) * math.exp(-(windows - load) * t / mean_handle)


def windows_needed(arrival_rate: float, mean_handle: float, target: float, share: float) -> int:
    """The fewest windows with P(wait > target) ≤ share, in steady state."""
    c = max(1, math.ceil(arrival_rate * mean_handle))
    while wait_exceeds(c, arrival_rate, mean_handle, target) > share:
        c += 1
    return c
