"""deploy/: the systemd units pass `systemd-analyze verify`, and nginx with
deploy/nginx/govqueue.conf (only its ports and certificate paths moved) in front of a real
`govqueue serve` carries the live path over TLS: issuing, calling, the feed over wss://,
the console's sign-in in Chromium; plain http is sent to https, /metrics is not passed on."""

from __future__ import annotations

import asyncio
import json
import shutil
import signal
import ssl
import subprocess
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from urllib.parse import urlencode

import httpx
import pytest
import websockets

from tests.console.conftest import CHROMIUM
from tests.helpers import ADMIN_NO, ADMIN_PASSWORD, migrated_database
from tests.processes import free_port, start_server_process

ROOT = Path(__file__).resolve().parents[1]
DEPLOY = ROOT / "deploy"
TEMP_PATHS = ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
UNITS = ("govqueue.service", "govqueue-backup.service", "govqueue-backup.timer")


def test_the_systemd_units_verify(tmp_path: Path) -> None:
    """In a root of their own: the units as installed (/etc/systemd/system), the program at
    the path they start (/opt/govqueue/.venv/bin/govqueue) and this machine's system units."""
    analyze = shutil.which("systemd-analyze")
    assert analyze, "systemd-analyze is missing: bash dev.sh setup installs Debian's systemd"
    units = tmp_path / "etc/systemd/system"
    units.mkdir(parents=True)
    for name in UNITS:
        shutil.copy(DEPLOY / name, units / name)
    program = tmp_path / "opt/govqueue/.venv/bin/govqueue"
    program.parent.mkdir(parents=True)
    program.write_text("#!/bin/sh\n")
    program.chmod(0o755)
    shutil.copytree("/lib/systemd/system", tmp_path / "usr/lib/systemd/system", symlinks=True)
    done = subprocess.run(
        [analyze, "verify", f"--root={tmp_path}", *(str(units / name) for name in UNITS)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0 and not done.stderr.strip(), done.stderr
    service = (DEPLOY / "govqueue.service").read_text()
    assert "Restart=on-failure" in service and "User=govqueue" in service
    assert "u govqueue " in (DEPLOY / "sysusers.d/govqueue.conf").read_text()


def site_config(server_port: int, tls_port: int, plain_port: int, tls: Path) -> str:
    """deploy/nginx/govqueue.conf with only its ports and certificate paths moved."""
    text = (DEPLOY / "nginx/govqueue.conf").read_text()
    moves = {
        "server 127.0.0.1:8000;": f"server 127.0.0.1:{server_port};",
        "    listen 443 ssl;\n": f"    listen 127.0.0.1:{tls_port} ssl;\n",
        "    listen [::]:443 ssl;\n": "",
        "    listen 80;\n": f"    listen 127.0.0.1:{plain_port};\n",
        "    listen [::]:80;\n": "",
        "/etc/govqueue/tls/server.crt": str(tls / "server.crt"),
        "/etc/govqueue/tls/server.key": str(tls / "server.key"),
    }
    for old, new in moves.items():
        assert text.count(old) == 1, f"deploy/nginx/govqueue.conf no longer has {old!r}"
        text = text.replace(old, new)
    return text


def throwaway_certificate(folder: Path) -> None:
    folder.mkdir()
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
         "-keyout", str(folder / "server.key"), "-out", str(folder / "server.crt")],
        check=True, capture_output=True,
    )  # fmt: skip


@asynccontextmanager
async def nginx_in_front(server_port: int, prefix: Path) -> AsyncIterator[tuple[str, str]]:
    """nginx with the deploy configuration; yields (https base, http base)."""
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    assert Path(nginx).exists(), "nginx is missing: bash dev.sh setup installs Debian's nginx"
    tls_port, plain_port = free_port(), free_port()
    throwaway_certificate(prefix / "tls")
    (prefix / "logs").mkdir()
    (prefix / "govqueue.conf").write_text(
        site_config(server_port, tls_port, plain_port, prefix / "tls")
    )
    temp = "".join(f"  {kind}_temp_path {prefix}/{kind};\n" for kind in TEMP_PATHS)
    (prefix / "nginx.conf").write_text(
        f"pid {prefix}/nginx.pid;\nerror_log {prefix}/logs/error.log;\nevents {{}}\n"
        f"http {{\n  access_log {prefix}/logs/access.log;\n{temp}"
        f"  include {prefix}/govqueue.conf;\n}}\n"
    )
    command = [nginx, "-p", str(prefix), "-c", str(prefix / "nginx.conf")]
    checked = subprocess.run([*command, "-t"], capture_output=True, text=True, check=False)
    assert checked.returncode == 0, checked.stderr
    proc = subprocess.Popen([*command, "-g", "daemon off;"])
    try:
        while True:  # until nginx listens (it exits at once if it cannot)
            assert proc.poll() is None, (prefix / "logs/error.log").read_text()
            try:
                _, writer = await asyncio.open_connection("127.0.0.1", tls_port)
                writer.close()
                break
            except OSError:
                await asyncio.sleep(0.05)
        yield f"https://127.0.0.1:{tls_port}", f"http://127.0.0.1:{plain_port}"
    finally:
        proc.send_signal(signal.SIGQUIT)  # graceful
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


async def test_the_live_path_through_nginx_over_tls(tmp_path: Path) -> None:
    url = migrated_database(tmp_path / "data")
    server, local = await start_server_process(
        url, tmp_path / "data", extra_env={"GOVQUEUE_FORWARDED_ALLOW_IPS": "127.0.0.1"}
    )  # nginx on this machine is the proxy trusted (deploy/govqueue.env)
    tls = tmp_path / "nginx" / "tls" / "server.crt"
    (tmp_path / "nginx").mkdir()
    try:
        port = int(local.rsplit(":", 1)[1])
        async with nginx_in_front(port, tmp_path / "nginx") as (https, http):
            trust = ssl.create_default_context(cafile=str(tls))
            async with httpx.AsyncClient(base_url=https + "/api/v1", verify=trust) as api:
                await live_path(api, https, trust)
            async with httpx.AsyncClient(verify=trust) as plain:
                moved = await plain.get(http + "/console/")
                assert moved.status_code == 301
                assert moved.headers["location"].startswith("https://")
                assert (await plain.get(https + "/metrics")).status_code == 404
            await console_sign_in(https)
    finally:
        server.send_signal(signal.SIGINT)
        server.wait(30)


async def live_path(api: httpx.AsyncClient, https: str, trust: ssl.SSLContext) -> None:
    token = (await api.post("/auth/login", json={"staff_no": ADMIN_NO,
                                                 "password": ADMIN_PASSWORD})).json()  # fmt: skip
    admin = {"Authorization": f"Bearer {token['access_token']}"}

    async def create(kind: str, body: dict[str, object]) -> dict[str, object]:
        made = await api.post(f"/admin/{kind}", json=body, headers=admin)
        assert made.status_code == 201, made.text
        return dict(made.json())

    hall = await create("halls", {"code": "TLS", "name": "加密测试大厅"})
    service = await create("services", {"hall_id": hall["id"], "name": "综合", "prefix": "A"})
    window = await create(
        "windows", {"hall_id": hall["id"], "number": "1", "service_ids": [service["id"]]}
    )
    kiosk = await create("devices", {"hall_id": hall["id"], "kind": "kiosk", "label": "k"})
    screen = await create("devices", {"hall_id": hall["id"], "kind": "display", "label": "s"})
    await create("staff", {"staff_no": "T-1", "name": "窗口一", "role": "window",
                           "password": "window-password-1", "hall_id": hall["id"],
                           "must_change_password": False})  # fmt: skip
    feed = https.replace("https", "wss", 1) + "/ws?"
    feed += urlencode({"hall_id": hall["id"], "token": screen["token"]})
    async with websockets.connect(feed, ssl=trust) as display:
        assert json.loads(await display.recv())["type"] == "snapshot"
        issued = await api.post(
            "/tickets",
            json={"service_id": service["id"]},
            headers={"Authorization": f"Bearer {kiosk['token']}"},
        )
        assert issued.status_code == 201, issued.text
        ticket = issued.json()
        # the QR link: https and the address the kiosk used (forwarded headers trusted from nginx)
        assert ticket["public_url"].startswith(https + "/t/"), ticket["public_url"]
        clerk = (await api.post("/auth/login", json={"staff_no": "T-1",
                                                     "password": "window-password-1"})).json()  # fmt: skip
        signed = {"Authorization": f"Bearer {clerk['access_token']}"}
        assert (await api.post(f"/windows/{window['id']}/open", headers=signed)).status_code == 200
        called = await api.post(f"/windows/{window['id']}/call-next", headers=signed)
        assert called.status_code == 200 and called.json()["id"] == ticket["id"]
        while (message := json.loads(await display.recv()))["type"] != "ticket.called":
            pass
        assert message["data"]["number"] == ticket["number"] == "A001"


async def console_sign_in(https: str) -> None:
    if not Path(CHROMIUM).exists():
        pytest.fail("chromium is missing: bash dev.sh setup installs it")
    from playwright.async_api import async_playwright, expect

    async with async_playwright() as p:
        chromium = await p.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"]
        )
        try:
            context = await chromium.new_context(ignore_https_errors=True, locale="zh-CN")
            tab = await context.new_page()
            tab.set_default_timeout(15_000)
            await tab.goto(https + "/console/overview")
            await tab.wait_for_url("**/console/login**")
            await tab.fill("#staff_no", ADMIN_NO)
            await tab.fill("#password", ADMIN_PASSWORD)
            await tab.click("#sign-in")
            await tab.wait_for_url("**/console/overview**")
            await expect(tab.locator("header.top")).to_contain_text("管理控制台")
        finally:
            await chromium.close()


def test_the_hall_pc_units_verify(tmp_path: Path) -> None:
    """The kiosk session (cage on tty1) and the apps' user units, as the package installs them."""
    analyze = shutil.which("systemd-analyze")
    assert analyze, "systemd-analyze is missing: bash dev.sh setup installs Debian's systemd"
    system = tmp_path / "usr/lib/systemd/system"
    shutil.copytree("/lib/systemd/system", system, symlinks=True)
    user = tmp_path / "usr/lib/systemd/user"
    if Path("/usr/lib/systemd/user").is_dir():
        shutil.copytree("/usr/lib/systemd/user", user, symlinks=True)
    user.mkdir(parents=True, exist_ok=True)
    hall_pc = DEPLOY / "hall-pc"
    shutil.copy(hall_pc / "govqueue-cage@.service", system / "govqueue-cage@.service")
    for unit in (hall_pc / "user").glob("*.service"):
        shutil.copy(unit, user / unit.name)
    for program in ("usr/bin/govqueue", "usr/bin/cage"):
        (tmp_path / program).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / program).write_text("#!/bin/sh\n")
        (tmp_path / program).chmod(0o755)
    # user units as the system manager reads them (--user takes no --root): the same
    # syntax, the programs at their paths, graphical-session.target from the user units
    for target in user.glob("graphical-session*.target"):
        shutil.copy(target, system / target.name)
    shutil.copy(system / "govqueue-cage@.service", system / "govqueue-cage@kiosk.service")
    units = [system / "govqueue-cage@kiosk.service"]
    for unit in sorted(user.glob("govqueue-*.service")):
        shutil.copy(unit, system / unit.name)
        units.append(system / unit.name)
    done = subprocess.run(
        [analyze, "verify", f"--root={tmp_path}", *(str(u) for u in units)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0 and not done.stderr.strip(), done.stderr
