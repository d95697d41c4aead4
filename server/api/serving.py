"""The uvicorn settings shared by every way of running the app (`govqueue serve`, and the
server the demo and the tests run in their own event loop, server/embedded.py)."""

from __future__ import annotations

from typing import Any

from server.api.http_head import HeadLimitedHttpTools
from server.settings import Settings

KEEP_ALIVE_SECONDS = 5


def uvicorn_options(settings: Settings | None) -> dict[str, Any]:
    """- `http`: uvicorn's httptools protocol with the request head bounded (http_head.py);
    - `ws`: the sans-I/O websockets implementation, without compression (a zlib pass per
      subscriber per event, and memory per connection: feed messages are small);
    - forwarded headers (`X-Forwarded-For`, `X-Forwarded-Proto`) believed only from the
      proxies `GOVQUEUE_FORWARDED_ALLOW_IPS` names (`--forwarded-allow-ips`); by default from
      nobody — uvicorn's own default trusts 127.0.0.1, so anyone reaching the server from the
      machine itself chose the client address the login throttle counts (docs/api.md);
    - `timeout_keep_alive`: an idle kept-alive connection is closed after KEEP_ALIVE_SECONDS
      (uvicorn's default, written here because client/rest.py gives its connections up
      sooner, so that it never sends a request on one the server is closing)."""
    trusted = settings.forwarded_allow_ips.strip() if settings is not None else ""
    return {
        "http": HeadLimitedHttpTools,
        "ws": "websockets-sansio",
        "ws_per_message_deflate": False,
        "proxy_headers": bool(trusted),
        "forwarded_allow_ips": trusted or None,
        "timeout_keep_alive": KEEP_ALIVE_SECONDS,
    }
