"""The server's watch: every few seconds, what in each hall has lasted long enough to be an
alert — a wait past its target, a window paused past the hall's threshold, a device not
heard from (离线) — and what has stopped. It reads first and writes only when the alerts do
not already say so (server/commands/watch.py does the change, under the hall's lock, so
several server processes watching together change each thing once)."""

from __future__ import annotations

import logging

from sqlmodel import Session

from server.commands.watch import keep_watched
from server.queries.alerts import HallFindings, watch_findings
from server.runtime import Runtime, every
from server.store.job import call

log = logging.getLogger("govqueue.watch")


async def watch_once(runtime: Runtime) -> int:
    """One look at every hall; the number of halls changed."""
    settings = runtime.settings
    now = runtime.clock.now()
    since = runtime.started_at
    calendar = settings.working_calendar()

    def look(session: Session) -> list[HallFindings]:
        return watch_findings(session, now, settings.device_offline_after_s, since, calendar)

    changed = 0
    for findings in await runtime.read(look):
        if findings.needs_change:
            await runtime.write(
                call(
                    keep_watched,
                    findings.hall_id,
                    findings.holding,
                    findings.offline,
                    settings.device_offline_after_s,
                )
            )
            changed += 1
    return changed


async def watch_forever(runtime: Runtime) -> None:
    interval = runtime.settings.alert_check_interval_s
    await every(interval, lambda: watch_once(runtime), log, "the alert watch failed")
