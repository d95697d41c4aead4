"""Drives a simulated day through the real server, using only the client library."""

from __future__ import annotations

import asyncio
import math
import random
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from client.errors import ApiError, Conflict
from client.rest import ApiClient
from server.demo import scenario
from server.domain.clock import ScaledClock

STAFF_PASSWORD = "demo-window-pass"
LUNCH = {
    "1": ("12:00", "13:00"),
    "3": ("12:00", "13:00"),
    "5": ("12:00", "13:00"),
    "2": ("12:30", "13:30"),
    "4": ("12:30", "13:30"),
    "6": ("12:30", "13:30"),
}


@dataclass
class Tally:
    issued: int = 0
    refused: int = 0
    served: int = 0
    no_shows: int = 0
    transfers: int = 0
    evaluations: int = 0
    last_error: str = ""


@dataclass
class Hall:
    hall_id: int = 0
    services: dict[str, int] = field(default_factory=dict)  # prefix -> id
    prefix_of: dict[int, str] = field(default_factory=dict)
    windows: dict[str, int] = field(default_factory=dict)
    window_devices: dict[str, str] = field(default_factory=dict)
    kiosk_token: str = ""
    supervisor_no: str = "S001"


class DaySimulation:
    def __init__(
        self,
        base_url: str,
        clock: ScaledClock,
        day: date,
        zone: ZoneInfo,
        seed: int,
        admin: ApiClient,
    ) -> None:
        self.base_url = base_url
        self.clock = clock
        self.day = day
        self.zone = zone
        self.rng = random.Random(seed)
        self.admin = admin
        self.hall = Hall()
        self.tally = Tally()
        self.arrivals_done = False
        self.pending_requeues = 0
        self._clients: list[ApiClient] = []
        self._background: set[asyncio.Task[None]] = set()

    def at(self, hhmm: str) -> datetime:
        return scenario.local(self.day, hhmm, self.zone)

    async def sleep_sim(self, seconds: float) -> None:
        await asyncio.sleep(max(0.0, seconds) / self.clock.speed)

    async def sleep_until(self, instant: datetime) -> None:
        await asyncio.sleep(self.clock.real_seconds_until(instant))

    def client(self, token: str | None = None) -> ApiClient:
        c = ApiClient(self.base_url, token)
        self._clients.append(c)
        return c

    async def close(self) -> None:
        for c in self._clients:
            await c.aclose()

    async def seed(self) -> None:
        h = self.hall
        hall = await self.admin.admin_create(
            "halls", {"code": "DEMO", "name": "示范区政务服务中心"}
        )
        h.hall_id = hall["id"]
        for spec in scenario.SERVICES:
            created = await self.admin.admin_create("services", {"hall_id": h.hall_id, **spec})
            h.services[spec["prefix"]] = created["id"]  # type: ignore[index]
            h.prefix_of[created["id"]] = str(spec["prefix"])
        for number, prefixes in scenario.WINDOWS.items():
            w = await self.admin.admin_create(
                "windows",
                {
                    "hall_id": h.hall_id,
                    "number": number,
                    "service_ids": [h.services[p] for p in prefixes],
                },
            )
            h.windows[number] = w["id"]
            device = await self.admin.admin_create(
                "devices",
                {
                    "hall_id": h.hall_id,
                    "kind": "window",
                    "window_id": w["id"],
                    "label": f"{number}号窗口评价器",
                },
            )
            h.window_devices[number] = device["token"]
            await self.admin.admin_create(
                "staff",
                {
                    "staff_no": f"W{int(number):03d}",
                    "name": ["张丽", "王强", "李娜", "刘洋", "陈静", "杨帆"][int(number) - 1],
                    "role": "window",
                    "password": STAFF_PASSWORD,
                    "hall_id": h.hall_id,
                },
            )
        await self.admin.admin_create(
            "staff",
            {
                "staff_no": h.supervisor_no,
                "name": "赵主任",
                "role": "supervisor",
                "password": STAFF_PASSWORD,
                "hall_id": h.hall_id,
            },
        )
        kiosk = await self.admin.admin_create(
            "devices", {"hall_id": h.hall_id, "kind": "kiosk", "label": "1号取号机"}
        )
        h.kiosk_token = kiosk["token"]

    async def run(self) -> None:
        workers = [asyncio.create_task(self.window_worker(n)) for n in self.hall.windows]
        await self.applicants()
        self.arrivals_done = True
        await asyncio.gather(*workers)

    async def applicants(self) -> None:
        kiosk = self.client(self.hall.kiosk_token)
        tasks = []
        for arrival in scenario.arrivals(self.day, self.zone, self.rng):
            await self.sleep_until(arrival.at)
            tasks.append(asyncio.create_task(self.take_ticket(kiosk, arrival)))
        await asyncio.gather(*tasks)

    async def take_ticket(self, kiosk: ApiClient, arrival: scenario.Arrival) -> None:
        try:
            await kiosk.issue_ticket(self.hall.services[arrival.prefix], arrival.priority)
            self.tally.issued += 1
        except Conflict as exc:  # outside hours, or the day's quota is gone
            self.tally.refused += 1
            self.tally.last_error = exc.detail

    async def window_worker(self, number: str) -> None:
        h = self.hall
        window_id = h.windows[number]
        clerk = self.client()
        await clerk.login(f"W{int(number):03d}", STAFF_PASSWORD)
        device = self.client(h.window_devices[number])
        await self.sleep_until(self.at("09:00") - timedelta(seconds=self.rng.uniform(0, 90)))
        await clerk.window_action(window_id, "open")
        lunch_start, lunch_end = (self.at(t) for t in LUNCH[number])
        lunch_taken = fault_taken = False
        while True:
            now = self.clock.now()
            if not lunch_taken and now >= lunch_start:
                lunch_taken = True
                await clerk.window_action(window_id, "pause", {"reason": "午休"})
                await self.sleep_until(lunch_end)
                await clerk.window_action(window_id, "resume")
                continue
            if number == "6" and not fault_taken and now >= self.at("15:00"):
                fault_taken = True
                await clerk.window_action(window_id, "pause", {"reason": "系统故障"})
                await self.sleep_sim(12 * 60)
                await clerk.window_action(window_id, "resume")
                continue
            ticket = await clerk.call_next(window_id)
            if ticket is None:
                if self.arrivals_done and self.pending_requeues == 0 and now >= self.at("17:00"):
                    break
                await self.sleep_sim(20)
                continue
            await self.serve(clerk, device, ticket)
        await clerk.window_action(window_id, "close")

    async def serve(self, clerk: ApiClient, device: ApiClient, ticket: dict[str, Any]) -> None:
        rng, tid = self.rng, ticket["id"]
        if rng.random() < 0.05:
            await self.sleep_sim(40)
            await clerk.ticket_action(tid, "recall")
            await self.sleep_sim(40)
            await clerk.ticket_action(tid, "no-show")
            self.tally.no_shows += 1
            if rng.random() < 0.5:
                self.pending_requeues += 1
                task = asyncio.create_task(self.come_back(tid))
                self._background.add(task)
                task.add_done_callback(self._background.discard)
            return
        await self.sleep_sim(rng.uniform(15, 75))
        await clerk.ticket_action(tid, "start")
        prefix = self.hall.prefix_of[ticket["service_id"]]
        mean = scenario.HANDLE_MEAN[prefix] * 60
        await self.sleep_sim(rng.lognormvariate(math.log(mean) - 0.1, 0.45))
        if rng.random() < 0.03:
            others = [p for p in self.hall.services if p != prefix]
            await clerk.ticket_action(
                tid, "transfer", {"service_id": self.hall.services[rng.choice(others)]}
            )
            self.tally.transfers += 1
            return
        outcome = scenario.pick(rng, scenario.OUTCOMES)  # type: ignore[arg-type]
        await clerk.ticket_action(tid, "finish", {"outcome": outcome})
        self.tally.served += 1
        if rng.random() < 0.8:
            level = int(scenario.pick(rng, scenario.LEVELS))  # type: ignore[arg-type,call-overload]
            reasons = [rng.choice(scenario.BAD_REASONS if level <= 2 else scenario.GOOD_REASONS)]
            await device.evaluate(tid, level, reasons)
            self.tally.evaluations += 1

    async def come_back(self, ticket_id: int) -> None:
        """Half of those who missed their call come back within a quarter hour."""
        try:
            await self.sleep_sim(self.rng.uniform(180, 900))
            supervisor = self.client()
            await supervisor.login(self.hall.supervisor_no, STAFF_PASSWORD)
            await supervisor.ticket_action(ticket_id, "requeue")
        except ApiError as exc:
            self.tally.last_error = exc.detail
        finally:
            self.pending_requeues -= 1
