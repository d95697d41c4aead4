"""First start of a device app with `--pair CODE`: the code the console shows beside the
device's QR code is exchanged for the device's token (`POST /api/v1/devices/pair`), and the
token is saved in the app's settings file, so later starts need neither the code nor a token
typed by hand. No Qt here."""

from __future__ import annotations

import asyncio
import os
import tomllib
from pathlib import Path
from typing import Any, TypeVar

from app_shell.settings import DEFAULT_CONFIG, AppSettings, SettingsError
from client.errors import ClientError
from client.rest import ApiClient

S = TypeVar("S", bound=AppSettings)


def load_paired(cls: type[S], config_file: Path | None, pair: str | None, **options: Any) -> S:
    """`cls.load(config_file, **options)`; with a pairing code, first exchange it and save the
    token (printed where it went), then load again with the saved token."""
    settings = cls.load(config_file, **options)
    if not pair:
        return settings
    saved = pair_and_save(settings, pair, config_file)
    print(f"已配对，设备令牌已保存到 {saved}")
    return cls.load(config_file or saved, **{**options, "device_token": None})


def pair_and_save(settings: AppSettings, code: str, config_file: Path | None) -> Path:
    """Exchange `code` with `settings.server`; write the token (and the server) into the
    app's table of the settings file (made 0600); the file's path."""
    try:
        paired = asyncio.run(_exchange(settings.server, code))
    except ClientError as exc:
        raise SettingsError(f"配对失败：{exc}") from exc
    path = type(settings).config_path(config_file) or DEFAULT_CONFIG.expanduser()
    save(path, type(settings).section, {"server": settings.server, "device_token": paired})
    return path


async def _exchange(server: str, code: str) -> str:
    async with ApiClient(server) as client:
        return (await client.pair(code)).token


def save(path: Path, section: str, values: dict[str, str]) -> None:
    """Set `values` in table `section` of the TOML file at `path` (created if missing),
    keeping everything else in it."""
    raw: dict[str, Any] = tomllib.loads(path.read_text("utf-8")) if path.exists() else {}
    table = raw.setdefault(section, {})
    if not isinstance(table, dict):
        raise SettingsError(f"设置文件 {path} 中的 {section} 不是一个表，无法保存配对结果。")
    table.update(values)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        out.write(dumps(raw))
    os.replace(partial, path)


def dumps(raw: dict[str, Any]) -> str:
    """TOML for the settings file's shape: keys with plain values, then tables of them."""
    top = [f"{k} = {_value(v)}" for k, v in raw.items() if not isinstance(v, dict)]
    parts = ["\n".join(top)] if top else []
    for name, table in raw.items():
        if isinstance(table, dict):
            lines = [f"[{name}]", *(f"{k} = {_value(v)}" for k, v in table.items())]
            parts.append("\n".join(lines))
    return "\n\n".join(parts) + "\n"


def _value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        escaped = value.replace("\\", "\\\\").replace('"', '\\"')
        return f'"{escaped}"'
    if isinstance(value, list):
        return "[" + ", ".join(_value(v) for v in value) + "]"
    raise SettingsError(f"设置文件中有无法保存的值：{value!r}")
