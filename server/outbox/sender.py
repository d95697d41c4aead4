"""The sender: a thread of the server process that delivers the outbox.

Not the event loop (a slow or dead receiver never holds up a request) and not the writer (a
post never runs inside a write transaction). A round: a read asks whether anything is due;
if so, a writer job claims up to a batch for this sender's lease (commands/outbox.py); each
message is rendered with its hall's profile and posted; a writer job records the answer.
Writes go through the server's writer on the event loop's thread (`submit`), so every
writer caller stays on one loop.

What the receiver acknowledged is never sent again; anything else is sent again, with the
same idempotency key, after a back-off (server/domain/outbox.py) or — if this process died
with the claim — when the lease ends (at once on a SQLite server's next start: it is the
only sender, and a claim of another is one of a sender that died).
"""

from __future__ import annotations

import logging
import os
import secrets
import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine
from sqlmodel import Session, select

from server.commands import outbox
from server.domain.clock import Clock
from server.domain.outbox import RetryPolicy
from server.domain.texts import text
from server.outbox import profile as profiles
from server.store.job import Call, call
from server.store.tables import Receiver

if TYPE_CHECKING:
    import httpx

log = logging.getLogger("govqueue.outbox")

# the events whose transactions write outbox messages: the sender looks at once
WAKING_EVENTS = frozenset(
    {"evaluation.created", "rectification.rectified", "rectification.followed_up"}
)
ANSWER_CHARS = 500

Submit = Callable[[Call[Any]], Any]  # run a writer job, blocking this thread until committed


@dataclass(frozen=True)
class SenderSettings:
    poll_s: float = 1.0
    timeout_s: float = 10.0
    lease_s: float = 60.0
    batch: int = 20
    only_sender: bool = False  # SQLite: this is the one sender, other claims are stale
    policy: RetryPolicy = field(default_factory=RetryPolicy)


@dataclass(frozen=True)
class Attempt:
    """One try's result: the HTTP status (None: no answer) and what the receiver said."""

    status: int | None
    answer: str
    skipped: bool = False


class Sender:
    def __init__(
        self,
        read_engine: Engine,
        clock: Clock,
        submit: Submit,
        settings: SenderSettings,
        *,
        environ: Callable[[str], str | None] = os.environ.get,
    ) -> None:
        self._engine = read_engine
        self._clock = clock
        self._submit = submit
        self.settings = settings
        self._environ = environ
        self.owner = f"{socket.gethostname()[:16]}-{os.getpid()}-{secrets.token_hex(2)}"
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.sent = 0
        self.tries = 0

    def start(self) -> None:
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="govqueue-outbox", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout=self.settings.timeout_s + 5)
            self._thread = None

    def wake(self) -> None:
        """Something was written to the outbox: look now, not at the next poll."""
        self._wake.set()

    @property
    def alive(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def _run(self) -> None:
        http: httpx.Client | None = None
        try:
            while not self._stop.is_set():
                try:
                    if self._anything_due():
                        http = http or _client(self.settings.timeout_s)
                        busy = self._round(http)
                    else:
                        busy = False
                except Exception:  # the thread must not die: log, wait, go on
                    log.exception("outbox: a round failed")
                    busy = False
                if not busy:
                    self._wake.wait(self.settings.poll_s)
                    self._wake.clear()
        finally:
            if http is not None:
                http.close()

    def _round(self, http: httpx.Client) -> bool:
        """Claim what is due and send it; True when it handled something (then the next
        round starts at once)."""
        settings = self.settings
        claimed: list[outbox.Claimed] = self._submit(
            call(
                outbox.claim_due,
                self.owner,
                settings.lease_s,
                settings.batch,
                only_sender=settings.only_sender,
            )
        )
        receivers: dict[tuple[int, str], Receiver | None] = {}
        for message in claimed:
            if self._stop.is_set():
                break  # the claim runs out; the next sender takes them
            where = (message.hall_id, message.channel)
            if where not in receivers:
                receivers[where] = self._receiver(*where)
            attempt = self._deliver(http, message, receivers[where])
            self.tries += 1
            state = self._submit(
                call(
                    outbox.record_answer,
                    self.owner,
                    message.id,
                    attempt.status,
                    attempt.answer,
                    self.settings.policy,
                    skipped=attempt.skipped,
                )
            )
            if state == "sent":
                self.sent += 1
        return bool(claimed)

    def _anything_due(self) -> bool:
        with Session(self._engine) as session:
            only = self.owner if self.settings.only_sender else None
            due = outbox.due_query(self._clock.now(), 1, only_sender=only)
            return session.exec(due).first() is not None

    def _receiver(self, hall_id: int, channel: str) -> Receiver | None:
        with Session(self._engine, expire_on_commit=False) as session:
            return session.exec(
                select(Receiver).where(Receiver.hall_id == hall_id, Receiver.channel == channel)
            ).first()

    def _deliver(
        self, http: httpx.Client, message: outbox.Claimed, target: Receiver | None
    ) -> Attempt:
        if target is None:
            return Attempt(None, text("outbox.no_receiver"))
        try:
            profile = profiles.load(message.channel, target.profile)
        except profiles.ProfileError:
            return Attempt(None, text("outbox.unknown_profile", profile=target.profile))
        if not profile.takes(message.kind):
            answer = text("outbox.kind_not_taken", profile=profile.name, kind=message.kind)
            return Attempt(None, answer, skipped=True)
        secret = self._environ(target.key_env)
        if not secret:
            return Attempt(None, text("outbox.key_missing", env=target.key_env))
        request = profiles.render(
            profile, message.kind, message.payload, key=message.key, secret=secret, url=target.url
        )
        import httpx

        try:
            response = http.request(
                request.method, request.url, content=request.body, headers=request.headers
            )
        except httpx.TimeoutException:
            reason = f"{self.settings.timeout_s:g} 秒内没有应答"
            return Attempt(None, text("outbox.no_answer", reason=reason))
        except httpx.HTTPError as exc:
            reason = f"{type(exc).__name__}: {exc}"[:ANSWER_CHARS]
            return Attempt(None, text("outbox.no_answer", reason=reason))
        return Attempt(response.status_code, response.text[:ANSWER_CHARS])


def _client(timeout_s: float) -> httpx.Client:
    """The HTTP client, made when a first message is due (a hall that reports nothing never
    loads httpx into the server)."""
    import httpx

    return httpx.Client(timeout=timeout_s, follow_redirects=False)
