"""The one bridge between asyncio and Qt.

An app has one `AsyncRunner`: an asyncio loop in a background thread, where the client
library's coroutines (REST calls, the live feed) and blocking work (printing, via
`asyncio.to_thread`) run. Results come back to the GUI thread through `Operation`:

    Operation(runner, lambda: api.issue_ticket(service_id), parent=self) \\
        .success(self._issued) \\
        .failure(self._refused) \\
        .run_in_background()

The coroutine runs on the loop thread: it must NOT touch widgets or QObjects — it only
talks to the server (or the printer) and returns a value. `success(value)` and
`failure(error)` are called on the GUI thread, so they may update state and widgets.
Without a `failure` callback the error is logged and its Chinese message is sent to
`runner.error_shown` (views show it). `message_for(error)` gives that message for any error.

Nothing else in the apps starts threads or event loops.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import logging
import threading
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any, Generic, TypeVar

import shiboken6
from PySide6.QtCore import QCoreApplication, QObject, Qt, QThread, Signal, Slot

from app_shell.texts import text
from client.errors import ApiError, ServerUnavailable

log = logging.getLogger(__name__)
T = TypeVar("T")


def message_for(error: BaseException) -> str:
    """The Chinese sentence a person sees for `error` (never a stack trace)."""
    if isinstance(error, ServerUnavailable):
        return text("conn.unreachable")
    if isinstance(error, ApiError):
        return (
            error.detail
            if error.status < 500
            else text("error.server", status=error.status, detail=error.detail)
        )
    return text("error.unexpected", detail=type(error).__name__)


def on_gui_thread() -> bool:
    app = QCoreApplication.instance()
    return app is not None and QThread.currentThread() is app.thread()


class _GuiPoster(QObject):
    """Lives in the GUI thread; a callable posted from any thread runs there, in order."""

    posted = Signal(object)

    def __init__(self) -> None:
        super().__init__()
        # Always queued: even when posted from the GUI thread (an operation whose work was
        # already done when its callback was attached) it runs later, never inside the caller.
        self.posted.connect(self._run, Qt.ConnectionType.QueuedConnection)

    @Slot(object)
    def _run(self, fn: Callable[[], None]) -> None:
        try:
            fn()
        except Exception:
            log.exception("GUI callback failed")


class AsyncRunner(QObject):
    """One asyncio event loop in a daemon thread, for the whole app.

    Create it on the GUI thread (after the QApplication), `start()` it, `stop()` it on exit.
    """

    error_shown = Signal(str)  # a Chinese message nobody else handled

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._poster = _GuiPoster()
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._serve, name="govqueue-asyncio", daemon=True)
        self._started = threading.Event()

    @property
    def loop(self) -> asyncio.AbstractEventLoop:
        return self._loop

    def start(self) -> AsyncRunner:
        if not self._thread.is_alive():
            self._thread.start()
            self._started.wait()
        return self

    def _serve(self) -> None:
        asyncio.set_event_loop(self._loop)
        self._loop.call_soon(self._started.set)
        self._loop.run_forever()
        # cancel what is left, let it finish its clean-up, then close
        pending = asyncio.all_tasks(self._loop)
        for task in pending:
            task.cancel()
        if pending:
            self._loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
        self._loop.run_until_complete(self._loop.shutdown_asyncgens())
        self._loop.close()

    def submit(self, coro: Coroutine[Any, Any, T]) -> concurrent.futures.Future[T]:
        """Schedule `coro` on the loop thread (from any thread); a thread-safe future."""
        if not self._thread.is_alive():
            coro.close()
            raise RuntimeError("AsyncRunner is not running")
        return asyncio.run_coroutine_threadsafe(coro, self._loop)

    def post_to_gui(self, fn: Callable[[], None]) -> None:
        """Run `fn` on the GUI thread soon (callable from any thread)."""
        self._poster.posted.emit(fn)

    def stop(self, timeout: float = 5.0) -> None:
        """Cancel the remaining tasks and stop the loop thread (a loop never started is
        closed here: nothing else would)."""
        if self._thread.is_alive():
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(timeout)
        elif self._thread.ident is None and not self._loop.is_closed():
            self._loop.close()

    @property
    def running(self) -> bool:
        return self._thread.is_alive()


class Operation(Generic[T]):
    """One piece of background work with callbacks on the GUI thread (see the module doc).

    `parent`: when it is deleted before the work ends, the callbacks are skipped.
    """

    def __init__(
        self,
        runner: AsyncRunner,
        work: Callable[[], Awaitable[T]],
        *,
        parent: QObject | None = None,
    ) -> None:
        self._runner = runner
        self._work = work
        self._parent = parent
        self._success: Callable[[T], None] | None = None
        self._failure: Callable[[BaseException], None] | None = None
        self._finally: Callable[[], None] | None = None

    def success(self, fn: Callable[[T], None]) -> Operation[T]:
        self._success = fn
        return self

    def failure(self, fn: Callable[[BaseException], None]) -> Operation[T]:
        self._failure = fn
        return self

    def finally_(self, fn: Callable[[], None]) -> Operation[T]:
        """Called on the GUI thread after success or failure (e.g. re-enable a button)."""
        self._finally = fn
        return self

    def run_in_background(self) -> concurrent.futures.Future[T]:
        async def wrapped() -> T:
            return await self._work()

        future = self._runner.submit(wrapped())
        future.add_done_callback(lambda f: self._runner.post_to_gui(lambda: self._done(f)))
        return future

    def _parent_alive(self) -> bool:
        return self._parent is None or shiboken6.isValid(self._parent)

    def _done(self, future: concurrent.futures.Future[T]) -> None:
        if not self._parent_alive():
            return
        try:
            if future.cancelled():
                return
            error = future.exception()
            if error is None:
                if self._success is not None:
                    self._success(future.result())
            elif self._failure is not None:
                self._failure(error)
            else:
                if not isinstance(error, ServerUnavailable | ApiError):
                    log.error("background operation failed", exc_info=error)
                self._runner.error_shown.emit(message_for(error))
        finally:
            if self._finally is not None:
                self._finally()
