"""重排 where the hall's staff look (issue 27 item 3): a ticket its holder put back in the
queue from the ticket's page (扫码过号重排) is marked in the window client's queue and on its
card, and the hall screen's call of it says 重排 — against a real server for the screen."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from pytestqt.qtbot import QtBot

from client.desk import DeskTicket, DeskWindow, QueuedTicket, ServiceQueue, WindowQueue
from client.rest import ApiClient
from tests.apps.conftest import ThreadedServer
from tests.apps.display_helpers import Clerks
from window_client.desk_model import DeskModel
from window_client.present import next_up, numbered, queue_rows, ticket_lines

T0 = datetime(2026, 12, 7, 1, 0, tzinfo=UTC)


def queued(number: str, rejoined: bool = False, priority: str = "normal") -> QueuedTicket:
    return QueuedTicket(
        ticket_id=int(number[1:]),
        number=number,
        service_id=1,
        priority=priority,
        entered_queue_at=T0,
        rejoined=rejoined,
    )


def test_the_window_client_marks_a_rejoined_ticket_in_its_queue_and_on_its_card() -> None:
    assert numbered(queued("A003", rejoined=True)) == "A003(重排)"
    assert numbered(queued("A004", priority="elderly")) == "★A004"
    window = DeskWindow(id=1, hall_id=1, number="1", state="open", service_ids=[1])
    service = ServiceQueue(
        service_id=1, name="户籍办理", prefix="A", waiting=2,
        next=[queued("A003", rejoined=True), queued("A005")],
    )  # fmt: skip
    queue = WindowQueue(
        business_day="2026-12-07", window=window, services=[service], next=service.next
    )
    assert next_up(queue) == "A003(重排) · 户籍办理"
    assert queue_rows(queue)[0].next_numbers == "A003(重排)  A005"
    model = DeskModel(window_id=1)
    current = DeskTicket(
        ticket_id=3, number="A003", service_id=1, service_name="户籍办理", priority="normal",
        status="called", issued_at=T0, entered_queue_at=T0, called_at=T0, rejoined=True,
    )  # fmt: skip
    assert model.apply_queue(queue.model_copy(update={"current": current}), model.version)
    lines = ticket_lines(model, T0)
    assert lines is not None and "重排：过号后申请人扫码重新排队" in lines.note


def test_the_hall_screen_says_rejoined_when_it_calls_the_ticket_again(
    qtbot: QtBot, hall_server: ThreadedServer, displays: Any
) -> None:
    hall = hall_server.hall
    assert hall is not None
    clerks = Clerks(hall_server, ("1",))

    async def issue(client: ApiClient) -> list[dict[str, Any]]:
        return [await client.issue_ticket(hall.services["A"]) for _ in range(2)]

    first, _ = hall_server.call(issue, token=hall.kiosk_token)
    display = displays()
    screen = display.hall
    assert clerks.call("1") == ["A001"]
    assert clerks.call("1") == ["A002"]  # A001 passed (过号)

    async def rejoin(client: ApiClient) -> None:
        await client.request("POST", f"/tickets/public/{first['public_token']}/rejoin")

    hall_server.call(rejoin)
    assert clerks.call("1") == ["A001"]  # A002 passed; A001 back in its place, called
    qtbot.waitUntil(
        lambda: display.latest is not None and display.latest.number == "A001", timeout=3000
    )
    assert display.latest is not None and display.latest.rejoined
    qtbot.waitUntil(lambda: screen.current.number.text() == "A001", timeout=3000)
    assert screen.current.detail.text() == "重排 · 请 A001 号 到 1 号窗口办理 · 户籍办理"
    assert display.controller.board.calls[1].rejoined is False  # A002: a plain call
