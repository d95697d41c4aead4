"""Each app's log: a rotating file in a known place, so a hall's day can be read afterwards.

    ~/.local/state/govqueue/kiosk.log       (or $XDG_STATE_HOME/govqueue/kiosk.log)
    ~/.local/state/govqueue/display.log
    ~/.local/state/govqueue/window.log      (the clerk's window client)
    ~/.local/state/govqueue/evaluator.log   (the rating pad)

`--log-file PATH` (or `GOVQUEUE_LOG_FILE`, or `log_file` in the settings file) puts it
elsewhere. A file grows to 5 MB, then rolls over to `kiosk.log.1` … `kiosk.log.5` (the oldest
is dropped): about a month of a busy hall in 30 MB at most. The first lines of every run say
which program, version and Qt it is; then reconnects, printer faults, refused actions and
errors, one line each, with the local time and its offset. Never a token or a password.
Warnings and errors also go to stderr. A log that cannot be written is said once on stderr
and the app runs on without it.
"""

from __future__ import annotations

import logging
import logging.handlers
import os
import platform
import sys
import threading
from datetime import datetime
from importlib import metadata
from pathlib import Path
from types import TracebackType

LOG_BYTES = 5 * 1024 * 1024
LOG_BACKUPS = 5
FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"

log = logging.getLogger("govqueue.app")


class QuietLibraries(logging.Filter):
    """python-escpos says "Network printer enabled" on the root logger at every status check
    (every 30 s): its INFO lines are left out, its warnings kept."""

    def filter(self, record: logging.LogRecord) -> bool:
        return record.levelno >= logging.WARNING or f"{os.sep}escpos{os.sep}" not in record.pathname


class LocalTimeFormatter(logging.Formatter):
    """Times as the hall reads them: local, to the millisecond, with the offset
    (2026-12-07T16:21:23.123+08:00)."""

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:
        return datetime.fromtimestamp(record.created).astimezone().isoformat("T", "milliseconds")


def state_dir() -> Path:
    """Where the apps keep their logs: $XDG_STATE_HOME/govqueue, else ~/.local/state/govqueue."""
    base = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    return Path(base) / "govqueue"


def default_log_file(app: str) -> Path:
    return state_dir() / f"{app}.log"


_installed: list[logging.Handler] = []


def start_logging(
    app: str,
    log_file: Path | None = None,
    *,
    max_bytes: int = LOG_BYTES,
    backups: int = LOG_BACKUPS,
) -> Path | None:
    """Send the app's log to its rotating file (and warnings to stderr); the file, or None
    when it cannot be written. Calling it again replaces the handlers it installed."""
    stop_logging()
    root = logging.getLogger()
    root.setLevel(logging.INFO)
    for other in list(root.handlers):
        if type(other) is logging.StreamHandler:  # logging.basicConfig()'s, e.g. python-escpos'
            root.removeHandler(other)
    formatter = LocalTimeFormatter(FORMAT)
    stderr = logging.StreamHandler(sys.stderr)
    stderr.setLevel(logging.WARNING)
    stderr.setFormatter(formatter)
    handlers: list[logging.Handler] = [stderr]
    path = (log_file or default_log_file(app)).expanduser()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handler: logging.Handler | None = logging.handlers.RotatingFileHandler(
            path, maxBytes=max_bytes, backupCount=backups, encoding="utf-8"
        )
    except OSError as exc:
        print(f"无法写入日志文件 {path}：{exc}；日志只输出到终端。", file=sys.stderr)
        handler = None
    if handler is not None:
        handler.setFormatter(formatter)
        handlers.append(handler)
    for one in handlers:
        one.addFilter(QuietLibraries())
        root.addHandler(one)
        _installed.append(one)
    for noisy in ("httpx", "httpcore", "websockets", "asyncio"):
        logging.getLogger(noisy).setLevel(logging.WARNING)  # no request lines, no URLs (tokens)
    _catch_uncaught()
    return path if handler is not None else None


def stop_logging() -> None:
    root = logging.getLogger()
    while _installed:
        handler = _installed.pop()
        root.removeHandler(handler)
        handler.close()


def versions() -> dict[str, str]:
    """The versions a log's reader needs to know which program ran."""
    found = {"python": platform.python_version(), "system": platform.platform(terse=True)}
    try:
        found["govqueue"] = metadata.version("govqueue")
    except metadata.PackageNotFoundError:  # pragma: no cover - run from a bare checkout
        found["govqueue"] = "?"
    import PySide6
    from PySide6.QtCore import qVersion

    found["PySide6"] = PySide6.__version__
    found["Qt"] = qVersion()
    return found


def log_start(title: str, details: dict[str, object]) -> None:
    """The first line of a run: which program, which versions, with which settings."""
    v = versions()
    log.info(
        "%s starting: govqueue %s, Python %s, PySide6 %s, Qt %s, %s, pid %d",
        title,
        v["govqueue"],
        v["python"],
        v["PySide6"],
        v["Qt"],
        v["system"],
        os.getpid(),
    )
    if details:
        log.info("settings: %s", ", ".join(f"{k}={v}" for k, v in details.items()))


def route_qt_messages() -> None:
    """Qt's own warnings (a missing plugin, a display that went away) into the log too."""
    from PySide6.QtCore import QtMsgType, qInstallMessageHandler

    qt_log = logging.getLogger("qt")
    levels = {
        QtMsgType.QtInfoMsg: logging.INFO,
        QtMsgType.QtWarningMsg: logging.WARNING,
        QtMsgType.QtCriticalMsg: logging.ERROR,
        QtMsgType.QtFatalMsg: logging.CRITICAL,
    }

    def handler(kind: QtMsgType, _context: object, message: str) -> None:
        level = levels.get(kind)
        if level is not None:
            qt_log.log(level, "%s", message)

    qInstallMessageHandler(handler)


def _catch_uncaught() -> None:
    """An error nobody caught goes to the log with its traceback, not only to a terminal
    nobody watches."""

    def hook(kind: type[BaseException], error: BaseException, tb: TracebackType | None) -> None:
        logging.getLogger("govqueue.app").critical("uncaught error", exc_info=(kind, error, tb))

    def thread_hook(args: threading.ExceptHookArgs) -> None:
        if args.exc_value is not None:
            hook(args.exc_type, args.exc_value, args.exc_traceback)

    sys.excepthook = hook
    threading.excepthook = thread_hook
