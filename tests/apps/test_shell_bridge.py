"""The asyncio-Qt bridge and the feed bridge, against a real server."""

from __future__ import annotations

import asyncio
import threading
from typing import Any

import pytest
from PySide6.QtCore import QObject
from pytestqt.qtbot import QtBot

from app_shell.bridge import AsyncRunner, Operation, message_for
from app_shell.feed import ConnectionState, FeedBridge
from client.errors import ApiError, NotFound, ServerUnavailable
from client.rest import ApiClient
from client.wire import LiveMessage, SnapshotMessage
from tests.apps.conftest import ThreadedServer


def test_work_runs_off_the_gui_thread_and_callbacks_on_it(
    qtbot: QtBot, runner: AsyncRunner
) -> None:
    gui = threading.current_thread()
    seen: dict[str, Any] = {}

    async def work() -> int:
        seen["work"] = threading.current_thread()
        await asyncio.sleep(0.01)
        return 42

    def success(value: int) -> None:
        seen["value"], seen["callback"] = value, threading.current_thread()

    Operation(runner, work).success(success).finally_(
        lambda: seen.setdefault("finally", True)
    ).run_in_background()
    qtbot.waitUntil(lambda: "finally" in seen, timeout=3000)
    assert seen["value"] == 42
    assert seen["work"] is not gui and seen["callback"] is gui


def test_errors_reach_failure_or_are_shown_in_chinese(
    qtbot: QtBot, runner: AsyncRunner, app_server: ThreadedServer
) -> None:
    api = ApiClient(app_server.base_url)
    failures: list[BaseException] = []
    Operation(runner, lambda: api.public_ticket("no-such-token")).failure(
        failures.append
    ).run_in_background()
    qtbot.waitUntil(lambda: bool(failures), timeout=5000)
    assert isinstance(failures[0], NotFound)
    assert message_for(failures[0]) == "未找到该号票，请核对二维码或票面信息。"
    with qtbot.waitSignal(runner.error_shown, timeout=5000) as shown:
        Operation(runner, lambda: api.public_ticket("nope")).run_in_background()
    assert shown.args == ["未找到该号票，请核对二维码或票面信息。"]
    down = ApiClient("http://127.0.0.1:9")  # nothing listens on the discard port
    with qtbot.waitSignal(runner.error_shown, timeout=5000) as shown:
        Operation(runner, down.health).run_in_background()
    assert shown.args == ["暂时无法连接服务器，正在自动重试。"]
    assert "500" in message_for(ApiError(500, "internal", "内部错误"))
    assert message_for(RuntimeError("boom")).startswith("程序出现意外错误")
    runner.submit(api.aclose()).result(5)
    runner.submit(down.aclose()).result(5)


def test_callbacks_are_skipped_when_their_parent_is_gone(qtbot: QtBot, runner: AsyncRunner) -> None:
    parent = QObject()
    called: list[int] = []
    gate = asyncio.Event()

    release = threading.Event()
    delivered: list[str] = []

    async def work() -> int:
        await asyncio.to_thread(release.wait, 5)  # still working when the parent goes
        return 1

    future = Operation(runner, work, parent=parent).success(called.append).run_in_background()
    # posted to the GUI thread right behind the operation's own callbacks
    future.add_done_callback(lambda _: runner.post_to_gui(lambda: delivered.append("after")))
    with qtbot.waitSignal(parent.destroyed, timeout=5000):
        parent.deleteLater()
    release.set()
    future.result(5)
    qtbot.waitUntil(lambda: delivered == ["after"], timeout=5000)
    assert called == [] and not gate.is_set()


def display_feed(runner: AsyncRunner, server: ThreadedServer) -> FeedBridge:
    """The hall screen's feed of the server's hall, retrying every 0.5 s at most."""
    assert server.hall is not None
    return FeedBridge(
        runner,
        server.base_url,
        hall_id=server.hall.hall_id,
        token=server.hall.display_token,
        max_reconnect_delay=0.5,
    )


def test_feed_bridge_delivers_events_and_follows_the_connection(
    qtbot: QtBot, runner: AsyncRunner, app_server: ThreadedServer
) -> None:
    hall = app_server.hall
    assert hall is not None
    feed = display_feed(runner, app_server)
    states: list[ConnectionState] = []
    messages: list[LiveMessage] = []
    snapshots: list[SnapshotMessage] = []
    feed.state_changed.connect(states.append)
    feed.message.connect(messages.append)
    feed.snapshot.connect(snapshots.append)
    feed.start()
    qtbot.waitUntil(lambda: bool(snapshots), timeout=5000)
    assert snapshots[0].data.hall_name == "H1 政务服务中心"
    assert feed.state is ConnectionState.connected
    app_server.call(lambda c: c.issue_ticket(hall.services["A"]), token=hall.kiosk_token)
    qtbot.waitUntil(lambda: any(m.type == "ticket.issued" for m in messages), timeout=5000)
    app_server.stop()
    qtbot.waitUntil(lambda: feed.state is ConnectionState.reconnecting, timeout=5000)
    app_server.start()  # same port, same database
    app_server.call(lambda c: c.issue_ticket(hall.services["B"]), token=hall.kiosk_token)
    qtbot.waitUntil(lambda: [m.type for m in messages].count("ticket.issued") == 2, timeout=10_000)
    assert feed.state is ConnectionState.connected
    seqs = [m.seq for m in messages]
    assert seqs == sorted(set(seqs))  # in order, none twice
    assert states[:2] == [ConnectionState.connecting, ConnectionState.connected]
    assert ConnectionState.reconnecting in states
    feed.stop()
    assert feed.state is ConnectionState.stopped


def test_feed_bridge_refused_token_says_why(
    qtbot: QtBot, runner: AsyncRunner, app_server: ThreadedServer
) -> None:
    assert app_server.hall is not None
    feed = FeedBridge(
        runner, app_server.base_url, hall_id=app_server.hall.hall_id, token="gqd_not-a-real-token"
    )
    with qtbot.waitSignal(feed.refused, timeout=5000) as refused:
        feed.start()
    assert refused.args[0]  # the server's Chinese sentence
    assert all(ord(ch) < 128 for ch in refused.args[0]) is False
    assert feed.state is ConnectionState.refused
    feed.stop()


@pytest.mark.parametrize("error", [ServerUnavailable("x")])
def test_message_for_unreachable(error: Exception) -> None:
    assert message_for(error) == "暂时无法连接服务器，正在自动重试。"


def test_callbacks_never_run_inside_the_call_even_when_the_work_is_already_done(
    qtbot: QtBot, runner: AsyncRunner
) -> None:
    """A fast answer (the work done before `run_in_background` registered its callback) must
    not run the callbacks inside the caller: callers set state after starting an operation,
    and the window desk's buttons flickered back on when the server answered first."""
    seen: list[str] = []
    gate = threading.Event()

    async def work() -> int:
        gate.set()
        return 1

    original = runner.submit

    def submit_and_wait(coro: Any) -> Any:
        future = original(coro)
        gate.wait(3)
        future.result(3)  # done before the callback is attached
        return future

    runner.submit = submit_and_wait  # type: ignore[method-assign]
    try:
        Operation(runner, work).success(lambda _: seen.append("success")).run_in_background()
        seen.append("returned")
    finally:
        runner.submit = original  # type: ignore[method-assign]
    qtbot.waitUntil(lambda: "success" in seen, timeout=3000)
    assert seen == ["returned", "success"]
    posted: list[str] = []
    runner.post_to_gui(lambda: posted.append("ran"))
    assert posted == []  # from the GUI thread too: soon, never now
    qtbot.waitUntil(lambda: posted == ["ran"], timeout=3000)


def test_feed_bridge_shows_a_loss_right_after_a_reconnect(
    qtbot: QtBot, runner: AsyncRunner, app_server: ThreadedServer
) -> None:
    """The server goes away twice, the second time at once after the feed came back (a suite
    run met it: the display's 连接中断 never showed, as the bridge looked at the feed every
    0.2 s and missed the short connection between the two)."""
    feed = display_feed(runner, app_server)
    states: list[ConnectionState] = []
    feed.state_changed.connect(states.append)
    feed.start()
    qtbot.waitUntil(lambda: feed.state is ConnectionState.connected, timeout=5000)
    for _ in range(2):
        app_server.stop()
        qtbot.waitUntil(lambda: feed.state is ConnectionState.reconnecting, timeout=10_000)
        app_server.start()
        qtbot.waitUntil(lambda: feed.state is ConnectionState.connected, timeout=10_000)
    feed.stop()
    assert states == [
        ConnectionState.connecting,
        *[ConnectionState.connected, ConnectionState.reconnecting] * 2,
        ConnectionState.connected,
        ConnectionState.stopped,
    ]
