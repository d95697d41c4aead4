"""What the desk's labels say, from the model and the time: pure functions, tested directly."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from app_shell.timefmt import HALL_ZONE, duration_text, local, timer_text
from client.desk import DeskWindow, Figures, QueuedTicket, TodayFigures, WindowQueue
from window_client.desk_model import DeskModel
from window_client.texts import text

GREEN_MARK = "★"  # with the words 绿色通道, never colour alone
APPOINTMENT_MARK = "预"  # 预约, in the queue's short lists (the word 预约 on the card)


@dataclass(frozen=True)
class TicketLines:
    number: str
    service: str
    green: bool
    status: str
    waited: str  # 等候 12分钟
    timer_label: str  # 办理用时 / 已叫号
    timer: str  # 04:07
    note: str  # 由 A003 转入 · 已重呼 1 次
    appointment: str = ""  # 预约 10:00–10:30 (empty: a walk-in)
    applicant: str = ""  # 申请人 张小三 · 证件尾号 1234 (the clerk's screen only)


def slot_text(start: datetime, end: datetime) -> str:
    """An appointment's slot in the hall's time: 10:00–10:30."""
    return f"{local(start, HALL_ZONE):%H:%M}–{local(end, HALL_ZONE):%H:%M}"


def _seconds(start: datetime | None, end: datetime) -> float:
    return 0.0 if start is None else max(0.0, (end - start).total_seconds())


def ticket_lines(model: DeskModel, now: datetime) -> TicketLines | None:
    t = model.ticket
    if t is None:
        return None
    status = t.status
    if status == "done":
        outcome = model.outcome
        shown = (
            text("desk.status.done", outcome=text(f"outcome.{outcome}"))
            if outcome
            else text("desk.status.done_plain")
        )
    elif status == "transferred":
        shown = (
            text("desk.status.transferred", number=model.transferred_to)
            if model.transferred_to
            else text("desk.status.transferred_plain")
        )
    else:
        shown = text(f"desk.status.{status}")
    waited_until = t.called_at or now
    waited = text("desk.waited", duration=duration_text(_seconds(t.entered_queue_at, waited_until)))
    timer_label, timer = "", ""
    if status == "serving":
        timer_label = text("desk.handling")
        timer = timer_text(_seconds(t.serving_started_at, now))
    elif status == "called":
        since = t.last_called_at or t.called_at
        timer_label = text("desk.called_for", timer="").strip()
        timer = timer_text(_seconds(since, now))
    notes = []
    if t.transferred_from:
        notes.append(text("desk.transferred_from", number=t.transferred_from))
    if t.rejoined:
        notes.append(text("desk.rejoined"))
    if t.recall_count and status == "called":
        notes.append(text("desk.recalls", count=t.recall_count))
    booked = t.appointment
    applicant = []
    if booked is not None and booked.name:
        applicant.append(text("desk.applicant", name=booked.name))
    if booked is not None and booked.id_no:
        applicant.append(text("desk.id_tail", digits=booked.id_no[-4:]))
    return TicketLines(
        number=t.number,
        service=t.service_name,
        green=t.priority != "normal",
        status=shown,
        waited=waited,
        timer_label=timer_label,
        timer=timer,
        note=" · ".join(notes),
        appointment=(
            text("desk.appointment", slot=slot_text(booked.slot_start, booked.slot_end))
            if booked is not None
            else ""
        ),
        applicant=" · ".join(applicant),
    )


@dataclass(frozen=True)
class IdleLines:
    """The card when no ticket is at the desk: what to do, and the last ticket handled."""

    chip: str  # 空闲 / 暂停服务
    headline: str  # 请按 F1 叫号 / 暂停服务
    detail: str  # 原因：会议 · 已暂停 5分钟 · 按 F9 恢复
    last: str  # 上一位 A002 户籍办理 · 已过号（F6 过号重排 · F8 取消）
    paused: bool


def idle_lines(model: DeskModel, now: datetime) -> IdleLines:
    window = model.window
    paused = window is not None and window.state == "paused"
    if paused and window is not None:
        since = duration_text(_seconds(window.state_since, now)) if window.state_since else ""
        parts = [text("desk.idle.reason", reason=window.pause_reason or text("desk.fig.none"))]
        if since:
            parts.append(text("desk.idle.paused_for", duration=since))
        parts.append(text("desk.idle.resume_hint"))
        chip, headline, detail = (
            text("desk.state.paused_plain"),
            text("desk.state.paused_plain"),
            " · ".join(parts),
        )
    else:
        chip, headline, detail = text("desk.idle.chip"), text("desk.no_ticket"), ""
    last = ""
    lines = ticket_lines(model, now)
    if lines is not None and model.active_ticket is None:
        last = text(
            "desk.idle.last", number=lines.number, service=lines.service, status=lines.status
        )
        if model.ticket is not None and model.ticket.status == "no_show":
            last += text("desk.idle.no_show_hint")
    return IdleLines(chip, headline, detail, last, paused)


def window_title(window: DeskWindow | None) -> str:
    return text("desk.window", number=window.number) if window else ""


def window_state(window: DeskWindow | None) -> str:
    if window is None:
        return ""
    if window.state == "paused":
        if window.pause_reason:
            return text("desk.state.paused", reason=window.pause_reason)
        return text("desk.state.paused_plain")
    return text(f"desk.state.{window.state}")


def staff_line(window: DeskWindow | None) -> str:
    if window is None or not window.staff_no:
        return ""
    return text("desk.staff", name=window.staff_name or "", staff_no=window.staff_no)


def numbered(ticket: QueuedTicket) -> str:
    """'A003', '★A003' (green channel), 'A003(预)' (an appointment), 'A003(重排)' (back in
    the queue from its page)."""
    rejoined = text("desk.rejoined_mark") if ticket.rejoined else ""
    if ticket.priority != "normal":
        return f"{GREEN_MARK}{ticket.number}{rejoined}"
    if ticket.slot_start is not None:
        return f"{ticket.number}({APPOINTMENT_MARK}){rejoined}"
    return ticket.number + rejoined


@dataclass(frozen=True)
class QueueRow:
    service: str
    waiting: str
    green: str
    next_numbers: str


def queue_rows(queue: WindowQueue | None) -> list[QueueRow]:
    if queue is None:
        return []
    rows = []
    for s in queue.services:
        rows.append(
            QueueRow(
                service=s.name,
                waiting=text("desk.queue_waiting", count=s.waiting),
                green=text("desk.queue_green", count=s.green_waiting) if s.green_waiting else "",
                next_numbers="  ".join(numbered(t) for t in s.next) or text("desk.queue_next_none"),
            )
        )
    return rows


def next_up(queue: WindowQueue | None) -> str:
    """Who F1 calls next: 'B002 ★ 绿色通道 · 社保医保', or 暂无等候."""
    if queue is None or not queue.next:
        return text("desk.queue_empty")
    first = queue.next[0]
    names = {s.service_id: s.name for s in queue.services}
    green = f" {GREEN_MARK}{text('desk.green')}" if first.priority != "normal" else ""
    if not green and first.slot_start is not None and first.slot_end is not None:
        green = " " + text("desk.appointment", slot=slot_text(first.slot_start, first.slot_end))
    rejoined = text("desk.rejoined_mark") if first.rejoined else ""
    return f"{first.number}{green}{rejoined} · {names.get(first.service_id, '')}"


def _rate(value: float | None) -> str:
    return (
        text("desk.fig.none")
        if value is None
        else text("desk.fig.rate", percent=round(value * 100))
    )


def _duration(seconds: float | None) -> str:
    return text("desk.fig.none") if seconds is None else duration_text(seconds)


def _figure_values(f: Figures | None) -> list[str]:
    if f is None:
        return [text("desk.fig.none")] * 5
    satisfaction = (
        text("desk.fig.rated", percent=round(f.satisfaction_rate * 100), count=f.evaluated)
        if f.satisfaction_rate is not None
        else text("desk.fig.none")
    )
    return [
        text("desk.fig.count", count=f.served),
        _duration(f.wait_avg_s),
        _duration(f.handle_avg_s),
        _rate(f.on_time_handle_rate),
        satisfaction,
    ]


FIGURE_LABELS = ("served", "wait", "handle", "on_time", "satisfaction")


def figure_rows(today: TodayFigures | None) -> list[tuple[str, str, str]]:
    """(label, this window, this clerk) for each of today's figures."""
    window = _figure_values(today.window if today else None)
    staff = _figure_values(today.staff if today else None)
    return [
        (text(f"desk.fig.{key}"), w, s)
        for key, w, s in zip(FIGURE_LABELS, window, staff, strict=True)
    ]
