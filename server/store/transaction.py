"""A unit of work: one database transaction, the instant it happens at, and its events."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Engine
from sqlmodel import Session

from client.events import EventData
from server.domain.clock import Clock
from server.store.catalog import Catalog
from server.store.statements import INSERT_EVENT, NEXT_SEQ, NOTIFY


@dataclass(frozen=True)
class CommittedEvent:
    hall_id: int
    seq: int
    type: str
    at: datetime
    data: dict[str, Any]


@dataclass
class Tx:
    session: Session
    clock: Clock
    now: datetime
    catalog: Catalog = field(default_factory=Catalog)
    events: list[CommittedEvent] = field(default_factory=list)
    _conn: Connection | None = None

    def emit(self, hall_id: int, event: EventData) -> CommittedEvent:
        """Append an event to the hall's log in this transaction, with the next seq."""
        type_, data = event.TYPE, event.model_dump(mode="json")
        conn = self.conn
        seq = int(conn.execute(NEXT_SEQ, {"hall_id": hall_id}).scalar_one())
        if conn.dialect.name == "postgresql":
            # delivered to every listening server process when this transaction commits
            conn.execute(NOTIFY, {"payload": str(hall_id)})
        conn.execute(
            INSERT_EVENT,
            {"hall_id": hall_id, "seq": seq, "type": type_, "at": self.now, "data": data},
        )
        committed = CommittedEvent(hall_id, seq, type_, self.now, data)
        self.events.append(committed)
        return committed

    @property
    def conn(self) -> Connection:
        """The Core connection of this transaction (cheaper than going through the session)."""
        if self._conn is None:
            self._conn = self.session.connection()
        return self._conn


@contextmanager
def transaction(engine: Engine, clock: Clock, catalog: Catalog | None = None) -> Iterator[Tx]:
    """A standalone transaction (CLI, tests). The server goes through the Writer instead."""
    with Session(engine, expire_on_commit=False) as session:
        tx = Tx(session, clock, clock.now(), catalog or Catalog())
        yield tx
        session.commit()
