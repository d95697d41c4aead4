"""The processes of one server, each counted once: the server and its writer process (and
uvicorn's workers). Their memory and CPU, for the benches."""

from __future__ import annotations

import contextlib
import sys
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from server.store.writer.child import PROCESS_NAME  # noqa: E402


def processes_rss(pids: list[int]) -> int:
    total = 0
    for pid in pids:
        with contextlib.suppress(psutil.Error):
            total += psutil.Process(pid).memory_info().rss
    return total


def family(pids: list[int]) -> list[psutil.Process]:
    """These processes and all their descendants (the writer process of a SQLite server,
    uvicorn's workers), each once: `Server.pids()` already lists
    the descendants, and counting them twice made the writer process's CPU look double."""
    seen: dict[int, psutil.Process] = {}
    for pid in pids:
        try:
            process = psutil.Process(pid)
            members = [process, *process.children(recursive=True)]
        except psutil.Error:
            continue
        for member in members:
            seen.setdefault(member.pid, member)
    return list(seen.values())


def _serves(process: psutil.Process) -> bool:
    """A process that runs an event loop: not the writer process."""
    try:
        return bool(process.name() != PROCESS_NAME)
    except psutil.Error:
        return False


def processes_pss(pids: list[int]) -> int:
    """The processes' proportional set size: a page shared by several of them (the writer
    processes share the interpreter's and the libraries' code) counted once in all, not once in
    each as RSS counts it."""
    total = 0
    for process in family(pids):
        with contextlib.suppress(psutil.Error):
            total += process.memory_full_info().pss
    return total


def main_thread_cpu(pids: list[int]) -> float:
    """CPU time of the serving processes' main threads (the event loops) so far."""
    total = 0.0
    for process in family(pids):
        if not _serves(process):
            continue
        try:
            for thread in process.threads():
                if thread.id == process.pid:
                    total += thread.user_time + thread.system_time
        except psutil.Error:
            pass
    return total


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU time used so far by these processes and their descendants, each
    counted once."""
    total = 0.0
    for member in family(pids):
        try:
            t = member.cpu_times()
            total += t.user + t.system
        except psutil.Error:
            pass
    return total
