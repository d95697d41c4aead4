"""The log's one writing thread (server/logs.py): records and request lines in time order in
one file, rotation by the bytes written (Chinese lines count three bytes a character), warnings
also on stderr, and everything queued written by `stop` — the end to end path through a real
`govqueue serve` is tests/test_log_redaction.py."""

from __future__ import annotations

import json
import logging
import logging.handlers
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from server import logs


@pytest.fixture
def own_logging() -> Iterator[None]:
    """configure() takes over the root logger; give pytest's handlers back afterwards."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    logs.stop()
    for handler in list(root.handlers):
        root.removeHandler(handler)
    for handler in handlers:
        root.addHandler(handler)
    root.setLevel(level)


def test_records_and_request_lines_are_written_in_time_order(
    tmp_path: Path, own_logging: None, capsys: pytest.CaptureFixture[str]
) -> None:
    path = logs.configure(tmp_path / "govqueue.log")
    access = logs.request_lines()
    assert access is not None  # INFO: the access log is on
    now = time.time()
    access.append((now - 2, "POST", "/api/v1/tickets", 201, 3.25, "10.0.0.7"))
    logging.getLogger("govqueue.test").warning("窗口 %s 离线", 3)
    access.append((time.time() + 1, "GET", logs.logged_path("/t/abc123/rating"), 200, 1.0, None))
    logs.stop()
    lines = path.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 3
    assert lines[0].endswith("INFO govqueue.access POST /api/v1/tickets 201 3.2ms 10.0.0.7")
    assert lines[1].endswith("WARNING govqueue.test 窗口 3 离线")
    assert lines[2].endswith("INFO govqueue.access GET /t/***/rating 200 1.0ms -")
    stamps = [line.split(" ", 1)[0] for line in lines]
    assert stamps == sorted(stamps) and all(s.endswith("Z") and len(s) == 24 for s in stamps)
    assert "WARNING govqueue.test 窗口 3 离线" in capsys.readouterr().err


def test_rotation_counts_bytes_not_characters(tmp_path: Path, own_logging: None) -> None:
    path = logs.configure(tmp_path / "govqueue.log", max_bytes=4000, backups=2)
    log = logging.getLogger("govqueue.test")
    for i in range(200):  # ~80 bytes a line, half of them three-byte characters
        log.info("第%03d行：请到三号窗口办理户籍业务", i)
    logs.stop()
    files = sorted(tmp_path.iterdir())
    assert [f.name for f in files] == ["govqueue.log", "govqueue.log.1", "govqueue.log.2"]
    assert all(0 < f.stat().st_size <= 4000 for f in files)
    assert (
        path.read_text(encoding="utf-8")
        .splitlines()[-1]
        .endswith("第199行：请到三号窗口办理户籍业务")
    )


def test_json_request_lines_carry_their_fields(tmp_path: Path, own_logging: None) -> None:
    path = logs.configure(tmp_path / "govqueue.log", fmt="json")
    access = logs.request_lines()
    assert access is not None
    access.append((time.time(), "GET", "/api/v1/health", 200, 0.456, "127.0.0.1"))
    logs.stop()
    (entry,) = [json.loads(line) for line in path.read_text().splitlines()]
    assert entry["logger"] == "govqueue.access" and entry["level"] == "INFO"
    assert entry["msg"] == "GET /api/v1/health 200 0.5ms 127.0.0.1"
    assert (entry["method"], entry["path"], entry["status"]) == ("GET", "/api/v1/health", 200)
    assert entry["ms"] == 0.46 and entry["client"] == "127.0.0.1"


def test_after_stop_nothing_is_queued_for_a_writer_that_is_gone(
    tmp_path: Path, own_logging: None
) -> None:
    path = logs.configure(tmp_path / "govqueue.log")
    logging.getLogger("govqueue.test").warning("写入")
    logs.stop()
    assert not any(
        isinstance(h, logging.handlers.QueueHandler) for h in logging.getLogger().handlers
    )
    logging.getLogger("govqueue.test").warning("之后")
    assert path.read_text(encoding="utf-8").count("govqueue.test") == 1


def test_no_request_lines_when_the_level_leaves_out_info(tmp_path: Path, own_logging: None) -> None:
    logs.configure(tmp_path / "govqueue.log", level="warning")
    assert logs.request_lines() is None
