"""Voice engines: turn a phrase into sound. Two behind one interface, both offline:

- `EspeakEngine` — espeak-ng's Mandarin voice (`cmn-latn-pinyin`), synthesised per phrase.
- `VoicePackEngine` — a folder of recorded clips (请, 号, 到, 窗口办理, digits, letters,
  chime) joined per phrase; see docs/voice.md for recording one.

`render_call(engine, words, repeats=2, volume=80)` gives the whole utterance: the chime (unless
`chime=False`), then the phrase `repeats` times. Engines block (a subprocess, file reads):
callers run them off the GUI thread (the speech queue does, through `asyncio.to_thread`).
"""

from __future__ import annotations

import logging
import shutil
import subprocess
from pathlib import Path
from typing import Protocol

from app_shell.voice.audio import DEFAULT_RATE, Audio, AudioError, chime, join
from app_shell.voice.words import CHIME, Phrase

log = logging.getLogger(__name__)

GAP_AFTER_CHIME_S = 0.25
GAP_BETWEEN_REPEATS_S = 0.8
GAP_BETWEEN_CLIPS_S = 0.06
ESPEAK_TIMEOUT_S = 10.0


class VoiceError(Exception):
    """A call that cannot be voiced; the message is Chinese and says what to fix."""


class VoiceEngine(Protocol):
    name: str

    def chime(self) -> Audio: ...

    def say(self, words: Phrase) -> Audio:
        """One saying of the phrase (no chime, no repeat). Blocking; raises VoiceError."""
        ...


def render_call(
    engine: VoiceEngine, words: Phrase, *, repeats: int, volume: int, chime: bool = True
) -> Audio:
    """Chime, then the phrase `repeats` times, at `volume` percent (100 = as recorded)."""
    said = engine.say(words)
    rate = said.rate
    parts = [engine.chime().resampled(rate), Audio.silence(GAP_AFTER_CHIME_S, rate)]
    if not chime:
        parts = []
    for i in range(max(1, repeats)):
        if i:
            parts.append(Audio.silence(GAP_BETWEEN_REPEATS_S, rate))
        parts.append(said)
    return join(parts, rate=rate).scaled(max(0, min(100, volume)) / 100)


class EspeakEngine:
    """espeak-ng, Mandarin (`cmn-latn-pinyin` reads Chinese characters in Mandarin)."""

    name = "espeak"

    def __init__(
        self, voice: str = "cmn-latn-pinyin", speed: int = 150, binary: str = "espeak-ng"
    ) -> None:
        self.voice, self.speed, self.binary = voice, speed, binary
        self._chime: Audio | None = None
        self._voice_checked = False

    def available(self) -> bool:
        return shutil.which(self.binary) is not None

    def _run(self, *args: str) -> subprocess.CompletedProcess[bytes]:
        try:
            return subprocess.run(
                [self.binary, *args], capture_output=True, timeout=ESPEAK_TIMEOUT_S, check=False
            )
        except FileNotFoundError as exc:
            raise VoiceError(
                "未找到 espeak-ng，无法语音播报：请安装 Debian 软件包 espeak-ng，或改用语音包。"
            ) from exc
        except subprocess.TimeoutExpired as exc:
            raise VoiceError("espeak-ng 未在规定时间内完成合成。") from exc

    def check_voice(self) -> None:
        """espeak-ng falls back to another language for an unknown voice, without an error:
        make sure the voice exists before saying anything with it."""
        if self._voice_checked:
            return
        listing = self._run("--voices").stdout.decode("utf-8", "replace").split()
        if self.voice.lower() not in {word.lower() for word in listing}:
            raise VoiceError(
                f"espeak-ng 没有语音“{self.voice}”：请使用 cmn-latn-pinyin（普通话），"
                "或安装 espeak-ng-data。"
            )
        self._voice_checked = True

    def synthesise(self, text: str) -> Audio:
        """`text` spoken by espeak-ng (blocking, a few hundredths of a second)."""
        self.check_voice()
        done = self._run("-v", self.voice, "-s", str(self.speed), "--stdout", text)
        if done.returncode != 0 or not done.stdout:
            detail = done.stderr.decode("utf-8", "replace").strip() or f"退出码 {done.returncode}"
            raise VoiceError(f"espeak-ng 合成失败（语音 {self.voice}）：{detail}")
        try:
            return Audio.from_wav_bytes(done.stdout, name="espeak-ng 输出")
        except AudioError as exc:
            raise VoiceError(str(exc)) from exc

    def chime(self) -> Audio:
        if self._chime is None:
            self._chime = chime(DEFAULT_RATE)
        return self._chime

    def say(self, words: Phrase) -> Audio:
        return self.synthesise(words.spoken())


class VoicePackEngine:
    """Recorded clips joined per call. Clips are read once and kept; a clip recorded at
    another rate or in stereo is converted to the rate of the pack's 请 (qing.wav)."""

    name = "pack"

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._clips: dict[str, Audio] = {}
        self._rate: int | None = None

    def missing(self, names: list[str]) -> list[str]:
        return [n for n in names if not self.clip_path(n).is_file()]

    def clip_path(self, name: str) -> Path:
        return self.folder / f"{name}.wav"

    @property
    def rate(self) -> int:
        if self._rate is None:
            first = self.clip_path("qing")
            self._rate = Audio.read(first).rate if first.is_file() else DEFAULT_RATE
        return self._rate

    def clip(self, name: str) -> Audio:
        cached = self._clips.get(name)
        if cached is not None:
            return cached
        path = self.clip_path(name)
        if not path.is_file():
            raise VoiceError(f"语音包 {self.folder} 缺少录音 {path.name}，请补录后再试。")
        try:
            audio = Audio.read(path, rate=self.rate)
        except AudioError as exc:
            raise VoiceError(str(exc)) from exc
        audio = audio if name == CHIME else audio.trimmed(threshold=max(200, audio.peak() // 40))
        self._clips[name] = audio
        return audio

    def chime(self) -> Audio:
        if self.clip_path(CHIME).is_file():
            return self.clip(CHIME)
        return chime(self.rate)

    def say(self, words: Phrase) -> Audio:
        if not self.folder.is_dir():
            raise VoiceError(f"找不到语音包文件夹 {self.folder}。")
        names = words.clips()
        if names is None:
            raise VoiceError(f"语音包没有“{words.spoken()}”的录音，改用 espeak-ng。")
        gap = Audio.silence(GAP_BETWEEN_CLIPS_S, self.rate)
        parts: list[Audio] = []
        for name in names:
            if parts:
                parts.append(gap)
            parts.append(self.clip(name))
        return join(parts, rate=self.rate)


class FallbackEngine:
    """The first engine that can voice the call (a voice pack, then espeak-ng for a window
    name the pack has no clip for). The error of the last one if none can."""

    def __init__(self, *engines: VoiceEngine) -> None:
        self.engines = engines
        self.name = "+".join(e.name for e in engines)
        self._current: VoiceEngine = engines[0]
        self._said: set[str] = set()  # what was logged (once each, not for every phrase)

    def chime(self) -> Audio:
        return self._current.chime()

    def say(self, words: Phrase) -> Audio:
        error: VoiceError | None = None
        for engine in self.engines:
            try:
                said = engine.say(words)
            except VoiceError as exc:
                if str(exc) not in self._said:
                    self._said.add(str(exc))
                    log.warning("%s: %s", engine.name, exc)
                error = exc
                continue
            self._current = engine
            return said
        assert error is not None
        raise error
