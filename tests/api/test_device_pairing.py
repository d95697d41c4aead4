"""Device pairing: the console's one-time code (8 characters, 10 minutes) exchanged for the
device's token; and a real kiosk started with `--pair CODE` that saves it and serves."""

from __future__ import annotations

import asyncio
import os
import re
import sys
import tomllib
from pathlib import Path

import pytest

from client.errors import ApiError, ClientError, Unauthorized
from server.domain.clock import ManualClock
from tests.helpers import LiveServer, Seeded


async def code_for(server: LiveServer, device_id: int) -> str:
    made = await server.admin.request("POST", f"/admin/devices/{device_id}/pairing-code")
    assert re.fullmatch(r"[A-HJKMNP-Z2-9]{4}-[A-HJKMNP-Z2-9]{4}", made["code"]), made
    return str(made["code"])


async def a_kiosk(server: LiveServer, hall: Seeded) -> dict[str, object]:
    return await server.admin.admin_create(
        "devices", {"hall_id": hall.hall_id, "kind": "kiosk", "label": "2号取号机"}
    )


async def test_a_code_is_exchanged_once_for_a_new_token(
    server: LiveServer, hall: Seeded, clock: ManualClock
) -> None:
    kiosk = await a_kiosk(server, hall)
    code = await code_for(server, int(str(kiosk["id"])))
    typed = code.lower().replace("-", " ")  # as a person may type it
    paired = await server.client().pair(typed)
    assert paired["device_id"] == kiosk["id"] and paired["kind"] == "kiosk"
    assert paired["token"].startswith("gqd_") and paired["token"] != kiosk["token"]
    me = await server.client(paired["token"]).device_me()
    assert me["label"] == "2号取号机" and me["hall_id"] == hall.hall_id
    with pytest.raises(Unauthorized):
        await server.client(str(kiosk["token"])).device_me()  # its earlier token
    with pytest.raises(Unauthorized) as again:
        await server.client().pair(code)
    assert again.value.code == "invalid_pairing_code" and "重新生成" in str(again.value)

    late = await code_for(server, int(str(kiosk["id"])))
    clock.advance(10 * 60 + 1)
    with pytest.raises(Unauthorized):
        await server.client().pair(late)
    replaced = await code_for(server, int(str(kiosk["id"])))
    newer = await code_for(server, int(str(kiosk["id"])))
    with pytest.raises(Unauthorized):
        await server.client().pair(replaced)  # a newer code replaced it
    assert (await server.client().pair(newer))["device_id"] == kiosk["id"]
    with pytest.raises(ApiError) as bad:
        await server.client().pair("ABC")
    assert bad.value.status == 422 and "8 位" in str(bad.value)


async def test_guessing_codes_is_throttled(server: LiveServer, hall: Seeded) -> None:
    guesses = [f"ABCD-EF{a}{b}" for a in "GH" for b in "JKM"]
    refused = []
    for guess in guesses:
        try:
            await server.client().pair(guess)
        except ClientError as exc:
            refused.append(getattr(exc, "status", None))
    assert refused[:5] == [401] * 5 and refused[5] == 429


async def test_a_kiosk_started_with_pair_saves_its_token_and_serves(
    server: LiveServer, hall: Seeded, tmp_path: Path
) -> None:
    kiosk = await a_kiosk(server, hall)
    code = await code_for(server, int(str(kiosk["id"])))
    config = tmp_path / "apps.toml"
    config.write_text('[kiosk]\nprinter = "none"\n')
    govqueue = str(Path(sys.executable).with_name("govqueue"))
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    env.pop("GOVQUEUE_DEVICE_TOKEN", None)

    async def run(*args: str) -> tuple[int, str]:
        proc = await asyncio.create_subprocess_exec(
            govqueue, "kiosk", "--config", str(config), *args, env=env,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
        )  # fmt: skip
        out, _ = await proc.communicate()
        return proc.returncode or 0, out.decode()

    first, out = await run(
        "--server", server.base_url, "--pair", code, "--screenshot", str(tmp_path / "1.png")
    )
    assert first == 0, out
    assert "已配对" in out
    saved = tomllib.loads(config.read_text())["kiosk"]
    assert saved["printer"] == "none" and saved["server"] == server.base_url
    assert saved["device_token"].startswith("gqd_")
    assert config.stat().st_mode & 0o077 == 0, "the token is readable by its user only"
    assert (tmp_path / "1.png").stat().st_size > 0
    second, out = await run("--screenshot", str(tmp_path / "2.png"))  # no code, no token
    assert second == 0, out
    used, out = await run("--pair", code)
    assert used != 0 and "配对失败" in out
