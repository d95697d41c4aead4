"""The simulated day's actors, driving the real server through the client library only.

Applicants take tickets at the kiosk; each window's clerk opens, calls, serves, pauses for
lunch and closes; a supervisor puts back in the queue those who missed their call and came
back. They run on the discrete-event `Scheduler` (one at a time, in simulated time), and each
draws from its own random stream derived from the seed, so the day depends on the seed alone.
"""

from __future__ import annotations

import math
import random
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from client.actions import TicketAction
from client.errors import Conflict
from client.replies import TicketOut
from client.rest import ApiClient
from server.demo import scenario
from server.demo.des import Scheduler

STAFF_PASSWORD = "demo-window-pass"
CLERKS = ["张丽", "王强", "李娜", "刘洋", "陈静", "杨帆"]
LUNCH = {
    "1": ("12:00", "13:00"),
    "3": ("12:00", "13:00"),
    "5": ("12:00", "13:00"),
    "2": ("12:30", "13:30"),
    "4": ("12:30", "13:30"),
    "6": ("12:30", "13:30"),
}
FAULT = ("6", "15:00", 12 * 60)  # window 6 pauses 12 minutes for a system fault
IDLE_CHECK_S = 900  # besides being told of new tickets, an idle clerk looks this often


def queue_signal(service_id: int) -> str:
    """The signal that a ticket entered the service's queue (issued, transferred, requeued):
    idle clerks of the windows serving it see it on their screen and call."""
    return f"queue:{service_id}"


@dataclass
class Tally:
    issued: int = 0  # at the kiosk
    refused: Counter[str] = field(default_factory=Counter)  # code -> count
    served: int = 0
    no_shows: int = 0
    transfers: int = 0  # each one is a new ticket in the new service
    requeued: int = 0
    evaluations: int = 0


@dataclass
class Hall:
    hall_id: int = 0
    services: dict[str, int] = field(default_factory=dict)  # prefix -> id
    prefix_of: dict[int, str] = field(default_factory=dict)
    windows: dict[str, int] = field(default_factory=dict)
    window_devices: dict[str, str] = field(default_factory=dict)
    kiosk_token: str = ""
    display_token: str = ""
    supervisor_no: str = "S001"


class DaySimulation:
    def __init__(
        self,
        base_url: str,
        sim: Scheduler,
        day: date,
        zone: ZoneInfo,
        seed: int,
        admin: ApiClient,
        hall: Hall | None = None,
    ) -> None:
        """`hall`: the hall an earlier day set up (None: `seed_hall()` sets it up)."""
        self.base_url = base_url
        self.sim = sim
        self.day = day
        self.zone = zone
        self.seed = seed
        self.admin = admin
        self.hall = hall or Hall()
        self.tally = Tally()
        self.arrivals_done = False
        self.pending_requeues = 0
        self._clients: list[ApiClient] = []
        self._supervisor: ApiClient | None = None

    def rng(self, name: str) -> random.Random:
        """The random stream of one actor: depends on the seed and the actor's name only."""
        return random.Random(f"{self.seed}:{name}")

    def at(self, hhmm: str) -> datetime:
        return scenario.local(self.day, hhmm, self.zone)

    def client(self, token: str | None = None) -> ApiClient:
        c = ApiClient(self.base_url, token)
        self._clients.append(c)
        return c

    async def close(self) -> None:
        for c in self._clients:
            await c.aclose()

    async def seed_hall(self) -> None:
        h = self.hall
        hall = await self.admin.admin_create(
            "halls", {"code": "DEMO", "name": "示范区政务服务中心"}
        )
        h.hall_id = hall.id
        for spec in scenario.SERVICES:
            created = await self.admin.admin_create("services", {"hall_id": h.hall_id, **spec})
            h.services[str(spec["prefix"])] = created.id
            h.prefix_of[created.id] = str(spec["prefix"])
        for number, prefixes in scenario.WINDOWS.items():
            w = await self.admin.admin_create(
                "windows",
                {
                    "hall_id": h.hall_id,
                    "number": number,
                    "service_ids": [h.services[p] for p in prefixes],
                },
            )
            h.windows[number] = w.id
            pad = await self.admin.admin_create(
                "devices",
                {
                    "hall_id": h.hall_id,
                    "kind": "window",
                    "window_id": w.id,
                    "label": f"{number}号窗口评价器",
                },
            )
            h.window_devices[number] = pad.token
            await self._staff(f"W{int(number):03d}", CLERKS[int(number) - 1], "window")
        await self._staff(h.supervisor_no, "赵主任", "supervisor")
        kiosk = await self.admin.admin_create(
            "devices", {"hall_id": h.hall_id, "kind": "kiosk", "label": "1号取号机"}
        )
        h.kiosk_token = kiosk.token
        display = await self.admin.admin_create(
            "devices", {"hall_id": h.hall_id, "kind": "display", "label": "大厅显示屏"}
        )
        h.display_token = display.token

    async def _staff(self, staff_no: str, name: str, role: str) -> None:
        await self.admin.admin_create(
            "staff",
            {
                "staff_no": staff_no,
                "name": name,
                "role": role,
                "password": STAFF_PASSWORD,
                "hall_id": self.hall.hall_id,
                "must_change_password": False,  # simulated clerks sign in and work at once
            },
        )

    async def start(self) -> None:
        """Log everyone in (real time, before the day), then put the actors on the schedule."""
        self._supervisor = self.client()
        await self._supervisor.login(self.hall.supervisor_no, STAFF_PASSWORD)
        kiosk = self.client(self.hall.kiosk_token)
        self.sim.spawn(self.applicants(kiosk))
        for number in self.hall.windows:
            clerk = self.client()
            await clerk.login(f"W{int(number):03d}", STAFF_PASSWORD)
            device = self.client(self.hall.window_devices[number])
            self.sim.spawn(self.window_worker(number, clerk, device))

    async def applicants(self, kiosk: ApiClient) -> None:
        for arrival in scenario.arrivals(self.day, self.zone, self.rng("arrivals")):
            await self.sim.sleep_until(arrival.at)
            try:
                await kiosk.issue_ticket(self.hall.services[arrival.prefix], arrival.priority)
            except Conflict as exc:  # outside the hours of issue, or the day's quota is gone
                self.tally.refused[exc.code] += 1
                continue
            self.tally.issued += 1
            self.sim.notify(queue_signal(self.hall.services[arrival.prefix]))
        self.arrivals_done = True

    async def window_worker(self, number: str, clerk: ApiClient, device: ApiClient) -> None:
        rng = self.rng(f"window:{number}")
        window_id = self.hall.windows[number]
        signals = [queue_signal(self.hall.services[p]) for p in scenario.WINDOWS[number]]
        await self.sim.sleep_until(self.at("09:00") - timedelta(seconds=rng.uniform(0, 90)))
        await clerk.window_action(window_id, "open")
        lunch_start, lunch_end = (self.at(t) for t in LUNCH[number])
        fault_at = self.at(FAULT[1]) if number == FAULT[0] else None
        closing = self.at("17:00")
        lunch_taken = False
        while True:
            now = self.sim.now()
            if not lunch_taken and now >= lunch_start:
                lunch_taken = True
                await clerk.window_action(window_id, "pause", {"reason": "午休"})
                await self.sim.sleep_until(lunch_end)
                await clerk.window_action(window_id, "resume")
                continue
            if fault_at is not None and now >= fault_at:
                fault_at = None
                await clerk.window_action(window_id, "pause", {"reason": "系统故障"})
                await self.sim.sleep(FAULT[2])
                await clerk.window_action(window_id, "resume")
                continue
            ticket = await clerk.call_next(window_id)
            if ticket is not None:
                await self.serve(rng, clerk, device, ticket)
                continue
            if self.arrivals_done and self.pending_requeues == 0 and now >= closing:
                break
            next_duty = [t for t in (lunch_start if not lunch_taken else None, fault_at) if t]
            timeout = min([IDLE_CHECK_S, *(self.sim.at(t) for t in next_duty)])
            if now < closing:
                timeout = min(timeout, self.sim.at(closing))
            await self.sim.wait(signals, timeout)
        await clerk.window_action(window_id, "close")

    async def serve(
        self, rng: random.Random, clerk: ApiClient, device: ApiClient, ticket: TicketOut
    ) -> None:
        tid = ticket.id
        if rng.random() < 0.05:  # nobody comes: recall once, then 过号
            await self.sim.sleep(40)
            await clerk.ticket_action(tid, "recall")
            await self.sim.sleep(40)
            await clerk.ticket_action(tid, TicketAction.no_show)
            self.tally.no_shows += 1
            if rng.random() < 0.5:  # half come back within a quarter of an hour
                self.pending_requeues += 1
                back = self.come_back(tid, ticket.service_id)
                self.sim.spawn(back, delay=rng.uniform(180, 900))
            return
        await self.sim.sleep(rng.uniform(15, 75))  # the applicant walks up
        await clerk.ticket_action(tid, "start")
        prefix = self.hall.prefix_of[ticket.service_id]
        mean = scenario.HANDLE_MEAN[prefix] * 60
        await self.sim.sleep(rng.lognormvariate(math.log(mean) - 0.1, 0.45))
        if rng.random() < 0.03:
            others = sorted(p for p in self.hall.services if p != prefix)
            target = self.hall.services[rng.choice(others)]
            await clerk.ticket_action(tid, "transfer", {"service_id": target})
            self.tally.transfers += 1
            self.sim.notify(queue_signal(target))
            return
        outcome = scenario.pick(rng, scenario.OUTCOMES)
        await clerk.ticket_action(tid, "finish", {"outcome": outcome})
        self.tally.served += 1
        if rng.random() < 0.8:
            level = scenario.pick(rng, scenario.LEVELS)
            reasons = [rng.choice(scenario.BAD_REASONS if level <= 2 else scenario.GOOD_REASONS)]
            await device.evaluate(tid, level, reasons)
            self.tally.evaluations += 1

    async def come_back(self, ticket_id: int, service_id: int) -> None:
        assert self._supervisor is not None
        try:
            await self._supervisor.ticket_action(ticket_id, "requeue")
            self.tally.requeued += 1
            self.sim.notify(queue_signal(service_id))
        except Conflict as exc:  # e.g. the day is over
            self.tally.refused[f"requeue:{exc.code}"] += 1
        finally:
            self.pending_requeues -= 1
