"""Two ways to start the writer process (server/store/writer/process.py), one program
(writer/child.py) either way:

- `exec_child` (the default): a program of its own, the server's interpreter started with the
  two pipe ends. It imports the writer and the commands (~0.5 s of CPU) and shares nothing
  with the server; nothing else runs beside it.
- `fork_child` (`GOVQUEUE_WRITER_FORKSERVER=true`): forked by multiprocessing's forkserver,
  which imported the writer and the commands once. A start then costs milliseconds, but the
  forkserver (~34 MB PSS) and multiprocessing's resource tracker (~6 MB) stay beside the
  writer for the server's life. For a process that starts many servers one after another —
  the test suite's in-process servers, ~450 starts that would otherwise spend ~4 minutes of
  CPU on the same imports.
"""

from __future__ import annotations

import multiprocessing
import os
import subprocess
from collections.abc import Sequence
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Protocol

from server.store.writer import child as writer_child
from server.store.writer.child import PROCESS_NAME, Options, command, forked_main

ROOT = Path(__file__).resolve().parents[3]  # the folder that holds the `server` package


class Child(Protocol):
    """The started writer process, as `subprocess.Popen` shows one."""

    @property
    def pid(self) -> int | None: ...

    def poll(self) -> int | None:
        """Its exit code once it has exited, None while it runs."""

    def wait(self, timeout: float | None = None) -> int | None:
        """Its exit code; `subprocess.TimeoutExpired` if it still runs after `timeout`."""

    def kill(self) -> None: ...


def exec_child(
    url: str, options: Options, jobs_fd: int, replies_fd: int, imports: Sequence[str]
) -> Child:
    """The writer process as a program of its own, given the child's two pipe ends (which
    the caller still closes on its side)."""
    return subprocess.Popen(
        command(url, options, jobs_fd, replies_fd, imports),
        pass_fds=(jobs_fd, replies_fd),
        env=_child_environment(),
    )


def fork_child(
    url: str, options: Options, jobs_fd: int, replies_fd: int, imports: Sequence[str]
) -> Child:
    """The writer process forked by this process's forkserver (started, with the writer and
    `imports` imported, at the first call), given the child's two pipe ends (which the
    caller still closes on its side)."""
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload([writer_child.__name__, *imports])
    # the Connections own duplicates: closing them leaves the caller's fds to the caller
    jobs = Connection(os.dup(jobs_fd), writable=False)
    replies = Connection(os.dup(replies_fd), readable=False)
    try:
        process = context.Process(
            target=forked_main,
            args=(url, options, jobs, replies, tuple(imports)),
            name=PROCESS_NAME,
            daemon=True,
        )
        process.start()
    finally:
        jobs.close()
        replies.close()
    return _Forked(process)


class _Forked:
    """A multiprocessing process shown as `Child`."""

    def __init__(self, process: multiprocessing.process.BaseProcess) -> None:
        self._process = process

    @property
    def pid(self) -> int | None:
        return self._process.pid

    def poll(self) -> int | None:
        return self._process.exitcode

    def wait(self, timeout: float | None = None) -> int | None:
        self._process.join(timeout)
        if self._process.exitcode is None:
            raise subprocess.TimeoutExpired(PROCESS_NAME, timeout or 0)
        return self._process.exitcode

    def kill(self) -> None:
        self._process.kill()


def _child_environment() -> dict[str, str]:
    """The server's environment, with the folder that holds the `server` package first on
    the child's import path (the server may run from a checkout, not an installed copy)."""
    environment = dict(os.environ)
    paths = [str(ROOT), *filter(None, environment.get("PYTHONPATH", "").split(os.pathsep))]
    environment["PYTHONPATH"] = os.pathsep.join(paths)
    return environment
