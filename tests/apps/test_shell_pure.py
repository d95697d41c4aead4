"""The shared layer's pure parts: time and duration texts, settings precedence, contrast."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from app_shell import theme
from app_shell.settings import AppSettings, SettingsError
from app_shell.timefmt import (
    clock_text,
    date_text,
    datetime_text,
    duration_text,
    timer_text,
    wait_text,
)


def test_times_are_shown_in_shanghai_time() -> None:
    moment = datetime(2026, 11, 26, 16, 5, 7, tzinfo=UTC)  # 00:05:07 next day in Shanghai
    assert clock_text(moment) == "00:05:07"
    assert clock_text(moment, seconds=False) == "00:05"
    assert date_text(moment) == "2026年11月27日 星期五"
    assert datetime_text(moment) == "2026-11-27 00:05"
    assert clock_text(datetime(2026, 11, 26, 1, 0)) == "09:00:00"  # naive = UTC (storage)


@pytest.mark.parametrize(
    ("seconds", "words"),
    [
        (0, "0秒"),
        (59, "59秒"),
        (60, "1分钟"),
        (119, "1分钟"),
        (3599, "59分钟"),
        (3600, "1小时"),
        (3900, "1小时5分钟"),
        (-5, "0秒"),
    ],
)
def test_durations_as_people_say_them(seconds: int, words: str) -> None:
    assert duration_text(seconds) == words
    assert duration_text(timedelta(seconds=seconds)) == words


def test_timers_and_waits() -> None:
    assert timer_text(247) == "04:07"
    assert timer_text(3847) == "1:04:07"
    assert wait_text(0) == "无需等候"
    assert wait_text(None) == "无需等候"
    assert wait_text(15) == "约 15分钟"
    assert wait_text(70) == "约 1小时10分钟"


class DemoSettings(AppSettings):
    section = "demo"
    colour: str = "blue"


def test_settings_precedence_file_then_environment_then_command_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = tmp_path / "apps.toml"
    config.write_text(
        'server = "http://10.0.0.5:8000"\ncolour = "red"\nwidth = 800\n'
        '[demo]\ndevice_token = "gqd_from_file"\nheight = 600\n'
        "[other]\nheight = 700\n",
        encoding="utf-8",
    )
    loaded = DemoSettings.load(config)
    assert loaded.server == "http://10.0.0.5:8000"
    assert (loaded.colour, loaded.width, loaded.height) == ("red", 800, 600)
    assert loaded.device_token == "gqd_from_file"
    monkeypatch.setenv("GOVQUEUE_SERVER", "http://127.0.0.1:9000/")
    monkeypatch.setenv("GOVQUEUE_HEIGHT", "900")
    loaded = DemoSettings.load(config)
    assert loaded.server == "http://127.0.0.1:9000" and loaded.height == 900
    assert loaded.width == 800  # the file still counts where the environment is silent
    loaded = DemoSettings.load(config, height=1000, server=None)
    assert loaded.height == 1000 and loaded.server == "http://127.0.0.1:9000"
    monkeypatch.setenv("GOVQUEUE_CONFIG", str(config))
    assert DemoSettings.load().colour == "red"


def test_bad_settings_say_what_to_fix_in_chinese(tmp_path: Path) -> None:
    with pytest.raises(SettingsError, match="服务器地址应以 http"):
        DemoSettings.load(None, server="10.0.0.5:8000")
    with pytest.raises(SettingsError, match="设置有误：width"):
        DemoSettings.load(None, width=5)
    broken = tmp_path / "broken.toml"
    broken.write_text("server = ", encoding="utf-8")
    with pytest.raises(SettingsError, match="无法读取设置文件"):
        DemoSettings.load(broken)
    with pytest.raises(SettingsError, match="缺少设备令牌"):
        DemoSettings.load(None).require_token()


def test_every_colour_pair_has_at_least_4_5_to_1_contrast() -> None:
    for fg, bg in theme.CONTRAST_PAIRS:
        ratio = theme.contrast_ratio(getattr(theme.COLOURS, fg), getattr(theme.COLOURS, bg))
        assert ratio >= 4.5, f"{fg} on {bg}: {ratio:.2f}"
    assert theme.contrast_ratio("#000000", "#FFFFFF") == pytest.approx(21.0)
    assert theme.contrast_ratio("#777777", "#777777") == pytest.approx(1.0)


def test_the_cjk_font_is_installed_and_used(qapp: object) -> None:
    assert theme.font_family() == "WenQuanYi Micro Hei"
    theme.apply_theme(qapp)  # type: ignore[arg-type]
    assert qapp.font().family() == "WenQuanYi Micro Hei"  # type: ignore[attr-defined]
