"""The apps' clock follows the server's: a PC set ten minutes wrong still times a service
right once a snapshot has told it the server's time."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from app_shell.timefmt import ServerClock


def test_the_clock_follows_the_server_not_this_pc() -> None:
    pc = [datetime(2026, 11, 26, 1, 10, tzinfo=UTC)]  # ten minutes fast
    clock = ServerClock(lambda: pc[0])
    assert clock.now() == pc[0]  # nothing known yet: this PC's time
    clock.follow(datetime(2026, 11, 26, 1, 0, tzinfo=UTC))
    pc[0] += timedelta(seconds=90)
    assert clock.now() == datetime(2026, 11, 26, 1, 1, 30, tzinfo=UTC)
