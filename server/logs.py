"""The server's log: one place, one format, rotated, written off the event loop.

- Where: `GOVQUEUE_LOG_FILE` (`govqueue serve --log-file`), default `<data dir>/logs/govqueue.log`
  (several server processes on PostgreSQL: `govqueue-<pid>.log` each, one writer per file).
  Warnings and errors also go to stderr (the terminal, or systemd's journal).
- Format: plain lines by default, one JSON object per line with `GOVQUEUE_LOG_FORMAT=json`
  (`--log-format json`), each with `ts` (UTC), `level`, `logger`, `msg` and, for requests,
  `method`, `path`, `status`, `ms`, `client`.
- Rotation: at `GOVQUEUE_LOG_MAX_BYTES` (10 MB) the file becomes `.1` … `.N`
  (`GOVQUEUE_LOG_BACKUPS`, 10), the oldest dropped.
- Nothing personal and no credentials: request paths carrying a ticket's public token
  (`/t/…`, `/tickets/public/…`) are written with `***`, query strings are left out, bodies
  are never logged, and the address of whoever opens a ticket's page (an applicant's phone)
  is not kept. uvicorn's own lines go through `server/api/logredact.py`.
- Cost: the event loop only appends a tuple to a queue (`AccessLog`) or hands a record to a
  `QueueHandler`; a thread of its own formats and writes (`QueueListener`). uvicorn's
  access log (a formatted line per request on the event loop) is off.
"""

from __future__ import annotations

import atexit
import collections
import json
import logging
import logging.handlers
import os
import queue
import re
import signal
import sys
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from server.api.logredact import RedactCredentials, redact

LogFormat = Literal["plain", "json"]
ACCESS = "govqueue.access"
# a ticket's public token in a path: the page, its rating form, the public status route
TOKEN_PATH = re.compile(r"^(/t/|/api/v1/tickets/public/)[^/]+")
PUBLIC_PAGE = "/t/"
FLUSH_S = 0.5

_listener: logging.handlers.QueueListener | None = None
_configured: tuple[Any, ...] | None = None
_access: AccessWriter | None = None


class PlainFormatter(logging.Formatter):
    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s %(message)s")

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:
        return _iso(record.created)


class JsonFormatter(logging.Formatter):
    """One JSON object per line; a request's fields as keys of their own."""

    def format(self, record: logging.LogRecord) -> str:
        out: dict[str, Any] = {
            "ts": _iso(record.created),
            "level": record.levelname,
            "logger": record.name,
            "msg": record.getMessage(),
        }
        fields = getattr(record, "fields", None)
        if isinstance(fields, dict):
            out.update(fields)
        if record.exc_info:
            out["exc"] = self.formatException(record.exc_info)
        return json.dumps(out, ensure_ascii=False)


def _iso(created: float) -> str:
    return (
        datetime.fromtimestamp(created, UTC)
        .isoformat(timespec="milliseconds")
        .replace("+00:00", "Z")
    )


def default_log_file(data_dir: Path, workers: int = 1) -> Path:
    name = "govqueue.log" if workers <= 1 else f"govqueue-{os.getpid()}.log"
    return data_dir / "logs" / name


class _RecordAsIs(logging.handlers.QueueHandler):
    """Hands the record to the writing thread unformatted (formatting is that thread's work)."""

    def prepare(self, record: logging.LogRecord) -> logging.LogRecord:
        if record.args:  # freeze the message now: the arguments may change after this call
            record.msg, record.args = record.getMessage(), None
        return record


def configure(
    path: Path,
    *,
    fmt: LogFormat = "plain",
    level: str = "info",
    max_bytes: int = 10 * 1024 * 1024,
    backups: int = 10,
) -> Path:
    """Route the process's logging (govqueue, uvicorn) to the rotating file through one
    writing thread; warnings and worse to stderr too; the access log on when `level` lets
    INFO through. Idempotent per process."""
    global _listener, _configured
    wanted = (path, fmt, level, max_bytes, backups)
    if _configured == wanted and _listener is not None:
        return path
    stop()
    path.parent.mkdir(parents=True, exist_ok=True)
    file_handler = logging.handlers.RotatingFileHandler(
        path, maxBytes=max_bytes, backupCount=backups, encoding="utf-8"
    )
    file_handler.setFormatter(JsonFormatter() if fmt == "json" else PlainFormatter())
    stderr = logging.StreamHandler(sys.stderr)
    stderr.setLevel(logging.WARNING)
    stderr.setFormatter(PlainFormatter())
    records: queue.SimpleQueue[logging.LogRecord] = queue.SimpleQueue()
    handler = _RecordAsIs(records)
    handler.addFilter(RedactCredentials())
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level.upper())
    for name in ("uvicorn", "uvicorn.error"):
        logger = logging.getLogger(name)
        logger.handlers.clear()
        logger.propagate = True
    _listener = logging.handlers.QueueListener(
        records, file_handler, stderr, respect_handler_level=True
    )
    _listener.start()
    _configured = wanted
    atexit.register(stop)
    access_writer()
    return path


def stop() -> None:
    """Write what is queued and close the file (at exit; before configuring again)."""
    global _listener, _access, _configured
    _configured = None
    if _access is not None:
        _access.stop()
        _access = None
    if _listener is not None:
        _listener.stop()
        for handler in _listener.handlers:
            handler.close()
        _listener = None


def stop_before_termination() -> None:
    """Make SIGTERM write the queued lines before the process ends. uvicorn shuts down on
    SIGTERM, puts the previous handler back and raises the signal again (so the exit status
    says it was terminated); with the default handler the process then ends at once, without
    atexit, and the last lines still queued for the writing threads (the access log's, the
    shutdown's) were lost. Call before uvicorn installs its own handlers."""

    def write_then_end(signum: int, frame: object) -> None:
        stop()
        signal.signal(signum, signal.SIG_DFL)
        signal.raise_signal(signum)

    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, write_then_end)


# --- the access log ---------------------------------------------------------------------


class AccessWriter:
    """Request lines, buffered: the event loop appends a tuple (a deque's append is
    thread-safe and takes no lock the loop could wait on); this thread turns them into log
    records every FLUSH_S."""

    def __init__(self) -> None:
        self.lines: collections.deque[tuple[float, str, str, int, float, str | None]] = (
            collections.deque()
        )
        self.logger = logging.getLogger(ACCESS)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="govqueue-access-log", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(FLUSH_S):
            self.flush()
        self.flush()

    def flush(self) -> None:
        logger, lines = self.logger, self.lines
        while lines:
            created, method, path, status, ms, client = lines.popleft()
            record = logger.makeRecord(
                ACCESS,
                logging.INFO,
                __file__,
                0,
                f"{method} {path} {status} {ms:.1f}ms {client or '-'}",
                (),
                None,
            )
            record.created = created
            record.fields = {
                "method": method,
                "path": path,
                "status": status,
                "ms": round(ms, 2),
                "client": client,
            }
            logger.handle(record)

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(5)


def access_writer() -> AccessWriter | None:
    """The process's writer of request lines, when the access log is on."""
    global _access
    if _access is None and logging.getLogger(ACCESS).isEnabledFor(logging.INFO):
        _access = AccessWriter()
    return _access


def logged_path(path: str) -> str:
    return (
        TOKEN_PATH.sub(r"\1***", path)
        if path.startswith(("/t/", "/api/v1/tickets/public/"))
        else path
    )


class AccessLog:
    """Pure ASGI middleware: one line per HTTP request (method, path, status, time, client)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        writer = _access if scope["type"] == "http" else None
        if writer is None:
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def sending(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, sending)
        finally:
            path: str = scope["path"]
            client = scope.get("client")
            who = None if client is None or path.startswith(PUBLIC_PAGE) else client[0]
            writer.lines.append(
                (
                    time.time(),
                    scope["method"],
                    logged_path(path),
                    status,
                    (time.perf_counter() - started) * 1000,
                    who,
                )
            )


__all__ = [
    "AccessLog",
    "configure",
    "default_log_file",
    "logged_path",
    "redact",
    "stop",
    "stop_before_termination",
]
