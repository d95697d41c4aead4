"""`GET /metrics`: the server's state in Prometheus' text format (prometheus_client).

Nothing here runs on a kiosk's or a window's request: the queues and devices are read from
the database when /metrics is scraped; the writer, the live feed and the error handlers keep
plain counters (server/store/timings.py) that are only read here. The series, the alert
rules and a Grafana dashboard are described in docs/monitoring.md.

Who may read it: a client on the server's own machine (loopback) whose request did not come
through a proxy (no X-Forwarded-For, Forwarded or X-Real-IP header), or anyone presenting
`Authorization: Bearer <GOVQUEUE_METRICS_TOKEN>` when that setting is given.
"""

from __future__ import annotations

import hmac
import ipaddress
from collections.abc import Iterable, Iterator

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse
from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.core import (
    CounterMetricFamily,
    GaugeMetricFamily,
    HistogramMetricFamily,
    Metric,
)
from prometheus_client.process_collector import ProcessCollector
from prometheus_client.registry import Collector

from server.api.deps import RuntimeDep
from server.api.errors import STORE_ERRORS
from server.domain.texts import text
from server.queries import monitoring
from server.realtime.feed import Feed
from server.runtime import Runtime
from server.store.timings import Timings

router = APIRouter(include_in_schema=False)

PROXY_HEADERS = ("x-forwarded-for", "forwarded", "x-real-ip")
CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"


def allowed(request: Request, token: str | None) -> bool:
    if token:
        given = request.headers.get("authorization", "")
        if hmac.compare_digest(given.encode(), f"Bearer {token}".encode()):
            return True
    if any(name in request.headers for name in PROXY_HEADERS):
        return False  # came through a proxy: not this machine's own client
    host = request.client.host if request.client else ""
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@router.get("/metrics")
async def metrics(request: Request, runtime: RuntimeDep) -> Response:
    if not allowed(request, runtime.settings.metrics_token):
        return JSONResponse(
            {"detail": text("server.metrics_forbidden"), "code": "metrics_forbidden"},
            status_code=403,
        )
    now = runtime.clock.now()
    scraped = await runtime.read(lambda session: monitoring.scrape(session, now))
    registry = CollectorRegistry(auto_describe=False)
    registry.register(_Families(list(families(runtime, request.app.state.feed, scraped))))
    ProcessCollector(registry=registry)
    return Response(generate_latest(registry), media_type=CONTENT_TYPE)


class _Families(Collector):
    def __init__(self, found: list[Metric]) -> None:
        self._found = found

    def collect(self) -> Iterable[Metric]:
        return self._found


def families(runtime: Runtime, feed: Feed, scraped: monitoring.Scraped) -> Iterator[Metric]:
    queue_labels = ["hall", "service"]
    waiting = GaugeMetricFamily(
        "govqueue_queue_waiting", "Tickets waiting now, per service", labels=queue_labels
    )
    oldest = GaugeMetricFamily(
        "govqueue_queue_oldest_wait_seconds",
        "How long the longest-waiting ticket of the service has waited (0: nobody waits)",
        labels=queue_labels,
    )
    target = GaugeMetricFamily(
        "govqueue_queue_target_wait_seconds", "The service's target wait", labels=queue_labels
    )
    for q in scraped.queues:
        waiting.add_metric([q.hall, q.service], q.waiting)
        oldest.add_metric([q.hall, q.service], q.oldest_wait_s)
        target.add_metric([q.hall, q.service], q.target_wait_s)
    yield from (waiting, oldest, target)

    hub = feed.hub
    calls = CounterMetricFamily(
        "govqueue_calls", "Calls (ticket.called) this process published", labels=["hall"]
    )
    subscribers = GaugeMetricFamily(
        "govqueue_feed_subscribers", "Live feed (/ws) connections, per hall", labels=["hall"]
    )
    for hall_id, code in sorted(scraped.halls.items()):
        calls.add_metric([code], hub.calls.get(hall_id, 0))
        subscribers.add_metric([code], hub.subscriber_count(hall_id))
    yield from (calls, subscribers)
    yield _histogram(
        "govqueue_call_delivery_seconds",
        "From a window's call request to the call handed to the screens' connections",
        hub.call_delivery,
    )

    writer = runtime.writer
    yield GaugeMetricFamily(
        "govqueue_writer_up", "1 while the writer takes changes, 0 when writes fail", writer.alive
    )
    yield GaugeMetricFamily(
        "govqueue_writer_queue_jobs", "Changes handed to the writer, not done yet", writer.queued
    )
    yield CounterMetricFamily(
        "govqueue_writer_restarts",
        "Times the server started its writer again after it died (docs/decisions.md)",
        writer.restarts,
    )
    yield CounterMetricFamily("govqueue_writer_batches", "Writer transactions", writer.batches)
    yield CounterMetricFamily("govqueue_writer_jobs", "Changes written", writer.jobs)
    yield _histogram(
        "govqueue_writer_batch_seconds",
        "One writer transaction (a batch of changes), from its first statement to its commit",
        writer.batch_times,
    )
    errors = CounterMetricFamily(
        "govqueue_store_errors",
        "503 answers (the store could not do the work, /health included) by code; 500 internal_error",
        labels=["code"],
    )
    for code in ("writer_stopped", "store_busy", "database_unavailable", "internal_error"):
        errors.add_metric([code], STORE_ERRORS.get(code, 0))
    for code, count in sorted(STORE_ERRORS.items()):
        if code not in ("writer_stopped", "store_busy", "database_unavailable", "internal_error"):
            errors.add_metric([code], count)
    yield errors

    health, printers = scraped.devices
    devices = GaugeMetricFamily(
        "govqueue_devices",
        "Registered devices by the health they last reported (unknown: never reported)",
        labels=["hall", "kind", "status"],
    )
    for (hall, kind, status), count in sorted(health.items()):
        devices.add_metric([hall, kind, status], count)
    kiosk_printers = GaugeMetricFamily(
        "govqueue_kiosk_printers",
        "Kiosk printers by the state their kiosk last reported",
        labels=["hall", "state"],
    )
    for (hall, state), count in sorted(printers.items()):
        kiosk_printers.add_metric([hall, state], count)
    yield from (devices, kiosk_printers)

    pending = GaugeMetricFamily(
        "govqueue_outbox_pending", "Messages waiting to leave the hall", labels=["outbox"]
    )
    age = GaugeMetricFamily(
        "govqueue_outbox_oldest_seconds",
        "Age of the oldest message not delivered yet (0: none)",
        labels=["outbox"],
    )
    for name, outbox in scraped.outboxes.items():
        pending.add_metric([name], outbox.pending)
        age.add_metric([name], outbox.oldest_s)
    yield from (pending, age)


def _histogram(name: str, documentation: str, timings: Timings) -> HistogramMetricFamily:
    return HistogramMetricFamily(
        name, documentation, buckets=timings.cumulative(), sum_value=timings.sum
    )
