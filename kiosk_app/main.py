"""自助取号机 (placeholder until its issue lands): starts, shows what it will do, and says so."""

from __future__ import annotations

import os
import sys

TITLE = "自助取号机"
MESSAGE = "自助取号机：取号、打印号票和二维码。\n此程序尚在开发中，服务器地址：{server}"


def build(server: str):  # type: ignore[no-untyped-def]
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QFont
    from PySide6.QtWidgets import QLabel

    label = QLabel(MESSAGE.format(server=server))
    label.setWindowTitle(f"govqueue · {TITLE}")
    label.setFont(QFont("WenQuanYi Micro Hei", 20))
    label.setMargin(40)
    label.setWordWrap(True)
    label.setAlignment(Qt.AlignmentFlag.AlignCenter)
    label.resize(960, 360)
    return label


def main(server: str, token: str | None = None) -> int:
    print(MESSAGE.format(server=server).replace("\n", " "), file=sys.stderr)
    if os.environ.get("GOVQUEUE_NO_GUI"):
        return 0
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication(sys.argv[:1])
    widget = build(server)
    widget.show()
    return int(app.exec())
