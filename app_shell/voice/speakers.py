"""Speakers: where an utterance's sound goes. `SoundCardSpeaker` plays it through
QtMultimedia (on the GUI thread, where Qt wants it; the speech queue only waits for the end).

Without a sound device nothing is played and the speaker says so ONCE in the log (and once
more if a device appears or goes away again); the screen shows every call regardless.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import logging
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

from app_shell.voice.queue import Utterance

log = logging.getLogger(__name__)

SILENT_MESSAGE = "本机没有可用的声音设备：叫号只在屏幕上显示，不播报。"
BACK_MESSAGE = "已找到声音设备，恢复语音播报。"
END_MARGIN_S = 5.0  # a sound that never reports its end is given up after its length + this

PostToGui = Callable[[Callable[[], None]], None]


class SoundCardSpeaker:
    """Plays utterances with QSoundEffect. `post` runs a function on the GUI thread
    (`AsyncRunner.post_to_gui`)."""

    def __init__(
        self,
        post: PostToGui,
        *,
        has_device: Callable[[], bool] | None = None,
        silent_message: str = SILENT_MESSAGE,
    ) -> None:
        self._post = post
        self._silent_message = silent_message
        self._has_device = has_device or default_has_device
        self._silent: bool | None = None  # what was last logged
        self._failing = False
        self._folder = Path(tempfile.mkdtemp(prefix="govqueue-voice-"))
        self._count = 0
        self.played = 0

    @property
    def silent(self) -> bool:
        return bool(self._silent)

    async def play(self, utterance: Utterance) -> None:
        done: concurrent.futures.Future[bool] = concurrent.futures.Future()
        self._count += 1
        # a new file each time: QSoundEffect keeps sounds by address
        path = self._folder / f"call-{self._count}.wav"
        await asyncio.to_thread(utterance.audio.write, path)
        self._post(lambda: self._start(path, done))
        try:
            await asyncio.wait_for(
                asyncio.wrap_future(done), utterance.audio.seconds + END_MARGIN_S
            )
        except TimeoutError:
            log.warning("声音播放未按时结束，继续播报下一个叫号。")
        finally:
            path.unlink(missing_ok=True)

    def close(self) -> None:
        shutil.rmtree(self._folder, ignore_errors=True)

    def _note_device(self, present: bool) -> None:
        silent = not present
        if silent == self._silent:
            return
        if silent:
            log.warning(self._silent_message)
        elif self._silent is not None:
            log.info(BACK_MESSAGE)
        self._silent = silent

    # --- on the GUI thread -----------------------------------------------------------------
    def _start(self, path: Path, done: concurrent.futures.Future[bool]) -> None:
        from PySide6.QtCore import QUrl
        from PySide6.QtMultimedia import QSoundEffect

        if done.done():  # given up already (the app is stopping)
            return
        present = self._has_device()
        self._note_device(present)
        if not present:
            done.set_result(False)
            return
        effect = QSoundEffect()
        effect.setVolume(1.0)  # the volume setting is already in the samples

        def finish(ok: bool) -> None:
            if not done.done():
                done.set_result(ok)
                effect.deleteLater()

        def status_changed() -> None:
            status = effect.status()
            if status == QSoundEffect.Status.Ready and not effect.isPlaying():
                effect.play()
            elif status == QSoundEffect.Status.Error:
                if not self._failing:  # once, not for every call
                    log.warning("声音设备无法播放叫号声音：叫号只在屏幕上显示。")
                self._failing = True
                finish(False)

        def playing_changed() -> None:
            if not effect.isPlaying() and effect.status() == QSoundEffect.Status.Ready:
                self.played += 1
                self._failing = False
                finish(True)

        effect.statusChanged.connect(status_changed)
        effect.playingChanged.connect(playing_changed)
        effect.setSource(QUrl.fromLocalFile(str(path)))


def default_has_device() -> bool:
    from PySide6.QtMultimedia import QMediaDevices

    return bool(QMediaDevices.audioOutputs())
