"""What /metrics reads from the database when it is scraped (never on a request's path):
each service's queue now, the devices by the health they last reported, the outboxes.

Features with an outbox (好差评 platform records, SMS) register how to count theirs with
`register_outbox`; /metrics then shows it, and the alert rules in docs/monitoring/ watch it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import func
from sqlmodel import Session, col, select

from server.domain.calendar import business_day
from server.queries.devices import hall_devices
from server.store.tables import Hall, Service, Ticket, TicketCounter


@dataclass(frozen=True)
class ServiceQueue:
    hall: str
    service: str  # its prefix
    waiting: int
    oldest_wait_s: float  # 0 when nobody waits
    target_wait_s: float


@dataclass(frozen=True)
class OutboxState:
    pending: int
    oldest_s: float  # age of the oldest message not delivered yet; 0 when none


OutboxReader = Callable[[Session, datetime], OutboxState]
OUTBOXES: dict[str, OutboxReader] = {}


def register_outbox(name: str, reader: OutboxReader) -> None:
    """Show outbox `name` (e.g. "platform", "sms") on /metrics, read by `reader`."""
    OUTBOXES[name] = reader


def outboxes(session: Session, now: datetime) -> dict[str, OutboxState]:
    return {name: reader(session, now) for name, reader in sorted(OUTBOXES.items())}


def queues(session: Session, now: datetime) -> list[ServiceQueue]:
    """Every enabled service's queue today (its hall's business day)."""
    out: list[ServiceQueue] = []
    for hall, code, zone in session.exec(select(Hall.id, Hall.code, Hall.timezone)).all():
        hall_id = hall or 0
        day = business_day(now, ZoneInfo(zone))
        waiting = dict(
            session.exec(
                select(TicketCounter.service_id, TicketCounter.waiting).where(
                    TicketCounter.business_day == day
                )
            ).all()
        )
        oldest = dict(
            session.exec(
                select(Ticket.service_id, func.min(Ticket.entered_queue_at))
                .where(Ticket.hall_id == hall_id, Ticket.business_day == day)
                .where(Ticket.status == "waiting")
                .group_by(col(Ticket.service_id))
            ).all()
        )
        services = session.exec(
            select(Service).where(Service.hall_id == hall_id, col(Service.enabled).is_(True))
        )
        for service in services:
            since = oldest.get(service.id or 0)
            out.append(
                ServiceQueue(
                    hall=code,
                    service=service.prefix,
                    waiting=int(waiting.get(service.id or 0, 0)),
                    oldest_wait_s=max(0.0, (now - since).total_seconds()) if since else 0.0,
                    target_wait_s=service.target_wait_minutes * 60.0,
                )
            )
    return out


def devices(session: Session) -> tuple[Counter[tuple[str, str, str]], Counter[tuple[str, str]]]:
    """(devices by (hall, kind, status), kiosk printers by (hall, printer state)); a device
    that never reported counts as status "unknown"."""
    health: Counter[tuple[str, str, str]] = Counter()
    printers: Counter[tuple[str, str]] = Counter()
    for hall_id, code in session.exec(select(Hall.id, Hall.code)).all():
        for device in hall_devices(session, hall_id or 0):
            health[(code, device.kind, device.status or "unknown")] += 1
            if device.printer:
                printers[(code, device.printer)] += 1
    return health, printers


@dataclass(frozen=True)
class Scraped:
    queues: list[ServiceQueue]
    devices: tuple[Counter[tuple[str, str, str]], Counter[tuple[str, str]]]
    outboxes: dict[str, OutboxState]
    halls: dict[int, str]  # id -> code


def scrape(session: Session, now: datetime) -> Scraped:
    """Everything /metrics reads from the database, in one read."""
    halls = {i or 0: code for i, code in session.exec(select(Hall.id, Hall.code)).all()}
    return Scraped(queues(session, now), devices(session), outboxes(session, now), halls)
