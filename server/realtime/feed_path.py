"""/ws without FastAPI's routing and middleware layers.

A WebSocket connection keeps every ASGI layer it went through waiting for as long as it is
open: each middleware's coroutine, Starlette's exception wrapper, the router, FastAPI's
dependency stacks. For a hall's screens, which stay connected all day, that was about 11 kB
of the server's memory per connection (11 MB at 1,000; docs/benchmarks.md, "Memory") and
no work: no middleware here does anything for a WebSocket (BodyLimit, FastPath and
InternalErrors pass them on; the feed answers its own errors on the socket). This outermost
middleware hands `/ws` straight to the endpoint; the route stays registered, so with this
layer disabled (tests compare the two) or under a root path FastAPI serves it unchanged.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Receive, Scope, Send
from starlette.websockets import WebSocket

from server.realtime.endpoint import PATH, live_feed


class FeedPath:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.enabled = True
        self.served = 0  # connections handed to the endpoint here

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] == "websocket"
            and scope["path"] == PATH
            and self.enabled
            and not scope.get("root_path")
        ):
            self.served += 1
            await live_feed(WebSocket(scope, receive, send))
            return
        await self.app(scope, receive, send)
