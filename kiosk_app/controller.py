"""The kiosk's state and rules: which screen, which buttons can be pressed, issuing once,
idle; the coordinator of its parts — printing (`printing.flow`), 预约取号 (`check_in`), 短信提醒
(`phone_entry`), 呼叫帮办 (`help_request`) and the voice (`voice_guide`). Qt signals, no
widgets (views read the state).

Every server call and every print runs off the GUI thread through `Operation`; the
callbacks below run on the GUI thread.
"""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from PySide6.QtCore import QObject, QTimer, Signal

from app_shell.bridge import AsyncRunner, Operation, message_for
from app_shell.device_start import DeviceIdentity, timer
from app_shell.feed import ConnectionState, FeedBridge
from app_shell.health import HealthReporter
from app_shell.timefmt import now_utc
from app_shell.voice.queue import SpeechQueue
from client.errors import ApiError, ServerUnavailable
from client.events import AlertAcknowledged, QueueCounts, TicketFields, WindowStatus
from client.replies import DeviceMeOut, IssuedTicketOut, ServiceStatusOut
from client.rest import ApiClient
from client.wire import LiveMessage
from kiosk_app import guidance
from kiosk_app.check_in import CheckInFlow
from kiosk_app.elderly import ElderlyMode
from kiosk_app.help_request import HelpRequest, HelpState
from kiosk_app.phone_entry import PhoneEntry
from kiosk_app.printing.device import TicketPrinter
from kiosk_app.printing.flow import PrintState, TicketPrinting
from kiosk_app.printing.layout import TicketLayout
from kiosk_app.printing.status import PrinterState
from kiosk_app.services import ServiceButton, service_buttons
from kiosk_app.settings import KioskSettings
from kiosk_app.texts import text
from kiosk_app.ticket import IssuedTicket, ticket_notice
from kiosk_app.voice_guide import VoiceGuide

log = logging.getLogger(__name__)
REFRESH_DEBOUNCE_MS = 250
ISSUE_ATTEMPTS = 3  # a lost answer is asked again with the same request_id
PENDING_REUSE_S = 120.0  # an unanswered press of the same service reuses its request_id


@dataclass(frozen=True)
class PendingRequest:
    """A press whose ticket the server has not confirmed (its answer may have been lost)."""

    service_id: int
    priority: str
    request_id: str
    since: float


class Screen(StrEnum):
    loading = "loading"  # before the first service list
    start = "start"  # the services (normal or green channel)
    appointment = "appointment"  # 预约取号: the code or the ID number
    confirm = "confirm"  # the ticket, printed (or printing)
    fault = "fault"  # the ticket on screen: the printer failed (or there is none)
    idle = "idle"


class KioskController(QObject):
    changed = Signal()  # anything the views show changed
    loaded = Signal()  # the first service list arrived (the start screen is ready)
    screen_changed = Signal(object)  # Screen

    def __init__(
        self,
        runner: AsyncRunner,
        api: ApiClient,
        settings: KioskSettings,
        printer: TicketPrinter,
        *,
        now: Callable[[], datetime] = now_utc,
        health: HealthReporter | None = None,
        speech: SpeechQueue | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.runner, self.api, self.settings, self.printer = runner, api, settings, printer
        # 语音引导: with a speaker, the screen reads itself (touch once to hear, again to choose)
        self.voice = VoiceGuide(runner, speech)
        self.selected: int | None = None  # the service read out, waiting for a second touch
        # the printer's state to the server: on change, every minute, on reconnect
        self.health = health or HealthReporter(runner, api, interval_s=settings.health_report_s)
        self.health.setParent(self)
        self.now = now
        # what the views show
        self.hall_id: int | None = None
        self.hall_name = ""
        self.device_label = ""
        self.buttons: list[ServiceButton] = []
        self.screen = Screen.loading
        self.changed_at = time.monotonic()  # when the screen (or the green mode) last changed
        self.green_mode = False
        # 长辈版: larger, fewer choices, plain words; the mode the kiosk comes back to
        self.mode = ElderlyMode(settings.elderly)
        self.ticket: IssuedTicket | None = None
        layout = TicketLayout(settings.paper, settings.ticket_notice)
        self.printing = TicketPrinting(self, layout, self.changed.emit, parent=self)
        self.printing.began.connect(self._print_began)
        self.printing.printed.connect(self._printed)
        self.printing.failed.connect(self._print_failed)
        self.message = text("device.loading")  # a banner: unreachable, refused, refusal of a ticket
        self.server_ok = False
        self.connection = ConnectionState.connecting
        self.issuing = False
        self.pending: PendingRequest | None = None
        self.is_loaded = False
        self.appointments = CheckInFlow(self, self)  # 预约取号
        self.help_request = HelpRequest(self, self.changed.emit, self._set_message, parent=self)
        self.sms_on = False  # the hall sends text messages: 短信提醒 on the ticket screen
        self.phone = PhoneEntry(self, self, self.changed.emit)
        # machinery
        self.feed: FeedBridge | None = None
        self._refreshing = False
        self._refresh_again = False
        self._stopped = False
        self._debounce = self._timer(REFRESH_DEBOUNCE_MS, self.refresh, single=True)
        retry_ms = int(settings.retry_seconds * 1000)
        self.identity = DeviceIdentity(runner, api, retry_ms=retry_ms, what="kiosk", parent=self)
        self.identity.known.connect(self._identified)
        self.identity.unknown.connect(self._set_message)
        self._retry = self._timer(retry_ms, self.refresh, single=True)  # the services, a ticket
        self._periodic = self._timer(int(settings.refresh_seconds * 1000), self.refresh)
        self._printer_timer = self._timer(
            int(settings.printer_check_seconds * 1000), self.check_printer
        )
        self._return = self._timer(
            int(settings.confirm_seconds * 1000), self.back_to_start, single=True
        )
        self._idle = self._timer(int(settings.idle_seconds * 1000), self._go_idle, single=True)
        self._apply_timeouts()

    def _timer(self, ms: int, slot: Callable[[], None], *, single: bool = False) -> QTimer:
        return timer(self, ms, slot, single=single)

    # --- life ------------------------------------------------------------------------------
    def start(self) -> None:
        self.voice.start()
        if self.elderly:
            log.info("this kiosk starts in 长辈版")
        self.identity.ask()

    def stop(self) -> None:
        self._stopped = True
        self.identity.stop()
        self.voice.stop()
        self.health.stop()
        for running in self.findChildren(QTimer):
            running.stop()
        if self.feed is not None:
            self.feed.stop()

    def problem(self) -> str:
        """Why the start screen is not ready (for --screenshot failures)."""
        return self.message

    def _identified(self, me: DeviceMeOut) -> None:
        if me.kind != "kiosk":
            self._set_message(text("device.not_kiosk", kind=me.kind))
            return
        self.hall_id = me.hall_id
        self.hall_name = me.hall_name
        self.printing.layout = TicketLayout(self.settings.paper, ticket_notice(self.settings, me))
        self.device_label = me.label
        self.sms_on = me.sms
        if me.kiosk_elderly and not self.mode.default:
            self.mode.default = True  # the hall's kiosks start in 长辈版
            log.info("the hall's kiosks start in 长辈版")
            if self.screen is Screen.loading:
                self.mode.on = True
                self._apply_timeouts()
        log.info(
            "this is kiosk %s (device %s) of %s (hall %d); printer %s",
            self.device_label,
            me.id,
            self.hall_name,
            self.hall_id,
            self.printer.spec,
        )
        token = self.api.token or ""
        self.feed = FeedBridge(
            self.runner, self.settings.server, hall_id=self.hall_id, token=token, parent=self
        )
        self.feed.message.connect(self._on_event)
        self.feed.snapshot.connect(lambda _: self._debounce.start())
        self.feed.state_changed.connect(self._on_connection)
        self.feed.state_changed.connect(self.health.connection_changed)
        self.feed.refused.connect(self._set_message)
        self.feed.start()
        self.health.start()
        self._periodic.start()
        self._printer_timer.start()
        self.refresh()
        self.check_printer()

    # --- services --------------------------------------------------------------------------
    def refresh(self) -> None:
        """Reload the service list (waiting counts, waits, open or not) from the server."""
        if self.hall_id is None or self._stopped:
            return
        if self._refreshing:
            self._refresh_again = True
            return
        self._refreshing = True
        hall_id = self.hall_id
        Operation(self.runner, lambda: self.api.services(hall_id), parent=self).success(
            self._services_loaded
        ).failure(self._services_failed).finally_(self._refresh_done).run_in_background()

    def _refresh_done(self) -> None:
        self._refreshing = False
        if self._refresh_again:
            self._refresh_again = False
            self._debounce.start()

    def _services_loaded(self, services: list[ServiceStatusOut]) -> None:
        self.buttons = service_buttons(services, self.now())
        self.appointments.offered = any(s.appointment_quota > 0 and s.enabled for s in services)
        if not self.server_ok:
            log.info("services loaded: %d, tickets can be taken", len(services))
        self.server_ok = True
        if self.message in (
            text("device.loading"),
            text("issue.unreachable"),
            message_for(ServerUnavailable()),
        ):
            self.message = ""
        first = not self.is_loaded
        self.is_loaded = True  # before the screens redraw: the start screen enables 长辈版 by it
        if self.screen is Screen.loading:
            self._set_screen(Screen.start)
        self.changed.emit()
        if first:
            self.loaded.emit()

    def _services_failed(self, error: BaseException) -> None:
        if self.server_ok or not self.is_loaded:
            log.warning("services not loaded, no tickets for now: %s", message_for(error))
        self.server_ok = False
        self._set_message(message_for(error))
        if not self._stopped:
            self._retry.start()

    def button(self, service_id: int) -> ServiceButton | None:
        return next((b for b in self.buttons if b.service_id == service_id), None)

    def can_press(self, service_id: int) -> bool:
        button = self.button(service_id)
        return (
            button is not None
            and button.pressable
            and self.server_ok
            and not self.issuing
            and self.screen is Screen.start
        )

    def _why_not(self, service_id: int) -> str:
        button = self.button(service_id)
        if button is None:
            return "no such service on screen"
        if not button.pressable:
            return button.status_text
        if not self.server_ok:
            return "server unreachable"
        if self.issuing:
            return "a ticket is being issued"
        return f"on the {self.screen.value} screen"

    # --- live feed -------------------------------------------------------------------------
    def _on_event(self, message: LiveMessage) -> None:
        data = message.data
        if isinstance(data, AlertAcknowledged):
            self.help_request.acknowledged(data)
        if isinstance(message.data, TicketFields | QueueCounts | WindowStatus):
            self._debounce.start()  # counts, waits or open windows may have changed

    def _on_connection(self, state: ConnectionState) -> None:
        self.connection = state
        if state is ConnectionState.connected:
            self._debounce.start()  # counts may have changed while we were away
        elif state is ConnectionState.reconnecting:
            self.server_ok = False  # never offer a ticket we cannot issue
            self._set_message(message_for(ServerUnavailable()))
        self.changed.emit()

    # --- 呼叫帮办 ---------------------------------------------------------------------------
    @property
    def help(self) -> HelpState:
        """呼叫帮办 as the kiosk shows it."""
        return self.help_request.state

    def ask_for_help(self) -> bool:
        """呼叫帮办: tell the hall's staff that someone at this kiosk needs a person. Asking
        again before anyone took it is the same request."""
        self.touched()
        return self.hall_id is not None and self.help_request.ask()

    # --- 长辈版 ------------------------------------------------------------------------------
    @property
    def elderly(self) -> bool:
        """In 长辈版 now (`mode`)."""
        return self.mode.on

    @property
    def elderly_default(self) -> bool:
        return self.mode.default

    @property
    def page(self) -> int:
        """Of 长辈版's services."""
        return self.mode.page

    def open_elderly(self) -> None:
        if self.screen is Screen.start and not self.issuing and not self.elderly:
            self._set_elderly(True)

    def close_elderly(self) -> None:
        if self.screen is Screen.start and not self.issuing and self.elderly:
            self._set_elderly(False)

    def _set_elderly(self, on: bool) -> None:
        log.info("长辈版 %s", "opened" if on else "closed")
        self.mode.switch(on)
        self.green_mode = False
        self.selected = None
        self._apply_timeouts()
        self.changed_at = time.monotonic()
        self.touched()
        self.changed.emit()

    def pages(self) -> list[list[ServiceButton]]:
        return self.mode.pages(self.buttons)

    def page_buttons(self) -> list[ServiceButton]:
        """The services 长辈版 shows now."""
        return self.mode.page_buttons(self.buttons)

    def turn_page(self, step: int) -> None:
        """更多业务 (+1) or 上一页 (-1)."""
        if self.screen is Screen.start and self.mode.turn(step, self.buttons):
            self.selected = None
            log.info("长辈版 page %d", self.page + 1)
            self.changed_at = time.monotonic()
            self.touched()
            self.changed.emit()

    def _apply_timeouts(self) -> None:
        """The time-outs of the mode: never under a minute in 长辈版."""
        s = self.settings
        self._idle.setInterval(int(self.mode.timeout_s(s.idle_seconds) * 1000))
        self._return.setInterval(int(self.mode.timeout_s(s.confirm_seconds) * 1000))

    def timeout_s(self, screen: Screen) -> float:
        """How long `screen` stays by itself in the current mode."""
        s = self.settings
        seconds = {
            Screen.confirm: s.confirm_seconds,
            Screen.fault: s.fault_seconds,
            Screen.start: s.idle_seconds,
        }.get(screen, s.idle_seconds)
        return self.mode.timeout_s(seconds)

    # --- issuing ---------------------------------------------------------------------------
    def open_green(self) -> None:
        if self.screen is Screen.start and not self.issuing and not self.green_mode:
            self.green_mode = True
            log.info("green channel opened")
            self.selected = None
            self.changed_at = time.monotonic()
            self.touched()
            self.changed.emit()

    def close_green(self) -> None:
        if self.green_mode:
            self.green_mode = False
            log.info("green channel closed")
            self.selected = None
            self.changed_at = time.monotonic()
            self.changed.emit()

    def press(self, service_id: int) -> bool:
        """Take a ticket for the service (green channel when in that mode). A press while a
        ticket is being issued, or on a button that cannot be pressed, does nothing."""
        self.touched()
        if self.voice.on and self.selected != service_id:
            return self._read_out(service_id)
        if not self.can_press(service_id):
            log.info(
                "a press on service %d did nothing (%s)", service_id, self._why_not(service_id)
            )
            return False
        button = self.button(service_id)
        assert button is not None
        self.issuing = True
        self.message = ""
        self.changed.emit()
        priority = "green" if self.green_mode else "normal"
        request_id = self._request_id(service_id, priority)
        elderly = self.elderly
        Operation(
            self.runner, lambda: self._issue(service_id, priority, request_id, elderly), parent=self
        ).success(lambda body: self._issued(body, button.name)).failure(
            self._issue_failed
        ).finally_(self._issue_done).run_in_background()
        return True

    def _read_out(self, service_id: int) -> bool:
        """The first touch on a service with the voice on: say it and mark it; the next touch
        on it takes the ticket. The screen changed under the finger (the tile says 再点一下取号):
        a double tap's second tap is not a second touch."""
        button = self.button(service_id)
        if button is None or self.issuing or self.screen is not Screen.start:
            return False
        self.selected = service_id
        self.changed_at = time.monotonic()
        log.info("service %d read out (touch again to take a ticket)", service_id)
        self.say(guidance.service(button), passing=True)
        self.changed.emit()
        return False

    def say(self, phrase: guidance.Guide | None, *, passing: bool = False) -> None:
        """Through the speaker (none: nothing), after what is being said (`VoiceGuide.say`)."""
        self.voice.say(phrase, passing=passing)

    def _request_id(self, service_id: int, priority: str) -> str:
        """The idempotency key of this press: a new one, or that of an unanswered press of the
        same service, so a ticket whose answer was lost is returned, never issued twice."""
        pending, now = self.pending, time.monotonic()
        if (
            pending is None
            or (pending.service_id, pending.priority) != (service_id, priority)
            or now - pending.since > PENDING_REUSE_S
        ):
            pending = PendingRequest(service_id, priority, uuid.uuid4().hex, now)
        self.pending = pending
        return pending.request_id

    async def _issue(
        self, service_id: int, priority: str, request_id: str, elderly: bool = False
    ) -> IssuedTicketOut:
        """Runs on the runner's loop (no widgets here): asks again, with the same key, when
        the answer did not arrive."""
        for _ in range(ISSUE_ATTEMPTS - 1):
            try:
                return await self.api.issue_ticket(
                    service_id, priority, request_id=request_id, elderly=elderly
                )
            except ServerUnavailable:
                await asyncio.sleep(self.settings.retry_seconds)
        return await self.api.issue_ticket(
            service_id, priority, request_id=request_id, elderly=elderly
        )

    def _issue_done(self) -> None:
        self.issuing = False
        self.changed.emit()

    def _issued(self, issued: IssuedTicketOut, service_name: str) -> None:
        self.pending = None
        self.show_issued(issued, service_name)

    def show_issued(self, issued: IssuedTicketOut, service_name: str) -> None:
        """A ticket the server issued (a press, or an appointment checked in): on screen,
        then printed."""
        self.ticket = IssuedTicket.from_api(
            issued, service_name=service_name, hall_name=self.hall_name
        ).with_mode(self.elderly, self._windows_of(issued.service_id))
        log.info(
            "ticket %s issued (%s%s%s)",
            self.ticket.number,
            service_name,
            ", green channel" if self.ticket.green else "",
            ", appointment" if self.ticket.slot else "",
        )
        self.green_mode = False
        self.printing.fault = None
        self.say(guidance.result(self.ticket.number, self.ticket.ahead))
        self._set_screen(Screen.confirm)
        self.printing.print(self.ticket)
        self._debounce.start()

    def _windows_of(self, service_id: int) -> tuple[str, ...]:
        button = self.button(service_id)
        return button.window_numbers if button is not None else ()

    def _issue_failed(self, error: BaseException) -> None:
        if isinstance(error, ApiError):
            log.warning("ticket refused by the server (%s): %s", error.code, error.detail)
        elif isinstance(error, ServerUnavailable):
            log.warning("ticket not issued: the server did not answer (the press is kept)")
        else:
            log.error("ticket not issued", exc_info=error)
        if isinstance(error, ServerUnavailable):
            self.server_ok = False
            self._set_message(text("issue.unreachable"))
            self._retry.start()
        elif isinstance(error, ApiError):
            self.pending = None  # the server answered: no ticket was issued for this press
            self._set_message(text("issue.failed", detail=error.detail))
        else:
            self._set_message(message_for(error))
        self._debounce.start()

    # --- 预约取号 --------------------------------------------------------------------------
    def open_appointment(self) -> bool:
        """The 预约取号 screen, from the start screen (not while a ticket is being issued)."""
        if self.screen is not Screen.start or self.issuing or not self.appointments.offered:
            return False
        self.green_mode = False
        self.appointments.opened()
        self._set_screen(Screen.appointment)
        self.changed.emit()
        return True

    def close_appointment(self) -> None:
        if self.screen is Screen.appointment:
            self.appointments.reset()
            self._set_screen(Screen.start)
            self.changed.emit()

    def take_instead(self, service_id: int) -> bool:
        """A normal ticket of the service, offered when the appointment cannot be used."""
        self._set_screen(Screen.start)
        self.changed.emit()
        return self.press(service_id)

    # --- printing (printing.flow): what the screens do ---------------------------------------
    @property
    def print_state(self) -> PrintState | None:
        return self.printing.state

    @property
    def fault(self) -> PrinterState | None:
        """Why the ticket was not printed (the fault screen), None when it was."""
        return self.printing.fault

    @property
    def printer_state(self) -> PrinterState:
        return self.printing.printer_state

    def _print_began(self) -> None:
        self._return.stop()
        self.changed.emit()

    def _printed(self) -> None:
        self._return.start(int(self.timeout_s(Screen.confirm) * 1000))
        self.changed.emit()

    def _print_failed(self) -> None:
        self._set_screen(Screen.fault)
        self._return.start(int(self.timeout_s(Screen.fault) * 1000))
        self.changed.emit()

    def reprint(self) -> bool:
        """Print the same ticket again (never issues another one)."""
        self.touched()
        if self.ticket is None or self.printing.busy:
            return False
        if self.screen not in (Screen.fault, Screen.confirm):
            return False
        log.info("reprint of %s asked", self.ticket.number)
        self.printing.print(self.ticket)
        return True

    def check_printer(self) -> None:
        if not self._stopped:
            self.printing.check()

    # --- screens and time-outs -------------------------------------------------------------
    def back_to_start(self) -> None:
        """Leave the ticket screen (not while its ticket is still printing)."""
        if self.printing.busy:
            return
        self._return.stop()
        self.ticket = None
        self.printing.clear()
        self.green_mode = False
        self._back_to_default_mode()
        self.appointments.reset()
        self.phone.reset()
        self._set_screen(Screen.start if self.is_loaded else Screen.loading)
        self.changed.emit()

    def finger_down(self) -> bool:
        """A touch (or a mouse button) went down somewhere on the screen. False when that
        touch must do nothing more: it woke the kiosk from the idle screen (the person could
        not see what lay under the finger), or the screen changed under it a moment ago (the
        second tap of a double tap lands on what the first one brought up)."""
        if self.screen is Screen.idle:
            log.info("woken by a touch")
            self.touched()
            return False
        settled = self.settled()
        self.touched()
        if not settled:
            log.info("a touch right after the screen changed was ignored")
        return settled

    def settled(self) -> bool:
        """Has the screen stood still long enough for a touch to mean what it lands on?"""
        return (time.monotonic() - self.changed_at) * 1000 >= self.settings.tap_settle_ms

    def touched(self) -> None:
        """Any touch: wake from idle, and give the person more time on this screen."""
        if self.screen is Screen.idle:
            self._set_screen(Screen.start)
            self.changed.emit()
        if self._return.isActive():
            self._return.start()
        if self.screen is Screen.start:
            self._idle.start()
        self.appointments.touched()

    def _go_idle(self) -> None:
        if self.screen is Screen.start and not self.issuing:
            self.green_mode = False
            self._back_to_default_mode()
            self._set_screen(Screen.idle)
            self.changed.emit()

    def _back_to_default_mode(self) -> None:
        """The next person starts in the kiosk's own mode (standard, or 长辈版 when set)."""
        if self.mode.back_to_default():
            self._apply_timeouts()

    def _set_screen(self, screen: Screen) -> None:
        if screen is self.screen:
            return
        log.info("screen %s -> %s", self.screen.value, screen.value)
        self.screen = screen
        self.selected = None
        self.changed_at = time.monotonic()
        if screen is Screen.start:
            self._idle.start()
        else:
            self._idle.stop()
        self.screen_changed.emit(screen)

    def _set_message(self, message: str) -> None:
        self.message = message
        self.changed.emit()

    def seconds_left(self) -> int:
        """Seconds until the confirmation or fault screen returns by itself."""
        return max(0, round(self._return.remainingTime() / 1000)) if self._return.isActive() else 0
