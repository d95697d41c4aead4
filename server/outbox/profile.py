"""Receiver profiles: how a hall's messages of one channel look on the wire, as data.

A profile is a TOML file, `profiles/<channel>/<name>.toml` (docs/platform.md says how to
write one): the method and content type, headers (templates with `{key}`, the idempotency
key, and `{api_key}`), the body signature (HMAC-SHA256 or HMAC-SM3 of the exact body bytes,
hex or base64), and per kind of message the path under the hall's URL and the body's fields:
each names where its value comes from in govqueue's record (server/domain/rating_record.py),
and optionally a code table, a time format (in the hall's zone) or a separator that joins a
list. A profile is checked when it is loaded: every field it names exists, every code table
covers every value the field can take.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import tomllib
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from server.domain import rating_record, sms

PROFILES = Path(__file__).parent / "profiles"
NAME = re.compile(r"[a-z0-9][a-z0-9_-]{0,63}")
HEADER_NAME = re.compile(r"[A-Za-z0-9-]{1,64}")
TEMPLATE_NAMES = frozenset({"key", "api_key"})


@dataclass(frozen=True)
class Vocabulary:
    """What a channel's records hold: fields per kind, closed value sets, instants, lists."""

    fields: dict[str, tuple[str, ...]]
    values: dict[str, tuple[str, ...]]
    time_fields: frozenset[str]
    list_fields: frozenset[str]


VOCABULARIES: dict[str, Vocabulary] = {
    "platform": Vocabulary(
        rating_record.FIELDS,
        rating_record.VALUES,
        rating_record.TIME_FIELDS,
        frozenset({"case_nos", "reasons"}),
    ),
    # text messages to applicants (issue 27): server/domain/sms.py
    "sms": Vocabulary(sms.FIELDS, {}, frozenset(), frozenset()),
}


class ProfileError(Exception):
    """A profile that cannot be used, with every reason (Chinese)."""

    def __init__(self, name: str, problems: list[str]) -> None:
        self.name = name
        self.problems = problems
        super().__init__(f"对接配置 {name}：" + "；".join(problems))


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class FieldSpec(_Strict):
    """One field of the body: a constant (`value`) or a record field (`from`), then at most
    one of: a code table, a time format, a separator for a list."""

    source: str | None = Field(default=None, alias="from")
    value: str | int | bool | None = None
    codes: str | None = None
    time: str | None = None
    join: str | None = None

    @model_validator(mode="after")
    def _one_way(self) -> FieldSpec:
        if (self.source is None) == (self.value is None):
            raise ValueError("写 from（取自哪个字段）或 value（固定值），二者取一")
        if sum(x is not None for x in (self.codes, self.time, self.join)) > 1:
            raise ValueError("codes、time、join 只能写一个")
        return self


class EventSpec(_Strict):
    path: str = ""  # under the hall's URL; "" = the URL itself
    fields: dict[str, FieldSpec]

    @model_validator(mode="before")
    @classmethod
    def _short_fields(cls, data: Any) -> Any:
        """`ratingId = "rating_id"` is short for `ratingId = { from = "rating_id" }`."""
        if isinstance(data, dict) and isinstance(data.get("fields"), dict):
            fields = {
                k: {"from": v} if isinstance(v, str) else v for k, v in data["fields"].items()
            }
            data = {**data, "fields": fields}
        return data


class SignatureSpec(_Strict):
    header: str
    algorithm: Literal["hmac-sha256", "hmac-sm3"] = "hmac-sha256"
    encoding: Literal["hex", "HEX", "base64"] = "hex"


class Profile(_Strict):
    name: str = ""
    channel: str = ""
    title: str
    note: str = ""
    method: Literal["POST", "PUT"] = "POST"
    content_type: str = "application/json; charset=utf-8"
    headers: dict[str, str] = Field(default_factory=dict)
    signature: SignatureSpec | None = None
    events: dict[str, EventSpec]
    codes: dict[str, dict[str, str | int | bool]] = Field(default_factory=dict)

    def takes(self, kind: str) -> bool:
        return kind in self.events


@dataclass(frozen=True)
class Outgoing:
    """One request, ready to send."""

    method: str
    url: str
    headers: dict[str, str]
    body: bytes


def names(channel: str) -> list[str]:
    """The profiles shipped for a channel."""
    folder = PROFILES / channel
    return sorted(p.stem for p in folder.glob("*.toml")) if folder.is_dir() else []


@cache
def load(channel: str, name: str) -> Profile:
    """The checked profile `profiles/<channel>/<name>.toml` (cached: files of the release)."""
    if channel not in VOCABULARIES or not NAME.fullmatch(name):
        raise ProfileError(name, [f"没有这个对接配置（可选：{'、'.join(names(channel))}）"])
    path = PROFILES / channel / f"{name}.toml"
    if not path.is_file():
        raise ProfileError(name, [f"没有这个对接配置（可选：{'、'.join(names(channel))}）"])
    return parse(path.read_text(encoding="utf-8"), channel, name)


def parse(source: str, channel: str, name: str) -> Profile:
    """A profile from its TOML text, checked against the channel's vocabulary."""
    try:
        data = tomllib.loads(source)
    except tomllib.TOMLDecodeError as exc:
        raise ProfileError(name, [f"TOML 语法错误：{exc}"]) from None
    try:
        profile = Profile.model_validate({**data, "name": name, "channel": channel})
    except ValidationError as exc:
        problems = [
            f"{'.'.join(str(p) for p in e['loc'])}：{e['msg'].removeprefix('Value error, ')}"
            for e in exc.errors()
        ]
        raise ProfileError(name, problems) from None
    problems = check(profile, VOCABULARIES[channel])
    if problems:
        raise ProfileError(name, problems)
    return profile


def check(profile: Profile, vocabulary: Vocabulary) -> list[str]:
    """What a profile gets wrong against the records it maps (Chinese, one line each)."""
    problems: list[str] = []
    for header, template in profile.headers.items():
        if not HEADER_NAME.fullmatch(header):
            problems.append(f"headers.{header}：不是合法的请求头名称")
        unknown = set(re.findall(r"{(\w*)}", template)) - TEMPLATE_NAMES
        if unknown:
            problems.append(f"headers.{header}：未知的占位符 {'、'.join(sorted(unknown))}")
    if profile.signature is not None:
        if not HEADER_NAME.fullmatch(profile.signature.header):
            problems.append("signature.header：不是合法的请求头名称")
        if profile.signature.algorithm == "hmac-sm3" and "sm3" not in hashlib.algorithms_available:
            problems.append("signature.algorithm：本机的 OpenSSL 不支持 SM3")
    if not profile.events:
        problems.append("events：至少写一类记录")
    for kind, event in profile.events.items():
        known = vocabulary.fields.get(kind)
        if known is None:
            problems.append(
                f"events.{kind}：未知的记录类型（可写：{'、'.join(vocabulary.fields)}）"
            )
            continue
        if event.path.startswith("/") or ".." in event.path:
            problems.append(f"events.{kind}.path：应是相对地址，如 rectification")
        for out, spec in event.fields.items():
            where = f"events.{kind}.fields.{out}"
            if spec.source is not None and spec.source not in known:
                problems.append(f"{where}：{kind} 记录没有字段 {spec.source}")
                continue
            if spec.codes is not None:
                table = profile.codes.get(spec.codes)
                if table is None:
                    problems.append(f"{where}：没有代码表 {spec.codes}")
                elif spec.source in vocabulary.values:
                    missing = [v for v in vocabulary.values[spec.source] if v not in table]
                    if missing:
                        problems.append(
                            f"codes.{spec.codes}：缺少 {'、'.join(missing)} 的代码（{where}）"
                        )
                else:
                    problems.append(f"{where}：{spec.source} 不是有固定取值的字段，不能用代码表")
            if spec.time is not None:
                if spec.source not in vocabulary.time_fields:
                    problems.append(f"{where}：{spec.source} 不是时间字段")
                elif "%" not in spec.time:
                    problems.append(f"{where}：time 应是格式，如 %Y%m%dT%H%M%S")
            if spec.join is not None and spec.source not in vocabulary.list_fields:
                problems.append(f"{where}：{spec.source} 不是列表，不能 join")
    return problems


def record(profile: Profile, kind: str, payload: dict[str, Any]) -> dict[str, Any]:
    """The body's fields for one message, in the profile's order."""
    out: dict[str, Any] = {}
    for name, spec in profile.events[kind].fields.items():
        if spec.source is None:
            out[name] = spec.value
            continue
        value = payload.get(spec.source)
        if spec.time is not None and value is not None:
            zone = ZoneInfo(str(payload.get("zone") or "Asia/Shanghai"))
            value = datetime.fromisoformat(str(value)).astimezone(zone).strftime(spec.time)
        elif spec.join is not None:
            value = spec.join.join(str(v) for v in value or [])
        elif spec.codes is not None:
            value = profile.codes[spec.codes][rating_record.code_key(value)]
        out[name] = value
    return out


def render(
    profile: Profile, kind: str, payload: dict[str, Any], *, key: str, secret: str, url: str
) -> Outgoing:
    """The request that carries one message: body, signature, headers."""
    event = profile.events[kind]
    body = json.dumps(
        record(profile, kind, payload), ensure_ascii=False, separators=(",", ":")
    ).encode("utf-8")
    values = {"key": key, "api_key": secret}
    headers = {"Content-Type": profile.content_type}
    headers.update(
        {h: re.sub(r"{(\w+)}", lambda m: values[m.group(1)], t) for h, t in profile.headers.items()}
    )
    if profile.signature is not None:
        headers[profile.signature.header] = sign(profile.signature, secret, body)
    target = url.rstrip("/") + (f"/{event.path}" if event.path else "")
    return Outgoing(profile.method, target, headers, body)


def sign(spec: SignatureSpec, secret: str, body: bytes) -> str:
    algorithm = "sha256" if spec.algorithm == "hmac-sha256" else "sm3"
    digest = hmac.new(secret.encode("utf-8"), body, algorithm).digest()
    if spec.encoding == "base64":
        return base64.b64encode(digest).decode("ascii")
    return digest.hex().upper() if spec.encoding == "HEX" else digest.hex()
