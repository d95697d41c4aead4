"""A unit of work: one database transaction, the instant it happens at, and its events.

Lock order. Every job that changes a hall's queue locks the hall's row first
(`Tx.lock_hall`), before it reads or writes tickets, windows or counters, and it may emit
events only for halls it has locked (`emit` checks). So changes of one hall run one after
the other across server processes (call-next keeps strict queue order: nobody reads the
queue heads while another process is changing them), and two transactions never wait for
each other's rows in opposite orders. A batch of the writer can hold several halls: they
are locked in ascending id; a hall with a lower id than one already held is taken with a
short lock timeout instead, and the writer runs the batch again with its halls locked in
order (see writer/group_commit.py). On SQLite the writer's BEGIN IMMEDIATE already serialises every
change, so the lock is only recorded.
"""

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
from server.store.hot import Hot, encode_json
from server.store.statements import DEFAULT_LOCK_TIMEOUT, LOCK_HALL, SHORT_LOCK_TIMEOUT


@dataclass(frozen=True)
class CommittedEvent:
    hall_id: int
    seq: int
    type: str
    at: datetime
    data: dict[str, Any]
    # `data` as stored in the log (hot.encode_json), when the writer has it: the live feed
    # reuses it instead of encoding the data again
    data_json: str | None = field(default=None, compare=False, repr=False)


class BatchSession:
    """The ORM session of a writer batch, opened on the batch's connection only when a job
    first needs it (the hot jobs run driver-level SQL on the connection and never do).

    It joins the connection's transaction without owning it ("rollback_only": its rollback,
    after a failed flush, rolls the whole transaction back, as the batch's own Session did;
    the writer commits the connection, after `flush`)."""

    __slots__ = ("_conn", "session")

    def __init__(self, conn: Connection) -> None:
        self._conn = conn
        self.session: Session | None = None

    def get(self) -> Session:
        if self.session is None:
            self.session = Session(
                bind=self._conn, expire_on_commit=False, join_transaction_mode="rollback_only"
            )
        return self.session

    def flush(self) -> None:
        if self.session is not None:
            self.session.flush()

    def close(self) -> None:
        if self.session is not None:
            self.session.close()
            self.session = None


@dataclass
class Tx:
    _session: Session | None  # None: opened on demand from `_batch` (the writer's batches)
    clock: Clock
    now: datetime
    catalog: Catalog = field(default_factory=Catalog)
    events: list[CommittedEvent] = field(default_factory=list)
    # halls locked in this database transaction (shared by the jobs of one writer batch)
    held_halls: set[int] = field(default_factory=set)
    # on PostgreSQL, halls asked for, locked or not (shared likewise): a batch the database
    # rolled back runs again with all of them locked up front, the one it gave up on included
    # (SQLite takes no row locks and never rolls a batch back so)
    wanted_halls: set[int] = field(default_factory=set)
    _conn: Connection | None = None
    _hot: Hot | None = None
    _batch: BatchSession | None = None

    @property
    def session(self) -> Session:
        """The ORM session of this transaction (opened when first asked for)."""
        if self._session is None:
            assert self._batch is not None, "a Tx needs a session or a batch"
            self._session = self._batch.get()
        return self._session

    def open_session(self) -> Session:
        """`session`, as a callable: handed to caches (Catalog) that need the session only
        when they miss, so that a hit opens none."""
        return self.session

    def lock_hall(self, hall_id: int) -> None:
        """Lock the hall's row until the transaction ends. Take it before touching the
        hall's tickets, windows or counters (see the module's docstring)."""
        if hall_id in self.held_halls:
            return
        conn = self.conn
        if conn.dialect.name == "postgresql":
            self.wanted_halls.add(hall_id)
            if any(held > hall_id for held in self.held_halls):  # out of order: never wait long
                conn.execute(SHORT_LOCK_TIMEOUT)
                conn.execute(LOCK_HALL, {"hall_id": hall_id})
                conn.execute(DEFAULT_LOCK_TIMEOUT)
            else:
                conn.execute(LOCK_HALL, {"hall_id": hall_id})
            # it may have waited for another process: what happens now happens after that
            self.now = max(self.now, self.clock.now())
            # the hall changes: every listening server process reads its log after the commit
            # (once per hall and transaction; a savepoint rolled back takes both away)
            self.hot.notify(hall_id)
        self.held_halls.add(hall_id)

    def emit(self, hall_id: int, event: EventData) -> CommittedEvent:
        """Append an event to the hall's log in this transaction, with the next seq."""
        return self.emit_data(hall_id, event.TYPE, event.model_dump(mode="json"))

    def emit_data(self, hall_id: int, type_: str, data: dict[str, Any]) -> CommittedEvent:
        """`emit` with the event's data already in its JSON form (the model's
        `model_dump(mode="json")`, built directly on the hot paths: commands/ticket_events.py)."""
        if hall_id not in self.held_halls:
            raise RuntimeError(f"emit for hall {hall_id} without tx.lock_hall first (lock order)")
        hot = self.hot
        seq = hot.next_seq(hall_id)
        data_json = encode_json(data)
        hot.insert_event(hall_id, seq, type_, self.now, data_json)
        committed = CommittedEvent(hall_id, seq, type_, self.now, data, data_json)
        self.events.append(committed)
        return committed

    @property
    def hot(self) -> Hot:
        """Driver-level statements on this transaction's connection (store/hot.py)."""
        if self._hot is None:
            self._hot = Hot(self.conn)
        return self._hot

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
