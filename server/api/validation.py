"""Validation errors in Chinese: each problem names the field (中文名 and its JSON name) and
says what is expected, never a Python repr or English pattern text."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

FIELD_NAMES = {
    "active": "是否启用",
    "code": "编码",
    "comment": "留言",
    "daily_limit": "每日号源上限",
    "device_id": "设备编号",
    "enabled": "是否启用",
    "from": "开始日期",
    "group_by": "分组方式",
    "hall_id": "大厅编号",
    "hours": "取号时间",
    "kind": "设备类型",
    "label": "设备名称",
    "level": "评价等级",
    "limit": "条数",
    "name": "名称",
    "number": "窗口号",
    "offset": "起始位置",
    "outcome": "办理结果",
    "password": "密码",
    "prefix": "号码前缀",
    "priority": "优先级",
    "public_token": "号票凭证",
    "reason": "原因",
    "reasons": "评价原因",
    "role": "角色",
    "service_id": "业务编号",
    "service_ids": "业务列表",
    "since": "起始序号",
    "staff_id": "工作人员编号",
    "staff_no": "工号",
    "target_handle_minutes": "目标办理时长（分钟）",
    "target_wait_minutes": "目标等候时长（分钟）",
    "ticket_id": "号票编号",
    "request_id": "取号请求编号",
    "timezone": "时区",
    "to": "结束日期",
    "window_id": "窗口编号",
    "appointment_code": "预约码",
    "id_no": "证件号码",
    "id_type": "证件类型",
    "phone": "手机号码",
    "slot_start": "预约时段",
    "appointment_quota": "每时段预约名额",
    "appointment_slot_minutes": "预约时段长度（分钟）",
    "appointment_days_ahead": "可预约工作日数",
    "item_code": "事项编码",
}

# What a field must look like when it fails its pattern.
PATTERN_HINTS = {
    "prefix": "应为 1–4 个大写字母（A–Z）",
    "request_id": "只能包含字母、数字、- 和 _",
    "appointment_code": "应为 6 位数字",
    "phone": "应为手机或电话号码（数字，可带 +、- 和空格）",
    "item_code": "只能含字母、数字和 - _ .（省平台的事项编码）",
}


def field_label(loc: Sequence[Any]) -> str:
    """`业务列表 service_ids 第 2 项` for ("body", "service_ids", 1)."""
    parts = [p for p in loc if p not in ("body", "query", "path", "header")]
    if not parts:
        return "请求内容"
    names = [p for p in parts if isinstance(p, str)]
    if not names:
        return "请求内容"
    last = names[-1]
    label = f"{FIELD_NAMES[last]} {last}" if last in FIELD_NAMES else last
    items = [p for p in parts[parts.index(last) + 1 :] if isinstance(p, int)]
    return label + "".join(f" 第 {i + 1} 项" for i in items)


def explain(err: dict[str, Any]) -> str:
    """What is wrong with one field, in Chinese."""
    kind = str(err.get("type", ""))
    ctx = err.get("ctx") if isinstance(err.get("ctx"), dict) else {}
    assert isinstance(ctx, dict)
    loc = err.get("loc", ())
    last = next((p for p in reversed(loc) if isinstance(p, str)), "")
    if kind == "value_error" and isinstance(ctx.get("error"), ValueError):
        message = str(ctx["error"])
        return message if _is_chinese(message) else "格式不正确"
    if kind in ("string_too_short", "too_short"):
        minimum = ctx.get("min_length", 1)
        if minimum == 1:
            return "不能为空"
        return f"至少 {minimum} {_unit(kind, err)}"
    if kind in ("string_too_long", "too_long"):
        return f"最多 {ctx.get('max_length')} {_unit(kind, err)}"
    if kind == "string_pattern_mismatch":
        return PATTERN_HINTS.get(last, "格式不正确")
    return SIMPLE.get(kind) or _with_context(kind, ctx) or "格式不正确"


def _unit(kind: str, err: dict[str, Any]) -> str:
    if kind.startswith("string") or isinstance(err.get("input"), str):
        return "个字符"
    return "项"


def _with_context(kind: str, ctx: dict[str, Any]) -> str | None:
    if kind == "greater_than_equal":
        return f"不能小于 {ctx.get('ge')}"
    if kind == "greater_than":
        return f"应大于 {ctx.get('gt')}"
    if kind == "less_than_equal":
        return f"不能大于 {ctx.get('le')}"
    if kind == "less_than":
        return f"应小于 {ctx.get('lt')}"
    if kind in ("enum", "literal_error"):
        expected = str(ctx.get("expected", "")).replace(" or ", "、").replace(", ", "、")
        return f"只能是 {expected}"
    return None


SIMPLE = {
    "missing": "必填",
    "int_parsing": "应为整数",
    "int_type": "应为整数",
    "int_from_float": "应为整数",
    "float_parsing": "应为数字",
    "float_type": "应为数字",
    "bool_parsing": "应为 true 或 false",
    "bool_type": "应为 true 或 false",
    "string_type": "应为文本",
    "string_unicode": "应为有效的 Unicode 文本",
    "list_type": "应为列表",
    "tuple_type": "应为列表",
    "dict_type": "应为对象",
    "model_type": "应为对象",
    "model_attributes_type": "应为对象",
    "json_invalid": "不是有效的 JSON",
    "json_type": "应为 JSON",
    "date_parsing": "应为 YYYY-MM-DD 格式的日期",
    "date_from_datetime_parsing": "应为 YYYY-MM-DD 格式的日期",
    "date_from_datetime_inexact": "应为 YYYY-MM-DD 格式的日期",
    "date_type": "应为 YYYY-MM-DD 格式的日期",
    "datetime_parsing": "应为 ISO 8601 格式的时间",
    "datetime_from_date_parsing": "应为 ISO 8601 格式的时间",
    "datetime_type": "应为 ISO 8601 格式的时间",
    "extra_forbidden": "不是可接受的字段",
    "finite_number": "应为有限的数字",
    "recursion_loop": "嵌套过深",
}


def describe(errors: Sequence[dict[str, Any]]) -> str:
    """The whole 422 detail: every problem, each naming its field."""
    problems = [f"{field_label(err.get('loc', ()))}：{explain(err)}" for err in errors]
    return "请求内容不正确：" + "；".join(dict.fromkeys(problems)) + "。"


def _is_chinese(message: str) -> bool:
    return any("\u4e00" <= c <= "\u9fff" for c in message)
