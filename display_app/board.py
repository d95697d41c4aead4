"""What the hall's screens show, built from the live feed: the calls (newest first), the
waiting counts, the windows and the notice. Pure Python (no Qt): the controller feeds it the
snapshot and each event; tests call it directly.

`apply(message)` returns the call the message made (a `ticket.called` or `ticket.recalled`),
so the controller can show and announce it; `apply_snapshot` returns the calls the snapshot
brought that the board had not seen (after a long absence), oldest first.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from client.events import (
    CALL_EVENTS,
    NoticeUpdated,
    QueueCounts,
    ServiceCount,
    TicketFields,
    TicketRecalled,
    TicketRequeued,
    TicketServing,
    TicketTransferred,
    WindowStatus,
)
from client.wire import LiveMessage, SnapshotData, SnapshotMessage, WindowView
from display_app.voice.words import CallWords

KEEP_CALLS = 50  # calls kept in memory (the screen shows fewer)
# ticket states after which the ticket has left its window
LEFT_WINDOW = {"done", "no_show", "transferred", "cancelled", "waiting"}


@dataclass(frozen=True)
class Call:
    """One call (or recall) of a ticket to a window."""

    seq: int
    number: str
    window_number: str
    window_id: int | None
    service_id: int
    service_name: str
    at: datetime
    recall: bool = False
    slot: tuple[datetime, datetime] | None = None  # 预约: the appointment's slot (UTC)
    priority: str = "normal"  # green: 绿色通道 (live calls; the snapshot does not say)
    elderly: bool = False  # taken in the kiosk's 长辈版
    rejoined: bool = False  # 重排: the applicant put it back in the queue from its page

    @property
    def subtitle(self) -> str:
        """The call as it is said, for those who cannot hear it (字幕)."""
        return CallWords(self.number, self.window_number).sentence()


@dataclass
class WindowBoard:
    """One window as its screen shows it."""

    window_id: int
    number: str
    state: str = "closed"  # open / paused / closed
    pause_reason: str | None = None
    staff_no: str | None = None
    staff_name: str | None = None
    service_ids: list[int] = field(default_factory=list)
    ticket_id: int | None = None
    current_number: str | None = None
    current_status: str | None = None  # called / serving

    @classmethod
    def from_view(cls, view: WindowView) -> WindowBoard:
        return cls(
            window_id=view.window_id,
            number=view.window_number,
            state=view.state,
            pause_reason=view.pause_reason,
            staff_no=view.staff_no,
            staff_name=view.staff_name,
            service_ids=list(view.service_ids),
            ticket_id=view.current_ticket_id,
            current_number=view.current_number,
            current_status=view.current_status,
        )


@dataclass
class Board:
    hall_id: int | None = None
    hall_name: str = ""
    business_day: str = ""
    notice: str = ""
    services: dict[int, ServiceCount] = field(default_factory=dict)
    windows: dict[int, WindowBoard] = field(default_factory=dict)
    calls: list[Call] = field(default_factory=list)  # newest first
    loaded: bool = False
    # tickets the applicant put back in the queue from their page (扫码过号重排) while this
    # screen watched: their calls say 重排
    rejoined: set[int] = field(default_factory=set)

    # --- reading ---------------------------------------------------------------------------
    @property
    def latest(self) -> Call | None:
        return self.calls[0] if self.calls else None

    @property
    def last_call_seq(self) -> int:
        return self.calls[0].seq if self.calls else 0

    def window_by_number(self, number: str) -> WindowBoard | None:
        wanted = number.strip()
        return next((w for w in self.windows.values() if w.number == wanted), None)

    def service_names(self, window: WindowBoard) -> list[str]:
        return [self.services[s].name for s in window.service_ids if s in self.services]

    def counts(self) -> list[ServiceCount]:
        """Waiting counts in the order the hall lists its services."""
        return [self.services[k] for k in sorted(self.services)]

    # --- the snapshot ----------------------------------------------------------------------
    def apply_snapshot(self, message: SnapshotMessage) -> list[Call]:
        data: SnapshotData = message.data
        known = self.last_call_seq
        first = not self.loaded
        self.hall_id, self.hall_name = data.hall_id, data.hall_name
        self.notice = data.notice
        self.services = {s.service_id: s for s in data.services}
        self.windows = {w.window_id: WindowBoard.from_view(w) for w in data.windows}
        if data.business_day != self.business_day:
            self.calls = []
            known = 0
        self.business_day = data.business_day
        snapshot_calls = [
            Call(
                seq=c.seq,
                number=c.number,
                window_number=c.window_number or "",
                window_id=c.window_id,
                service_id=c.service_id,
                service_name=c.service_name,
                at=c.at,
                recall=c.type == TicketRecalled.TYPE,
                slot=(c.appointment.slot_start, c.appointment.slot_end) if c.appointment else None,
            )
            for c in sorted(data.recent_calls, key=lambda c: c.seq)
        ]
        new = [c for c in snapshot_calls if c.seq > known]
        for call in new:
            self._add_call(call)
        self.loaded = True
        return [] if first else new

    # --- events ----------------------------------------------------------------------------
    def apply(self, message: LiveMessage) -> Call | None:
        data = message.data
        if isinstance(data, TicketFields):
            return self._ticket(message, data)
        if isinstance(data, QueueCounts):
            self.services = {s.service_id: s for s in data.services}
        elif isinstance(data, WindowStatus):
            self._window_status(data)
        elif isinstance(data, NoticeUpdated):
            self.notice = data.text
        return None

    def new_day(self, day: date) -> bool:
        """At the start of a new business day the calls of yesterday leave the screen."""
        if self.business_day and day.isoformat() != self.business_day:
            self.business_day = day.isoformat()
            self.calls = []
            self.rejoined.clear()
            for window in self.windows.values():
                window.ticket_id = window.current_number = window.current_status = None
            return True
        return False

    def _ticket(self, message: LiveMessage, data: TicketFields) -> Call | None:
        self._count(data)
        if isinstance(data, TicketRequeued) and data.by_applicant:
            self.rejoined.add(data.ticket_id)
        if isinstance(data, TicketTransferred):
            self._count(data.new_ticket)
        window = self.windows.get(data.window_id) if data.window_id is not None else None
        if isinstance(data, CALL_EVENTS):
            if window is not None:
                window.ticket_id, window.current_number = data.ticket_id, data.number
                window.current_status = "called"
            call = Call(
                seq=message.seq,
                number=data.number,
                window_number=data.window_number or (window.number if window else ""),
                window_id=data.window_id,
                service_id=data.service_id,
                service_name=data.service_name,
                at=message.at,
                recall=isinstance(data, TicketRecalled),
                priority=data.priority,
                elderly=data.elderly,
                slot=(
                    (data.appointment.slot_start, data.appointment.slot_end)
                    if data.appointment
                    else None
                ),
                rejoined=data.ticket_id in self.rejoined,
            )
            self._add_call(call)
            return call
        if window is not None and window.ticket_id == data.ticket_id:
            if isinstance(data, TicketServing):
                window.current_status = "serving"
            elif data.status in LEFT_WINDOW:
                window.ticket_id = window.current_number = window.current_status = None
        return None

    def _count(self, data: TicketFields) -> None:
        known = self.services.get(data.service_id)
        if known is not None:
            self.services[data.service_id] = known.model_copy(update={"waiting": data.waiting})

    def _window_status(self, data: WindowStatus) -> None:
        window = self.windows.get(data.window_id)
        if window is None:
            window = self.windows[data.window_id] = WindowBoard(data.window_id, data.window_number)
        window.number = data.window_number
        window.state = data.state
        window.pause_reason = data.pause_reason
        window.staff_no, window.staff_name = data.staff_no, data.staff_name

    def _add_call(self, call: Call) -> None:
        if self.calls and call.seq <= self.calls[0].seq:
            return  # already shown (a replay after a snapshot)
        # a recall moves the number back to the top instead of listing it twice
        self.calls = [
            c
            for c in self.calls
            if (c.number, c.window_number) != (call.number, call.window_number)
        ]
        self.calls.insert(0, call)
        del self.calls[KEEP_CALLS:]
