"""A network thermal printer the tests listen as: it records the bytes of each connection and
answers `DLE EOT n` status queries like a real ESC/POS printer in the state the test sets
(the paper sensor and the cover switch are what cannot exist here)."""

from __future__ import annotations

import socket
import threading
import time
from dataclasses import dataclass, field

DLE_EOT = b"\x10\x04"


@dataclass
class PrinterCondition:
    paper_out: bool = False
    paper_low: bool = False
    cover_open: bool = False
    error: bool = False
    answers_status: bool = True
    hang_up_after: int | None = None  # close the connection after this many bytes (mid-print)

    def reply(self, n: int) -> int:
        """The reply byte to DLE EOT n: bits 1 and 4 always set (ESC/POS)."""
        byte = 0x12
        stopped = self.paper_out or self.cover_open or self.error
        if n == 1 and stopped:
            byte |= 0x08
        elif n == 2:
            byte |= (0x04 if self.cover_open else 0) | (0x20 if self.paper_out else 0)
            byte |= 0x40 if self.error else 0
        elif n == 3 and self.error:
            byte |= 0x40
        elif n == 4:
            byte |= 0x60 if self.paper_out else 0
            byte |= 0x0C if self.paper_low or self.paper_out else 0
        return byte


@dataclass
class TcpTestPrinter:
    port: int = 0
    condition: PrinterCondition = field(default_factory=PrinterCondition)
    jobs: list[bytes] = field(
        default_factory=list
    )  # one entry per connection, status queries removed
    queries: list[int] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._sock: socket.socket | None = None
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self._stop = threading.Event()

    @property
    def spec(self) -> str:
        return f"tcp://127.0.0.1:{self.port}"

    def start(self) -> TcpTestPrinter:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", self.port))
        sock.listen(8)
        sock.settimeout(0.1)
        self.port = sock.getsockname()[1]
        self._sock = sock
        self._stop.clear()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(5)
        if self._sock is not None:
            self._sock.close()
            self._sock = None

    def printed(self) -> list[bytes]:
        """The jobs that carried more than status queries."""
        with self._lock:
            return [job for job in self.jobs if job]

    def last_job(self, count: int = 1, timeout: float = 5.0) -> bytes:
        """The last printed job, once at least `count` jobs have arrived (a job is complete
        when the kiosk closes its connection, which the printer sees a moment later)."""
        deadline = time.monotonic() + timeout
        while len(self.printed()) < count:
            if time.monotonic() > deadline:
                raise AssertionError(f"{len(self.printed())} jobs printed, expected {count}")
            time.sleep(0.01)
        return self.printed()[-1]

    def _serve(self) -> None:
        assert self._sock is not None
        while not self._stop.is_set():
            try:
                conn, _ = self._sock.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            threading.Thread(target=self._handle, args=(conn,), daemon=True).start()

    def _handle(self, conn: socket.socket) -> None:
        data = bytearray()
        received = 0
        conn.settimeout(0.1)
        with conn:
            while not self._stop.is_set():
                try:
                    chunk = conn.recv(65536)
                except TimeoutError:
                    continue
                except OSError:
                    break
                if not chunk:
                    break
                received += len(chunk)
                data += chunk
                # answer (and strip) every complete status query
                while (at := data.find(DLE_EOT)) != -1 and len(data) > at + 2:
                    n = data[at + 2]
                    del data[at : at + 3]
                    with self._lock:
                        self.queries.append(n)
                    if self.condition.answers_status:
                        try:
                            conn.sendall(bytes([self.condition.reply(n)]))
                        except OSError:
                            break
                limit = self.condition.hang_up_after
                if limit is not None and received >= limit:
                    break
        with self._lock:
            self.jobs.append(bytes(data))
