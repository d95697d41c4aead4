from __future__ import annotations

import pytest

from server.domain.enums import TicketStatus as T
from server.domain.enums import WindowState as W
from server.domain.errors import IllegalTransition
from server.domain.lifecycle import TICKET_TRANSITIONS, next_ticket_status, next_window_state

LEGAL = [
    ("call", T.waiting, T.called),
    ("recall", T.called, T.called),
    ("start", T.called, T.serving),
    ("finish", T.serving, T.done),
    ("no_show", T.called, T.no_show),
    ("requeue", T.no_show, T.waiting),
    ("transfer", T.serving, T.transferred),
    ("cancel", T.waiting, T.cancelled),
    ("cancel", T.no_show, T.cancelled),
]


@pytest.mark.parametrize(("action", "start", "end"), LEGAL)
def test_legal_ticket_transitions(action: str, start: T, end: T) -> None:
    assert next_ticket_status(action, start, number="A001") == end


def test_every_other_ticket_transition_is_refused_with_a_chinese_message() -> None:
    refused = 0
    for action, (allowed, _) in TICKET_TRANSITIONS.items():
        for status in T:
            if status in allowed:
                continue
            with pytest.raises(IllegalTransition) as info:
                next_ticket_status(action, status, number="A007")
            assert "A007" in info.value.message
            refused += 1
    # done, transferred and cancelled are final: no action leaves them
    assert refused > 30


def test_finished_ticket_cannot_be_called_again() -> None:
    with pytest.raises(IllegalTransition, match="已办结"):
        next_ticket_status("call", T.done, number="B003")


def test_window_states() -> None:
    assert next_window_state("open", W.closed, window="3") == W.open
    assert next_window_state("pause", W.open, window="3") == W.paused
    assert next_window_state("resume", W.paused, window="3") == W.open
    assert next_window_state("close", W.paused, window="3") == W.closed
    with pytest.raises(IllegalTransition, match="3 号窗口"):
        next_window_state("resume", W.open, window="3")
    with pytest.raises(IllegalTransition):
        next_window_state("pause", W.closed, window="3")
