"""What the clerk's desk shows, kept from the server's answers and the window's live feed.
Plain Python (no Qt): the controller feeds it, the views read it, tests drive it directly.

The server is the only truth: an action changes the model only once the server confirmed it
(its answer, or the event in the feed); a reload of the window's queue (`GET
/windows/{id}/queue`) replaces what the feed built up, unless something newer arrived while
it was on its way (`version`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from client.desk import DeskAppointment, DeskTicket, DeskWindow, TodayFigures, WindowQueue
from client.events import (
    AlertAcknowledged,
    AppointmentRef,
    HelpRequested,
    TicketCalled,
    TicketFields,
    TicketRecalled,
    TicketServing,
    TicketTransferred,
    WindowStatus,
)
from client.replies import TicketOut, WindowOut
from client.wire import LiveMessage, SnapshotMessage
from window_client.actions import ACTIVE, DeskSituation, enabled_actions
from window_client.actions import Action as Action

ENDED = frozenset({"done", "cancelled", "transferred", "waiting", "no_show"})


@dataclass
class DeskModel:
    window_id: int
    window: DeskWindow | None = None
    ticket: DeskTicket | None = None  # the ticket at the desk, or the last one handled there
    transferred_to: str | None = None  # the new number when the shown ticket was transferred
    outcome: str | None = None  # the shown ticket's outcome once finished
    queue: WindowQueue | None = None
    today: TodayFigures | None = None
    version: int = 0  # bumped by every change from the feed or a confirmed action
    live: bool = False
    pending: Action | None = None
    services: dict[int, str] = field(default_factory=dict)  # the hall's services: id -> name
    # 呼叫帮办 to this window (the hall's 导办 desk), not yet taken: alert id -> 1号取号机需要帮助
    help_requests: dict[int, str] = field(default_factory=dict)

    # --- what the view needs ---------------------------------------------------------------
    @property
    def situation(self) -> DeskSituation:
        return DeskSituation(
            window_state=self.window.state if self.window else None,
            ticket_status=self.ticket.status if self.ticket else None,
            no_shows=len(self.queue.no_shows) if self.queue else 0,
            pending=self.pending,
            live=self.live,
        )

    def enabled(self) -> frozenset[Action]:
        return enabled_actions(self.situation)

    @property
    def active_ticket(self) -> DeskTicket | None:
        return self.ticket if self.ticket and self.ticket.status in ACTIVE else None

    # --- from the server -------------------------------------------------------------------
    def apply_queue(self, queue: WindowQueue, requested_at_version: int) -> bool:
        """A reload of the window's queue; ignored (False) if the model changed meanwhile."""
        if requested_at_version != self.version:
            return False
        self.queue = queue
        self.window = queue.window
        if queue.current is not None:
            if self.ticket is None or self.ticket.ticket_id != queue.current.ticket_id:
                self.transferred_to = self.outcome = None
            self.ticket = queue.current
        elif self.ticket is not None and self.ticket.status in ACTIVE:
            # it left the window without our seeing how (e.g. a supervisor acted): as a no-show
            # if it is one, otherwise it is no longer ours to show
            again = next((t for t in queue.no_shows if t.ticket_id == self.ticket.ticket_id), None)
            self.ticket = again
        return True

    def apply_ticket_answer(self, answer: TicketOut, at: datetime) -> None:
        """The server's answer to a ticket action or call-next."""
        self.version += 1
        same = self.ticket is not None and self.ticket.ticket_id == answer.id
        base = self.ticket if same and self.ticket is not None else None
        if not same:
            self.transferred_to = None
        self.outcome = answer.outcome
        self.ticket = DeskTicket(
            ticket_id=answer.id,
            number=answer.number,
            service_id=answer.service_id,
            service_name=base.service_name if base else self.services.get(answer.service_id, ""),
            priority=answer.priority,
            status=answer.status,
            issued_at=answer.issued_at,
            entered_queue_at=base.entered_queue_at if base else answer.issued_at,
            called_at=answer.called_at,
            last_called_at=at if answer.status == "called" else (base and base.last_called_at),
            serving_started_at=answer.serving_started_at,
            recall_count=answer.recall_count,
            no_show_count=answer.no_show_count,
            transferred_from=base.transferred_from if base else None,
            appointment=base.appointment if base else _appointment(answer.appointment),
        )

    def apply_transfer_answer(self, new_ticket: TicketOut) -> None:
        """POST /transfer answers with the NEW ticket; the shown one is now transferred."""
        self.version += 1
        if self.ticket is not None:
            self.ticket = self.ticket.model_copy(update={"status": "transferred"})
        self.transferred_to = new_ticket.number

    def apply_window_answer(self, answer: WindowOut) -> None:
        """The server's answer to open / pause / resume / close."""
        self.version += 1
        base = self.window
        same_staff = base is not None and base.staff_id == answer.staff_id
        self.window = DeskWindow(
            id=answer.id,
            hall_id=answer.hall_id,
            number=answer.number,
            state=answer.state,
            pause_reason=answer.pause_reason,
            staff_id=answer.staff_id,
            staff_no=base.staff_no if base and same_staff else None,
            staff_name=base.staff_name if base and same_staff else None,
            service_ids=answer.service_ids,
            state_since=base.state_since if base and base.state == answer.state else None,
        )

    def apply_snapshot(self, message: SnapshotMessage) -> None:
        self.services.update({s.service_id: s.name for s in message.data.services})

    def apply_event(self, message: LiveMessage) -> bool:
        """A live event; True when it concerns this window (the view and queue need a look)."""
        data = message.data
        if isinstance(data, HelpRequested | AlertAcknowledged):
            return self._apply_help(data)
        if isinstance(data, WindowStatus):
            if data.window_id != self.window_id:
                return False
            self.version += 1
            if self.window is not None:
                self.window = self.window.model_copy(
                    update={
                        "state": data.state,
                        "pause_reason": data.pause_reason,
                        "state_since": data.state_since,
                        "staff_no": data.staff_no,
                        "staff_name": data.staff_name,
                    }
                )
            return True
        if not isinstance(data, TicketFields):
            return False
        self.services.setdefault(data.service_id, data.service_name)
        if data.window_id != self.window_id:
            return False
        self._apply_ticket_event(data, message.at)
        return True

    def _apply_help(self, data: HelpRequested | AlertAcknowledged) -> bool:
        """呼叫帮办 for this desk comes; taken (here or elsewhere), it goes."""
        if isinstance(data, HelpRequested):
            if data.window_id != self.window_id:
                return False
            self.help_requests[data.alert_id] = data.text
        elif self.help_requests.pop(data.alert_id, None) is None:
            return False
        self.version += 1
        return True

    def _apply_ticket_event(self, data: TicketFields, at: datetime) -> None:
        shown = self.ticket if self.ticket and self.ticket.ticket_id == data.ticket_id else None
        if shown is None and not isinstance(data, TicketCalled | TicketRecalled):
            return  # another of this window's tickets (e.g. an older no-show requeued)
        self.version += 1
        if shown is None:
            self.transferred_to = None
        self.outcome = data.outcome
        called_at = shown.called_at if shown and shown.called_at else at
        self.ticket = DeskTicket(
            ticket_id=data.ticket_id,
            number=data.number,
            service_id=data.service_id,
            service_name=data.service_name,
            priority=data.priority,
            status=data.status,
            issued_at=shown.issued_at if shown else data.entered_queue_at,
            entered_queue_at=data.entered_queue_at,
            called_at=called_at,
            last_called_at=at
            if isinstance(data, TicketCalled | TicketRecalled)
            else (shown.last_called_at if shown else None),
            serving_started_at=at
            if isinstance(data, TicketServing)
            else (shown.serving_started_at if shown else None),
            recall_count=data.recall_count,
            no_show_count=shown.no_show_count if shown else 0,
            transferred_from=shown.transferred_from if shown else None,
            appointment=(
                shown.appointment if shown and shown.appointment else _appointment(data.appointment)
            ),
            rejoined=shown.rejoined if shown else False,
        )
        if isinstance(data, TicketTransferred):
            self.transferred_to = data.new_ticket.number


def _appointment(booked: AppointmentRef | None) -> DeskAppointment | None:
    """The appointment a ticket answer or event names (its slot; the applicant's name comes
    with the window's queue, for the clerk serving them)."""
    if booked is None:
        return None
    return DeskAppointment(id=booked.id, slot_start=booked.slot_start, slot_end=booked.slot_end)
