"""The coalesced queue.counts event: waiting tickets per service of a hall."""

from __future__ import annotations

from client.events import QueueCounts
from server.store.lookups import service_counts
from server.store.transaction import Tx


def publish_queue_counts(tx: Tx, hall_ids: list[int]) -> None:
    for hall_id in sorted(hall_ids):
        tx.lock_hall(hall_id)
        counts = service_counts(tx.session, hall_id, tx.now)
        tx.emit(hall_id, QueueCounts(services=counts))
