"""`GET /metrics`: what a hall's monitoring reads, parsed as Prometheus parses it, through a
real server with real kiosks, a window, a screen on the live feed and a killed writer; and
who may read it."""

from __future__ import annotations

import asyncio
import os
import signal
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlencode

import httpx
import pytest
import websockets
from prometheus_client.parser import text_string_to_metric_families

from client.rest import tls_context
from server.domain.clock import SystemClock
from server.queries import monitoring
from server.store.writer.process import WriterProcess
from tests.helpers import LiveServer, open_window, seed_hall, start_server

Samples = dict[tuple[str, tuple[tuple[str, str], ...]], float]


def parse(body: str) -> Samples:
    """Every sample by (name, sorted labels), as Prometheus' own parser reads the text."""
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(body)
        for s in family.samples
    }


def value(samples: Samples, name: str, **labels: str) -> float:
    return samples[(name, tuple(sorted(labels.items())))]


async def scrape(server: LiveServer, **headers: str) -> httpx.Response:
    async with httpx.AsyncClient(verify=tls_context()) as http:
        return await http.get(server.base_url + "/metrics", headers=headers)


@pytest.fixture
def an_outbox() -> Iterator[None]:
    monitoring.register_outbox("sms", lambda _s, _now: monitoring.OutboxState(3, 125.0))
    yield
    monitoring.OUTBOXES.pop("sms")


async def test_metrics_show_queues_calls_feed_devices_writer_and_store_errors(
    tmp_path: Path, an_outbox: None
) -> None:
    async with start_server(tmp_path, SystemClock()) as server:
        hall = await seed_hall(server)
        kiosk = server.client(hall.kiosk_token)
        for priority in ("normal", "normal", "green"):
            await kiosk.issue_ticket(hall.services["A"], priority)
        await kiosk.report_device_status("error", printer="paper_out", detail="缺纸")
        feed = server.base_url.replace("http", "ws", 1) + "/ws?"
        feed += urlencode({"hall_id": hall.hall_id, "token": hall.display_token})
        async with websockets.connect(feed) as screen:
            await screen.recv()  # its snapshot: subscribed
            clerk = await open_window(server, hall, "1")
            await clerk.call_next(hall.windows["1"])
            samples = parse((await scrape(server)).text)

        assert value(samples, "govqueue_queue_waiting", hall="H1", service="A") == 2
        assert value(samples, "govqueue_queue_waiting", hall="H1", service="B") == 0
        assert value(samples, "govqueue_queue_oldest_wait_seconds", hall="H1", service="A") > 0
        assert value(samples, "govqueue_queue_oldest_wait_seconds", hall="H1", service="B") == 0
        assert value(samples, "govqueue_queue_target_wait_seconds", hall="H1", service="A") == 1200
        assert value(samples, "govqueue_calls_total", hall="H1") == 1
        assert value(samples, "govqueue_call_delivery_seconds_count") == 1
        assert value(samples, "govqueue_call_delivery_seconds_bucket", le="+Inf") == 1
        assert value(samples, "govqueue_feed_subscribers", hall="H1") == 1
        assert value(samples, "govqueue_writer_up") == 1
        assert value(samples, "govqueue_writer_jobs_total") >= 5
        assert value(samples, "govqueue_writer_batch_seconds_count") >= 1
        # jobs the server queues by itself (presence, counts, texts) may still wait on a busy
        # machine: the gauge must come down to 0 once the writer has caught up
        deadline = time.monotonic() + 15
        while value(samples, "govqueue_writer_queue_jobs") != 0:
            assert time.monotonic() < deadline, "the writer queue gauge never came down to 0"
            await asyncio.sleep(0.05)
            samples = parse((await scrape(server)).text)
        assert value(samples, "govqueue_devices", hall="H1", kind="kiosk", status="error") == 1
        assert value(samples, "govqueue_devices", hall="H1", kind="display", status="unknown") == 1
        assert value(samples, "govqueue_kiosk_printers", hall="H1", state="paper_out") == 1
        assert value(samples, "govqueue_outbox_pending", outbox="sms") == 3
        assert value(samples, "govqueue_outbox_oldest_seconds", outbox="sms") == 125
        assert value(samples, "process_resident_memory_bytes") > 0
        before = value(samples, "govqueue_store_errors_total", code="writer_stopped")

        writer = server.runtime.writer
        if not isinstance(writer, WriterProcess):
            return  # PostgreSQL: the writer is a thread of the server, nothing to kill apart
        assert writer.pid is not None
        assert value(samples, "govqueue_writer_restarts_total") == 0
        server.app.state.supervisor.backoff_s = (600.0,)  # stays down while this test looks
        os.kill(writer.pid, signal.SIGKILL)
        async with httpx.AsyncClient(
            verify=tls_context(), base_url=server.base_url + "/api/v1"
        ) as http:
            while (await http.get("/health")).status_code != 503:
                pass  # the server reads the end of the writer's pipe on its loop
            refused = await http.post(
                "/tickets",
                json={"service_id": hall.services["A"]},
                headers={"Authorization": f"Bearer {hall.kiosk_token}"},
            )
        assert refused.status_code == 503
        samples = parse((await scrape(server)).text)
        assert value(samples, "govqueue_writer_up") == 0
        assert value(samples, "govqueue_store_errors_total", code="writer_stopped") >= before + 2


async def test_metrics_are_for_this_machine_or_a_token(tmp_path: Path) -> None:
    async with start_server(tmp_path, SystemClock()) as server:
        assert (await scrape(server)).status_code == 200  # loopback, no proxy
        through_proxy = await scrape(server, **{"X-Forwarded-For": "203.0.113.9"})
        assert through_proxy.status_code == 403
        assert "GOVQUEUE_METRICS_TOKEN" in through_proxy.json()["detail"]
        assert (await scrape(server, Forwarded="for=203.0.113.9")).status_code == 403
    async with start_server(tmp_path / "t", SystemClock(), metrics_token="m" * 32) as server:
        proxied = {"X-Forwarded-For": "203.0.113.9"}
        good = await scrape(server, Authorization="Bearer " + "m" * 32, **proxied)
        assert good.status_code == 200 and "govqueue_writer_up 1.0" in good.text
        wrong = await scrape(server, Authorization="Bearer " + "x" * 32, **proxied)
        assert wrong.status_code == 403
