"""The indicators of a period: what callers use (Scope, Indicators, compute, ColdPeriod; the
types are scope.py's, which the computation imports too).

This module is light on purpose: the serving process imports it (routes, the window's
today figures), and `import server.app` must not load numpy (+12 MB in every serving
process). The computation (numpy columns, period.py) is imported on the first call of
`compute`, i.e. only in a process that computes statistics: the export worker, the warm
statistics process, or the serving process itself once it answers a short period.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Engine
from sqlmodel import Session

from server.queries.stats.scope import TOTAL, ColdPeriod, Indicators, Scope

__all__ = ["TOTAL", "ColdPeriod", "Indicators", "Scope", "compute"]


def compute(
    session: Session,
    scope: Scope,
    groupings: Sequence[str],
    *,
    counts_basic: bool,
    max_cold_days: int | None = None,
    build: Engine | None = None,
) -> dict[str, Indicators]:
    """Every indicator of the period, for each grouping asked for (and the total): closed
    days from their rollups, the rest live. With `max_cold_days`, a period with more closed
    days not rolled up raises ColdPeriod; with `build`, those days are rolled up on the way
    (see rollup.py)."""
    from server.queries.stats.period import compute_period  # numpy: see the module's doc

    return compute_period(
        session,
        scope,
        groupings,
        counts_basic=counts_basic,
        max_cold_days=max_cold_days,
        build=build,
    )
