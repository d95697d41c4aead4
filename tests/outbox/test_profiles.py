"""Each shipped profile maps govqueue's record field by field to a hand-written expected body;
headers and signatures are computed here independently; a broken profile names every problem."""

from __future__ import annotations

import hashlib
import hmac
import json
import random

import pytest

from server.domain.outbox import RetryPolicy, Verdict, verdict
from server.domain.rating_record import FIELDS
from server.outbox import profile as profiles

RATING = {
    "rating_id": "HQ-42",
    "times": 1,
    "zone": "Asia/Shanghai",
    "hall_code": "HQ",
    "region_code": "330106",
    "case_nos": ["330106202611260001", "330106202611260002"],
    "item_code": "330106-HJ-0001",
    "item_name": "户籍办理",
    "channel": "window",
    "evaluated_at": "2026-11-26T01:23:45+00:00",
    "level": 2,
    "reasons": ["态度不好", "等候太久"],
    "text": "窗口人员不耐烦",
    "window_no": "3",
    "staff_no": "0012",
    "default_rating": False,
    "excluded": False,
}
COMMON = {k: RATING[k] for k in ("rating_id", "times", "zone", "hall_code", "region_code")}
RECTIFICATION = {
    **COMMON,
    "rectified_at": "2026-12-01T07:00:00+00:00",
    "measures": "约谈窗口人员，加强服务规范培训",
    "rectifier_no": "S01",
    "on_time": True,
}
FOLLOWUP = {
    **COMMON,
    "followed_up_at": "2026-12-02T02:30:00+00:00",
    "way": "phone",
    "result": "群众表示认可",
    "satisfied": True,
    "visitor_no": "S01",
}
APPEAL = {
    **COMMON,
    "decided_at": "2026-12-03T08:00:00+00:00",
    "upheld": True,
    "reason": "恶意差评：办事人未到窗口",
    "decision": "监控录像证实",
}
URL = "https://hcp.example.gov.cn/api/v1/rating/"
SECRET = "s3cret-key"


def _body(request: profiles.Outgoing) -> dict[str, object]:
    return json.loads(request.body)


def test_the_payloads_here_are_complete_records() -> None:
    assert set(RATING) == set(FIELDS["rating"])
    assert set(RECTIFICATION) == set(FIELDS["rectification"])
    assert set(FOLLOWUP) == set(FIELDS["followup"])
    assert set(APPEAL) == set(FIELDS["appeal"])


def test_every_shipped_profile_loads() -> None:
    assert profiles.names("platform") == ["gbt39046", "zhejiang"]
    for name in profiles.names("platform"):
        assert profiles.load("platform", name).takes("rating")


def test_gbt39046_rating_field_by_field() -> None:
    profile = profiles.load("platform", "gbt39046")
    request = profiles.render(profile, "rating", RATING, key="HQ-42-1", secret=SECRET, url=URL)
    assert request.method == "POST"
    assert request.url == "https://hcp.example.gov.cn/api/v1/rating"
    expected = {
        "ratingId": "HQ-42",
        "times": 1,
        "caseNos": ["330106202611260001", "330106202611260002"],
        "itemCode": "330106-HJ-0001",
        "itemName": "户籍办理",
        "channel": "4",  # 政务大厅平板电脑
        "evaluatedAt": "20261126T092345",  # Beijing time
        "level": "4",  # 不满意: the standard counts 1 = 非常满意 … 5 = 非常不满意
        "reasons": ["态度不好", "等候太久"],
        "text": "窗口人员不耐烦",
        "regionCode": "330106",
        "hallCode": "HQ",
        "windowNo": "3",
        "staffNo": "0012",
        "defaultRating": False,
    }
    body = _body(request)
    assert list(body) == list(expected), "the contract's keys, in its order"
    for key, value in expected.items():
        assert body[key] == value, key
    assert request.headers["Idempotency-Key"] == "HQ-42-1"
    signature = hmac.new(SECRET.encode(), request.body, hashlib.sha256).hexdigest()
    assert request.headers["X-Signature"] == signature
    assert request.headers["Content-Type"] == "application/json; charset=utf-8"
    assert SECRET not in json.dumps(request.headers), "the key itself never travels"


@pytest.mark.parametrize(("level", "code"), [(5, "1"), (4, "2"), (3, "3"), (2, "4"), (1, "5")])
def test_gbt39046_levels_read_the_other_way(level: int, code: str) -> None:
    profile = profiles.load("platform", "gbt39046")
    assert profiles.record(profile, "rating", {**RATING, "level": level})["level"] == code


@pytest.mark.parametrize(
    ("channel", "code"), [("mobile", "3"), ("window", "4"), ("kiosk", "5"), ("phone", "6")]
)
def test_gbt39046_channels_in_the_standards_order(channel: str, code: str) -> None:
    profile = profiles.load("platform", "gbt39046")
    assert profiles.record(profile, "rating", {**RATING, "channel": channel})["channel"] == code


def test_gbt39046_rectification_and_followup() -> None:
    profile = profiles.load("platform", "gbt39046")
    request = profiles.render(
        profile, "rectification", RECTIFICATION, key="HQ-42-1-rectification", secret=SECRET, url=URL
    )
    assert request.url == "https://hcp.example.gov.cn/api/v1/rating/rectification"
    assert _body(request) == {
        "ratingId": "HQ-42",
        "times": 1,
        "rectifiedAt": "20261201T150000",
        "measures": "约谈窗口人员，加强服务规范培训",
        "staffNo": "S01",
        "onTime": True,
        "regionCode": "330106",
        "hallCode": "HQ",
    }
    request = profiles.render(
        profile, "followup", FOLLOWUP, key="HQ-42-1-followup", secret=SECRET, url=URL
    )
    assert request.url == "https://hcp.example.gov.cn/api/v1/rating/visit"
    assert _body(request) == {
        "ratingId": "HQ-42",
        "times": 1,
        "visitedAt": "20261202T103000",
        "way": "phone",
        "result": "群众表示认可",
        "satisfied": True,
        "staffNo": "S01",
        "regionCode": "330106",
        "hallCode": "HQ",
    }
    assert not profile.takes("appeal"), "the reference has no field for an appeal"


def test_zhejiang_style_rating_field_by_field() -> None:
    profile = profiles.load("platform", "zhejiang")
    request = profiles.render(profile, "rating", RATING, key="HQ-42-1", secret=SECRET, url=URL)
    assert request.url == "https://hcp.example.gov.cn/api/v1/rating/pj/report"
    expected = {
        "pjbh": "HQ-42",
        "pjcs": 1,
        "bjbh": "330106202611260001,330106202611260002",
        "sxbm": "330106-HJ-0001",
        "sxmc": "户籍办理",
        "pjqd": "01",
        "pjsj": "2026-11-26 09:23:45",
        "myd": 2,  # the same way round as govqueue: 1 = 非常不满意
        "cpyy": "态度不好;等候太久",
        "wzpj": "窗口人员不耐烦",
        "xzqh": "330106",
        "dtbm": "HQ",
        "ckbh": "3",
        "gzry": "0012",
        "mrpj": "0",
        "sszt": "0",
        "sjly": "govqueue",
    }
    body = _body(request)
    assert list(body) == list(expected)
    for key, value in expected.items():
        assert body[key] == value, key
    assert request.headers["X-Request-Id"] == "HQ-42-1"
    assert request.headers["X-Api-Key"] == SECRET
    sm3 = hmac.new(SECRET.encode(), request.body, "sm3").hexdigest().upper()
    assert request.headers["X-Sign"] == sm3
    excluded = profiles.record(profile, "rating", {**RATING, "excluded": True})
    assert excluded["sszt"] == "2"


def test_zhejiang_style_later_records() -> None:
    profile = profiles.load("platform", "zhejiang")
    assert profiles.record(profile, "rectification", RECTIFICATION) == {
        "pjbh": "HQ-42",
        "pjcs": 1,
        "zgsj": "2026-12-01 15:00:00",
        "zgcs": "约谈窗口人员，加强服务规范培训",
        "zgry": "S01",
        "asqzg": "1",
    }
    assert profiles.record(profile, "followup", FOLLOWUP) == {
        "pjbh": "HQ-42",
        "pjcs": 1,
        "hfsj": "2026-12-02 10:30:00",
        "hffs": "1",
        "hfjg": "群众表示认可",
        "sfmy": "1",
    }
    assert profiles.record(profile, "appeal", APPEAL) == {
        "pjbh": "HQ-42",
        "pjcs": 1,
        "sssj": "2026-12-03 16:00:00",
        "sszt": "2",
        "ssly": "恶意差评：办事人未到窗口",
    }


def test_a_broken_profile_names_every_problem() -> None:
    source = """
title = "坏的配置"
[headers]
X-Key = "{secret}"
[events.rating.fields]
level = { from = "level", codes = "level" }
when = { from = "text", time = "%Y" }
who = "staff_name"
[events.refund.fields]
a = "b"
[codes.level]
5 = "1"
4 = "2"
"""
    with pytest.raises(profiles.ProfileError) as caught:
        profiles.parse(source, "platform", "broken")
    problems = "\n".join(caught.value.problems)
    assert "未知的占位符 secret" in problems
    assert "codes.level：缺少 1、2、3 的代码" in problems
    assert "text 不是时间字段" in problems
    assert "rating 记录没有字段 staff_name" in problems
    assert "events.refund：未知的记录类型" in problems


def test_an_unknown_profile_lists_the_shipped_ones() -> None:
    with pytest.raises(profiles.ProfileError, match="gbt39046、zhejiang"):
        profiles.load("platform", "guangdong")


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        (200, Verdict.ack),
        (201, Verdict.ack),
        (204, Verdict.ack),
        (None, Verdict.retry),
        (500, Verdict.retry),
        (503, Verdict.retry),
        (429, Verdict.retry),
        (408, Verdict.retry),
        (400, Verdict.reject),
        (401, Verdict.reject),
        (404, Verdict.reject),
        (302, Verdict.reject),
    ],
)
def test_what_an_answer_means(status: int | None, expected: Verdict) -> None:
    assert verdict(status) == expected


def test_back_off_doubles_with_jitter_up_to_the_cap() -> None:
    policy = RetryPolicy(base_s=10, factor=2, cap_s=300, jitter=0.5, max_attempts=5)
    rng = random.Random(7)
    for attempts, ceiling in [(1, 10), (2, 20), (3, 40), (4, 80), (5, 160), (6, 300), (60, 300)]:
        delays = [policy.delay(attempts, rng) for _ in range(200)]
        assert all(ceiling / 2 <= d <= ceiling for d in delays), attempts
        assert max(delays) - min(delays) > ceiling / 4, "jittered, not the same for everyone"
    assert not policy.gives_up(4) and policy.gives_up(5)
    assert policy.delay(10_000) <= 300


def test_hmac_sm3_is_gb_t_32905_sm3_in_rfc_2104_hmac() -> None:
    """The SM3 the signature uses (OpenSSL's, through hashlib: no extra library, see
    docs/decisions.md) gives GB/T 32905-2016's example digests, and the signature is HMAC
    (RFC 2104, 64-byte blocks) over it, built here by hand."""
    sm3 = "sm3"
    assert hashlib.new(sm3, b"abc").hexdigest() == (
        "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"
    )
    assert hashlib.new(sm3, b"abcd" * 16).hexdigest() == (
        "debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732"
    )
    body = b'{"pjbh":"HQ-42"}'
    key = SECRET.encode().ljust(64, b"\0")
    inner = hashlib.new(sm3, bytes(k ^ 0x36 for k in key) + body).digest()
    by_hand = hashlib.new(sm3, bytes(k ^ 0x5C for k in key) + inner).hexdigest()
    spec = profiles.load("platform", "zhejiang").signature
    assert spec is not None and spec.algorithm == "hmac-sm3"
    assert profiles.sign(spec, SECRET, body) == by_hand.upper()
