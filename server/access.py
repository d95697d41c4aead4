"""Who may still act: short-lived per-process caches of device tokens, staff accounts and
integrations that a revocation empties at once, and the live connections a revocation closes.

Revoking a device, deactivating a staff member or changing their role or password commits in
one server process, which then calls `AccessCache.revoked` itself. On PostgreSQL the same
transaction runs `pg_notify('govqueue_revocations', 'device:ID' | 'staff:ID')` (see
commands/admin.py); every process hears it on its one listener (server/store/listener.py,
`listen_for_revocations`) and makes the same call. When that listener (re)connects the caches
empty, since notifications sent while it was away are lost; and every entry expires after `ttl` seconds in any case. So a revoked credential is
refused on its next request in every process, and its open /ws connections are closed.
"""

from __future__ import annotations

import logging
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

from server.domain.actor import DeviceActor, StaffActor
from server.queries.access import DeviceAccount, IntegrationAccount, StaffAccount
from server.store.listener import PostgresListener
from server.store.statements import REVOCATION_CHANNEL

log = logging.getLogger(__name__)

Kind = Literal["device", "staff", "integration"]
KINDS: dict[str, Kind] = {"device": "device", "staff": "staff", "integration": "integration"}


def parse_payload(payload: str) -> tuple[Kind, int] | None:
    kind, _, ident = payload.partition(":")
    if kind not in KINDS or not ident.isdigit():
        return None
    return KINDS[kind], int(ident)


@dataclass(eq=False)
class Watch:
    """One live connection of a device or staff member; `on_revoke` closes it."""

    kind: Kind
    ident: int
    on_revoke: Callable[[], object]
    revoked: bool = False


@dataclass
class AccessCache:
    ttl: float = 10.0
    generation: int = 0  # raised by every revocation: a read begun before it is not cached
    _devices: dict[str, tuple[float, DeviceAccount]] = field(default_factory=dict)
    _device_hashes: dict[int, set[str]] = field(default_factory=lambda: defaultdict(set))
    _staff: dict[int, tuple[float, StaffAccount]] = field(default_factory=dict)
    _integrations: dict[int, tuple[float, IntegrationAccount]] = field(default_factory=dict)
    _watches: dict[tuple[Kind, int], set[Watch]] = field(default_factory=lambda: defaultdict(set))

    # --- the caches ------------------------------------------------------------------------
    def device(self, token_hash: str) -> DeviceAccount | None:
        cached = self._devices.get(token_hash)
        if cached is None or time.monotonic() - cached[0] >= self.ttl:
            return None
        return cached[1]

    def remember_device(self, token_hash: str, account: DeviceAccount, generation: int) -> None:
        if generation != self.generation:
            return  # a revocation came in while this was read: it may be stale
        self._devices[token_hash] = (time.monotonic(), account)
        self._device_hashes[account.actor.device_id].add(token_hash)

    def staff(self, staff_id: int) -> StaffAccount | None:
        cached = self._staff.get(staff_id)
        if cached is None or time.monotonic() - cached[0] >= self.ttl:
            return None
        return cached[1]

    def remember_staff(self, account: StaffAccount, generation: int) -> None:
        if generation == self.generation:
            self._staff[account.staff_id] = (time.monotonic(), account)

    def integration(self, integration_id: int) -> IntegrationAccount | None:
        cached = self._integrations.get(integration_id)
        if cached is None or time.monotonic() - cached[0] >= self.ttl:
            return None
        return cached[1]

    def remember_integration(self, account: IntegrationAccount, generation: int) -> None:
        if generation == self.generation:
            self._integrations[account.actor.integration_id] = (time.monotonic(), account)

    def clear(self) -> None:
        self.generation += 1
        self._devices.clear()
        self._device_hashes.clear()
        self._staff.clear()
        self._integrations.clear()

    # --- live connections ------------------------------------------------------------------
    def watch(self, actor: StaffActor | DeviceActor, on_revoke: Callable[[], object]) -> Watch:
        if isinstance(actor, DeviceActor):
            watch = Watch("device", actor.device_id, on_revoke)
        else:
            watch = Watch("staff", actor.staff_id, on_revoke)
        self._watches[(watch.kind, watch.ident)].add(watch)
        return watch

    def unwatch(self, watch: Watch) -> None:
        watches = self._watches.get((watch.kind, watch.ident))
        if watches is not None:
            watches.discard(watch)
            if not watches:
                del self._watches[(watch.kind, watch.ident)]

    def connections(self, kind: Kind, ident: int) -> int:
        return len(self._watches.get((kind, ident), ()))

    # --- revocation ------------------------------------------------------------------------
    def revoked(self, kind: Kind, ident: int) -> int:
        """Forget what is cached about the device or staff member and close their live
        connections. Returns how many connections were closed."""
        self.generation += 1
        if kind == "device":
            for token_hash in self._device_hashes.pop(ident, set()):
                self._devices.pop(token_hash, None)
        elif kind == "integration":
            self._integrations.pop(ident, None)
        else:
            self._staff.pop(ident, None)
        watches = self._watches.pop((kind, ident), set())
        for watch in watches:
            watch.revoked = True
            try:
                watch.on_revoke()
            except Exception:  # pragma: no cover - one connection must not stop the others
                log.exception("closing a revoked %s's connection failed", kind)
        return len(watches)


def listen_for_revocations(listener: PostgresListener, cache: AccessCache) -> None:
    """On PostgreSQL: apply the revocations every server process commits. Whenever the
    listener (re)connects or loses its connection, the caches empty: what was revoked while
    it was not listening is read again."""

    def revoked(payload: str) -> None:
        parsed = parse_payload(payload)
        if parsed is not None:
            cache.revoked(*parsed)

    listener.listen(REVOCATION_CHANNEL, revoked, on_connected=cache.clear, on_lost=cache.clear)
