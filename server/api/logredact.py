"""Credentials never reach a log: the live feed takes its token in the query string
(`/ws?hall_id=1&token=…`), and a ticket's public token (the QR code's link, which lets its
holder rate the ticket) is in the path (`/t/…`, `/t/…/rating`, `/api/v1/tickets/public/…`);
uvicorn writes both into its access and WebSocket log lines, and the server's own error lines
name the path."""

from __future__ import annotations

import logging
import re

SECRET_PARAM = re.compile(r"(?i)((?:^|[?&])(?:token|access_token|password)=)[^&\s\"']*")
# a public ticket token in a path: /t/<token>[/rating], /api/v1/tickets/public/<token>
PUBLIC_TOKEN = re.compile(r"((?:^|[\s\"'])(?:/api/v1/tickets/public|/t)/)[^/?#\s\"']+")
LOGGERS = ("uvicorn.access", "uvicorn.error", "uvicorn")


def redact(text: str) -> str:
    return PUBLIC_TOKEN.sub(r"\1***", SECRET_PARAM.sub(r"\1***", text))


class RedactCredentials(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = redact(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(redact(a) if isinstance(a, str) else a for a in record.args)
        return True


def install() -> None:
    """Idempotent; call again after uvicorn (re)configures its logging."""
    for name in LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(f, RedactCredentials) for f in logger.filters):
            logger.addFilter(RedactCredentials())
