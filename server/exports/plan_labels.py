"""Titles shared by the plan's printout (server/cli/plan_report.py) and its workbook."""

from __future__ import annotations

from typing import Any


def target_text(report: dict[str, Any]) -> str:
    share = f"{100 - round(report['target_share'] * 100)}%"
    if report["target_minutes"] is not None:
        return f"每小时各业务 {share} 的人在 {report['target_minutes']} 分钟内叫号"
    own = "、".join(f"{s['name']} {s['target_minutes']} 分钟" for s in report["services"])
    return f"每小时各业务 {share} 的人在本业务目标等候时间内叫号（{own}）"


def heading(report: dict[str, Any]) -> str:
    return (
        f"{report['hall_name']}（{report['hall_code']}）{report['day']}"
        f"（{report['day_class_label']}）开窗建议"
    )


def current_name(report: dict[str, Any]) -> str:
    day = report["current_day"]
    return f"现行（{day} 实际开窗）" if day else "现行（全部窗口）"
