"""Durations counted in fixed buckets: a histogram kept as plain numbers, so that the paths
that record one (a writer batch, a call reaching the screens) pay one bisect and three
additions, and the monitoring library is touched only when /metrics is read."""

from __future__ import annotations

from bisect import bisect_left

# seconds: 1 ms … 10 s (a batch commits in about a millisecond; a screen gets a call in tens)
DEFAULT_BOUNDS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


class Timings:
    __slots__ = ("bounds", "count", "counts", "sum")

    def __init__(self, bounds: tuple[float, ...] = DEFAULT_BOUNDS) -> None:
        self.bounds = bounds
        self.counts = [0] * (len(bounds) + 1)  # the last: above every bound
        self.sum = 0.0
        self.count = 0

    def observe(self, seconds: float) -> None:
        self.counts[bisect_left(self.bounds, seconds)] += 1
        self.sum += seconds
        self.count += 1

    def cumulative(self) -> list[tuple[str, int]]:
        """(upper bound, observations at or under it) as Prometheus writes buckets."""
        out, total = [], 0
        for bound, count in zip(self.bounds, self.counts, strict=False):
            total += count
            out.append((repr(bound), total))
        out.append(("+Inf", self.count))
        return out
