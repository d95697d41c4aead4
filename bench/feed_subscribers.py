"""A load process for `bench/tickets_wrk.py`: N live-feed subscribers (display screens).

Several of these run side by side so that the clients' own work (receiving and parsing 1,000
copies of every event) is spread over processes and the latency figure measures the server.
Connects its subscribers, prints `READY <connected> <failed> [first error]`, then records the
arrival (time.monotonic(), shared by all processes of the machine) of every `ticket.called`
message; on `STOP` from stdin prints `ARRIVALS <json [[subscriber, ticket_id, t], ...]>` and
exits.

    .venv/bin/python bench/feed_subscribers.py ws://127.0.0.1:PORT/ws?hall_id=1&token=… 250
"""

from __future__ import annotations

import asyncio
import json
import sys
import time

import websockets

MARKER = '"type":"ticket.called"'


async def main(url: str, count: int) -> None:
    arrivals: list[tuple[int, int, float]] = []
    connected = 0
    errors: list[str] = []
    ended: list[str] = []
    stopping = False
    opened = asyncio.Event()

    def attempted() -> None:
        if connected + len(errors) == count:
            opened.set()

    async def subscriber(index: int) -> None:
        nonlocal connected
        live = False
        try:
            async with websockets.connect(url, max_queue=None, open_timeout=60) as ws:
                await ws.recv()  # the snapshot
                live = True
                connected += 1
                attempted()
                async for raw in ws:
                    if MARKER not in raw:  # cheap filter: parse only the calls
                        continue
                    arrived = time.monotonic()
                    message = json.loads(raw)
                    arrivals.append((index, message["data"]["ticket_id"], arrived))
            if not stopping:
                ended.append("closed by the server")
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            if live:
                if not stopping:
                    ended.append(repr(exc))
            else:
                errors.append(repr(exc))
                attempted()

    tasks = []
    for i in range(count):
        tasks.append(asyncio.create_task(subscriber(i)))
        if i % 25 == 24:
            await asyncio.sleep(0.02)
    await opened.wait()
    print(f"READY {connected} {len(errors)} {errors[0] if errors else ''}", flush=True)
    await asyncio.to_thread(sys.stdin.readline)
    stopping = True
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    print("RESULT " + json.dumps({"arrivals": arrivals, "ended": ended}), flush=True)


if __name__ == "__main__":
    try:
        import uvloop

        uvloop.run(main(sys.argv[1], int(sys.argv[2])))
    except ImportError:
        asyncio.run(main(sys.argv[1], int(sys.argv[2])))
