"""The sound card: this machine has none, which is exactly the case to check — every call is
still handed on, nothing blocks, and the log says ONCE that the hall will not hear it."""

from __future__ import annotations

import logging
from array import array

import pytest
from pytestqt.qtbot import QtBot

from app_shell.bridge import AsyncRunner
from app_shell.voice.audio import Audio
from app_shell.voice.queue import SpeechQueue, Utterance
from app_shell.voice.speakers import SILENT_MESSAGE, SoundCardSpeaker, default_has_device
from display_app.voice.announcement import Announcement
from tests.apps.speaker_double import QuickEngine


def test_without_a_sound_device_calls_go_on_and_it_is_logged_once(
    qtbot: QtBot, runner: AsyncRunner, caplog: pytest.LogCaptureFixture
) -> None:
    assert not default_has_device()  # no sound card on the test machine
    speaker = SoundCardSpeaker(runner.post_to_gui)
    queue = SpeechQueue(QuickEngine(), speaker)
    worker = runner.submit(queue.run())
    caplog.set_level(logging.INFO, "display_app")
    for i in range(1, 6):
        queue.put(Announcement(i, f"A00{i}", "1"))
    qtbot.waitUntil(lambda: queue.said == 5 and queue.pending == 0, timeout=5000)
    worker.cancel()
    speaker.close()
    assert speaker.silent and speaker.played == 0
    assert [r.getMessage() for r in caplog.records].count(SILENT_MESSAGE) == 1


def test_a_sound_device_that_comes_back_is_noted(qtbot: QtBot, runner: AsyncRunner) -> None:
    present = [False]
    speaker = SoundCardSpeaker(runner.post_to_gui, has_device=lambda: present[0])
    sound = Audio(8000, array("h", [0] * 80))

    utterance = Utterance(Announcement(1, "A001", "1"), sound, 1)
    first = runner.submit(speaker.play(utterance))
    qtbot.waitUntil(first.done, timeout=5000)
    assert speaker.silent
    present[0] = True
    # with a "device" the sound is really handed to QtMultimedia; it cannot play here: the
    # speaker says so and goes on (at worst after the sound's length plus a margin)
    done = runner.submit(speaker.play(utterance))
    qtbot.waitUntil(done.done, timeout=10_000)
    assert not speaker.silent
    speaker.close()
