"""A fake 好差评 platform: a real HTTP server on 127.0.0.1 (a thread of the test) that checks
each request's signature, keeps what it received by idempotency key — as a real platform
drops a repeat — and can be told to fail:

    ok        store it, answer 200
    500       answer 500 (stores nothing)
    400       answer 400 with a reason (a refusal of the record)
    hang      store it, then answer only once released (the sender times out first)
    drop      read the request, store it, close the connection without an answer
    reset     close the connection as soon as it is accepted, before reading anything
    ack_hang  store it, send "200" and half of the body, then wait to be released (the
              platform acknowledged; the sender never got the whole answer)

`script` holds modes for the next requests, one each; then `mode` applies.
"""

from __future__ import annotations

import contextlib
import hmac
import json
import socket
import threading
import time
from collections import Counter, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

HOLDING = frozenset({"hang", "ack_hang"})  # modes that wait for `release`


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes
    key: str
    mode: str

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class FakePlatform:
    secret: str
    key_header: str = "Idempotency-Key"
    signature_header: str = "X-Signature"
    algorithm: str = "sha256"
    mode: str = "ok"
    script: deque[str] = field(default_factory=deque)
    received: list[Received] = field(default_factory=list)
    stored: dict[str, Received] = field(default_factory=dict)  # first of each key
    acked: Counter[str] = field(default_factory=Counter)
    bad_signatures: list[Received] = field(default_factory=list)
    refusal: str = '{"code":400,"msg":"事项编码不存在"}'
    resets: int = 0

    def __post_init__(self) -> None:
        self._changed = threading.Condition()
        self._hold = threading.Event()  # "hang" and "ack_hang" wait for it
        self._server: ThreadingHTTPServer | None = None

    # ------------------------------------------------------------------ the test's side

    def start(self) -> str:
        platform = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:
                platform._handle(self)

            do_PUT = do_POST

            def log_message(self, format: str, *args: Any) -> None:
                pass

        class Server(ThreadingHTTPServer):
            daemon_threads = True

            def verify_request(self, request: Any, client_address: Any) -> bool:
                if platform._next_mode(peek=True) != "reset":
                    return True
                platform._next_mode()
                request.shutdown(socket.SHUT_RDWR)
                request.close()
                platform._note(None)
                return False

        self._server = Server(("127.0.0.1", 0), Handler)
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return f"http://127.0.0.1:{self._server.server_address[1]}/hcp"

    def stop(self) -> None:
        self._hold.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    def set_mode(self, mode: str, *script: str) -> None:
        """`mode` from now on, after the modes of `script` for the next requests. A mode that
        holds requests holds them again until the next `release` (one release does not let
        every later hold through)."""
        with self._changed:
            self.mode = mode
            self.script = deque(script)
            if {mode, *script} & HOLDING:
                self._hold.clear()

    def release(self) -> None:
        """Let every held request go (answered late, to nobody)."""
        self._hold.set()

    def wait_for(self, condition: Callable[[FakePlatform], bool], timeout: float = 60) -> None:
        """Block until `condition(self)` holds (a deadline against a hang, not a timing)."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while not condition(self):
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(
                        f"the platform never saw it: received {self.keys_received()}"
                    )
                self._changed.wait(left)

    def keys_received(self) -> list[str]:
        return [r.key for r in self.received]

    def times_received(self, key: str) -> int:
        return sum(1 for r in self.received if r.key == key)

    # ------------------------------------------------------------------ the server's side

    def _next_mode(self, *, peek: bool = False) -> str:
        with self._changed:
            if self.script:
                return self.script[0] if peek else self.script.popleft()
            return self.mode

    def _note(self, received: Received | None, *, store: bool = False, ack: bool = False) -> None:
        with self._changed:
            if received is None:
                self.resets += 1
            else:
                self.received.append(received)
                if store:
                    self.stored.setdefault(received.key, received)
                if ack:
                    self.acked[received.key] += 1
            self._changed.notify_all()

    def _handle(self, handler: BaseHTTPRequestHandler) -> None:
        length = int(handler.headers.get("Content-Length", "0"))
        body = handler.rfile.read(length)
        mode = self._next_mode()
        headers = {k: v for k, v in handler.headers.items()}
        key = headers.get(self.key_header, "")
        received = Received(handler.path, headers, body, key, mode)
        expected = hmac.new(self.secret.encode(), body, self.algorithm).hexdigest()
        if headers.get(self.signature_header, "").lower() != expected:
            self.bad_signatures.append(received)
            self._note(received)  # noted before the answer: a sender gone by then was still heard
            self._answer(handler, 401, b'{"msg":"bad signature"}')
            return
        if mode == "500":
            self._note(received)
            self._answer(handler, 500, b'{"msg":"internal error"}')
        elif mode == "400":
            self._note(received)
            self._answer(handler, 400, self.refusal.encode())
        elif mode == "reset":
            self._note(None)
            handler.close_connection = True
            self._quietly(lambda: handler.connection.shutdown(socket.SHUT_RDWR))
        elif mode == "hang":
            self._note(received, store=True)
            self._hold.wait()
            self._quietly(lambda: self._answer(handler, 200, b'{"code":0}'))
        elif mode == "drop":
            self._note(received, store=True)
            handler.close_connection = True
            self._quietly(lambda: handler.connection.shutdown(socket.SHUT_RDWR))
        elif mode == "ack_hang":
            self._note(received, store=True, ack=True)
            handler.send_response(200)
            handler.send_header("Content-Length", "10")
            handler.end_headers()
            handler.wfile.write(b'{"co')
            handler.wfile.flush()
            self._hold.wait()
            handler.close_connection = True
        else:
            self._note(received, store=True, ack=True)
            self._answer(handler, 200, b'{"code":0}')

    @staticmethod
    def _answer(handler: BaseHTTPRequestHandler, status: int, body: bytes) -> None:
        handler.send_response(status)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)

    @staticmethod
    def _quietly(fn: Callable[[], None]) -> None:
        with contextlib.suppress(OSError):  # the sender gave up on this connection already
            fn()
