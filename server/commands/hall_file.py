"""Reading and checking a hall file (TOML or YAML) for `govqueue admin apply`. No database here.

`read_hall_file(path)` returns a checked `HallFile` or raises `HallFileError` listing every
problem with its line number, in Chinese. The file describes one hall: the hall itself, its
services (by prefix), windows (by number, services in priority order), staff (by 工号) and
devices (by kind and label). See docs/hall-setup.md.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, ClassVar, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from server.commands.hall_file_source import (
    MAX_FILE_BYTES,
    HallFileError,
    LineOf,
    Path_,
    Problem,
    parse_toml,
    parse_yaml,
    too_large,
    where,
)
from server.domain.calendar import ServiceHours, hall_zone
from server.domain.errors import DomainError
from server.outbox import profile as profiles

# ---------------------------------------------------------------------------- the checked model


def _clean_text(value: str) -> str:
    value = value.strip()
    if any(unicodedata.category(c) in ("Cc", "Cf") for c in value):
        raise PydanticCustomError("hall_file", "含有控制字符或不可见字符，请删除")
    return value


def _identifier(value: str) -> str:
    """工号, codes, numbers: full-width digits and letters count as their ASCII forms."""
    return _clean_text(unicodedata.normalize("NFKC", value))


Text = Annotated[str, AfterValidator(_clean_text)]
Ident = Annotated[str, AfterValidator(_identifier)]


class _Entry(BaseModel):
    model_config = ConfigDict(extra="forbid", coerce_numbers_to_str=True, frozen=True)


class HallSpec(_Entry):
    code: Ident = Field(min_length=1, max_length=32)
    name: Text = Field(min_length=1, max_length=100)
    timezone: str = "Asia/Shanghai"
    # the hall's rules; left out: as they are (set in the console's 设置 → 大厅, or defaults)
    rating_window_days: int | None = Field(default=None, ge=1, le=90)
    pause_alert_minutes: int | None = Field(default=None, ge=1, le=480)
    no_show_requeue: bool | None = None
    # the 差评 loop (issue 25; not written: left as they are)
    case_numbers: Literal["off", "optional", "required"] | None = None
    rectification_working_days: int | None = Field(default=None, ge=1, le=60)
    followup_working_days: int | None = Field(default=None, ge=1, le=30)
    rectification_warn_days: int | None = Field(default=None, ge=0, le=30)
    followup_warn_hours: int | None = Field(default=None, ge=0, le=72)
    re_rating: bool | None = None
    # 适老化 (issue 29; not written: left as they are)
    kiosk_elderly: bool | None = None
    repeat_priority_calls: bool | None = None
    # the applicant's phone (issue 27; not written: left as they are)
    notify_ahead: int | None = Field(default=None, ge=0, le=50)
    rejoin_allowed: bool | None = None
    rejoin_minutes: int | None = Field(default=None, ge=1, le=120)
    rejoin_position: Literal["behind", "end"] | None = None
    rejoin_behind: int | None = Field(default=None, ge=1, le=50)

    @field_validator("timezone")
    @classmethod
    def _zone(cls, value: str) -> str:
        _domain_check(lambda: hall_zone(value))
        return value


class ServiceEntry(_Entry):
    prefix: Ident = Field(min_length=1, max_length=4)
    name: Text = Field(min_length=1, max_length=100)
    hours: list[list[str]] = Field(default_factory=list)
    daily_limit: int | None = Field(default=None, ge=1, le=100_000)
    target_wait_minutes: int = Field(default=20, ge=1, le=24 * 60)
    target_handle_minutes: int = Field(default=15, ge=1, le=24 * 60)
    enabled: bool = True
    item_code: Ident | None = Field(default=None, min_length=1, max_length=64)  # 事项编码

    @field_validator("item_code")
    @classmethod
    def _item_code(cls, value: str | None) -> str | None:
        if value is not None and not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.-]*", value):
            raise PydanticCustomError("hall_file", "事项编码只能含字母、数字和 - _ .")
        return value

    # appointments (预约): slot length, people per slot (0 or absent: none), working days ahead
    appointment_slot_minutes: int = Field(default=30, ge=5, le=240)
    appointment_quota: int = Field(default=0, ge=0, le=1000)
    appointment_days_ahead: int = Field(default=5, ge=0, le=60)
    common: bool = False  # 常用业务: offered first in the kiosk's 长辈版

    @field_validator("prefix")
    @classmethod
    def _prefix(cls, value: str) -> str:
        if not re.fullmatch(r"[A-Z]{1,4}", value):
            raise PydanticCustomError("hall_file", "前缀应为 1–4 个大写字母，如 A")
        return value

    @field_validator("hours", mode="before")
    @classmethod
    def _hours(cls, value: Any) -> Any:
        """Accept "09:00-12:00" (and lists of two times); store [["09:00", "12:00"], …]."""
        if not isinstance(value, list):
            raise PydanticCustomError(
                "hall_file", '应为时段列表，如 ["09:00-12:00", "13:30-17:00"]'
            )
        periods = []
        for item in value:
            if isinstance(item, str) and re.fullmatch(r"\s*[^-–]+\s*[-–]\s*[^-–]+\s*", item):
                start, end = re.split(r"\s*[-–]\s*", item.strip())
                periods.append([start, end])
            elif isinstance(item, list) and all(isinstance(t, str) for t in item):
                periods.append(list(item))
            else:
                raise PydanticCustomError(
                    "hall_file",
                    '时段“{item}”应写成 "09:00-12:00"（YAML 中请加引号）',
                    {"item": item},
                )
        hours = _domain_check(lambda: ServiceHours.parse(periods))
        return hours.to_json()

    @model_validator(mode="after")
    def _slots_need_hours(self) -> ServiceEntry:
        if self.appointment_quota > 0 and not self.hours:
            raise PydanticCustomError(
                "hall_file",
                "接受预约（appointment_quota 大于 0）时必须写 hours（预约时段按取号时段划分）",
            )
        return self


class WindowEntry(_Entry):
    number: Ident = Field(min_length=1, max_length=16)
    services: list[Ident] = Field(default_factory=list)

    @field_validator("services")
    @classmethod
    def _unique(cls, value: list[str]) -> list[str]:
        if len(set(value)) != len(value):
            raise PydanticCustomError("hall_file", "业务前缀有重复，每项业务只写一次")
        return value


class StaffEntry(_Entry):
    staff_no: Ident = Field(min_length=1, max_length=32)
    name: Text = Field(min_length=1, max_length=50)
    role: Literal["window", "supervisor", "admin"] = "window"
    active: bool | None = None  # leave as it is when not given


class DeviceEntry(_Entry):
    kind: Literal["kiosk", "display", "window"]
    label: Text = Field(min_length=1, max_length=100)
    window: Ident | None = None


class _ReceiverSpec(_Entry):
    """A receiver of one of the hall's outboxes (server/outbox/): a profile of its channel, the
    address it posts to and the environment variable holding its key (never the key)."""

    CHANNEL: ClassVar[str]  # the profiles' folder: server/outbox/profiles/<channel>/
    RECEIVER: ClassVar[str]  # what posts go to, in the messages
    EXAMPLE_URL: ClassVar[str]

    profile: Ident = Field(min_length=1, max_length=64)
    url: Text = Field(min_length=1, max_length=500)
    api_key_env: Ident = Field(min_length=1, max_length=128)
    alert_minutes: int = Field(default=10, ge=1, le=7 * 24 * 60)

    @field_validator("profile")
    @classmethod
    def _profile(cls, value: str) -> str:
        try:
            profiles.load(cls.CHANNEL, value)
        except profiles.ProfileError as exc:
            raise PydanticCustomError("hall_file", "；".join(exc.problems)) from exc
        return value

    @field_validator("url")
    @classmethod
    def _url(cls, value: str) -> str:
        if not re.fullmatch(r"https?://[^\s/?#]+(/[^\s?#]*)?", value):
            raise PydanticCustomError(
                "hall_file", f"应是{cls.RECEIVER}的接收地址，如 {cls.EXAMPLE_URL}"
            )
        return value

    @field_validator("api_key_env")
    @classmethod
    def _env_name(cls, value: str) -> str:
        if not re.fullmatch(r"[A-Z_][A-Z0-9_]*", value):
            raise PydanticCustomError(
                "hall_file",
                "应是环境变量的名字（大写字母、数字、下划线，如 GOVQUEUE_HCP_KEY），不是密钥本身",
            )
        return value


class PlatformSpec(_ReceiverSpec):
    """`[platform]`: where the hall's 好差评 records go (server/outbox/, docs/platform.md)."""

    CHANNEL = "platform"
    RECEIVER = "平台"
    EXAMPLE_URL = "https://hcp.example.gov.cn/api/rating"

    region_code: Ident

    @field_validator("region_code")
    @classmethod
    def _region(cls, value: str) -> str:
        if not re.fullmatch(r"\d{6}|\d{12}", value):
            raise PydanticCustomError(
                "hall_file", "行政区划代码应为 6 位（GB/T 2260）或 12 位数字，如 330106"
            )
        return value


class SmsSpec(_ReceiverSpec):
    """`[sms]`: the hall's SMS gateway for 短信提醒 (issue 27; server/outbox/, profiles of
    server/outbox/profiles/sms/): applicants who leave a number at the kiosk get texts."""

    CHANNEL = "sms"
    RECEIVER = "短信网关"
    EXAMPLE_URL = "https://sms.example.com/api/send"


class AppointmentsEntry(_Entry):
    """The hall's appointment rules (`[appointments]`); what is not written keeps its value."""

    same_day: bool | None = None
    book_before_minutes: int | None = Field(default=None, ge=0, le=7 * 24 * 60)
    cancel_before_minutes: int | None = Field(default=None, ge=0, le=7 * 24 * 60)
    early_minutes: int | None = Field(default=None, ge=0, le=240)
    grace_minutes: int | None = Field(default=None, ge=0, le=240)
    no_show_limit: int | None = Field(default=None, ge=0, le=100)
    no_show_days: int | None = Field(default=None, ge=1, le=366)
    ban_days: int | None = Field(default=None, ge=1, le=366)
    retention_days: int | None = Field(default=None, ge=1, le=3650)
    on_time_minutes: int | None = Field(default=None, ge=0, le=240)


class HallFile(_Entry):
    hall: HallSpec
    platform: PlatformSpec | None = None
    sms: SmsSpec | None = None
    appointments: AppointmentsEntry | None = None
    services: list[ServiceEntry] = Field(default_factory=list)
    windows: list[WindowEntry] = Field(default_factory=list)
    staff: list[StaffEntry] = Field(default_factory=list)
    devices: list[DeviceEntry] = Field(default_factory=list)


def _domain_check(fn: Callable[[], Any]) -> Any:
    try:
        return fn()
    except DomainError as exc:
        # the first sentence: the domain's own hint shows the REST form of the value
        raise PydanticCustomError("hall_file", exc.message.split("。")[0]) from exc


# ---------------------------------------------------------------------------- cross-checks


def cross_check(data: dict[str, Any]) -> list[tuple[Path_, str]]:
    """What the entries must agree on: unique keys, references to declared things. Works on
    the parsed data as it is, so that these problems are found along with the others."""
    problems: list[tuple[Path_, str]] = []

    def entries(section: str) -> list[dict[str, Any]]:
        value = data.get(section)
        if not isinstance(value, list):
            return []
        return [e if isinstance(e, dict) else {} for e in value]

    def key(entry: dict[str, Any], name: str) -> str | None:
        value = entry.get(name)
        if isinstance(value, (str, int)) and not isinstance(value, bool):
            return unicodedata.normalize("NFKC", str(value)).strip()
        return None

    def unique(
        section: str, names: tuple[str, ...], label: Callable[[tuple[str, ...]], str]
    ) -> None:
        seen: dict[tuple[str, ...], int] = {}
        for i, entry in enumerate(entries(section)):
            values = tuple(key(entry, n) for n in names)
            if any(v is None for v in values):
                continue
            k = tuple(str(v) for v in values)
            if k in seen:
                problems.append(((section, i), f"{label(k)}重复（第 {seen[k] + 1} 项已写过）"))
            else:
                seen[k] = i

    unique("services", ("prefix",), lambda k: f"业务前缀 {k[0]} ")
    unique("windows", ("number",), lambda k: f"{k[0]} 号窗口")
    unique("staff", ("staff_no",), lambda k: f"工号 {k[0]} ")
    unique("devices", ("kind", "label"), lambda k: f"设备“{k[1]}”")
    prefixes = {key(e, "prefix") for e in entries("services")}
    for i, window in enumerate(entries("windows")):
        listed = window.get("services")
        for j, prefix in enumerate(listed if isinstance(listed, list) else []):
            if isinstance(prefix, (str, int)) and key({"p": prefix}, "p") not in prefixes:
                problems.append(
                    (("windows", i, "services", j), f"业务前缀 {prefix} 没有在 services 中定义")
                )
    numbers = {key(e, "number") for e in entries("windows")}
    for i, device in enumerate(entries("devices")):
        number = key(device, "window")
        if device.get("kind") == "window" and "window" not in device:
            problems.append(
                (("devices", i, "kind"), '窗口评价器（kind = "window"）需要写 window（窗口编号）')
            )
        elif device.get("kind") in ("kiosk", "display") and "window" in device:
            problems.append(
                (("devices", i, "window"), '只有 kind = "window" 的设备绑定窗口，请删除 window')
            )
        elif number is not None and number not in numbers:
            problems.append((("devices", i, "window"), f"{number} 号窗口没有在 windows 中定义"))
    return problems


# ---------------------------------------------------------------------------- reading files


MESSAGES: dict[str, str] = {
    "missing": "缺少必填项",
    "string_type": "应为文字",
    "int_type": "应为整数",
    "int_parsing": "应为整数",
    "int_from_float": "应为整数",
    "bool_type": "应为 true 或 false",
    "bool_parsing": "应为 true 或 false",
    "list_type": "应为列表",
    "dict_type": "应为表（一组“键 = 值”）",
    "model_type": "应为表（一组“键 = 值”）",
    "model_attributes_type": "应为表（一组“键 = 值”）",
    "string_too_short": "不能为空",
}


def _message(error: Any, fields: dict[str, list[str]]) -> str:
    kind, ctx = error["type"], error.get("ctx") or {}
    if kind == "hall_file":
        return str(error["msg"])
    if kind == "extra_forbidden":
        section = next((str(p) for p in error["loc"][:-1] if isinstance(p, str)), "")
        allowed = fields.get(section, fields[""])
        return f"未知的项“{error['loc'][-1]}”（可写：{'、'.join(allowed)}）"
    if kind == "literal_error":
        choices = re.findall(r"'([^']*)'", str(ctx.get("expected", "")))
        return f"应为 {'、'.join(choices)} 之一"
    if kind == "greater_than_equal":
        return f"不能小于 {ctx.get('ge')}"
    if kind == "less_than_equal":
        return f"不能大于 {ctx.get('le')}"
    if kind == "string_too_long":
        return f"最长 {ctx.get('max_length')} 个字符"
    return MESSAGES.get(kind, f"格式不正确（{kind}）")


FIELDS = {
    "": list(HallFile.model_fields),
    "hall": list(HallSpec.model_fields),
    "appointments": list(AppointmentsEntry.model_fields),
    "services": list(ServiceEntry.model_fields),
    "windows": list(WindowEntry.model_fields),
    "staff": list(StaffEntry.model_fields),
    "devices": list(DeviceEntry.model_fields),
    "platform": list(PlatformSpec.model_fields),
}


def check(
    data: Any, line_of: LineOf, filename: str, found: list[Problem] | None = None
) -> HallFile:
    """The checked hall file, or HallFileError with every problem found (and `found`)."""
    if not isinstance(data, dict):
        raise HallFileError(
            filename, [Problem(1, "", "文件应是一张表（hall、services、windows…）")]
        )
    problems = list(found or [])
    spec = None
    try:
        spec = HallFile.model_validate(data)
    except ValidationError as exc:
        for error in exc.errors():
            loc = tuple(p for p in error["loc"] if not str(p).startswith("function-"))
            problems.append(Problem(line_of(loc), where(loc), _message(error, FIELDS)))
    for path, message in cross_check(data):
        problems.append(Problem(line_of(path), where(path), message))
    if problems or spec is None:
        raise HallFileError(filename, problems)
    return spec


def read_hall_file(path: Path) -> HallFile:
    filename = str(path)
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise too_large(size, filename)
        source = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise HallFileError(filename, [Problem(None, "", "文件不存在")]) from None
    except UnicodeDecodeError:
        raise HallFileError(filename, [Problem(None, "", "文件不是 UTF-8 编码")]) from None
    except OSError as exc:
        raise HallFileError(filename, [Problem(None, "", f"无法读取：{exc.strerror}")]) from None
    suffix = path.suffix.lower()
    found: list[Problem] = []
    if suffix == ".toml":
        data, line_of = parse_toml(source, filename)
    elif suffix in (".yaml", ".yml"):
        data, line_of, found = parse_yaml(source, filename)
    else:
        raise HallFileError(filename, [Problem(None, "", "文件名应以 .toml、.yaml 或 .yml 结尾")])
    return check(data, line_of, filename, found)
