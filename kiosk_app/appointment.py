"""预约取号 at the kiosk, without Qt: what a person typed (keypad), swiped (an ID card reader
types the number like a keyboard) or scanned (the booking's QR, the same) as the request to
send, and what to tell them when the server says no."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from app_shell.timefmt import HALL_ZONE, local, parse_instant
from client.errors import ApiError
from kiosk_app.texts import text

CODE = re.compile(r"\d{6}")
ID_CARD = re.compile(r"\d{17}[\dX]|\d{15}")
# a QR that holds more than the code: a link or a label with the code at its end or in `code=`
CODE_IN_TEXT = re.compile(r"(?:code=|[^\d])(\d{6})(?:\D*)$")
MAX_INPUT = 40


@dataclass(frozen=True)
class CheckInInput:
    appointment_code: str | None = None
    id_no: str | None = None

    @property
    def by_id(self) -> bool:
        return self.id_no is not None


def parse_check_in(raw: str) -> CheckInInput | None:
    """The code or the ID number in what was entered; None when it is neither (a person's
    typo, a reader's partial read)."""
    value = unicodedata.normalize("NFKC", raw).strip().upper()
    compact = "".join(c for c in value if c.isalnum())
    if CODE.fullmatch(compact):
        return CheckInInput(appointment_code=compact)
    if ID_CARD.fullmatch(compact):
        return CheckInInput(id_no=compact)
    found = CODE_IN_TEXT.search(value)
    if found is not None:
        return CheckInInput(appointment_code=found.group(1))
    if 5 <= len(compact) <= 30 and compact.isascii() and any(c.isdigit() for c in compact):
        return CheckInInput(id_no=compact)  # another document's number (passport, permit)
    return None


def cleaned_keys(raw: str) -> str:
    """What the input field keeps of typed keys: digits and letters, at most MAX_INPUT."""
    return "".join(c for c in unicodedata.normalize("NFKC", raw) if c.isalnum()).upper()[:MAX_INPUT]


@dataclass(frozen=True)
class Refusal:
    """What the screen says, and the normal ticket it may offer instead (service id, name)."""

    message: str
    offer: tuple[int, str] | None = None


def _hhmm(raw: Any, now: datetime) -> str:
    at = local(parse_instant(str(raw)), HALL_ZONE)
    today = local(now, HALL_ZONE).date()
    return f"{at:%H:%M}" if at.date() == today else f"{at:%m月%d日 %H:%M}"


def _slot(extra: dict[str, Any], now: datetime) -> str:
    start, end = extra.get("slot_start"), extra.get("slot_end")
    if not start or not end:
        return ""
    return f"{_hhmm(start, now)}–{local(parse_instant(str(end)), HALL_ZONE):%H:%M}"


def refusal(error: ApiError, now: datetime) -> Refusal:
    """The server's refusal of a check-in, in the kiosk's words (its facts in `extra`)."""
    extra = error.extra
    service = str(extra.get("service_name", ""))
    offer = None
    if extra.get("service_id") is not None:
        offer = (int(extra["service_id"]), service)
    if error.code == "too_early" and extra.get("opens_at"):
        return Refusal(
            text(
                "appointment.early",
                slot=_slot(extra, now),
                service=service,
                opens=_hhmm(extra["opens_at"], now),
            )
        )
    if error.code == "too_late":
        closes = _hhmm(extra["closes_at"], now) if extra.get("closes_at") else ""
        return Refusal(text("appointment.late", slot=_slot(extra, now), closes=closes), offer)
    if error.code == "already_checked_in":
        return Refusal(text("appointment.already", number=extra.get("number", "")))
    if error.code == "appointment_cancelled":
        return Refusal(text("appointment.cancelled"), offer)
    if error.code == "appointment_not_found":
        return Refusal(text("appointment.not_found"))
    return Refusal(text("appointment.failed", detail=error.detail))
