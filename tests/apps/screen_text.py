"""What a screen says, read off its picture with tesseract (chi_sim), so that a picture test
checks the words a person would read, not only that a PNG was written. Grayscale at 1×
reads Chinese reliably here; a light-on-dark screen is inverted first (docs/PLATFORM.md)."""

from __future__ import annotations

import os
import subprocess
import tempfile
from pathlib import Path

from PySide6.QtGui import QImage


def screen_text(image: QImage, *, dark: bool = False) -> str:
    """The words tesseract reads on `image`, without the spaces it puts between characters."""
    gray = image.convertToFormat(QImage.Format.Format_Grayscale8)
    if dark:
        gray.invertPixels()
    with tempfile.TemporaryDirectory(prefix="govqueue-ocr-") as folder:
        path = Path(folder) / "screen.png"
        assert gray.save(str(path))
        read = subprocess.run(
            ["tesseract", str(path), "-", "-l", "chi_sim", "--psm", "11"],
            capture_output=True,
            text=True,
            check=True,
            timeout=120,
            # one thread: tesseract's OpenMP threads spin while they wait, ~3× the CPU for the
            # same words (3.9 → 1.2 CPU-s a console screenshot, the suite's workers beside it)
            env={**os.environ, "OMP_THREAD_LIMIT": "1"},
        )
    return "".join(read.stdout.split())


def assert_says(image: QImage, *phrases: str, dark: bool = False) -> None:
    """Every phrase can be read on the screen."""
    said = screen_text(image, dark=dark)
    missing = [p for p in phrases if p not in said]
    assert not missing, f"the screen does not say {missing}; it reads: {said[:400]}"
