"""Domain errors: small classes carrying a code and a Chinese message a person can act on.

The edges (REST, WebSocket, CLI) turn them into responses in one place each.
"""

from __future__ import annotations


class DomainError(Exception):
    code = "error"

    def __init__(
        self, message: str, *, code: str | None = None, extra: dict[str, object] | None = None
    ) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code
        # facts a program may act on besides the message (e.g. when check-in opens): sent
        # beside `detail` and `code`
        self.extra = extra or {}

    def __str__(self) -> str:
        return f"{self.code}: {self.message}"


class NotFound(DomainError):
    code = "not_found"


class Conflict(DomainError):
    """The request is well-formed but the current state forbids it."""

    code = "conflict"


class IllegalTransition(Conflict):
    code = "illegal_transition"


class WindowNotOpen(Conflict):
    code = "window_not_open"


class ServiceClosed(Conflict):
    code = "service_closed"


class DailyLimitReached(Conflict):
    code = "daily_limit_reached"


class AlreadyExists(Conflict):
    code = "already_exists"


class Gone(DomainError):
    """It existed but is no longer available (a ticket's link after its rating window)."""

    code = "gone"


class InvalidInput(DomainError):
    code = "invalid_input"


class AuthenticationRequired(DomainError):
    code = "authentication_required"


class PermissionDenied(DomainError):
    code = "permission_denied"
