"""A short-lived, per-process cache of what rarely changes: services and their halls' zones.

Every ticket issued needs the service's prefix, hours, limit and targets and the hall's time
zone; reading them once a second instead of on every request is what lets the writer keep
up with a morning rush. A change to a service is seen within `ttl` seconds (there is no
route that edits a service yet; a new service is simply not cached until first used).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlmodel import Session, col

from server.domain.appointments import AppointmentPolicy, ServiceBooking
from server.domain.calendar import ServiceHours, hall_zone
from server.domain.errors import NotFound
from server.domain.texts import text
from server.store.tables import AppointmentRules, Hall, Service, Ticket, Window, WindowService

# a session, or a function that opens one: the cache asks for it only when it misses
SessionSource = Session | Callable[[], Session]


def _opened(source: SessionSource) -> Session:
    return source if isinstance(source, Session) else source()


@dataclass(frozen=True)
class ServiceInfo:
    id: int
    hall_id: int
    name: str
    prefix: str
    daily_limit: int | None
    hours: ServiceHours
    target_wait_minutes: int
    target_handle_minutes: int
    enabled: bool
    zone: ZoneInfo
    booking: ServiceBooking = field(default_factory=ServiceBooking)
    case_numbers: str = "off"  # the hall's 办件编号 policy at 办结: off | optional | required


class Catalog:
    def __init__(self, ttl: float = 1.0, *, record_changes: bool = False) -> None:
        self.ttl = ttl
        # the writer process's catalog records what its jobs changed, for the server's
        # catalog to forget too (service ids; None: the windows; -hall id: its rules)
        self._record_changes = record_changes
        self._changes: list[int | None] = []
        self._lock = threading.Lock()
        self._services: dict[int, tuple[float, ServiceInfo]] = {}
        self._open_windows: dict[int, tuple[float, int]] = {}
        self._mean_handle: dict[tuple[int, object], tuple[float, float]] = {}
        self._rules: dict[int, tuple[float, AppointmentPolicy]] = {}

    def service(self, session: SessionSource, service_id: int) -> ServiceInfo:
        now = time.monotonic()
        cached = self._services.get(service_id)
        if cached is not None and now - cached[0] < self.ttl:
            return cached[1]
        row = (
            _opened(session)
            .execute(
                select(Service, col(Hall.timezone), col(Hall.case_numbers))
                .join(Hall, col(Hall.id) == col(Service.hall_id))
                .where(col(Service.id) == service_id)
            )
            .first()
        )
        if row is None:
            raise NotFound(text("service.not_found", service_id=service_id))
        s, tz, case_numbers = row
        info = ServiceInfo(
            id=s.id,
            hall_id=s.hall_id,
            name=s.name,
            prefix=s.prefix,
            daily_limit=s.daily_limit,
            hours=ServiceHours.parse(s.hours),
            target_wait_minutes=s.target_wait_minutes,
            target_handle_minutes=s.target_handle_minutes,
            enabled=s.enabled,
            zone=hall_zone(tz),
            booking=ServiceBooking(
                s.appointment_slot_minutes, s.appointment_quota, s.appointment_days_ahead
            ),
            case_numbers=case_numbers,
        )
        with self._lock:
            self._services[service_id] = (now, info)
        return info

    def open_windows(self, session: SessionSource, service_id: int) -> int:
        """Open windows serving the service (for the estimated wait)."""
        now = time.monotonic()
        cached = self._open_windows.get(service_id)
        if cached is not None and now - cached[0] < self.ttl:
            return cached[1]
        count = int(
            _opened(session)
            .execute(
                select(func.count())
                .select_from(Window)
                .join(WindowService, col(WindowService.window_id) == col(Window.id))
                .where(col(WindowService.service_id) == service_id, col(Window.state) == "open")
            )
            .scalar_one()
        )
        with self._lock:
            self._open_windows[service_id] = (now, count)
        return count

    def mean_handle_minutes(
        self, session: SessionSource, service: ServiceInfo, day: object
    ) -> float:
        """Mean handling time of the service's last 20 tickets that day; its target before 3."""
        now = time.monotonic()
        key = (service.id, day)
        cached = self._mean_handle.get(key)
        if cached is not None and now - cached[0] < self.ttl * 10:
            return cached[1]
        rows = (
            _opened(session)
            .execute(
                select(col(Ticket.serving_started_at), col(Ticket.finished_at))
                .where(
                    col(Ticket.service_id) == service.id,
                    col(Ticket.business_day) == day,
                    col(Ticket.status) == "done",
                )
                .order_by(col(Ticket.finished_at).desc())
                .limit(20)
            )
            .all()
        )
        spans = [(end - start).total_seconds() / 60 for start, end in rows if start and end]
        mean = sum(spans) / len(spans) if len(spans) >= 3 else float(service.target_handle_minutes)
        with self._lock:
            self._mean_handle[key] = (now, mean)
        return mean

    def rules(self, session: SessionSource, hall_id: int) -> AppointmentPolicy:
        """The hall's appointment rules (the defaults when it has set none)."""
        now = time.monotonic()
        cached = self._rules.get(hall_id)
        if cached is not None and now - cached[0] < self.ttl:
            return cached[1]
        row = _opened(session).get(AppointmentRules, hall_id)
        policy = rules_of(row)
        with self._lock:
            self._rules[hall_id] = (now, policy)
        return policy

    def rules_changed(self, hall_id: int) -> None:
        """Forget a hall's appointment rules (just edited here; other processes: the ttl)."""
        with self._lock:
            self._rules.pop(hall_id, None)
            if self._record_changes:
                self._changes.append(-hall_id)  # negative: a hall's rules (see `forget`)

    def service_changed(self, service_id: int) -> None:
        """Forget a service this process cached (it was just edited here)."""
        with self._lock:
            self._services.pop(service_id, None)
            if self._record_changes:
                self._changes.append(service_id)

    def window_changed(self) -> None:
        with self._lock:
            self._open_windows.clear()
            if self._record_changes:
                self._changes.append(None)

    def clear(self) -> None:
        """Forget everything (the writer was restarted: what it changed last is unknown)."""
        with self._lock:
            self._services.clear()
            self._open_windows.clear()
            self._mean_handle.clear()

    def take_changes(self) -> list[int | None]:
        """What was changed since last asked (a catalog made with `record_changes`)."""
        with self._lock:
            changes, self._changes = self._changes, []
        return changes

    def forget(self, changes: list[int | None]) -> None:
        """Forget what another process's catalog reported changed (`take_changes`)."""
        for change in changes:
            if change is None:
                self.window_changed()
            elif change < 0:
                self.rules_changed(-change)
            else:
                self.service_changed(change)


def rules_of(row: AppointmentRules | None) -> AppointmentPolicy:
    if row is None:
        return AppointmentPolicy()
    return AppointmentPolicy(
        same_day=row.same_day,
        book_before_minutes=row.book_before_minutes,
        cancel_before_minutes=row.cancel_before_minutes,
        early_minutes=row.early_minutes,
        grace_minutes=row.grace_minutes,
        no_show_limit=row.no_show_limit,
        no_show_days=row.no_show_days,
        ban_days=row.ban_days,
        retention_days=row.retention_days,
        on_time_minutes=row.on_time_minutes,
    )
