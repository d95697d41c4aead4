"""`--test-voice` of an app: play one utterance through the sound card and wait for its end
(a Qt application of its own, offscreen). Used by `display --test-voice` and `kiosk --test-voice`."""

from __future__ import annotations

import os
import sys

from app_shell.voice.queue import Utterance


def has_sound_device() -> bool:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtGui import QGuiApplication

    from app_shell.voice.speakers import default_has_device

    _ = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])
    return default_has_device()


def play(utterance: Utterance) -> None:
    """Play it and return when it has ended. Call `has_sound_device()` first."""
    from PySide6.QtCore import QTimer
    from PySide6.QtGui import QGuiApplication

    from app_shell.bridge import AsyncRunner
    from app_shell.voice.speakers import SoundCardSpeaker

    app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])
    runner = AsyncRunner().start()
    speaker = SoundCardSpeaker(runner.post_to_gui)
    future = runner.submit(speaker.play(utterance))
    poll = QTimer()
    poll.timeout.connect(lambda: app.quit() if future.done() else None)
    poll.start(100)
    app.exec()
    runner.stop()
    speaker.close()
