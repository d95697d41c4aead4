"""A hall PC from nothing: the .deb that deploy/hall-pc/build-deb.sh builds from uv.lock is
installed with apt into a fresh Debian 12 root (../shared/tools/fresh_machine.sh); there the
kiosk is paired with a code from a real server (offscreen), then runs as the kiosk session's
user on a virtual screen and is tapped: a ticket is taken.

Slow (a Debian root, a 200 MB package): it runs when GOVQUEUE_TEST_HALL_PC=1 (as root, with
the package registries reachable). GOVQUEUE_FRESH_ROOT reuses a root fresh_machine.sh built
before (apt then only adds what the package needs), GOVQUEUE_HALL_PC_DEB a package built
before."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QPoint

from tests.apps.conftest import ThreadedServer
from tests.apps.kiosk_helpers import centre
from tests.apps.x11 import KIOSK_SETTLE_S, VirtualScreen, needs_x

ROOT = Path(__file__).resolve().parents[2]
FRESH_MACHINE = ROOT.parent / "shared" / "tools" / "fresh_machine.sh"
if not FRESH_MACHINE.exists():  # a worktree: shared/ beside the main checkout
    FRESH_MACHINE = Path("/work/shared/tools/fresh_machine.sh")
HOME = "/var/lib/govqueue-hall"

pytestmark = [
    pytest.mark.slow,
    pytest.mark.timeout(1800),
    pytest.mark.skipif(
        os.environ.get("GOVQUEUE_TEST_HALL_PC") != "1",
        reason="a fresh Debian root and a 200 MB package: GOVQUEUE_TEST_HALL_PC=1",
    ),
]


def sh(*command: str, timeout: float = 1200) -> str:
    done = subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=False)
    assert done.returncode == 0, f"{command}: {done.stdout[-3000:]}{done.stderr[-3000:]}"
    return done.stdout


@pytest.fixture(scope="module")
def package(tmp_path_factory: pytest.TempPathFactory) -> Path:
    given = os.environ.get("GOVQUEUE_HALL_PC_DEB")
    if given:
        return Path(given)
    out = tmp_path_factory.mktemp("dist")
    built = sh("bash", str(ROOT / "deploy/hall-pc/build-deb.sh"), "amd64", str(out))
    return Path(built.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def debian(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    root = Path(os.environ.get("GOVQUEUE_FRESH_ROOT") or tmp_path_factory.mktemp("debian"))
    sh("bash", str(FRESH_MACHINE), str(root))
    x11 = root / "tmp/.X11-unix"
    x11.mkdir(parents=True, exist_ok=True)
    sh("mount", "--bind", "/tmp/.X11-unix", str(x11))
    try:
        yield root
    finally:
        subprocess.run(["umount", "-l", str(x11)], check=False)


def inside(root: Path, command: str, timeout: float = 1200) -> str:
    return sh("bash", str(FRESH_MACHINE), str(root), "run", command, timeout=timeout)


def as_hall_user(command: str, **env: str) -> str:
    values = " ".join(f"{k}={v}" for k, v in {"HOME": HOME, **env}.items())
    return f"runuser -u govqueue-hall -- env {values} {command}"


@needs_x
def test_the_package_installs_on_a_fresh_debian_and_its_kiosk_takes_a_ticket(
    package: Path,
    debian: Path,
    app_server: ThreadedServer,
    kiosks: Any,
) -> None:
    shutil.copy(package, debian / "tmp/govqueue-apps.deb")
    inside(debian, "apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "
           "--no-install-recommends /tmp/govqueue-apps.deb >/dev/null")  # fmt: skip
    assert "govqueue-hall" in inside(debian, "id govqueue-hall")
    assert "Usage: govqueue" in inside(debian, "govqueue kiosk --help")

    hall = app_server.hall
    assert hall is not None
    device = app_server.call(
        lambda c: c.admin_create(
            "devices", {"hall_id": hall.hall_id, "kind": "kiosk", "label": "新装取号机"}
        )
    )
    code = app_server.call(
        lambda c: c.request("POST", f"/admin/devices/{device['id']}/pairing-code")
    )["code"]
    paired = inside(debian, as_hall_user(
        f"govqueue kiosk --server {app_server.base_url} --pair {code} --printer none "
        "--screenshot /tmp/paired.png", QT_QPA_PLATFORM="offscreen"))  # fmt: skip
    assert "已配对" in paired
    assert (debian / "tmp/paired.png").stat().st_size > 0

    model = kiosks(size=(1080, 1920))  # offscreen on this machine: where the buttons are
    w = model.window
    button: QPoint = centre(w, w.start_screen.tile(hall.services["A"]))
    model.controller.stop()
    before = hall_tickets(app_server)
    log = debian / "tmp/kiosk.log"
    log.unlink(missing_ok=True)
    with VirtualScreen(1080, 1920) as screen:
        kiosk = subprocess.Popen(
            ["bash", str(FRESH_MACHINE), str(debian), "run", as_hall_user(
                "govqueue kiosk --printer none --size 1080x1920 --log-file /tmp/kiosk.log",
                DISPLAY=screen.display)],
            start_new_session=True,
        )  # fmt: skip
        try:
            wait_for(lambda: log.exists() and "screen loading -> start" in log.read_text())
            x, y, _, _ = screen.window_geometry("自助取号机")
            time.sleep(KIOSK_SETTLE_S)  # the kiosk ignores a touch just after its screen changed
            if os.environ.get("GOVQUEUE_HALL_PC_SHOT"):  # what the tap lands on, to look at
                screen.save(Path(os.environ["GOVQUEUE_HALL_PC_SHOT"]))
            screen.tap(x + button.x(), y + button.y())
            wait_for(lambda: hall_tickets(app_server) > before, "the tapped ticket")
        finally:
            os.killpg(kiosk.pid, signal.SIGTERM)
            kiosk.wait(30)


def hall_tickets(server: ThreadedServer) -> int:
    """Tickets the hall has (only the kiosk in the Debian root issues any here)."""
    assert server.hall is not None
    hall_id = server.hall.hall_id
    records = server.call(lambda c: c.request("GET", "/stats/tickets", params={"hall_id": hall_id}))
    return len(records["items"])


def wait_for(check: Any, what: str = "", timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.2)
