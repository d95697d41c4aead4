"""App settings: defaults < settings file < `GOVQUEUE_` variables < command-line options.

The settings file is TOML. Keys at the top apply to every app on the machine; a table named
after the app (`[kiosk]`, `[display]`, `[window]`) applies to that app only:

    server = "http://10.0.0.5:8000"

    [kiosk]
    device_token = "gqd_…"
    printer = "tcp://192.168.1.50:9100"
    paper = 80

Where it is: `--config FILE`, else `GOVQUEUE_CONFIG`, else `~/.config/govqueue/apps.toml`
when it exists. An app subclasses `AppSettings`, sets `section`, adds its own fields, and
loads with `MySettings.load(config_file, **cli_options)` (options left at None are ignored).
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any, ClassVar, Self

from pydantic import Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from app_shell.texts import text

DEFAULT_CONFIG = Path("~/.config/govqueue/apps.toml")


class SettingsError(Exception):
    """Settings that cannot be used; the message is Chinese and says what to fix."""


class AppSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="GOVQUEUE_", extra="ignore")
    section: ClassVar[str] = "app"

    server: str = Field(default="http://127.0.0.1:8000", description="Server base URL")
    device_token: str | None = Field(default=None, description="Device token (gqd_…)")
    fullscreen: bool = Field(default=False, description="Fill the screen, no window frame")
    width: int = Field(
        default=1920, ge=320, le=7680, description="Window width when not fullscreen"
    )
    height: int = Field(default=1080, ge=240, le=4320, description="Window height")
    screenshot_timeout_s: float = Field(default=20.0, gt=0, le=600)
    log_file: Path | None = Field(
        default=None,
        description="The app's log (default ~/.local/state/govqueue/<app>.log, see app_shell/logs.py)",
    )
    health_report_s: float = Field(
        default=60.0,
        gt=0,
        le=3600,
        description="A device app tells the server it is alive (and its health) this often",
    )

    @field_validator("server")
    @classmethod
    def _http_url(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError(f"服务器地址应以 http:// 或 https:// 开头：{value}")
        return value.rstrip("/")

    @classmethod
    def config_path(cls, config_file: Path | None = None) -> Path | None:
        if config_file is not None:
            return config_file
        if os.environ.get("GOVQUEUE_CONFIG"):
            return Path(os.environ["GOVQUEUE_CONFIG"])
        default = DEFAULT_CONFIG.expanduser()
        return default if default.exists() else None

    @classmethod
    def file_values(cls, path: Path | None) -> dict[str, Any]:
        """The settings of this app in the file: top-level keys, then its own table."""
        if path is None:
            return {}
        try:
            raw = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise SettingsError(text("settings.file_unreadable", path=path, detail=exc)) from exc
        values = {k: v for k, v in raw.items() if not isinstance(v, dict)}
        section = raw.get(cls.section)
        if isinstance(section, dict):
            values.update(section)
        return values

    @classmethod
    def load(cls, config_file: Path | None = None, **overrides: Any) -> Self:
        """Build the settings; raises SettingsError with a Chinese message when they are bad."""
        try:
            from_env = cls()
            env_values = {name: getattr(from_env, name) for name in from_env.model_fields_set}
            merged = {
                **cls.file_values(cls.config_path(config_file)),
                **env_values,
                **{k: v for k, v in overrides.items() if v is not None},
            }
            return cls(**merged)
        except ValidationError as exc:
            problems = "；".join(
                f"{'.'.join(str(p) for p in err['loc'])}：{err['msg']}" for err in exc.errors()
            )
            raise SettingsError(text("settings.invalid", detail=problems)) from exc

    def loggable(self) -> dict[str, object]:
        """The settings as a log may show them: never a token, a password or a secret."""
        secret = ("token", "password", "secret")
        return {
            name: value
            for name, value in self.model_dump().items()
            if not any(word in name for word in secret)
        }

    def require_token(self) -> str:
        if not self.device_token:
            raise SettingsError(text("settings.no_token"))
        return self.device_token
