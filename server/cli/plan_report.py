"""What `govqueue plan` prints: a Rich table on a terminal, plain lines without one."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from server.demo.report import duration, percent
from server.exports.plan_labels import current_name, heading, target_text


def _span(value: Any, low_high: list[float] | None, fmt: Any) -> tuple[str, str]:
    main = fmt(value)
    if low_high is None:
        return main, ""
    low, high = (fmt(v) for v in low_high)
    return main, (low if low == high else f"{low}–{high}")


def _cell(figures: dict[str, Any], key: str, fmt: Any) -> str:
    main, spread = _span(figures[key], figures[f"{key}_range"], fmt)
    return main if not spread else f"{main}\n[dim]{spread}[/dim]"


def _windows(numbers: list[str]) -> str:
    return "、".join(numbers) if numbers else "—"


def _open(value: float) -> str:
    return f"{value:g}"


def table(report: dict[str, Any]) -> Table:
    t = Table(
        title=f"{escape(heading(report))}\n[dim]目标：{escape(target_text(report))}[/dim]",
        title_style="bold",
        header_style="bold cyan",
        caption=(
            f"等候时长为 分:秒；每格下行为 {report['runs']} 次模拟中 80% 的日子所在的范围"
            f"（种子 {report['seed']}）"
        ),
        caption_style="dim",
    )
    t.add_column("时段")
    t.add_column("预计取号", justify="right")
    t.add_column("建议窗口", justify="right")
    t.add_column("开哪些窗口")
    for column in ("平均等候", "等候P90", "超时等候率"):
        t.add_column(column, justify="right", style="green")
    t.add_column("现行窗口", justify="right")
    for column in ("平均等候", "等候P90", "超时等候率"):
        t.add_column(column, justify="right", style="yellow")
    for row in report["hours"]:
        plan, now = row["plan"], row["current"]
        mark = "" if plan["met"] else " [red]未达标[/red]"
        t.add_row(
            row["label"],
            f"{row['arrivals']:.1f}",
            f"{plan['open']}{mark}",
            _windows(plan["windows"]),
            _cell(plan, "wait_avg_s", duration),
            _cell(plan, "wait_p90_s", duration),
            _cell(plan, "over_target_wait_rate", percent),
            _open(now["open"]),
            _cell(now, "wait_avg_s", duration),
            _cell(now, "wait_p90_s", duration),
            _cell(now, "over_target_wait_rate", percent),
        )
    plan, now = report["total"]["plan"], report["total"]["current"]
    t.add_section()
    t.add_row(
        "[bold]全天[/bold]",
        f"{report['total']['arrivals']:.1f}",
        f"{plan['window_hours']} 窗口·时",
        "",
        _cell(plan, "wait_avg_s", duration),
        _cell(plan, "wait_p90_s", duration),
        _cell(plan, "over_target_wait_rate", percent),
        f"{_open(now['window_hours'])} 窗口·时",
        _cell(now, "wait_avg_s", duration),
        _cell(now, "wait_p90_s", duration),
        _cell(now, "over_target_wait_rate", percent),
    )
    return t


def _plain(figures: dict[str, Any]) -> str:
    parts = []
    for name, key, fmt in (
        ("平均等候", "wait_avg_s", duration),
        ("等候P90", "wait_p90_s", duration),
        ("超时等候率", "over_target_wait_rate", percent),
    ):
        main, spread = _span(figures[key], figures[f"{key}_range"], fmt)
        parts.append(f"{name} {main}" + (f"（{spread}）" if spread else ""))
    return " · ".join(parts)


def lines(report: dict[str, Any]) -> list[str]:
    out = [
        heading(report),
        f"目标：{target_text(report)}；模拟 {report['runs']} 天（种子 {report['seed']}），"
        "括号内为 80% 的模拟日所在范围；等候时长为 分:秒。",
    ]
    for row in report["hours"]:
        plan, now = row["plan"], row["current"]
        flag = "" if plan["met"] else "（未达标）"
        out.append(
            f"{row['label']} 预计取号 {row['arrivals']:.1f} | 建议 {plan['open']} 个窗口{flag}"
            f"（{_windows(plan['windows'])}）：{_plain(plan)} | "
            f"现行 {_open(now['open'])} 个：{_plain(now)}"
        )
    plan, now = report["total"]["plan"], report["total"]["current"]
    out.append(
        f"全天 预计取号 {report['total']['arrivals']:.1f} | 建议 {plan['window_hours']} 窗口·时：{_plain(plan)}"
        f" | {current_name(report)} {_open(now['window_hours'])} 窗口·时：{_plain(now)}"
    )
    return out


def print_plan(console: Console, report: dict[str, Any]) -> None:
    if console.is_terminal:
        console.print(table(report))
        console.print(f"[green]▌ 建议[/green]  [yellow]▌ {escape(current_name(report))}[/yellow]")
    else:
        for line in lines(report):
            console.print(line, soft_wrap=True, markup=False, highlight=False)
    for note in report["notes"]:
        console.print(f"· {note}", soft_wrap=True, markup=False, highlight=False)
