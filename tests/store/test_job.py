"""Writer jobs as data (server/store/job.py): a job runs as fn(tx, *args, **kwargs) and, with
its result and its refusals, survives pickle — as the writer in its own process needs."""

from __future__ import annotations

import json
import pickle
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any, cast

import pytest

from client.errors import Conflict
from server.api.routes.tickets import issue_answer, transfer, transition_answer
from server.api.routes.windows import call_next_answer
from server.api.schemas import FinishIn, TicketIn, TransferIn
from server.commands import tickets, windows
from server.commands.tickets import IssuedTicket
from server.domain.actor import DeviceActor, StaffActor
from server.domain.enums import DeviceKind, Outcome, Priority, Role
from server.runtime import Runtime
from server.store.hot import TicketRow
from server.store.hot_sql import TICKET_COLUMNS
from server.store.job import Call, call
from server.store.transaction import Tx
from tests.helpers import LiveServer, open_window, seed_hall

TX = cast(Tx, object())  # the jobs below never touch it
STAFF = StaffActor(7, "H1-W1", "窗口1", Role.window, 3)
KIOSK = DeviceActor(11, DeviceKind.kiosk, 3, None)
AT = datetime(2026, 11, 28, 1, 30, tzinfo=UTC)


def record(tx: Tx, *args: Any, **kwargs: Any) -> tuple[Tx, tuple[Any, ...], dict[str, Any]]:
    return tx, args, kwargs


def round_trip(value: Any) -> Any:
    return pickle.loads(pickle.dumps(value, 5))


def test_a_call_runs_its_function_with_the_transaction_first() -> None:
    job = call(record, 1, "a", flag=True)
    assert job(TX) == (TX, (1, "a"), {"flag": True})
    assert call(record)(TX) == (TX, (), {})


def test_a_call_with_an_actor_an_enum_a_body_and_a_date_survives_pickle() -> None:
    body = FinishIn(outcome=Outcome.supplement)
    job = call(record, STAFF, Role.supervisor, body, day=date(2026, 11, 28))
    back = round_trip(job)
    assert isinstance(back, Call) and back is not job and back == job
    tx, args, kwargs = back(TX)
    assert tx is TX
    assert args == (STAFF, Role.supervisor, body) and args[1] is Role.supervisor
    assert type(args[2]) is FinishIn and args[2].outcome is Outcome.supplement
    assert kwargs == {"day": date(2026, 11, 28)}


def test_a_closure_is_what_does_not_pickle() -> None:
    limit = 3
    with pytest.raises((pickle.PicklingError, AttributeError)):
        pickle.dumps(call(lambda tx: limit), 5)


# --- the ticket routes' jobs, through a runtime whose writer is behind pickle -------------


def ticket_row(**changes: Any) -> TicketRow:
    values: dict[str, Any] = {
        "id": 41,
        "hall_id": 3,
        "service_id": 2,
        "business_day": date(2026, 11, 28),
        "sequence": 1,
        "number": "A001",
        "priority": "normal",
        "source": "kiosk",
        "status": "waiting",
        "outcome": None,
        "public_token": "tok-41",
        "issued_at": AT,
        "entered_queue_at": AT,
        "called_at": None,
        "last_called_at": None,
        "recall_count": 0,
        "serving_started_at": None,
        "finished_at": None,
        "no_show_count": 0,
        "window_id": None,
        "staff_id": None,
        "origin_ticket_id": None,
        "transferred_to_id": None,
        "device_id": 11,
        "request_id": None,
        "appointment_id": None,
        "slot_start": None,
        "slot_end": None,
    }
    values.update(changes)
    return TicketRow(**values)


@dataclass
class PicklingRuntime:
    """Runtime.write as a writer in another process sees it: the job arrives pickled, the
    result (here a canned one) comes back pickled."""

    result: Any
    jobs: list[Call[Any]] = field(default_factory=list)

    async def write(self, job: Callable[[Tx], Any]) -> Any:
        sent = round_trip(job)
        assert isinstance(sent, Call)
        self.jobs.append(sent)
        return round_trip(self.result)


async def test_the_ticket_routes_jobs_and_answers_survive_pickle() -> None:
    issued = IssuedTicket(ticket_row(), ahead=2, estimated_wait_minutes=9)
    fake = PicklingRuntime(issued)
    body = TicketIn(service_id=2, priority=Priority.green, request_id="press-0001")
    answer = await issue_answer(cast(Runtime, fake), KIOSK, body, "http://hall/")
    assert answer.status_code == 201
    out = json.loads(bytes(answer.body))
    assert (out["number"], out["ahead"], out["public_url"]) == ("A001", 2, "http://hall/t/tok-41")
    assert fake.jobs[-1].fn is tickets.issue
    assert fake.jobs[-1].args == (KIOSK, 2, Priority.green, "press-0001", False)

    fake.result = ticket_row(status="done", outcome="done", window_id=5)
    answer = await transition_answer(cast(Runtime, fake), STAFF, 41, "finish", outcome=Outcome.done)
    assert json.loads(bytes(answer.body))["outcome"] == "done"
    assert fake.jobs[-1].fn is tickets.transition
    assert fake.jobs[-1].args == (STAFF, 41, "finish")
    assert fake.jobs[-1].kwargs == {"outcome": Outcome.done}

    fake.result = ticket_row(status="called", window_id=5)
    answer = await call_next_answer(cast(Runtime, fake), STAFF, 5)
    assert json.loads(bytes(answer.body))["window_id"] == 5
    assert fake.jobs[-1].fn is windows.call_next and fake.jobs[-1].args == (STAFF, 5)
    fake.result = None  # nobody waiting
    assert (await call_next_answer(cast(Runtime, fake), STAFF, 5)).status_code == 204

    fake.result = ticket_row(id=42, number="B001", origin_ticket_id=41)
    answer = await transfer(41, TransferIn(service_id=4), cast(Runtime, fake), STAFF)
    assert json.loads(bytes(answer.body))["origin_ticket_id"] == 41
    assert fake.jobs[-1].fn is tickets.transfer and fake.jobs[-1].args == (STAFF, 41, 4)


# --- a real server whose every write goes through pickle -----------------------------------


async def test_a_real_server_works_with_every_job_result_and_refusal_pickled(
    server: LiveServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    write = Runtime.write
    ran: list[str] = []

    async def pickling_write(self: Runtime, job: Callable[[Tx], Any]) -> Any:
        sent = round_trip(job)
        ran.append(sent.fn.__qualname__)
        try:
            result = await write(self, sent)
        except Exception as exc:
            raise round_trip(exc) from None
        return round_trip(result)

    monkeypatch.setattr(Runtime, "write", pickling_write)
    hall = await seed_hall(server)  # halls, services, windows, devices, staff: ORM results
    kiosk = server.client(hall.kiosk_token)
    first = await kiosk.issue_ticket(hall.services["A"], request_id="press-0001")
    second = await kiosk.issue_ticket(hall.services["A"])
    clerk = await open_window(server, hall, "1")
    called = await clerk.call_next(hall.windows["1"])
    assert called is not None and called["id"] == first["id"]
    with pytest.raises(Conflict) as refused:  # a domain error, pickled on its way back
        await clerk.ticket_action(called["id"], "finish", {"outcome": "done"})
    assert refused.value.code == "illegal_transition" and "A001" in refused.value.detail
    await clerk.ticket_action(called["id"], "start")
    done = await clerk.ticket_action(called["id"], "finish", {"outcome": "supplement"})
    assert done["status"] == "done" and done["outcome"] == "supplement"
    pad = server.client(hall.window_device_tokens["1"])
    rated = await pad.evaluate(called["id"], 5, ["态度好"])
    assert rated["level"] == 5 and rated["ticket_id"] == called["id"]
    nxt = await clerk.call_next(hall.windows["1"])
    assert nxt is not None and nxt["id"] == second["id"]
    await clerk.ticket_action(nxt["id"], "start")
    moved = await clerk.ticket_action(nxt["id"], "transfer", {"service_id": hall.services["B"]})
    assert moved["origin_ticket_id"] == second["id"] and moved["number"] == "B001"
    paused = await clerk.window_action(hall.windows["1"], "pause", {"reason": "午休"})
    assert paused["state"] == "paused"
    status = await kiosk.report_device_status("warning", printer="paper_low")
    assert status["printer"] == "paper_low"
    for job in (
        "create_hall",
        "create_service",
        "create_window",
        "create_device",
        "create_staff",
        "issue",
        "change_state_with_services",
        "call_next",
        "transition",
        "evaluate",
        "transfer",
        "report_status",
    ):
        assert job in ran, job


def test_a_ticket_row_survives_pickle_field_for_field() -> None:
    row = TicketRow(
        *(
            AT if name.endswith("_at") else (f"v-{n}" if name in {"number", "status"} else n)
            for n, name in enumerate(TICKET_COLUMNS)
        )
    )
    again = round_trip(row)
    assert again == row and again is not row
    assert [getattr(again, name) for name in TICKET_COLUMNS] == [
        getattr(row, name) for name in TICKET_COLUMNS
    ]
