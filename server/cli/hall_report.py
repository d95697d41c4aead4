"""What `govqueue admin apply` prints: the changes, then new tokens and passwords (once)."""

from __future__ import annotations

from pathlib import Path

from rich.console import Console
from rich.markup import escape

from server.commands.hall_setup import KIND_LABELS, ROLE_LABELS, SECTIONS, ApplyResult


def print_result(
    console: Console,
    file: Path,
    result: ApplyResult,
    *,
    dry_run: bool,
    shared_password: str | None,
) -> None:
    hall = f"大厅 {result.hall_code}（{result.hall_name}）"
    if not result.changed:
        console.print(f"[green]无变更：{hall}已与 {file} 一致。[/green]", soft_wrap=True)
        _untouched(console, result)
        _warnings(console, result)
        return
    verb = "将" if dry_run else "已"
    for book, action in ((result.created, "新建"), (result.updated, "修改")):
        for section, items in book.items():
            console.print(
                f"{verb}{action}{SECTIONS[section]} {len(items)} 项：{escape('；'.join(items))}",
                soft_wrap=True,
            )
    _untouched(console, result)
    _warnings(console, result)
    if dry_run:
        console.print(f"[yellow]试运行（--dry-run）：{hall}没有任何修改。[/yellow]", soft_wrap=True)
        return
    console.print(f"[green]{hall}已按 {file} 设置完成。[/green]", soft_wrap=True)
    if result.devices:
        console.print("新设备的令牌（只显示这一次：请立即配置到各设备上；丢失只能吊销后重建）：")
        for d in result.devices:
            window = f"（{d.window} 号窗口）" if d.window else ""
            console.print(
                f"  {KIND_LABELS[d.kind]}“{escape(d.label)}”{window}：{d.token}", soft_wrap=True
            )
    if result.accounts:
        if shared_password:
            names = "、".join(f"{a.staff_no} {a.name}" for a in result.accounts)
            console.print(
                f"新账号（{escape(names)}）的初始密码取自环境变量 {shared_password}；请本人登录后修改。",
                soft_wrap=True,
            )
            return
        console.print("新账号的初始密码（只显示这一次：请转交本人，登录后修改）：")
        for a in result.accounts:
            console.print(
                f"  {a.staff_no} {escape(a.name)}（{ROLE_LABELS[a.role]}）：{a.password}",
                soft_wrap=True,
            )


def _untouched(console: Console, result: ApplyResult) -> None:
    if result.untouched:
        parts = [
            f"{SECTIONS[s]} {escape('、'.join(items))}" for s, items in result.untouched.items()
        ]
        console.print(f"文件中没有写、保持不变：{'；'.join(parts)}", soft_wrap=True)


def _warnings(console: Console, result: ApplyResult) -> None:
    for warning in result.warnings:
        console.print(f"[yellow]注意：{escape(warning)}[/yellow]", soft_wrap=True)
