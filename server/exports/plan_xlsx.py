"""The staffing plan as a workbook: 开窗建议 (the hours, the plan and the current staffing side by
side, each figure with its range over the simulated days, a chart of windows per hour) and
业务与窗口 (what the simulation was built from)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import xlsxwriter

from server.exports.plan_labels import current_name, heading, target_text

SECONDS_PER_DAY = 86400.0
FIGURES = [  # (heading, key, kind)
    ("平均等候", "wait_avg_s", "dur"),
    ("等候P90", "wait_p90_s", "dur"),
    ("超时等候率", "over_target_wait_rate", "pct"),
]


def _value(value: Any, kind: str) -> Any:
    if value is None:
        return None
    return value / SECONDS_PER_DAY if kind == "dur" else value


def write_plan_xlsx(report: dict[str, Any], path: Path) -> None:
    book = xlsxwriter.Workbook(str(path))
    base = {"font_name": "等线", "font_size": 10}
    title = book.add_format({**base, "bold": True, "font_size": 14})
    note = book.add_format({**base, "font_color": "#555555"})
    head = book.add_format(
        {
            **base,
            "bold": True,
            "bg_color": "#DDEBF7",
            "border": 1,
            "text_wrap": True,
            "align": "center",
            "valign": "vcenter",
        }
    )
    plain = book.add_format({**base, "border": 1})
    formats = {
        "dur": book.add_format({**base, "border": 1, "num_format": "[m]:ss"}),
        "pct": book.add_format({**base, "border": 1, "num_format": "0.0%"}),
        "num": book.add_format({**base, "border": 1, "num_format": "0.0"}),
        "int": book.add_format({**base, "border": 1, "num_format": "0"}),
    }
    bold = {
        k: book.add_format({**base, "border": 1, "bold": True, "num_format": f.num_format})
        for k, f in formats.items()
    }

    sheet = book.add_worksheet("开窗建议")
    sheet.write(0, 0, heading(report), title)
    sheet.write(1, 0, f"目标：{target_text(report)}", note)
    sheet.write(
        2,
        0,
        f"历史 {report['from']} 至 {report['to']}；模拟 {report['runs']} 天（种子 {report['seed']}）；"
        "“低/高”为 80% 的模拟日所在范围；等候时长为 分:秒。",
        note,
    )
    columns: list[tuple[str, str, str, str]] = [("预计取号", "", "arrivals", "num")]
    for side, name in (("plan", "建议"), ("current", current_name(report))):
        columns.append((f"{name}·窗口数", side, "open", "num" if side == "current" else "int"))
        if side == "plan":
            columns.append((f"{name}·开哪些窗口", side, "windows", "text"))
        for heading_, key, kind in FIGURES:
            columns.append((f"{name}·{heading_}", side, key, kind))
            columns.append((f"{name}·{heading_}（低）", side, f"{key}_range:0", kind))
            columns.append((f"{name}·{heading_}（高）", side, f"{key}_range:1", kind))
    top = 4
    sheet.set_row(top, 42)
    sheet.write(top, 0, "时段", head)
    for c, (name, *_rest) in enumerate(columns, start=1):
        sheet.write(top, c, name, head)

    def cell(row: dict[str, Any], side: str, key: str) -> Any:
        source = row if not side else row[side]
        if ":" in key:
            name, index = key.split(":")
            pair = source.get(name)
            return None if pair is None else pair[int(index)]
        value = source.get(key)
        return "、".join(value) if isinstance(value, list) else value

    rows = report["hours"]
    for r, row in enumerate(rows, start=top + 1):
        sheet.write(r, 0, row["label"], plain)
        for c, (_, side, key, kind) in enumerate(columns, start=1):
            value = cell(row, side, key)
            if kind == "text":
                sheet.write(r, c, value or "", plain)
            elif value is None:
                sheet.write_blank(r, c, None, formats[kind])
            else:
                sheet.write_number(r, c, _value(value, kind), formats[kind])
    total_row = top + 1 + len(rows)
    sheet.write(total_row, 0, "全天", bold["int"])
    total = {
        "arrivals": report["total"]["arrivals"],
        "plan": {
            **report["total"]["plan"],
            "open": report["total"]["plan"]["window_hours"],
            "windows": ["窗口·时"],
        },
        "current": {
            **report["total"]["current"],
            "open": report["total"]["current"]["window_hours"],
        },
    }
    for c, (_, side, key, kind) in enumerate(columns, start=1):
        value = cell(total, side, key)
        if kind == "text":
            sheet.write(total_row, c, value or "", bold["int"])
        elif value is None:
            sheet.write_blank(total_row, c, None, bold[kind])
        else:
            sheet.write_number(total_row, c, _value(value, kind), bold[kind])
    sheet.set_column(0, 0, 13)
    sheet.set_column(1, len(columns), 11)
    for r, text_ in enumerate(report["notes"], start=total_row + 2):
        sheet.write(r, 0, f"· {text_}", note)
    sheet.freeze_panes(top + 1, 1)

    chart = book.add_chart({"type": "column"})
    first, last = top + 1, top + len(rows)
    for c, (name, side, key, _) in enumerate(columns, start=1):
        if key == "open":
            chart.add_series(
                {
                    "name": name.split("·")[0],
                    "categories": ["开窗建议", first, 0, last, 0],
                    "values": ["开窗建议", first, c, last, c],
                    "fill": {"color": "#0B3D91" if side == "plan" else "#C9A227"},
                }
            )
    chart.set_title({"name": "各时段开放窗口数"})
    chart.set_y_axis({"name": "窗口", "min": 0, "major_gridlines": {"visible": True}})
    chart.set_size({"width": 720, "height": 300})
    sheet.insert_chart(total_row + 3 + len(report["notes"]), 0, chart)

    basis = book.add_worksheet("业务与窗口")
    basis.write(0, 0, "业务（办理时长 = 叫号到办结的窗口占用，含走到窗口、过号的呼叫）", title)
    heads = [
        "业务",
        "前缀",
        "目标等候（分）",
        "历史号票",
        "预计当日取号",
        "办理记录数",
        "平均占用",
        "占用P90",
        "绿色通道占比",
    ]
    for c, h in enumerate(heads):
        basis.write(1, c, h, head)
    for r, s in enumerate(report["services"], start=2):
        basis.write(r, 0, s["name"], plain)
        basis.write(r, 1, s["prefix"], plain)
        basis.write_number(r, 2, s["target_minutes"], formats["int"])
        basis.write_number(r, 3, s["history_tickets"], formats["int"])
        basis.write_number(r, 4, s["expected_tickets"], formats["num"])
        basis.write_number(r, 5, s["occupancy_samples"], formats["int"])
        basis.write_number(r, 6, s["occupancy_avg_s"] / SECONDS_PER_DAY, formats["dur"])
        if s["occupancy_p90_s"] is None:
            basis.write_blank(r, 7, None, formats["dur"])
        else:
            basis.write_number(r, 7, s["occupancy_p90_s"] / SECONDS_PER_DAY, formats["dur"])
        basis.write_number(r, 8, s["green_share"], formats["pct"])
    at = len(report["services"]) + 4
    basis.write(at, 0, "窗口（办理业务按优先顺序）", title)
    basis.write(at + 1, 0, "窗口", head)
    basis.write(at + 1, 1, "办理业务", head)
    for r, w in enumerate(report["windows"], start=at + 2):
        basis.write(r, 0, f"{w['number']}号窗口", plain)
        basis.write(r, 1, " → ".join(w["services"]), plain)
    days = report["basis_days"]
    top = at + 4 + len(report["windows"])
    basis.write(top, 0, f"预计取号（每小时，按业务；“{report['basis_class_label']}”的平均）", title)
    basis.write(top + 1, 0, "时段", head)
    for c, s in enumerate(report["services"], start=1):
        basis.write(top + 1, c, s["name"], head)
    for r, row in enumerate(report["hours"], start=top + 2):
        basis.write(r, 0, row["label"], plain)
        for c, s in enumerate(report["services"], start=1):
            n = row["arrivals_by_service"].get(str(s["service_id"]), 0.0)
            basis.write_number(r, c, n, formats["num"])
    basis.write(
        top + 3 + len(report["hours"]),
        0,
        f"到达量按 {len(days)} 个“{report['basis_class_label']}”的平均：{'、'.join(days)}",
        note,
    )
    basis.set_column(0, 0, 14)
    basis.set_column(1, 1, 30)
    basis.set_column(2, len(heads), 12)
    book.close()
