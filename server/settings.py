"""The one settings object. Read from the environment (prefix GOVQUEUE_) or passed in."""

from __future__ import annotations

import json
import secrets
from datetime import date
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from server.domain.calendar import WorkingCalendar


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="GOVQUEUE_", env_file=None, extra="ignore")

    data_dir: Path = Field(default=Path("data"), description="Where the SQLite file and keys live")
    database_url: str | None = Field(
        default=None, description="SQLAlchemy URL; default: sqlite file in data_dir"
    )
    writer_process: bool = Field(
        default=True,
        description="SQLite: run the writer in a process of its own (its own core); "
        "false: a thread of the server process",
    )
    writer_forkserver: bool = Field(
        default=False,
        description="SQLite: fork the writer process from a forkserver that stays beside it "
        "(starts in milliseconds; ~40 MB more): for a process that starts many servers",
    )
    write_busy_timeout_s: float = Field(
        default=5.0,
        ge=0,
        le=30,
        description="SQLite: how long a change waits while another program (govqueue admin "
        "apply, a migration) holds the file's write lock before it is refused with 503 "
        "store_busy",
    )
    forwarded_allow_ips: str = Field(
        default="",
        description="Reverse proxies whose X-Forwarded-For / X-Forwarded-Proto are believed "
        "(comma-separated addresses or networks, e.g. 127.0.0.1 or 10.0.0.0/8; * for any); "
        "default: none, the peer's own address is the client's",
    )
    readers: int = Field(
        default=8,
        ge=1,
        description="Reads run at once (threads, database connections); more wait their turn",
    )
    secret_key: str | None = Field(
        default=None, description="JWT signing key; default: generated once into data_dir"
    )
    personal_data_key: str | None = Field(
        default=None,
        description="Key of the hash ID numbers are matched by (appointments); default: "
        "generated once into data_dir (personal.key). Keep it: a new key no longer matches "
        "the appointments already booked",
    )
    appointment_upkeep_interval_s: float = Field(
        default=60.0, description="How often appointments not checked in are marked 失约"
    )
    access_token_minutes: int = 12 * 60
    integration_token_seconds: int = Field(
        default=3600,
        ge=60,
        le=24 * 3600,
        description="An integration's access token (client credentials) lasts this long",
    )
    integration_requests_per_minute: int = Field(
        default=600, ge=1, description="An integration's rate limit unless set on it"
    )
    console_session_hours: float = Field(
        default=12, description="A web console sign-in lasts this long (a working day)"
    )
    default_timezone: str = "Asia/Shanghai"
    satisfaction_counts_basic: bool = True
    rectification_working_days: int = Field(
        default=15, description="差评整改 deadline in working days (a hall may set its own)"
    )
    followup_working_days: int = Field(
        default=1, description="回访 within this many working days of 整改 (a hall may set its own)"
    )
    extra_holidays: Annotated[list[date], NoDecode] = Field(
        default_factory=list,
        description="Local days off on top of China's public holidays (YYYY-MM-DD, comma-separated)",
    )
    extra_workdays: Annotated[list[date], NoDecode] = Field(
        default_factory=list,
        description="Local extra working days, e.g. 调休 of a year the calendar does not know yet",
    )
    complaint_working_days: int = Field(
        default=5, description="投诉 deadline in working days (按时办结率)"
    )
    replay_limit: int = Field(
        default=5000, description="A client further behind than this gets a snapshot"
    )
    feed_queue_limit: int = Field(
        default=2000,
        description="Events queued for one live-feed subscriber before it is closed (4408) "
        "to resync from the log",
    )
    queue_counts_interval_s: float = 1.0
    snapshot_ttl_s: float = Field(
        default=1.0, description="Screens connecting together share a snapshot this long"
    )
    login_failures_per_account: int = Field(
        default=5, description="Failed logins per 工号 in the window before 429 (per process)"
    )
    login_failures_per_address: int = Field(
        default=20, description="Failed logins per client address in the window before 429"
    )
    login_failure_window_s: float = 600.0
    alert_check_interval_s: float = Field(
        default=5.0,
        gt=0,
        description="How often the server looks for long waits, pauses, silent devices",
    )
    device_offline_after_s: float = Field(
        default=120.0, gt=0, description="A device not heard from this long is 离线 (an alert)"
    )
    nightly_maintenance: bool = Field(
        default=True,
        description="Run the nightly maintenance in the server (rollup, retention, backup, "
        "WAL checkpoint; server/maintenance/nightly.py)",
    )
    maintenance_check_s: float = Field(
        default=300.0, gt=0, description="How often the server asks whether a night is due"
    )
    personal_data_days: int = Field(
        default=180,
        ge=1,
        description="Personal data (a complainant's name and phone, …) is cleared from closed "
        "records older than this",
    )
    backup_dir: Path | None = Field(
        default=None, description="The nightly maintenance backs up here (none: no backup)"
    )
    backup_keep: int = Field(default=14, ge=1, description="Backups kept in backup_dir")
    metrics_token: str | None = Field(
        default=None,
        description="/metrics also answers a request with `Authorization: Bearer <token>` "
        "(without it: only requests from this machine that did not come through a proxy)",
    )
    outbox_sender: bool = Field(
        default=True,
        description="Deliver the outbox (好差评 platform records) from this process",
    )
    outbox_poll_s: float = Field(
        default=1.0, gt=0, description="How often the outbox sender looks for due messages"
    )
    outbox_timeout_s: float = Field(
        default=10.0, gt=0, description="A receiver that has not answered by then is tried again"
    )
    outbox_lease_s: float = Field(
        default=60.0,
        gt=0,
        description="A sender's claim on a message: another process takes it over after this",
    )
    outbox_backoff_base_s: float = Field(
        default=10.0, gt=0, description="Wait after the first failed try (then doubled)"
    )
    outbox_backoff_cap_s: float = Field(
        default=1800.0, gt=0, description="Longest wait between two tries"
    )
    outbox_max_attempts: int = Field(
        default=48, ge=1, description="Tries without an acknowledgement before `failed`"
    )
    log_file: Path | None = Field(
        default=None,
        description="The server's log (govqueue serve: default <data dir>/logs/govqueue.log; "
        "{pid} in the name is the process id); None: logging is left as it is (tests)",
    )
    log_format: Literal["plain", "json"] = Field(
        default="plain", description="plain lines, or one JSON object per line"
    )
    log_level: str = Field(default="info", description="info: with one line per request")
    log_max_bytes: int = Field(default=10 * 1024 * 1024, ge=10_000, description="rotate at")
    log_backups: int = Field(default=10, ge=1, le=1000, description="rotated files kept")
    public_base_url: str | None = Field(
        default=None,
        description="Address phones reach the server at, for the QR link; default: as requested",
    )

    @field_validator("extra_holidays", "extra_workdays", mode="before")
    @classmethod
    def _day_list(cls, value: object) -> object:
        """Accept `2026-12-24,2026-12-31` (as written in an environment variable) or a list."""
        if isinstance(value, str):
            if value.strip().startswith("["):
                return json.loads(value)
            return [part for part in value.replace(",", " ").split() if part]
        return value

    def working_calendar(self) -> WorkingCalendar:
        return WorkingCalendar(frozenset(self.extra_holidays), frozenset(self.extra_workdays))

    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        self.data_dir.mkdir(parents=True, exist_ok=True)
        return f"sqlite:///{(self.data_dir / 'govqueue.db').resolve()}"

    def resolved_secret_key(self) -> str:
        if self.secret_key:
            return self.secret_key
        self.secret_key = self._key_file("secret.key")
        return self.secret_key

    def resolved_personal_data_key(self) -> str:
        if self.personal_data_key:
            return self.personal_data_key
        self.personal_data_key = self._key_file("personal.key")
        return self.personal_data_key

    def _key_file(self, name: str) -> str:
        """A key generated once into the data dir (readable by its owner only)."""
        self.data_dir.mkdir(parents=True, exist_ok=True)
        path = self.data_dir / name
        if not path.exists():
            path.write_text(secrets.token_urlsafe(48))
            path.chmod(0o600)
        return path.read_text().strip()
