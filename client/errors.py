"""The client library's errors: views catch these, never raw httpx or websockets exceptions."""

from __future__ import annotations

from typing import Any


class ClientError(Exception):
    """Base of every error the client library raises."""


class ServerUnavailable(ClientError):
    """The server could not be reached (down, restarting, network cut). Try again later."""


class ApiError(ClientError):
    """The server answered with an error: HTTP status, code and a Chinese message."""

    def __init__(
        self, status: int, code: str, detail: str, extra: dict[str, Any] | None = None
    ) -> None:
        super().__init__(f"{status} {code}: {detail}")
        self.status = status
        self.code = code
        self.detail = detail
        self.extra = extra or {}  # the answer's other fields (e.g. when check-in opens)


class Unauthorized(ApiError):
    """401: credentials missing, wrong or expired."""


class Forbidden(ApiError):
    """403: the token may not do this (role, device kind or hall)."""


class NotFound(ApiError):
    """404."""


class Conflict(ApiError):
    """409: the current state forbids it (illegal transition, closed window, daily limit …)."""


class InvalidRequest(ApiError):
    """422: the request's content is wrong."""


def error_for(status: int, code: str, detail: str, extra: dict[str, Any] | None = None) -> ApiError:
    cls = {
        401: Unauthorized,
        403: Forbidden,
        404: NotFound,
        409: Conflict,
        422: InvalidRequest,
    }.get(status, ApiError)
    return cls(status, code, detail, extra)
