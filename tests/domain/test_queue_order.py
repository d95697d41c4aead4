"""Who a window calls next, as a property over random queues: green channel first, then
appointments checked in (by slot), then walk-ins — each by the window's service order and
time in the queue — against a model written as plainly as the rule is said."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from server.domain.enums import Priority
from server.domain.queueing import Candidate, pick_next

T0 = datetime(2026, 11, 27, 1, tzinfo=UTC)


def model_next(tickets: list[Candidate], services: list[int]) -> Candidate | None:
    """The rule as a person says it, one lane after the other."""
    mine = [t for t in tickets if t.service_id in services]

    def rank(t: Candidate) -> int:
        return services.index(t.service_id)

    green = [t for t in mine if t.priority == Priority.green]
    if green:
        return min(green, key=lambda t: (rank(t), t.entered_queue_at, t.ticket_id))
    booked = [t for t in mine if t.slot_start is not None]
    if booked:
        return min(booked, key=lambda t: (t.slot_start, rank(t), t.entered_queue_at, t.ticket_id))
    if mine:
        return min(mine, key=lambda t: (rank(t), t.entered_queue_at, t.ticket_id))
    return None


@st.composite
def queues(draw: st.DrawFn) -> tuple[list[Candidate], list[int]]:
    count = draw(st.integers(0, 25))
    tickets = []
    for ident in range(1, count + 1):
        kind = draw(st.sampled_from(["walk_in", "green", "appointment"]))
        slot = (
            T0 + timedelta(minutes=30 * draw(st.integers(0, 15))) if kind == "appointment" else None
        )
        tickets.append(
            Candidate(
                ticket_id=ident,
                service_id=draw(st.integers(1, 4)),
                priority=Priority.green if kind == "green" else Priority.normal,
                entered_queue_at=T0 + timedelta(seconds=draw(st.integers(0, 8 * 3600))),
                slot_start=slot,
            )
        )
    services = draw(st.permutations([1, 2, 3, 4]).map(lambda p: p[: draw(st.integers(1, 4))]))
    return tickets, list(services)


@given(queues())
def test_the_next_ticket_is_the_model_s(queue: tuple[list[Candidate], list[int]]) -> None:
    tickets, services = queue
    assert pick_next(tickets, services) == model_next(tickets, services)


@given(queues())
def test_calling_everyone_keeps_the_lanes_in_order(
    queue: tuple[list[Candidate], list[int]],
) -> None:
    """Calling until nobody is left: no green after an appointment or walk-in, no appointment
    after a walk-in, appointments in slot order."""
    tickets, services = queue
    waiting, called = list(tickets), []
    while (chosen := pick_next(waiting, services)) is not None:
        called.append(chosen)
        waiting.remove(chosen)
    lanes = [0 if t.priority == Priority.green else 1 if t.slot_start else 2 for t in called]
    assert lanes == sorted(lanes)
    slots = [t.slot_start for t in called if t.slot_start and t.priority == Priority.normal]
    assert slots == sorted(slots)
    assert {t.ticket_id for t in called} == {
        t.ticket_id for t in tickets if t.service_id in services
    }
