"""What the server's log costs per request line: CPU of the log thread (server/logs.py),
plain and JSON, through the rotation. Prints its figures; asserts nothing.

    .venv/bin/python bench/log_writer.py [--lines 100000]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from server import logs


def measure(fmt: logs.LogFormat, lines: int, max_bytes: int) -> tuple[float, float, int]:
    with tempfile.TemporaryDirectory() as folder:
        logs.configure(Path(folder) / "govqueue.log", fmt=fmt, max_bytes=max_bytes, backups=3)
        access = logs.request_lines()
        assert access is not None, "the access log is off"
        start = time.process_time()
        for _ in range(lines):
            access.append((time.time(), "POST", "/api/v1/tickets", 201, 1.234, "127.0.0.1"))
        appended = time.process_time()
        logs.stop()  # writes what is queued
        written = time.process_time()
        files = len(list(Path(folder).iterdir()))
    per_line = 1e6 / lines
    return (appended - start) * per_line, (written - appended) * per_line, files


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=100_000)
    args = parser.parse_args()
    for fmt in ("plain", "json"):
        for max_bytes in (10 * 1024 * 1024, 1024 * 1024):
            append_us, write_us, files = measure(fmt, args.lines, max_bytes)
            print(
                f"{fmt:5} rotating at {max_bytes // 1024:>6} KB: event loop {append_us:.2f} µs,"
                f" log thread {write_us:.2f} µs CPU per request line ({files} files)"
            )


if __name__ == "__main__":
    main()
