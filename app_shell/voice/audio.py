"""Sound as plain data: 16-bit PCM mono clips that can be read, joined, scaled and written.

Pure Python (the standard `wave` and `array` modules): the clips of a call are short, and the
voice must work on a bare hall PC. A clip recorded in stereo or at another sample rate is
converted when it is read (`Audio.read(path, rate=...)`), so a hall can record its voice
pack with any ordinary recorder that writes 16-bit WAV.
"""

from __future__ import annotations

import io
import math
import wave
from array import array
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

SAMPLE_MAX = 32767
DEFAULT_RATE = 22050  # espeak-ng's own rate


class AudioError(Exception):
    """A WAV file that cannot be used; the message is Chinese and names the file."""


@dataclass(frozen=True)
class Audio:
    """Mono 16-bit samples at `rate` Hz."""

    rate: int
    samples: array[int]  # array('h')

    @property
    def seconds(self) -> float:
        return len(self.samples) / self.rate

    def __len__(self) -> int:
        return len(self.samples)

    # --- making ----------------------------------------------------------------------------
    @classmethod
    def silence(cls, seconds: float, rate: int = DEFAULT_RATE) -> Audio:
        return cls(rate, array("h", bytes(2 * round(seconds * rate))))

    @classmethod
    def from_wav_bytes(cls, data: bytes, *, rate: int | None = None, name: str = "WAV") -> Audio:
        try:
            with wave.open(io.BytesIO(data), "rb") as wav:
                channels, width = wav.getnchannels(), wav.getsampwidth()
                source_rate, frames = wav.getframerate(), wav.readframes(wav.getnframes())
        except (wave.Error, EOFError) as exc:
            raise AudioError(f"{name} 不是可用的 WAV 文件：{exc}") from exc
        if width != 2:
            raise AudioError(
                f"{name} 是 {width * 8} 位音频，请另存为 16 位 PCM WAV（单声道或立体声均可）。"
            )
        samples = array("h")
        samples.frombytes(frames[: len(frames) - len(frames) % 2])
        if channels > 1:
            samples = _downmix(samples, channels)
        audio = cls(source_rate, samples)
        return audio.resampled(rate) if rate is not None else audio

    @classmethod
    def read(cls, path: Path, *, rate: int | None = None) -> Audio:
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise AudioError(f"无法读取声音文件 {path}：{exc.strerror or exc}") from exc
        return cls.from_wav_bytes(data, rate=rate, name=str(path))

    # --- changing --------------------------------------------------------------------------
    def resampled(self, rate: int) -> Audio:
        """The same sound at `rate` Hz (linear interpolation; plenty for speech clips)."""
        if rate == self.rate or not self.samples:
            return Audio(rate, array("h", self.samples))
        count = max(1, round(len(self.samples) * rate / self.rate))
        step = self.rate / rate
        src, last = self.samples, len(self.samples) - 1
        out = array("h", bytes(2 * count))
        for i in range(count):
            pos = i * step
            j = int(pos)
            if j >= last:
                out[i] = src[last]
            else:
                frac = pos - j
                out[i] = round(src[j] + (src[j + 1] - src[j]) * frac)
        return Audio(rate, out)

    def scaled(self, gain: float) -> Audio:
        """Louder or softer (1.0 unchanged), clipped to the 16-bit range."""
        if gain == 1.0:
            return self
        out = array("h", (max(-SAMPLE_MAX, min(SAMPLE_MAX, round(s * gain))) for s in self.samples))
        return Audio(self.rate, out)

    def trimmed(self, threshold: int = 300, keep_s: float = 0.03) -> Audio:
        """Without the near-silence at both ends (recorded clips start and end with some)."""
        loud = [i for i, s in enumerate(self.samples) if abs(s) > threshold]
        if not loud:
            return self
        keep = round(keep_s * self.rate)
        start, end = max(0, loud[0] - keep), min(len(self.samples), loud[-1] + keep + 1)
        return Audio(self.rate, self.samples[start:end])

    def peak(self) -> int:
        return max((abs(s) for s in self.samples), default=0)

    # --- writing ---------------------------------------------------------------------------
    def wav_bytes(self) -> bytes:
        buffer = io.BytesIO()
        with wave.open(buffer, "wb") as wav:
            wav.setnchannels(1)
            wav.setsampwidth(2)
            wav.setframerate(self.rate)
            wav.writeframes(self.samples.tobytes())
        return buffer.getvalue()

    def write(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(self.wav_bytes())


def join(parts: Iterable[Audio], *, rate: int | None = None) -> Audio:
    """One clip after another (all brought to `rate`, or to the first part's rate)."""
    items = list(parts)
    if not items:
        return Audio.silence(0, rate or DEFAULT_RATE)
    target = rate or items[0].rate
    out = array("h")
    for part in items:
        out.extend(part.resampled(target).samples if part.rate != target else part.samples)
    return Audio(target, out)


def _downmix(samples: array[int], channels: int) -> array[int]:
    frames = len(samples) // channels
    return array(
        "h",
        (
            round(sum(samples[f * channels + c] for c in range(channels)) / channels)
            for f in range(frames)
        ),
    )


def chime(rate: int = DEFAULT_RATE, *, level: float = 0.5) -> Audio:
    """The two-tone 叮咚 before each call (E5 then C5, bell-like decay), about 1.3 s."""
    notes = ((659.25, 0.0, 0.75), (523.25, 0.45, 0.85))  # (Hz, start s, length s)
    total = round(max(start + length for _, start, length in notes) * rate)
    mix = [0.0] * total
    for freq, start, length in notes:
        first = round(start * rate)
        for i in range(round(length * rate)):
            t = i / rate
            envelope = math.exp(-4.0 * t) * min(1.0, t / 0.005)
            wave_ = (
                math.sin(2 * math.pi * freq * t)
                + 0.35 * math.sin(2 * math.pi * 2 * freq * t)
                + 0.12 * math.sin(2 * math.pi * 3 * freq * t)
            )
            mix[first + i] += envelope * wave_ / 1.47
    top = max(abs(v) for v in mix) or 1.0
    scale = level * SAMPLE_MAX / top
    return Audio(rate, array("h", (round(v * scale) for v in mix)))
