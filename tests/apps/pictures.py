"""Pictures of the apps' screens, rendered offscreen. With GOVQUEUE_SCREENSHOTS_DIR set (to
docs/screenshots, to refresh the committed ones) they go there; otherwise to the test's own
temporary folder, where they are still drawn and checked."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication, QWidget

# a kiosk stands upright or lies across: every kiosk picture is taken both ways
ORIENTATIONS = pytest.mark.parametrize(
    ("orientation", "size"), [("portrait", (1080, 1920)), ("landscape", (1920, 1080))]
)


def out_dir(tmp_path: Path) -> Path:
    target = os.environ.get("GOVQUEUE_SCREENSHOTS_DIR")
    folder = Path(target) if target else tmp_path
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def laid_out() -> None:
    """Texts set just now ask for a new layout: let it happen, as the event loop would before
    painting, so that a picture is not cut at the sizes of the previous texts."""
    for _ in range(2):
        QApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)
        QApplication.processEvents()


def save_picture(window: QWidget, path: Path, size: tuple[int, int]) -> QImage:
    """The window as drawn (once laid out), saved at `path`; it kept `size` (nothing pushed
    it past the screen)."""
    laid_out()
    image = window.grab().toImage()
    assert (image.width(), image.height()) == size
    assert image.save(str(path))
    return image
