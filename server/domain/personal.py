"""Personal data kept to the minimum (PIPL): ID numbers checked, reduced to their last four
digits for display (the keyed hash that matches them is server/security.py's), names and
phones masked wherever anyone but the clerk serving that person looks."""

from __future__ import annotations

import unicodedata
from enum import StrEnum

from .errors import InvalidInput


class IdType(StrEnum):
    id_card = "id_card"  # 居民身份证 (GB 11643, 18 characters)
    passport = "passport"  # 护照
    hk_macao_permit = "hk_macao_permit"  # 港澳居民来往内地通行证 / 居住证
    taiwan_permit = "taiwan_permit"  # 台湾居民来往大陆通行证 / 居住证
    foreign_permanent = "foreign_permanent"  # 外国人永久居留身份证
    other = "other"


ID_TYPE_NAMES = {
    IdType.id_card: "居民身份证",
    IdType.passport: "护照",
    IdType.hk_macao_permit: "港澳居民来往内地通行证",
    IdType.taiwan_permit: "台湾居民来往大陆通行证",
    IdType.foreign_permanent: "外国人永久居留身份证",
    IdType.other: "其他证件",
}

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"


def normalize_id_no(raw: str) -> str:
    """One form for every way an ID number is typed or read: full-width folded, spaces and
    dashes dropped, letters upper-case (a card reader types x or X alike)."""
    folded = unicodedata.normalize("NFKC", raw)
    return "".join(c for c in folded if c.isalnum()).upper()


def is_id_card_number(value: str) -> bool:
    """An 18-character 居民身份证 number with a correct check character (GB 11643-1999)."""
    if len(value) != 18 or not value[:17].isascii() or not value[:17].isdigit():
        return False
    total = sum(int(d) * w for d, w in zip(value[:17], _WEIGHTS, strict=True))
    return _CHECK[total % 11] == value[17]


def checked_id_no(id_type: IdType, raw: str) -> str:
    """The normalised number, or InvalidInput saying what is wrong with it."""
    value = normalize_id_no(raw)
    if id_type is IdType.id_card:
        if not is_id_card_number(value):
            raise InvalidInput(
                "身份证号码不正确：应为 18 位（最后一位可为 X），请核对后重新输入。",
                code="bad_id_no",
            )
    elif not 5 <= len(value) <= 30 or not value.isascii():
        raise InvalidInput("证件号码应为 5–30 位字母或数字，请核对后重新输入。", code="bad_id_no")
    return value


def last4(id_no: str) -> str:
    return id_no[-4:]


def mask_name(name: str | None) -> str | None:
    """Keep the first and last character: 张三 → 张*, 张小三 → 张*三, 欧阳小明 → 欧**明."""
    if not name:
        return name
    name = name.strip()
    if len(name) <= 1:
        return "*"
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


def mask_phone(phone: str | None) -> str | None:
    """Keep the first three and last four digits of a mobile number: 138****1234."""
    if not phone:
        return phone
    digits = "".join(ch for ch in phone if ch.isdigit())
    if len(digits) >= 11:
        return digits[:3] + "*" * (len(digits) - 7) + digits[-4:]
    if len(digits) > 4:
        return "*" * (len(digits) - 4) + digits[-4:]
    return "*" * len(digits)


def masked_id(last_four: str | None) -> str:
    """What is shown of an ID number: its last four digits (**************1234)."""
    return "*" * 14 + last_four if last_four else ""
