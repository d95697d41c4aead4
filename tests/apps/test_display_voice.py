"""The hall's voice without a screen: the words of a call, espeak-ng, voice packs, the queue."""

from __future__ import annotations

import asyncio
import threading
import wave
from array import array
from pathlib import Path

import pytest

from app_shell.voice.audio import Audio, AudioError, chime
from app_shell.voice.engines import (
    EspeakEngine,
    FallbackEngine,
    VoiceError,
    VoicePackEngine,
    render_call,
)
from app_shell.voice.queue import SpeechQueue
from display_app.voice.announcement import Announcement
from display_app.voice.pack import check_pack, clip_names
from display_app.voice.words import CallWords, window_clips
from tests.apps.speaker_double import QuickEngine, RecordingSpeaker


def test_the_words_of_a_call() -> None:
    words = CallWords("A012", "3")
    assert words.sentence() == "请 A012 号 到 3 号窗口办理"
    assert words.spoken() == "请 A 零 一 二 号，到 三 号窗口办理"
    assert words.clips() == [
        "qing", "A", "0", "1", "2", "hao", "dao", "3", "hao", "chuangkou_banli"
    ]  # fmt: skip
    assert CallWords("B105", "12").spoken() == "请 B 一 零 五 号，到 十二 号窗口办理"
    assert window_clips("10") == ["10"]
    assert window_clips("12") == ["10", "2"]
    assert window_clips("23") == ["2", "10", "3"]
    assert window_clips("40") == ["4", "10"]
    # not a plain number: character by character
    assert window_clips("03") == ["0", "3"]
    assert window_clips("101") == ["1", "0", "1"]
    assert window_clips("a3") == ["A", "3"]


def test_espeak_writes_a_call_of_plausible_length(tmp_path: Path) -> None:
    engine = EspeakEngine()
    once = engine.say(CallWords("A012", "3"))
    # ten syllables and more: a few seconds of sound, not silence
    assert 2.0 < once.seconds < 9.0 and once.peak() > 3000
    twice = render_call(engine, CallWords("A012", "3"), repeats=2, volume=100)
    # chime + gap + the sentence twice + a pause
    expected = chime().seconds + 2 * once.seconds + 0.25 + 0.8
    assert abs(twice.seconds - expected) < 0.05
    path = tmp_path / "call.wav"
    twice.write(path)
    with wave.open(str(path)) as wav:
        assert (wav.getnchannels(), wav.getsampwidth(), wav.getframerate()) == (1, 2, 22050)
        assert wav.getnframes() == len(twice)
    softer = render_call(engine, CallWords("A012", "3"), repeats=1, volume=50)
    assert softer.peak() <= twice.peak() // 2 + 1


def test_espeak_says_what_is_wrong() -> None:
    with pytest.raises(VoiceError, match="未找到 espeak-ng"):
        EspeakEngine(binary="no-such-espeak").say(CallWords("A001", "1"))
    with pytest.raises(VoiceError, match="没有语音“no-such-voice”"):
        EspeakEngine(voice="no-such-voice").say(CallWords("A001", "1"))


def _tone_pack(folder: Path, rate: int = 16000) -> dict[int, str]:
    """A pack whose every clip is a flat level unique to it: decoding the joined sound by
    its levels gives back the clip names in the order they were joined."""
    folder.mkdir()
    by_level: dict[int, str] = {}
    for i, name in enumerate(clip_names()):
        level = 1000 + 200 * i
        by_level[level] = name
        Audio(rate, array("h", [level] * (rate // 20))).write(folder / f"{name}.wav")
    return by_level


def _levels(audio: Audio) -> list[int]:
    runs: list[int] = []
    previous = 0
    for sample in audio.samples:
        if sample != previous and sample != 0:
            runs.append(sample)
        previous = sample
    return runs


def test_a_voice_pack_joins_its_clips_in_order(tmp_path: Path) -> None:
    by_level = _tone_pack(tmp_path / "pack")
    engine = VoicePackEngine(tmp_path / "pack")
    said = engine.say(CallWords("B207", "12"))
    assert said.rate == 16000
    assert [by_level[v] for v in _levels(said)] == [
        "qing", "B", "2", "0", "7", "hao", "dao", "10", "2", "hao", "chuangkou_banli"
    ]  # fmt: skip
    # the whole announcement: the pack's chime, then the call twice
    full = render_call(engine, CallWords("A1", "3"), repeats=2, volume=100)
    sentence = ["qing", "A", "1", "hao", "dao", "3", "hao", "chuangkou_banli"]
    assert [by_level[v] for v in _levels(full)] == ["chime", *sentence, *sentence]


def test_a_pack_recorded_in_stereo_at_another_rate_is_converted(tmp_path: Path) -> None:
    _tone_pack(tmp_path / "pack", rate=22050)
    stereo = tmp_path / "pack" / "dao.wav"
    with wave.open(str(stereo), "wb") as wav:
        wav.setnchannels(2)
        wav.setsampwidth(2)
        wav.setframerate(44100)
        wav.writeframes(array("h", [3000, 5000] * 4410).tobytes())  # 0.1 s
    clip = VoicePackEngine(tmp_path / "pack").clip("dao")
    assert clip.rate == 22050 and abs(clip.seconds - 0.1) < 0.01
    assert set(clip.samples) == {4000}  # the two channels mixed


def test_a_pack_says_what_it_lacks(tmp_path: Path) -> None:
    _tone_pack(tmp_path / "pack")
    (tmp_path / "pack" / "hao.wav").unlink()
    (tmp_path / "pack" / "A.wav").write_bytes(b"not a wav")
    assert check_pack(tmp_path / "pack").missing == ["hao"]
    engine = VoicePackEngine(tmp_path / "pack")
    with pytest.raises(VoiceError, match=r"缺少录音 hao\.wav"):
        engine.say(CallWords("B1", "1"))
    with pytest.raises(VoiceError, match="不是可用的 WAV"):
        engine.say(CallWords("A1", "1"))
    with pytest.raises(AudioError, match="无法读取"):
        Audio.read(tmp_path / "nowhere.wav")
    # a window name the pack cannot say falls back to espeak-ng
    fallback = FallbackEngine(VoicePackEngine(tmp_path / "pack"), EspeakEngine())
    assert fallback.say(CallWords("A1", "综合")).seconds > 1.0


async def test_the_queue_says_every_call_once_in_order_never_overlapping() -> None:
    speaker = RecordingSpeaker(play_s=0.02)
    queue = SpeechQueue(QuickEngine(), speaker, repeats=2, shorten_at=100)
    worker = asyncio.create_task(queue.run())
    # five windows call at once, from five threads
    calls = [Announcement(i, f"A{i:03d}", str(i % 5 + 1)) for i in range(1, 41)]

    def put_all(part: list[Announcement]) -> None:
        for call in part:
            queue.put(call)

    threads = [threading.Thread(target=put_all, args=(calls[k::5],)) for k in range(5)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    async with asyncio.timeout(10):
        while len(speaker.played) < 40:
            await asyncio.sleep(0.01)
    worker.cancel()
    assert sorted(speaker.texts) == sorted(c.text for c in calls)
    assert len(set(speaker.texts)) == 40 and speaker.overlaps == 0
    # the order of each thread's calls is kept
    for k in range(5):
        mine = [c.text for c in calls[k::5]]
        assert [t for t in speaker.texts if t in mine] == mine


async def test_a_backlog_is_said_once_each_never_skipped() -> None:
    speaker = RecordingSpeaker(play_s=0.05)
    queue = SpeechQueue(QuickEngine(), speaker, repeats=2, shorten_at=3)
    for i in range(1, 6):
        queue.put(Announcement(i, f"B{i:03d}", "2"))
    worker = asyncio.create_task(queue.run())
    async with asyncio.timeout(10):
        while len(speaker.played) < 5:
            await asyncio.sleep(0.01)
    queue.put(Announcement(6, "B006", "2"))
    async with asyncio.timeout(10):
        while len(speaker.played) < 6:
            await asyncio.sleep(0.01)
    worker.cancel()
    assert speaker.texts == [f"请 B00{i} 号 到 2 号窗口办理" for i in range(1, 7)]
    # 5 waiting: once each until only two are left; then, with nobody behind, twice
    assert [p.repeats for p in speaker.played] == [1, 1, 1, 2, 2, 2]
