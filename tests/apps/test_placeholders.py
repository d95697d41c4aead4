"""The apps still to be built start offscreen and show, in Chinese, what they are."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

import window_client.main


@pytest.mark.parametrize(
    ("module", "title"),
    [
        (window_client.main, "窗口叫号终端"),
    ],
)
def test_placeholder_renders_chinese(
    qtbot: QtBot, tmp_path: Path, module: object, title: str
) -> None:
    widget = module.build("http://127.0.0.1:8000")  # type: ignore[attr-defined]
    qtbot.addWidget(widget)
    widget.show()
    assert title in widget.text() and "开发中" in widget.text()
    assert title in widget.windowTitle()
    image = widget.grab().toImage()
    assert image.width() > 200 and image.height() > 80
    # Chinese glyphs actually drew something: many pixel colours, not a blank rectangle
    colours = {
        image.pixel(x, y) for x in range(0, image.width(), 3) for y in range(0, image.height(), 3)
    }
    assert len(colours) > 5
    widget.grab().save(str(tmp_path / f"{title}.png"))
