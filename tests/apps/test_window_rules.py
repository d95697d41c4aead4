"""The window client's pure rules: which buttons apply in which state, and the rating pad's
screens and time-outs (no Qt, no server)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from client.desk import DeskTicket, DeskWindow, Figures, TodayFigures, WindowQueue
from client.wire import LiveMessage
from window_client.actions import Action, DeskSituation, enabled_actions
from window_client.desk_model import DeskModel
from window_client.present import figure_rows, idle_lines, ticket_lines
from window_client.rating import PadState, Rating, Screen, Timeouts

A = Action
ALWAYS_OPEN = {A.pause, A.close}


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        (None, {A.call, *ALWAYS_OPEN}),
        ("called", {A.recall, A.start, A.no_show, A.cancel, A.pause}),
        ("serving", {A.finish, A.transfer, A.pause}),
        ("done", {A.call, *ALWAYS_OPEN}),
        ("no_show", {A.call, A.requeue, A.cancel, *ALWAYS_OPEN}),
        ("transferred", {A.call, *ALWAYS_OPEN}),
        ("cancelled", {A.call, *ALWAYS_OPEN}),
        ("waiting", {A.call, *ALWAYS_OPEN}),  # the shown ticket was requeued
    ],
)
def test_open_window_buttons_follow_the_ticket(status: str | None, expected: set[Action]) -> None:
    assert enabled_actions(DeskSituation("open", status)) == expected


def test_paused_window_cannot_call_but_finishes_its_ticket() -> None:
    assert enabled_actions(DeskSituation("paused", None)) == {A.resume, A.close}
    assert enabled_actions(DeskSituation("paused", "serving")) == {A.resume, A.finish, A.transfer}
    called = enabled_actions(DeskSituation("paused", "called"))
    assert A.call not in called and A.close not in called and A.start in called


def test_earlier_no_shows_can_be_requeued_any_time() -> None:
    assert A.requeue in enabled_actions(DeskSituation("open", "serving", no_shows=2))
    assert A.requeue in enabled_actions(DeskSituation("open", None, no_shows=1))
    assert A.requeue not in enabled_actions(DeskSituation("open", None, no_shows=0))


@pytest.mark.parametrize(
    "situation",
    [
        DeskSituation("open", "called", pending=A.start),  # waiting for the server
        DeskSituation("open", None, live=False),  # reconnecting: the screen may be stale
        DeskSituation("closed", None),
        DeskSituation(None, None),
    ],
)
def test_nothing_is_offered_while_waiting_offline_or_closed(situation: DeskSituation) -> None:
    assert enabled_actions(situation) == frozenset()


T = Timeouts(choices_s=60, reasons_s=90, thanks_s=6, failed_s=10, offer_s=300)


def test_a_good_rating_is_sent_at_once_then_thanks_then_idle() -> None:
    pad = PadState(T)
    assert pad.ticket_finished(7, "A007", finished_at=100, now=101)
    assert (pad.screen, pad.number) == (Screen.choices, "A007")
    assert pad.choose(4, now=110) == Rating(7, 4)
    assert pad.screen is Screen.sending
    pad.sent(now=111)
    assert pad.screen is Screen.thanks
    assert not pad.tick(116) and pad.tick(117.5)
    assert pad.screen is Screen.idle and pad.ticket_id is None
    # the same ticket is never offered twice
    assert not pad.ticket_finished(7, "A007", finished_at=100, now=120)


def test_a_bad_rating_asks_reasons_and_sends_them_with_the_comment() -> None:
    pad = PadState(T)
    pad.ticket_finished(8, "B002", finished_at=0, now=0)
    assert pad.choose(2, now=5) is None and pad.screen is Screen.reasons
    pad.toggle_reason("等候时间长", now=6)
    pad.toggle_reason("服务态度差", now=7)
    pad.toggle_reason("等候时间长", now=8)  # touched again: off
    pad.set_comment("  窗口人员离岗  ", now=9)
    assert pad.submit() == Rating(8, 2, ("服务态度差",), "窗口人员离岗")


def test_no_choice_within_the_time_out_records_nothing() -> None:
    pad = PadState(T)
    pad.ticket_finished(9, "A009", finished_at=0, now=0)
    pad.touch(now=50)  # a touch extends the time-out
    assert not pad.tick(100)
    assert pad.tick(110.1) and pad.screen is Screen.idle
    assert pad.submit() is None and pad.choose(5, now=111) is None
    # a bad level chosen but never submitted records nothing either
    pad.ticket_finished(10, "A010", finished_at=200, now=200)
    pad.choose(1, now=201)
    assert pad.tick(291.5) and pad.screen is Screen.idle


def test_a_finish_during_a_rating_waits_and_an_old_one_is_not_offered() -> None:
    pad = PadState(T)
    pad.ticket_finished(1, "A001", finished_at=0, now=0)
    pad.choose(1, now=1)  # the applicant is choosing reasons
    assert not pad.ticket_finished(2, "A002", finished_at=5, now=5)
    assert pad.screen is Screen.reasons and pad.number == "A001"
    pad.submit()
    pad.sent(now=10)
    assert pad.tick(16) and (pad.screen, pad.number) == (Screen.choices, "A002")
    # an untouched offer is replaced by the next finished ticket (the applicant has left)
    assert pad.ticket_finished(3, "A003", finished_at=20, now=20) and pad.number == "A003"
    # a finish replayed long after (network blip) is not offered
    assert not pad.ticket_finished(4, "A004", finished_at=0, now=400)


def test_back_from_the_reasons_and_a_failed_send() -> None:
    pad = PadState(T)
    pad.ticket_finished(5, "A005", finished_at=0, now=0)
    pad.choose(2, now=1)
    pad.back(now=2)
    assert pad.screen is Screen.choices and pad.level is None
    assert pad.choose(3, now=3) == Rating(5, 3)
    pad.send_failed("网络故障", now=4)
    assert pad.screen is Screen.failed and pad.message == "网络故障"
    assert pad.tick(14) and pad.screen is Screen.idle


# --- the desk model: what the feed and the reloads do to it (no server, no Qt) ---------------

T0 = datetime(2026, 11, 26, 1, 0, tzinfo=UTC)


def event(seq: int, type_: str, window_id: int | None, status: str, **extra: object) -> LiveMessage:
    data = {
        "ticket_id": 7,
        "number": "A007",
        "service_id": 1,
        "service_name": "户籍办理",
        "status": status,
        "priority": "green",
        "window_id": window_id,
        "entered_queue_at": T0,
        "waiting": 3,
        **extra,
    }
    return LiveMessage(seq=seq, type=type_, at=T0 + timedelta(minutes=seq), data=data)


def queue(current: DeskTicket | None, no_shows: list[DeskTicket] | None = None) -> WindowQueue:
    window = DeskWindow(id=1, hall_id=1, number="1", state="open")
    return WindowQueue(
        business_day="2026-11-26",
        window=window,
        current=current,
        services=[],
        no_shows=no_shows or [],
    )


def test_the_feed_builds_the_ticket_at_this_window_only() -> None:
    model = DeskModel(window_id=1)
    assert not model.apply_event(event(1, "ticket.called", 2, "called"))  # another window
    assert model.ticket is None
    assert model.apply_event(event(2, "ticket.called", 1, "called"))
    assert model.apply_event(event(3, "ticket.serving", 1, "serving"))
    lines = ticket_lines(model, T0 + timedelta(minutes=7, seconds=5))
    assert lines is not None and lines.green and lines.number == "A007"
    assert (lines.timer_label, lines.timer) == ("办理用时", "04:05")
    assert lines.waited == "等候 2分钟"  # from the queue to the first call
    assert model.apply_event(event(4, "ticket.finished", 1, "done", outcome="returned"))
    assert model.active_ticket is None
    assert idle_lines(model, T0).last == "上一位  A007 户籍办理 · 已办结 · 退件"


def test_a_reload_older_than_the_feed_is_not_applied() -> None:
    model = DeskModel(window_id=1)
    asked_at = model.version
    model.apply_event(event(1, "ticket.called", 1, "called"))
    assert not model.apply_queue(queue(None), asked_at)  # stale: it would drop the call
    assert model.ticket is not None and model.ticket.status == "called"
    # a fresh reload is the truth: the called ticket was marked no-show by someone else
    gone = model.ticket.model_copy(update={"status": "no_show"})
    assert model.apply_queue(queue(None, [gone]), model.version)
    assert model.ticket is not None and model.ticket.status == "no_show"
    assert model.apply_queue(queue(None), model.version) and model.ticket.status == "no_show"


def test_figures_say_nothing_rather_than_zero_when_there_is_nothing() -> None:
    today = TodayFigures(
        business_day="2026-11-26",
        window_id=1,
        window_number="1",
        window=Figures(
            served=12,
            wait_avg_s=754.0,
            handle_avg_s=None,
            on_time_handle_rate=0.916,
            evaluated=5,
            satisfaction_rate=0.8,
        ),
        staff=None,
    )
    assert figure_rows(today) == [
        ("办结", "12 件", "—"),
        ("平均等候", "12分钟", "—"),
        ("平均办理", "—", "—"),
        ("按时办结率", "92%", "—"),
        ("满意率", "80%（5 人评价）", "—"),
    ]
