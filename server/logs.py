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
- Cost: the event loop only appends a tuple to a deque (`AccessLog`) or hands a record to a
  `QueueHandler`; one thread of its own formats and writes them (`LogWriter`), a batch at a
  time: one write and one flush per batch, the file's size counted rather than asked of the
  file system per line (~2 µs of CPU per request line, `bench/log_writer.py`). uvicorn's
  access log (a formatted line per request on the event loop) is off.
"""

from __future__ import annotations

import atexit
import collections
import contextlib
import heapq
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
import traceback
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal, TextIO

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from server.api.logredact import RedactCredentials, redact

LogFormat = Literal["plain", "json"]
ACCESS = "govqueue.access"
# a ticket's public token in a path: the page, its rating form, the public status route
TOKEN_PATH = re.compile(r"^(/t/|/api/v1/tickets/public/)[^/]+")
PUBLIC_PAGE = "/t/"
FLUSH_S = 0.5
# one request's line as the event loop leaves it: (time, method, path, status, ms, client)
AccessLine = tuple[float, str, str, int, float, str | None]

_writer: LogWriter | None = None
_configured: tuple[Any, ...] | None = None
# where AccessLog appends its lines; None when the access log is off
_access: collections.deque[AccessLine] | None = None


_second: tuple[int, str] = (-1, "")


def iso_time(created: float) -> str:
    """`2026-12-07T08:30:46.123Z`; the date and time to the second are formatted once per
    second (a burst of request lines shares them)."""
    global _second
    second = int(created)
    if _second[0] != second:
        _second = (second, datetime.fromtimestamp(second, UTC).strftime("%Y-%m-%dT%H:%M:%S"))
    return f"{_second[1]}.{int((created - second) * 1000):03d}Z"


class PlainFormatter(logging.Formatter):
    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s %(message)s")

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:
        return iso_time(record.created)


class JsonFormatter(logging.Formatter):
    """One JSON object per line."""

    def format(self, record: logging.LogRecord) -> str:
        out: dict[str, Any] = {
            "ts": iso_time(record.created),
            "level": record.levelname,
            "logger": record.name,
            "msg": record.getMessage(),
        }
        if record.exc_info:
            out["exc"] = self.formatException(record.exc_info)
        return json.dumps(out, ensure_ascii=False)


def plain_access(line: AccessLine) -> str:
    created, method, path, status, ms, client = line
    return f"{iso_time(created)} INFO {ACCESS} {method} {path} {status} {ms:.1f}ms {client or '-'}"


def json_access(line: AccessLine) -> str:
    """A request's fields as keys of their own, beside those of every line."""
    created, method, path, status, ms, client = line
    out = {
        "ts": iso_time(created),
        "level": "INFO",
        "logger": ACCESS,
        "msg": f"{method} {path} {status} {ms:.1f}ms {client or '-'}",
        "method": method,
        "path": path,
        "status": status,
        "ms": round(ms, 2),
        "client": client,
    }
    return json.dumps(out, ensure_ascii=False)


def default_log_file(data_dir: Path, workers: int = 1) -> Path:
    name = "govqueue.log" if workers <= 1 else f"govqueue-{os.getpid()}.log"
    return data_dir / "logs" / name


class _RecordAsIs(logging.handlers.QueueHandler):
    """Hands the record to the writing thread unformatted (formatting is that thread's work)."""

    def prepare(self, record: logging.LogRecord) -> logging.LogRecord:
        if record.args:  # freeze the message now: the arguments may change after this call
            record.msg, record.args = record.getMessage(), None
        return record


class RotatingFile:
    """The log file, written a batch of lines at a time and rotated by the standard library's
    `RotatingFileHandler` (`.1` … `.N`). The size is counted as lines are written, not asked
    of the file system per line as the handler's own `shouldRollover` does."""

    def __init__(self, path: Path, max_bytes: int, backups: int) -> None:
        self.handler = logging.handlers.RotatingFileHandler(
            path, maxBytes=max_bytes, backupCount=backups, encoding="utf-8"
        )
        self.max_bytes = max_bytes
        # like the handler: never rotate what is not a regular file (e.g. /dev/stdout)
        self.rotates = max_bytes > 0 and path.is_file()
        self.size = path.stat().st_size if path.is_file() else 0

    def write(self, lines: list[str]) -> None:
        text = "".join(f"{line}\n" for line in lines)
        size = len(text.encode("utf-8"))
        if self.rotates and self.size + size > self.max_bytes:
            self._write_rotating(lines)
        else:
            self._stream().write(text)
            self.size += size
        self._stream().flush()

    def _write_rotating(self, lines: list[str]) -> None:
        for line in lines:
            text = f"{line}\n"
            size = len(text.encode("utf-8"))
            if self.size > 0 and self.size + size > self.max_bytes:
                self._stream().flush()
                self.handler.doRollover()
                self.size = 0
            self._stream().write(text)
            self.size += size

    def _stream(self) -> TextIO:
        stream: TextIO | None = self.handler.stream  # open from the start (delay=False)
        assert stream is not None
        return stream

    def close(self) -> None:
        self.handler.close()


_STOP = logging.makeLogRecord({"msg": "stop"})


class LogWriter:
    """The one thread that writes the log. Records (govqueue's, uvicorn's) reach it through a
    queue and are written as they come; request lines are appended by the event loop to a
    deque (thread-safe, no lock the loop could wait on) and written every FLUSH_S, in time
    order with the records. Each batch is one write and one flush; warnings and worse also go
    to stderr."""

    def __init__(self, file: RotatingFile, fmt: LogFormat) -> None:
        self.file = file
        self.records: queue.SimpleQueue[logging.LogRecord] = queue.SimpleQueue()
        self.access: collections.deque[AccessLine] = collections.deque()
        self.formatter = JsonFormatter() if fmt == "json" else PlainFormatter()
        self.format_access = json_access if fmt == "json" else plain_access
        self.stderr = PlainFormatter()
        self._thread = threading.Thread(target=self._run, name="govqueue-log", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        running = True
        while running:
            try:
                batch = [self.records.get(timeout=FLUSH_S)]
            except queue.Empty:
                batch = []
            with contextlib.suppress(queue.Empty):
                while True:
                    batch.append(self.records.get_nowait())
            if _STOP in batch:
                running = False
                batch.remove(_STOP)
            try:
                self._write(batch)
            except Exception:  # pragma: no cover - a full disk must not end the thread
                traceback.print_exc(file=sys.stderr)

    def _write(self, records: list[logging.LogRecord]) -> None:
        access, requests = self.access, []
        while access:
            requests.append(access.popleft())
        if not records and not requests:
            return
        lines = [self.format_access(line) for line in requests]
        if records:
            formatted = [(r.created, self.formatter.format(r)) for r in records]
            timed = heapq.merge(
                formatted, ((line[0], text) for line, text in zip(requests, lines, strict=True))
            )
            lines = [text for _, text in timed]
            for record in records:
                if record.levelno >= logging.WARNING:
                    sys.stderr.write(self.stderr.format(record) + "\n")
            sys.stderr.flush()
        self.file.write(lines)

    def stop(self) -> None:
        """Write what is queued, then close the file."""
        self.records.put(_STOP)
        self._thread.join(5)
        self.file.close()


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
    global _writer, _configured, _access
    wanted = (path, fmt, level, max_bytes, backups)
    if _configured == wanted and _writer is not None:
        return path
    stop()
    path.parent.mkdir(parents=True, exist_ok=True)
    writer = LogWriter(RotatingFile(path, max_bytes, backups), fmt)
    handler = _RecordAsIs(writer.records)
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
    _writer, _configured = writer, wanted
    if logging.getLogger(ACCESS).isEnabledFor(logging.INFO):
        _access = writer.access
    atexit.register(stop)
    return path


def stop() -> None:
    """Write what is queued and close the file (at exit; before configuring again). Records
    logged after it go to Python's last-resort handler (warnings and worse, to stderr), not
    into a queue nobody reads."""
    global _writer, _access, _configured
    _configured, _access = None, None
    if _writer is not None:
        root = logging.getLogger()
        for handler in list(root.handlers):
            if isinstance(handler, _RecordAsIs) and handler.queue is _writer.records:
                root.removeHandler(handler)
        _writer.stop()
        _writer = None


def stop_before_termination() -> None:
    """Make SIGTERM write the queued lines before the process ends. uvicorn shuts down on
    SIGTERM, puts the previous handler back and raises the signal again (so the exit status
    says it was terminated); with the default handler the process then ends at once, without
    atexit, and the last lines still queued for the writing thread (the requests', the
    shutdown's) were lost. Call before uvicorn installs its own handlers."""

    def write_then_end(signum: int, frame: object) -> None:
        stop()
        signal.signal(signum, signal.SIG_DFL)
        signal.raise_signal(signum)

    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, write_then_end)


# --- the access log ---------------------------------------------------------------------


def request_lines() -> collections.deque[AccessLine] | None:
    """Where this process's request lines go (AccessLog appends to it); None when off."""
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
        lines = _access if scope["type"] == "http" else None
        if lines is None:
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
            lines.append(
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
    "request_lines",
    "stop",
    "stop_before_termination",
]
