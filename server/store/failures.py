"""What can go wrong in the store that is nobody's input error: the edges answer 503 or 500.

Kept apart from the domain errors (a refusal the applicant or clerk can act on): these say
the server itself cannot take the change right now.
"""

from __future__ import annotations

import sqlite3

from sqlalchemy.exc import DBAPIError

# PostgreSQL: deadlock_detected, serialization_failure, lock_not_available (lock_timeout).
# The transaction was rolled back by the server; running it again is safe and will succeed.
TRANSIENT_SQLSTATES = frozenset({"40P01", "40001", "55P03"})


class StoreUnavailable(Exception):
    """The change was not made; trying again later may work (HTTP 503)."""

    code = "unavailable"
    retry_after_s = 5

    def __init__(self, message: str, retry_after_s: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        if retry_after_s is not None:  # else the class's
            self.retry_after_s = retry_after_s


class WriterStopped(StoreUnavailable):
    """The writer is not running: it is being restarted (Retry-After: when it should be back,
    writer/supervisor.py), or it was stopped with the server."""

    code = "writer_stopped"
    retry_after_s = 30


class StoreBusy(StoreUnavailable):
    code = "store_busy"
    retry_after_s = 1


class JobCrashed(Exception):
    """A job raised something that is not an ordinary exception (e.g. SystemExit).

    The writer refuses that job with this error (HTTP 500) and carries on."""


def is_busy(exc: BaseException) -> bool:
    """SQLite's "database is locked": another connection held the write lock for longer than
    the busy timeout (a second writer on the file, such as a long command-line change).
    Nothing was written; the same change may succeed a moment later."""
    orig = exc.orig if isinstance(exc, DBAPIError) else exc
    if not isinstance(orig, sqlite3.OperationalError):
        return False
    code = getattr(orig, "sqlite_errorcode", None)
    if code is not None:
        return code & 0xFF in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)
    return "database is locked" in str(orig)


def is_transient(exc: BaseException) -> bool:
    """A database error that goes away by running the transaction again."""
    orig = exc.orig if isinstance(exc, DBAPIError) else exc
    return getattr(orig, "sqlstate", None) in TRANSIENT_SQLSTATES
