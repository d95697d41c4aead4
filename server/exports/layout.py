"""What the export shows: Chinese headings, value kinds and widths of every sheet's columns."""

from __future__ import annotations

from dataclasses import dataclass

from server.domain.texts import text

XLSX_MAX_ROWS = 1_048_576
ROWS_PER_SHEET = XLSX_MAX_ROWS - 1  # one header row


@dataclass(frozen=True)
class Column:
    heading: str
    key: str
    kind: str  # int, dur (seconds), sec (seconds as a number), pct, score, text, time, day
    width: float = 0.0


# Indicator columns of the grouping sheets (keys of docs/indicators.md).
INDICATOR_COLUMNS = [
    Column("取号量", "issued", "int"),
    Column("办结量", "served", "int"),
    Column("平均等候时长", "wait_avg_s", "dur"),
    Column("等候时长中位数", "wait_median_s", "dur"),
    Column("等候时长P90", "wait_p90_s", "dur"),
    Column("最长等候", "wait_max_s", "dur"),
    Column("超时等候量", "over_target_wait", "int"),
    Column("超时等候率", "over_target_wait_rate", "pct"),
    Column("平均办理时长", "handle_avg_s", "dur"),
    Column("办理时长中位数", "handle_median_s", "dur"),
    Column("办理时长P90", "handle_p90_s", "dur"),
    Column("最长办理", "handle_max_s", "dur"),
    Column("按时办理率", "on_time_handle_rate", "pct"),
    Column("超时办理量", "over_target_handle", "int"),
    Column("办理总时长", "handled_s", "dur"),
    Column("窗口开放时长", "window_open_s", "dur"),
    Column("窗口利用率", "window_utilization", "pct"),
    Column("暂停时长", "paused_s", "dur"),
    Column("参评量", "evaluated", "int"),
    Column("参评率", "evaluated_rate", "pct"),
    Column("申诉成立(不计满意率)", "appeal_excluded", "int"),
    Column("满意率", "satisfaction_rate", "pct"),
    Column("非常满意率", "very_satisfied_rate", "pct"),
    Column("差评量", "bad_count", "int"),
    Column("差评率", "bad_rate", "pct"),
    Column("平均评分", "avg_level", "score"),
    Column("差评整改率", "rectified_rate", "pct"),
    Column("按期整改率", "rectified_on_time_rate", "pct"),
    Column("回访率", "followup_rate", "pct"),
    Column("过号率", "no_show_rate", "pct"),
    Column("弃号量", "abandoned", "int"),
    Column("办结", "outcome_done", "int"),
    Column("补正", "outcome_supplement", "int"),
    Column("补正率", "outcome_supplement_rate", "pct"),
    Column("退件", "outcome_returned", "int"),
    Column("退件率", "outcome_returned_rate", "pct"),
    Column("不予受理", "outcome_rejected", "int"),
    Column("不予受理率", "outcome_rejected_rate", "pct"),
    Column("转办量", "transferred", "int"),
    Column("投诉量", "complaints", "int"),
    Column("投诉办结量", "complaints_closed", "int"),
    Column("投诉办结率", "complaint_closed_rate", "pct"),
    Column("投诉按时办结率", "complaint_on_time_rate", "pct"),
    Column("投诉平均处理时长", "complaint_handle_avg_s", "dur"),
    Column("预约量", "appointments", "int"),
    Column("预约签到量", "appointments_checked_in", "int"),
    Column("失约量", "appointments_missed", "int"),
    Column("预约到场率", "appointment_show_rate", "pct"),
    Column("预约准时率", "appointment_on_time_rate", "pct"),
    Column("平均预约等候", "appointment_wait_avg_s", "dur"),
]
INDICATOR_BY_KEY = {c.key: c for c in INDICATOR_COLUMNS}

# The summary sheet: sections of headline indicators.
SUMMARY_SECTIONS: list[tuple[str, list[str]]] = [
    (
        "办事效率",
        [
            "issued",
            "served",
            "wait_avg_s",
            "wait_median_s",
            "wait_p90_s",
            "wait_max_s",
            "over_target_wait_rate",
            "handle_avg_s",
            "handle_p90_s",
            "on_time_handle_rate",
            "window_utilization",
            "paused_s",
        ],
    ),
    (
        "评价满意率（好差评）",
        [
            "evaluated",
            "evaluated_rate",
            "appeal_excluded",
            "satisfaction_rate",
            "very_satisfied_rate",
            "bad_count",
            "bad_rate",
            "avg_level",
            "rectified_rate",
            "rectified_on_time_rate",
            "followup_rate",
        ],
    ),
    (
        "异常办理",
        [
            "no_show_rate",
            "abandoned",
            "outcome_supplement",
            "outcome_returned",
            "outcome_rejected",
            "transferred",
            "over_target_handle",
        ],
    ),
    (
        "投诉处理",
        [
            "complaints",
            "complaints_closed",
            "complaint_closed_rate",
            "complaint_on_time_rate",
            "complaint_handle_avg_s",
        ],
    ),
    (
        "预约",
        [
            "appointments",
            "appointments_checked_in",
            "appointments_missed",
            "appointment_show_rate",
            "appointment_on_time_rate",
            "appointment_wait_avg_s",
        ],
    ),
]

GROUPING_SHEETS = {
    "day": ("按日", "日期"),
    "hour": ("按时段", "时段（取号时间）"),
    "hall": ("按大厅", "大厅"),
    "service": ("按事项", "业务事项"),
    "window": ("按窗口", "窗口"),
    "staff": ("按人员", "工作人员（工号）"),
}

# 明细: one row per ticket (rendered by server/queries/stats/detail_rows.py, in this order).
TICKET_COLUMNS = [
    Column("号票编号", "ticket_id", "int", 10),
    Column("业务日期", "business_day", "day", 12),
    Column("大厅", "hall_name", "text", 20),
    Column("号码", "number", "text", 8),
    Column("业务事项", "service_name", "text", 16),
    Column("优先级", "priority", "text", 10),
    Column("取号方式", "source", "text", 10),
    Column("状态", "status", "text", 8),
    Column("办理结果", "outcome", "text", 10),
    Column("取号时间", "issued_at", "time", 20),
    Column("首次叫号时间", "called_at", "time", 20),
    Column("开始办理时间", "serving_started_at", "time", 20),
    Column("办结时间", "finished_at", "time", 20),
    Column("等候时长(秒)", "wait_s", "sec", 13),
    Column("走到窗口(秒)", "walk_s", "sec", 13),
    Column("办理时长(秒)", "handle_s", "sec", 13),
    Column("总时长(秒)", "total_s", "sec", 12),
    Column("目标等候(分)", "target_wait_min", "int", 13),
    Column("目标办理(分)", "target_handle_min", "int", 13),
    Column("窗口", "window_number", "text", 8),
    Column("工号", "staff_no", "text", 12),
    Column("工作人员", "staff_name", "text", 10),
    Column("重呼次数", "recall_count", "int", 9),
    Column("过号次数", "no_show_count", "int", 9),
    Column("转至号码", "transferred_to", "text", 10),
    Column("评价等级", "evaluation_level", "int", 9),
    Column("评价时间", "evaluated_at", "time", 20),
    Column("预约时段开始", "slot_start", "time", 20),
    Column("申诉", "appeal", "text", 24),
]

RECTIFICATION_COLUMNS = [
    Column("整改编号", "id", "int", 9),
    Column("号码", "ticket_number", "text", 8),
    Column("业务日期", "business_day", "day", 12),
    Column("业务事项", "service_name", "text", 16),
    Column("窗口", "window_number", "text", 8),
    Column("工号", "staff_no", "text", 12),
    Column("工作人员", "staff_name", "text", 10),
    Column("评价等级", "level", "int", 9),
    Column("差评原因", "reasons", "text", 24),
    Column("评价意见", "comment", "text", 30),
    Column("状态", "state_text", "text", 8),
    Column("登记时间", "opened_at", "time", 20),
    Column("整改期限", "deadline", "time", 20),
    Column("整改时间", "rectified_at", "time", 20),
    Column("是否逾期", "overdue", "text", 9),
    Column("整改措施", "measures", "text", 30),
    Column("回访时间", "followup_at", "time", 20),
    Column("回访方式", "followup_way", "text", 9),
    Column("回访情况", "followup_result", "text", 24),
    Column("回访是否满意", "followup_satisfied", "text", 12),
]

COMPLAINT_COLUMNS = [
    Column("投诉编号", "id", "int", 9),
    Column("受理时间", "received_at", "time", 20),
    Column("渠道", "channel_text", "text", 11),
    Column("投诉内容", "content", "text", 40),
    Column("投诉人", "complainant_name", "text", 9),
    Column("联系电话", "complainant_phone", "text", 14),
    Column("号码", "ticket_number", "text", 8),
    Column("窗口编号", "window_id", "int", 9),
    Column("工号", "staff_no", "text", 12),
    Column("状态", "state_text", "text", 8),
    Column("办结期限", "deadline", "time", 20),
    Column("处理结果", "result", "text", 30),
    Column("最近处理时间", "handled_at", "time", 20),
    Column("办结时间", "closed_at", "time", 20),
    Column("是否超期", "overdue", "text", 9),
]

SOURCE_TEXT = {
    "kiosk": "自助取号",
    "appointment": "预约",
    "mobile": "手机取号",
    "staff": "窗口代取",
    "transfer": "转办",
}
# 申诉 of a rating, in the 明细: an upheld one says that 满意率 leaves it out
APPEAL_TEXT = {
    "upheld": "申诉成立（不计入满意率）",
    "rejected": "申诉未成立",
    "pending": "申诉中",
}
FOLLOW_UP_TEXT = {"phone": "电话", "sms": "短信", "visit": "上门", "online": "网上"}


def code_text(field: str, value: str | None) -> str | None:
    """Chinese for the coded values of the 明细 (status, outcome, priority, source, appeal)."""
    if value is None:
        return None
    if field == "source":
        return SOURCE_TEXT.get(value, value)
    if field == "appeal":
        return APPEAL_TEXT.get(value, value)
    prefix = {"status": "status", "outcome": "outcome", "priority": "priority"}[field]
    return text(f"{prefix}.{value}")


def display_width(value: str) -> float:
    """Width in Excel character units: a CJK character counts two."""
    return sum(2.0 if ord(ch) > 0x2E80 else 1.0 for ch in value)
