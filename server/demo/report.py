"""Printing the day's indicators as tables (Chinese headings)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.table import Table

from client.records import IndicatorsOut

if TYPE_CHECKING:
    from server.demo.simulation import Tally

REFUSALS = {
    "service_closed": "不在取号时间内",
    "daily_limit_reached": "当日号源已取完",
    "service_disabled": "业务已停用",
}


def duration(seconds: float | None) -> str:
    if seconds is None:
        return "—"
    s = round(seconds)
    if s >= 3600:
        return f"{s // 3600}:{s % 3600 // 60:02d}:{s % 60:02d}"
    return f"{s // 60}:{s % 60:02d}"


def percent(rate: float | None) -> str:
    return "—" if rate is None else f"{rate * 100:.1f}%"


def number(value: Any) -> str:
    return "—" if value is None else str(value)


def score(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}"


EFFICIENCY_COLUMNS: list[tuple[str, str, Any]] = [
    ("取号量", "issued", number),
    ("办结量", "served", number),
    ("平均等候", "wait_avg_s", duration),
    ("等候P90", "wait_p90_s", duration),
    ("超时等候率", "over_target_wait_rate", percent),
    ("平均办理", "handle_avg_s", duration),
    ("按时办理率", "on_time_handle_rate", percent),
]

QUALITY_COLUMNS: list[tuple[str, str, Any]] = [
    ("参评率", "evaluated_rate", percent),
    ("满意率", "satisfaction_rate", percent),
    ("非常满意率", "very_satisfied_rate", percent),
    ("差评", "bad_count", number),
    ("过号率", "no_show_rate", percent),
    ("转办", "transferred", number),
    ("弃号", "abandoned", number),
]

WINDOW_COLUMNS: list[tuple[str, str, Any]] = [
    ("办结量", "served", number),
    ("平均办理", "handle_avg_s", duration),
    ("按时办理率", "on_time_handle_rate", percent),
    ("窗口利用率", "window_utilization", percent),
    ("暂停时长", "paused_s", duration),
    ("满意率", "satisfaction_rate", percent),
    ("平均评分", "avg_level", score),
]


def table(
    title: str, first: str, result: IndicatorsOut, columns: list[tuple[str, str, Any]]
) -> Table:
    t = Table(title=title, title_style="bold", header_style="bold cyan", show_lines=False)
    t.add_column(first)
    for heading, _, _ in columns:
        t.add_column(heading, justify="right")
    for row in result.rows:
        t.add_row(row.label, *(fmt(row.values.get(key)) for _, key, fmt in columns))
    total = result.total
    t.add_row(
        "[bold]合计[/bold]", *(f"[bold]{fmt(total.get(key))}[/bold]" for _, key, fmt in columns)
    )
    return t


def print_report(
    console: Console, day: str, by_service: IndicatorsOut, by_window: IndicatorsOut
) -> None:
    console.print()
    console.print(
        table(
            f"{day} 办事效率（按业务；时长为 [时:]分:秒）", "业务", by_service, EFFICIENCY_COLUMNS
        )
    )
    console.print(table(f"{day} 满意度与异常办理（按业务）", "业务", by_service, QUALITY_COLUMNS))
    console.print(table(f"{day} 窗口服务（按窗口）", "窗口", by_window, WINDOW_COLUMNS))
    total = by_service.total
    paused = (
        "、".join(f"{k} {duration(v)}" for k, v in total.get("paused_by_reason_s", {}).items())
        or "无"
    )
    console.print(
        f"办理结果：补正 {total['outcome_supplement']} · 退件 {total['outcome_returned']} · "
        f"不予受理 {total['outcome_rejected']} · 超时办理 {total['over_target_handle']}\n"
        f"平均评分 {score(total['avg_level'])} · 差评率 {percent(total['bad_rate'])} · "
        f"差评整改率 {percent(total['rectified_rate'])}（整改期限 15 个工作日）\n暂停服务：{paused}"
    )


def print_totals(console: Console, tally: Tally, by_service: IndicatorsOut) -> None:
    """The day in numbers, and how they relate to the tables' 取号量."""
    t = tally
    refused = "、".join(
        f"{REFUSALS.get(code, code)} {n} 次" for code, n in sorted(t.refused.items())
    )
    console.print(
        f"取号机取号 {t.issued} 张{f'（另有取号被拒：{refused}）' if refused else ''}，"
        f"办结 {t.served}，过号 {t.no_shows}（其中 {t.requeued} 人回来重新排队），"
        f"转办 {t.transfers}，评价 {t.evaluations}。",
        soft_wrap=True,
    )
    in_tables = by_service.total["issued"]
    console.print(
        f"表中“取号量”合计 {in_tables} = 取号机取号 {t.issued} + 转办生成的新号 {t.transfers}"
        "（转办时原号记为“已转办”，在新业务下另发一张号重新排队，两张都计入取号量）。",
        soft_wrap=True,
    )
    if in_tables != t.issued + t.transfers:  # would be a bug: say it rather than hide it
        console.print(
            f"[red]注意：表中取号量 {in_tables} 与取号机取号加转办 {t.issued + t.transfers} 不一致。[/red]"
        )
