"""Text messages to an applicant who left a phone number at the kiosk (issue 27): what is
sent, when, under which idempotency key. Pure: the command (server/commands/sms.py) finds
the tickets and writes the outbox messages; the sender posts them through the hall's SMS
gateway profile (server/outbox/profiles/sms/)."""

from __future__ import annotations

import re
from datetime import datetime

from .errors import InvalidInput
from .texts import text

MOBILE = re.compile(r"1[3-9]\d{9}")

# the fields of each kind of message, as a gateway profile may map them
FIELDS: dict[str, tuple[str, ...]] = {
    "near": ("phone", "text", "number", "ahead", "hall_name", "sign"),
    "called": ("phone", "text", "number", "window_number", "hall_name", "sign"),
}


def checked_phone(raw: str) -> str:
    """A mainland mobile number (11 digits from 1[3-9]); spaces, dashes and +86 dropped."""
    digits = re.sub(r"[\s\-－]", "", raw.strip())
    digits = digits.removeprefix("+86").removeprefix("0086")
    if not MOBILE.fullmatch(digits):
        raise InvalidInput(text("sms.bad_phone"))
    return digits


def masked(phone: str) -> str:
    """138****1234: how a number shows anywhere but the message itself."""
    return f"{phone[:3]}****{phone[-4:]}" if len(phone) >= 7 else "****"


def near_message(hall_name: str, number: str, ahead: int, phone: str) -> dict[str, object]:
    return _message("sms.near", hall_name, number, phone, {"ahead": ahead}, ahead=ahead)


def called_message(hall_name: str, number: str, window: str, phone: str) -> dict[str, object]:
    return _message(
        "sms.called", hall_name, number, phone, {"window_number": window}, window=window
    )


def _message(
    key: str, hall_name: str, number: str, phone: str, fields: dict[str, object], **said: object
) -> dict[str, object]:
    """A text message of the hall about a ticket: to `phone`, signed with the hall's name,
    its words the text `key` says with the ticket's number and `said`."""
    return {
        "phone": phone,
        "number": number,
        **fields,
        "hall_name": hall_name,
        "sign": hall_name,
        "text": text(key, hall=hall_name, number=number, **said),
    }


def near_key(ticket_id: int) -> str:
    return f"ticket-{ticket_id}-near"


def called_key(ticket_id: int, called_at: datetime) -> str:
    """One message per call (a recall or a later call after 重排 is another)."""
    return f"ticket-{ticket_id}-called-{int(called_at.timestamp() * 1000)}"
