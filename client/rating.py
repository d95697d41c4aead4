"""好差评's vocabulary, one copy for the rating pad and the ticket's QR page: the five levels
in the order shown, which of them ask for reasons, and the reasons offered."""

from __future__ import annotations

LEVEL_NAMES: dict[int, str] = {
    5: "非常满意",
    4: "满意",
    3: "基本满意",
    2: "不满意",
    1: "非常不满意",
}
LEVELS: tuple[int, ...] = tuple(LEVEL_NAMES)  # 5 … 1, in the order shown
BAD_LEVELS = frozenset({1, 2})  # these ask for reasons first (and open a 差评整改)
MAX_REASONS = 10
MAX_COMMENT = 500
DEFAULT_BAD_REASONS: tuple[str, ...] = (
    "等候时间长",
    "办理时间长",
    "服务态度不好",
    "业务不熟练",
    "一次告知不清",
    "材料要求多",
    "系统故障",
    "其他",
)
