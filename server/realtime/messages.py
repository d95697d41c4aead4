"""Re-export of the wire models the live feed speaks (defined once, in client.wire)."""

from client.wire import LiveMessage, SnapshotData

__all__ = ["LiveMessage", "SnapshotData"]
