"""The server's appointment upkeep: every minute, the appointments whose check-in closed
without one become 失约. It reads first and writes only what is due
(server/commands/appointment_upkeep.py does the change, under the hall's lock, so several
server processes doing it together change each thing once). Personal data past its retention
is deleted by the nightly maintenance (server/commands/maintenance.py)."""

from __future__ import annotations

import logging

from server.commands.appointment_upkeep import mark_missed
from server.queries.appointments import upkeep_due
from server.runtime import Runtime, every
from server.store.job import call

log = logging.getLogger("govqueue.appointments")


async def upkeep_once(runtime: Runtime) -> int:
    """The appointments marked 失约."""
    catalog = runtime.writer.catalog
    now = runtime.clock.now()
    missed = 0
    for due in await runtime.read(lambda s: upkeep_due(s, catalog, now)):
        missed += await runtime.write(call(mark_missed, due.hall_id, due.missed))
    return missed


async def upkeep_forever(runtime: Runtime) -> None:
    interval = runtime.settings.appointment_upkeep_interval_s
    await every(interval, lambda: upkeep_once(runtime), log, "the appointment upkeep failed")
