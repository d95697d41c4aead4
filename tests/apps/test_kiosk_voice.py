"""Voice guidance on the kiosk (issue 29): with a speaker, a service is read out at the first
touch and taken at the second; the ticket is said (您的号码是 A001，前面还有 0 人); a printer
fault is said; phrases never overlap. A recording speaker stands in for the sound card; the
engines are app_shell.voice's (the hall display's), and `kiosk --test-voice` makes real sound
with espeak-ng."""

from __future__ import annotations

import wave
from pathlib import Path

from pytestqt.qtbot import QtBot

from app_shell.bridge import AsyncRunner
from app_shell.voice.queue import SpeechQueue
from kiosk_app import guidance
from kiosk_app.controller import Screen
from kiosk_app.printing.flow import PrintState
from kiosk_app.printing.status import PrinterState
from tests.apps.conftest import ThreadedServer
from tests.apps.kiosk_helpers import make_kiosk, tap
from tests.apps.printer_double import TcpTestPrinter
from tests.apps.speaker_double import QuickEngine, RecordingSpeaker
from tests.apps.test_kiosk_cli import kiosk as kiosk_command
from tests.apps.test_kiosk_start import issued_today


def voiced(speaker: RecordingSpeaker) -> SpeechQueue:
    return SpeechQueue(QuickEngine(), speaker, repeats=1, chime=False)


def test_touch_once_to_hear_again_to_choose_then_the_ticket_is_said(
    qtbot: QtBot,
    app_server: ThreadedServer,
    runner: AsyncRunner,
    tcp_printer: TcpTestPrinter,
) -> None:
    hall = app_server.hall
    assert hall is not None
    speaker = RecordingSpeaker(play_s=0.05)
    kiosk = make_kiosk(qtbot, runner, app_server, printer=tcp_printer.spec, speech=voiced(speaker))
    c, start = kiosk.controller, kiosk.window.start_screen
    try:
        a = hall.services["A"]
        tap(qtbot, kiosk, start.tile(a))  # once: heard, not taken
        qtbot.waitUntil(lambda: len(speaker.played) == 1, timeout=5000)
        assert speaker.texts == ["户籍办理。现在不用排队。再点一下取号。"]
        assert c.selected == a and start.tile(a).status_text == "再点一下取号"
        assert issued_today(app_server) == {"A": 0, "B": 0}
        tap(qtbot, kiosk, start.tile(a))  # again: taken
        qtbot.waitUntil(lambda: c.print_state is PrintState.printed, timeout=10_000)
        qtbot.waitUntil(lambda: len(speaker.played) == 2, timeout=5000)
        assert speaker.texts[-1] == "您的号码是 A001，前面还有 0 人"
        assert issued_today(app_server) == {"A": 1, "B": 0}
        # a double tap on a service: read out once, no ticket (the tile changed under it)
        c.back_to_start()
        qtbot.waitUntil(c.settled, timeout=5000)
        b = hall.services["B"]
        kiosk_tile = start.tile(b)
        assert kiosk_tile is not None
        from tests.apps.kiosk_helpers import touch_at

        touch_at(qtbot, kiosk.window, kiosk_tile)
        touch_at(qtbot, kiosk.window, kiosk_tile)
        qtbot.waitUntil(lambda: len(speaker.played) == 3, timeout=5000)
        assert speaker.texts[-1].startswith("社保医保。")
        assert issued_today(app_server) == {"A": 1, "B": 0} and c.selected == b
        # the printer out of paper: the fault is said, after the ticket
        tcp_printer.condition.paper_out = True
        tap(qtbot, kiosk, start.tile(b))
        qtbot.waitUntil(lambda: c.screen is Screen.fault, timeout=10_000)
        qtbot.waitUntil(lambda: len(speaker.played) == 5, timeout=5000)
        assert speaker.texts[-2:] == [
            "您的号码是 B001，前面还有 0 人",
            "打印机缺纸，请凭屏幕上的号码等候叫号，或扫码保存。",
        ]
        assert speaker.overlaps == 0  # one after the other, never over each other
    finally:
        c.stop()
        runner.submit(kiosk.api.aclose()).result(5)


def test_the_phrases() -> None:
    said = guidance.result("A012", 3)
    assert said.text == "您的号码是 A012，前面还有 3 人"
    assert said.spoken() == "您的号码是 A 零 一 二，前面还有 3 人"  # read character by character
    assert said.clips() == ["ninde_haoma_shi", "A", "0", "1", "2", "qianmian_haiyou", "3", "ren"]
    assert guidance.fault(PrinterState.ok) is None
    fault = guidance.fault(PrinterState.cover_open)
    assert fault is not None and fault.text.startswith("打印机盖未关好")


def test_test_voice_writes_the_sample_or_says_why_not(tmp_path: Path) -> None:
    wav = tmp_path / "guide.wav"
    written = kiosk_command("--test-voice", "--to", str(wav))
    assert written.returncode == 0, written.stderr
    assert "语音引导示例已写入" in written.stdout and "espeak" in written.stdout
    with wave.open(str(wav)) as sound:
        seconds = sound.getnframes() / sound.getframerate()
    assert 1.5 < seconds < 15  # 您的号码是 A 零 一 二，前面还有 3 人, at a calm pace
    no_pack = kiosk_command(
        "--test-voice", "--voice", "pack", "--voice-pack", str(tmp_path / "none"), "--to", "x.wav"
    )
    assert no_pack.returncode != 0 and "找不到语音包文件夹" in no_pack.stderr
    played = kiosk_command("--test-voice")  # no sound card here
    assert played.returncode == 1 and "没有可用的声音设备" in played.stderr


async def test_a_service_read_out_gives_way_but_the_ticket_is_never_dropped() -> None:
    """Touched A, then B and C while A is being said, the ticket in between: A, the ticket, C
    (B gave way to C; nothing is said over anything)."""
    import asyncio

    speaker = RecordingSpeaker(play_s=0.2)
    queue = voiced(speaker)
    worker = asyncio.create_task(queue.run())
    try:
        queue.put(guidance.Guide("A"), passing=True)
        while not speaker._playing:  # A has begun
            await asyncio.sleep(0.01)
        queue.put(guidance.Guide("B"), passing=True)
        queue.put(guidance.result("A001", 0))
        queue.put(guidance.Guide("C"), passing=True)
        while len(speaker.played) < 3:
            await asyncio.sleep(0.01)
        assert speaker.texts == ["A", "您的号码是 A001，前面还有 0 人", "C"]
        assert speaker.overlaps == 0 and queue.pending == 0
    finally:
        worker.cancel()
