"""`govqueue setup-check`: passes on a complete machine, names what is missing otherwise."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from app_shell import setup_check
from tests.test_cli import run


def test_setup_check_passes_on_a_complete_machine() -> None:
    result = run("setup-check")
    assert result.returncode == 0, result.stdout + result.stderr
    out = result.stdout
    assert "✓ Qt 6" in out and "QtMultimedia" in out and "FFmpeg" in out
    assert "✓ 中文字体" in out
    assert "✓ 语音：espeak-ng 普通话（cmn-latn-pinyin）" in out
    assert "✓ 打印：python-escpos" in out and "USB（libusb-1.0）" in out
    assert "✗" not in out


def _elf_needing_a_missing_library(tmp_path: Path) -> Path:
    """A real shared object linked against a library that is then removed."""
    if shutil.which("gcc") is None:
        pytest.skip("needs gcc")
    (tmp_path / "gone.c").write_text("int gone(void) { return 1; }\n")
    (tmp_path / "probe.c").write_text("int gone(void);\nint probe(void) { return gone(); }\n")
    lib = tmp_path / "libgovqueue-gone.so.0"
    subprocess.run(
        ["gcc", "-shared", "-fPIC", "-Wl,-soname,libgovqueue-gone.so.0", "-o", lib, "gone.c"],
        cwd=tmp_path,
        check=True,
    )
    probe = tmp_path / "probe.so"
    subprocess.run(
        ["gcc", "-shared", "-fPIC", "-o", probe, "probe.c", lib], cwd=tmp_path, check=True
    )
    lib.unlink()
    return probe


def test_a_missing_library_is_named_with_its_package(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    probe = _elf_needing_a_missing_library(tmp_path)
    assert setup_check.missing_libraries({probe: "叫号测试组件"}) == {
        "libgovqueue-gone.so.0": ["叫号测试组件"]
    }
    # Through the whole check, as dev.sh runs it: the library, its package, the fix.
    monkeypatch.setitem(setup_check.QT_FILES, str(probe), "叫号测试组件")
    monkeypatch.setitem(setup_check.SONAME_PACKAGES, "libgovqueue-gone.so.0", "govqueue-gone1")
    lines: list[str] = []
    assert setup_check.main(echo=lines.append) == 1
    assert (
        "  ✗ 缺少系统库 libgovqueue-gone.so.0（Debian 包 govqueue-gone1）：叫号测试组件需要它"
        in lines
    )
    assert lines[-1].startswith("运行环境不完整：sudo apt-get install govqueue-gone1")


def test_an_unknown_library_says_how_to_find_its_package() -> None:
    assert setup_check.describe_missing("libfoo.so.9", ["QtGui"]) == (
        "缺少系统库 libfoo.so.9（用 apt-file search 查所属的包）：QtGui需要它"
    )
    assert setup_check.describe_missing("libglib-2.0.so.0", ["QtCore"]) == (
        "缺少系统库 libglib-2.0.so.0（Debian 包 libglib2.0-0）：QtCore需要它"
    )


def test_every_library_package_is_installed_by_dev_sh() -> None:
    dev_sh = (Path(__file__).parents[1] / "dev.sh").read_text()
    listed = dev_sh.split("APT_PACKAGES=(", 1)[1].split("\n)", 1)[0]
    words = {w for line in listed.splitlines() for w in line.split("#", 1)[0].split()}
    # Every package the check may ask for is one dev.sh installs (so "run setup" fixes it).
    wanted = set(setup_check.SONAME_PACKAGES.values()) - {"zlib1g", "libglx0", "libnspr4"}
    assert wanted <= words, wanted - words
    assert {"libglib2.0-0", "espeak-ng", "libusb-1.0-0", "fonts-wqy-microhei"} <= words


DROID = Path("/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf")
WQY = Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")


def _fonts_only(tmp_path: Path, *fonts: Path) -> dict[str, str]:
    """An environment whose fontconfig sees exactly `fonts` (copied links in one folder)."""
    for font in fonts:
        assert font.exists(), f"{font} is missing: bash dev.sh setup installs its package"
    folder = tmp_path / "fonts"
    folder.mkdir()
    for font in fonts:
        (folder / font.name).symlink_to(font)
    config = tmp_path / "fonts.conf"
    config.write_text(
        '<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd"><fontconfig>'
        f"<dir>{folder}</dir><cachedir>{tmp_path / 'cache'}</cachedir></fontconfig>"
    )
    return {"FONTCONFIG_FILE": str(config)}


def test_the_font_checked_is_the_one_the_apps_use_beside_droid_sans_fallback(
    tmp_path: Path,
) -> None:
    """With fonts-droid-fallback beside WenQuanYi (imagemagick pulls it in), Qt lists Droid Sans
    Fallback first among the Chinese families; it lacks Latin glyphs. The apps name WenQuanYi
    and render right, and so must the check."""
    result = run("setup-check", env=_fonts_only(tmp_path, DROID, WQY))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "✓ 中文字体 WenQuanYi Micro Hei" in result.stdout
    assert "✗" not in result.stdout


def test_without_the_apps_font_the_check_names_it_even_beside_another_cjk_font(
    tmp_path: Path,
) -> None:
    result = run("setup-check", env=_fonts_only(tmp_path, DROID))
    assert result.returncode == 1
    out = result.stdout + result.stderr
    assert "  ✗ 没有程序使用的中文字体 WenQuanYi Micro Hei（Debian 包 fonts-wqy-microhei）" in out


@pytest.mark.parametrize(
    ("public", "server", "warned"),
    [
        ("http://127.0.0.1:8000", "http://192.168.1.10:8000", True),
        ("http://192.168.1.10:8000", "http://127.0.0.1:8000", False),
        ("", "http://localhost:8000", True),
        ("", "http://192.168.1.10:8000", False),
    ],
)
def test_a_loopback_address_in_the_tickets_qr_is_warned_about(
    public: str, server: str, warned: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The QR codes point at GOVQUEUE_PUBLIC_BASE_URL, else at the address the kiosk reaches
    the server at: a loopback one opens nothing on a phone (issue 22 item 11)."""
    monkeypatch.setenv("GOVQUEUE_PUBLIC_BASE_URL", public)
    monkeypatch.setenv("GOVQUEUE_SERVER", server)
    report = setup_check.Report()
    setup_check.check_public_address(report)
    assert bool(report.warnings) is warned, report.warnings
    if warned:
        assert "本机地址" in report.warnings[0] and "GOVQUEUE_PUBLIC_BASE_URL" in report.warnings[0]
    assert not report.problems  # a warning: the hall still works inside its walls
    if public and not warned:
        assert report.passed == [f"号票二维码地址：{public}"]
