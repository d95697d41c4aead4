"""Running the export worker as a child process from the server's event loop."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator

from server.domain.errors import DomainError, InvalidInput
from server.exports.worker_command import worker_env

log = logging.getLogger(__name__)
CHUNK = 64 * 1024


class ExportFailed(DomainError):
    code = "export_failed"


async def _stop(proc: asyncio.subprocess.Process) -> None:
    if proc.returncode is None:
        with contextlib.suppress(ProcessLookupError):
            proc.kill()
        await proc.wait()


async def run_worker(args: list[str], database_url: str) -> None:
    """Run the worker to completion; its Chinese message becomes the error if it refuses."""
    proc = await asyncio.create_subprocess_exec(
        *args,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE,
        env=worker_env(database_url),
    )
    try:
        _, err = await proc.communicate()
    finally:
        await _stop(proc)  # the request was cancelled (client gone): no orphan export
    message = err.decode(errors="replace").strip()
    if proc.returncode == 2:
        raise InvalidInput(message.splitlines()[-1] if message else "导出失败。")
    if proc.returncode != 0:
        log.error("export worker failed (%s): %s", proc.returncode, message[-2000:])
        raise ExportFailed("导出失败，请稍后重试；如仍失败请联系管理员查看服务器日志。")


async def stream_worker(args: list[str], database_url: str) -> AsyncIterator[bytes]:
    """The worker's standard output, chunk by chunk, as it is produced."""
    proc = await asyncio.create_subprocess_exec(
        *args,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        env=worker_env(database_url),
    )
    assert proc.stdout is not None and proc.stderr is not None
    stderr_task = asyncio.create_task(proc.stderr.read())
    try:
        while chunk := await proc.stdout.read(CHUNK):
            yield chunk
        await proc.wait()
        if proc.returncode != 0:
            log.error("export worker failed (%s): %s", proc.returncode, (await stderr_task)[-2000:])
    finally:
        await _stop(proc)
        stderr_task.cancel()
