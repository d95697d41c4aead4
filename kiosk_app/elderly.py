"""长辈版 (the elderly-friendly mode): which services each screen offers and what they say, in
plain words. Pure, tested without Qt.

Fewer choices per screen: at most `PER_PAGE` services. The hall's 常用业务 (services marked
`common`) come first, on a page of their own; the others follow on 更多业务 pages. A hall that
marks none gets all its services, `PER_PAGE` at a time.
"""

from __future__ import annotations

from collections.abc import Sequence

from app_shell.timefmt import wait_text
from kiosk_app.services import Availability, ServiceButton
from kiosk_app.texts import text

PER_PAGE = 4
MIN_TIMEOUT_S = 60  # no screen of 长辈版 changes by itself sooner than this (MIIT 适老化)


def _chunks(buttons: Sequence[ServiceButton], size: int) -> list[list[ServiceButton]]:
    return [list(buttons[i : i + size]) for i in range(0, len(buttons), size)]


def pages(buttons: Sequence[ServiceButton], per_page: int = PER_PAGE) -> list[list[ServiceButton]]:
    """The services of each page of 长辈版, 常用业务 first."""
    common = [b for b in buttons if b.common]
    rest = [b for b in buttons if not b.common]
    return _chunks(common, per_page) + _chunks(rest, per_page)


def status_text(button: ServiceButton) -> str:
    """The second line of a service in plain words: how many wait and how long, or why not."""
    if button.availability is not Availability.open:
        return button.status_text
    if button.waiting == 0:
        return text("elderly.no_queue")
    return text(
        "elderly.waiting",
        count=button.waiting,
        wait=wait_text(button.estimated_wait_minutes),
    )


def windows_text(numbers: Sequence[str], most: int = 5) -> str:
    """The windows as said and printed: 3号窗口, 3号、5号窗口, 1号、2号、3号、4号、5号等 7 个窗口."""
    if not numbers:
        return ""
    shown = "、".join(f"{n}号" for n in numbers[:most])
    if len(numbers) > most:
        return text("elderly.windows_more", windows=shown, count=len(numbers))
    return text("elderly.windows", windows=shown)


def timeout_s(seconds: float, elderly: bool) -> float:
    """A screen's time-out: as set, and never under a minute in 长辈版."""
    return max(seconds, MIN_TIMEOUT_S) if elderly else seconds


class ElderlyMode:
    """Whether the kiosk is in 长辈版 now, the mode each person starts in (`default`: the
    kiosk's setting, or the hall's), and which page of services it shows."""

    def __init__(self, default: bool) -> None:
        self.default = default
        self.on = default
        self.page = 0

    def switch(self, on: bool) -> None:
        """Opened or closed by the person: from the first page."""
        self.on, self.page = on, 0

    def back_to_default(self) -> bool:
        """The next person: the first page, in the kiosk's own mode; True when it changed."""
        self.page = 0
        changed = self.on is not self.default
        self.on = self.default
        return changed

    def pages(self, buttons: Sequence[ServiceButton]) -> list[list[ServiceButton]]:
        return pages(buttons)

    def page_buttons(self, buttons: Sequence[ServiceButton]) -> list[ServiceButton]:
        """The services 长辈版 shows now."""
        shown = self.pages(buttons)
        return shown[min(self.page, len(shown) - 1)] if shown else []

    def turn(self, step: int, buttons: Sequence[ServiceButton]) -> bool:
        """更多业务 (+1) or 上一页 (-1); False when there is no such page."""
        page = max(0, min(self.page + step, len(self.pages(buttons)) - 1))
        if page == self.page:
            return False
        self.page = page
        return True

    def timeout_s(self, seconds: float) -> float:
        """A screen's time-out in this mode: never under a minute in 长辈版."""
        return timeout_s(seconds, self.on)
