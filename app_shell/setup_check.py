"""`govqueue setup-check`: can Qt, the CJK font, speech and printing work on this machine?

Run at the end of `bash dev.sh setup` (and by hand on a kiosk or screen PC). It fails early and
by name: a missing shared library is reported with the Debian package that provides it, instead
of an ImportError deep inside pytest-qt or a screen that shows empty boxes.

Nothing here imports Qt in this process: the shared libraries are checked with `ldd`, and the
Qt probe runs in a child process, so a missing library or an aborting platform plugin is
reported rather than fatal.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import wave
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import typer

SAMPLE_TEXT = "请A001号到3号窗口办理"
SPEECH_VOICE = "cmn-latn-pinyin"

# The shared libraries a minimal Debian 12 may lack, and the package that provides each.
SONAME_PACKAGES: dict[str, str] = {
    "libglib-2.0.so.0": "libglib2.0-0",
    "libgthread-2.0.so.0": "libglib2.0-0",
    "libgobject-2.0.so.0": "libglib2.0-0",
    "libgio-2.0.so.0": "libglib2.0-0",
    "libfontconfig.so.1": "libfontconfig1",
    "libfreetype.so.6": "libfreetype6",
    "libEGL.so.1": "libegl1",
    "libGL.so.1": "libgl1",
    "libOpenGL.so.0": "libopengl0",
    "libGLX.so.0": "libglx0",
    "libxkbcommon.so.0": "libxkbcommon0",
    "libxkbcommon-x11.so.0": "libxkbcommon-x11-0",
    "libdbus-1.so.3": "libdbus-1-3",
    "libX11.so.6": "libx11-6",
    "libX11-xcb.so.1": "libx11-xcb1",
    "libXrandr.so.2": "libxrandr2",
    "libXext.so.6": "libxext6",
    "libXrender.so.1": "libxrender1",
    "libxcb.so.1": "libxcb1",
    "libxcb-cursor.so.0": "libxcb-cursor0",
    "libxcb-icccm.so.4": "libxcb-icccm4",
    "libxcb-keysyms.so.1": "libxcb-keysyms1",
    "libxcb-shape.so.0": "libxcb-shape0",
    "libxcb-xinerama.so.0": "libxcb-xinerama0",
    "libxcb-randr.so.0": "libxcb-randr0",
    "libxcb-render-util.so.0": "libxcb-render-util0",
    "libxcb-image.so.0": "libxcb-image0",
    "libxcb-xkb.so.1": "libxcb-xkb1",
    "libxcb-xfixes.so.0": "libxcb-xfixes0",
    "libxcb-shm.so.0": "libxcb-shm0",
    "libxcb-sync.so.1": "libxcb-sync1",
    "libxcb-render.so.0": "libxcb-render0",
    "libwayland-client.so.0": "libwayland-client0",
    "libwayland-cursor.so.0": "libwayland-cursor0",
    "libwayland-egl.so.1": "libwayland-egl1",
    "libnss3.so": "libnss3",
    "libnssutil3.so": "libnss3",
    "libsmime3.so": "libnss3",
    "libnspr4.so": "libnspr4",
    "libasound.so.2": "libasound2",
    "libpulse.so.0": "libpulse0",
    "libusb-1.0.so.0": "libusb-1.0-0",
    "libz.so.1": "zlib1g",
}

# What each checked Qt file is for (path relative to the PySide6 package).
QT_FILES: dict[str, str] = {
    "QtCore.abi3.so": "QtCore",
    "QtGui.abi3.so": "QtGui",
    "QtWidgets.abi3.so": "QtWidgets",
    "QtMultimedia.abi3.so": "QtMultimedia",
    "QtNetwork.abi3.so": "QtNetwork",
    "QtSvg.abi3.so": "QtSvg",
    "Qt/plugins/platforms/libqoffscreen.so": "offscreen 平台插件（截图、测试）",
    "Qt/plugins/platforms/libqxcb.so": "xcb 平台插件（X11 屏幕）",
    "Qt/plugins/platforms/libqwayland.so": "wayland 平台插件（Wayland 屏幕）",
    "Qt/plugins/multimedia/libffmpegmediaplugin.so": "FFmpeg 多媒体后端（播放叫号语音）",
}

# Loaded by the probe below (a library missing for these is reported once, by ldd).
PROBED_FILES = [
    "QtCore.abi3.so",
    "QtGui.abi3.so",
    "QtWidgets.abi3.so",
    "QtMultimedia.abi3.so",
    "Qt/plugins/platforms/libqoffscreen.so",
    "Qt/plugins/multimedia/libffmpegmediaplugin.so",
]

# Programs, with their package and what needs them.
PROGRAMS: list[tuple[str, str, str]] = [
    ("chromium", "chromium", "网页的无头浏览器检查"),
    ("chromedriver", "chromium-driver", "网页的无头浏览器检查"),
]


def package_of(soname: str) -> str | None:
    return SONAME_PACKAGES.get(soname)


def describe_missing(soname: str, needed_by: list[str]) -> str:
    package = package_of(soname)
    where = f"（Debian 包 {package}）" if package else "（用 apt-file search 查所属的包）"
    return f"缺少系统库 {soname}{where}：{'、'.join(needed_by)}需要它"


@dataclass
class Report:
    passed: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    packages: set[str] = field(default_factory=set)

    def missing_library(self, soname: str, needed_by: list[str]) -> None:
        self.problems.append(describe_missing(soname, needed_by))
        package = package_of(soname)
        if package:
            self.packages.add(package)


def missing_libraries(files: dict[Path, str]) -> dict[str, list[str]]:
    """soname -> what needs it, for every shared library `ldd` cannot find."""
    ldd = shutil.which("ldd")
    missing: dict[str, list[str]] = {}
    if ldd is None:
        return missing
    for path, purpose in files.items():
        if not path.exists():
            continue
        out = subprocess.run([ldd, str(path)], capture_output=True, text=True, check=False)
        for match in re.finditer(r"^\s*(\S+) => not found", out.stdout, re.MULTILINE):
            needed_by = missing.setdefault(match.group(1), [])
            if purpose not in needed_by:
                needed_by.append(purpose)
    return missing


def pyside_dir() -> Path | None:
    spec = importlib.util.find_spec("PySide6")  # finds the package without loading Qt
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations)))


def check_libraries(report: Report) -> bool:
    """True when the probe can run: nothing that QApplication offscreen loads is missing."""
    base = pyside_dir()
    if base is None:
        report.problems.append("未安装 PySide6：请运行 bash dev.sh setup（uv sync）")
        return False
    files = {base / rel: purpose for rel, purpose in QT_FILES.items()}
    missing = missing_libraries(files)
    for soname, needed_by in sorted(missing.items()):
        report.missing_library(soname, needed_by)
    core = {QT_FILES[f] for f in PROBED_FILES}
    return not any(core.intersection(needed_by) for needed_by in missing.values())


def qt_probe() -> dict[str, object]:
    """Runs in a child process: load Qt offscreen, render Chinese, find the media backend."""
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    os.environ.setdefault("QT_LOGGING_RULES", "qt.multimedia.*=false")
    from PySide6 import QtCore, QtGui, QtMultimedia, QtWidgets

    from app_shell.theme import FONT_FAMILIES  # the families the apps ask for by name

    app = QtWidgets.QApplication([])
    installed = set(QtGui.QFontDatabase.families())
    decode = QtMultimedia.QMediaFormat().supportedFileFormats(
        QtMultimedia.QMediaFormat.ConversionMode.Decode
    )
    result: dict[str, object] = {
        "qt": QtCore.qVersion(),
        "platform": app.platformName(),
        "wanted": FONT_FAMILIES[0],
        "decode_formats": len(decode),
    }
    # The font the apps use, not Qt's first CJK family (another font installed beside it,
    # e.g. Droid Sans Fallback, may come first there and lack glyphs the apps never ask it for).
    family = next((f for f in FONT_FAMILIES if f in installed), None)
    if family is None:
        return {**result, "font": None}
    font = QtGui.QFont(family, 24)
    if QtGui.QFontInfo(font).family() != family:  # listed, but Qt would draw another one
        return {**result, "font": None}
    raw = QtGui.QRawFont.fromFont(font)
    unsupported = [c for c in SAMPLE_TEXT if not raw.supportsCharacter(ord(c))]
    image = QtGui.QImage(480, 48, QtGui.QImage.Format.Format_RGB32)
    image.fill(QtGui.QColor("white"))
    painter = QtGui.QPainter(image)
    painter.setFont(font)
    painter.setPen(QtGui.QColor("black"))
    painter.drawText(4, 36, SAMPLE_TEXT)
    painter.end()
    ink = sum(
        1
        for x in range(0, image.width(), 2)
        for y in range(0, image.height(), 2)
        if QtGui.QColor(image.pixel(x, y)).lightness() < 128
    )
    return {**result, "font": family, "unsupported": "".join(unsupported), "ink": ink}


def check_qt(report: Report) -> None:
    try:
        child = subprocess.run(
            [
                sys.executable,
                "-c",
                f"import json; from {__name__} import qt_probe; print(json.dumps(qt_probe()))",
            ],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
    except subprocess.TimeoutExpired:
        report.problems.append("Qt 在 offscreen 平台上 120 秒内没有启动完成")
        return
    if child.returncode != 0:
        lines = (child.stderr or child.stdout).strip().splitlines() or ["（无输出）"]
        so = re.search(r"(lib[\w.+-]+\.so[.\d]*): cannot open shared object file", child.stderr)
        if so:
            report.missing_library(so.group(1), ["Qt"])
        else:
            report.problems.append(f"Qt 无法在 offscreen 平台上启动：{lines[-1]}")
        return
    info = json.loads(child.stdout.strip().splitlines()[-1])
    qt = f"Qt {info['qt']}：QtCore、QtGui、QtWidgets、QtMultimedia，{info['platform']} 平台"
    if not info["decode_formats"]:
        report.problems.append(
            f"{qt}，但没有可用的多媒体后端（FFmpeg 插件未加载），叫号语音无法播放"
        )
    else:
        report.passed.append(f"{qt}，FFmpeg 多媒体后端")
    if info["font"] is None:
        report.problems.append(
            f"没有程序使用的中文字体 {info['wanted']}（Debian 包 fonts-wqy-microhei）："
            "屏幕上的中文会显示成方框"
        )
        report.packages.add("fonts-wqy-microhei")
    elif info["unsupported"] or not info["ink"]:
        report.problems.append(
            f"中文字体 {info['font']} 缺少字形“{info['unsupported']}”或渲染为空白"
            "（Debian 包 fonts-wqy-microhei）"
        )
        report.packages.add("fonts-wqy-microhei")
    else:
        report.passed.append(f"中文字体 {info['font']}：“{SAMPLE_TEXT}”已渲染")


def check_speech(report: Report) -> None:
    exe = shutil.which("espeak-ng")
    if exe is None:
        report.problems.append(
            "缺少程序 espeak-ng（Debian 包 espeak-ng）：离线普通话叫号语音需要它"
        )
        report.packages.add("espeak-ng")
        return
    with tempfile.TemporaryDirectory() as tmp:
        wav = Path(tmp) / "call.wav"
        done = subprocess.run(
            [exe, "-v", SPEECH_VOICE, "-w", str(wav), SAMPLE_TEXT],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        seconds = 0.0
        if done.returncode == 0 and wav.exists():
            with wave.open(str(wav)) as w:
                seconds = w.getnframes() / w.getframerate()
    if seconds < 1.0:
        report.problems.append(
            f"espeak-ng 无法用 {SPEECH_VOICE} 语音合成普通话（Debian 包 espeak-ng-data）："
            f"{(done.stderr or '生成的 WAV 为空').strip()}"
        )
        report.packages.add("espeak-ng-data")
        return
    report.passed.append(
        f"语音：espeak-ng 普通话（{SPEECH_VOICE}），“{SAMPLE_TEXT}”{seconds:.1f} 秒"
    )


def check_printing(report: Report) -> None:
    try:
        from escpos.printer import Dummy
    except ImportError as exc:
        report.problems.append(f"python-escpos 无法导入：{exc}（请运行 bash dev.sh setup）")
        return
    printer = Dummy()
    printer.text(SAMPLE_TEXT + "\n")
    if SAMPLE_TEXT[:1].encode("gb18030") not in printer.output:
        report.problems.append("python-escpos 没有以 GB18030 输出中文，小票上的中文会乱码")
        return
    usb = "未安装 pyusb，USB 打印机不可用"
    try:
        import usb.backend.libusb1 as libusb1

        if libusb1.get_backend() is None:
            report.missing_library("libusb-1.0.so.0", ["USB 小票打印机（pyusb）"])
            return
        usb = "USB（libusb-1.0）"
    except ImportError:
        report.warnings.append(usb)
    report.passed.append(f"打印：python-escpos，中文 GB18030，网络打印机，{usb}")


def check_programs(report: Report) -> None:
    found = []
    for program, package, purpose in PROGRAMS:
        if shutil.which(program) is None:
            report.problems.append(f"缺少程序 {program}（Debian 包 {package}）：{purpose}需要它")
            report.packages.add(package)
        else:
            found.append(program)
    if found:
        report.passed.append(f"浏览器：{'、'.join(found)}")
    tesseract = shutil.which("tesseract")
    langs = ""
    if tesseract:
        langs = subprocess.run(
            [tesseract, "--list-langs"], capture_output=True, text=True, check=False
        ).stdout
    if "chi_sim" in langs.split():
        report.passed.append("文字识别：tesseract（chi_sim）")
    else:
        report.warnings.append(
            "（可选）没有 tesseract 简体中文识别（Debian 包 tesseract-ocr tesseract-ocr-chi-sim）："
            "截图文字检查将跳过"
        )


def check_public_address(report: Report) -> None:
    """The address in ticket QR codes: GOVQUEUE_PUBLIC_BASE_URL, else the address the kiosk
    reaches the server at (its `server` setting). A loopback one opens nothing on a phone."""
    from app_shell.settings import AppSettings, SettingsError
    from client.addresses import is_loopback_url

    public = os.environ.get("GOVQUEUE_PUBLIC_BASE_URL", "").strip() or None  # the server's setting
    if public:
        if is_loopback_url(public):
            report.warnings.append(
                f"号票二维码地址 GOVQUEUE_PUBLIC_BASE_URL={public} 是本机地址，手机扫码打不开："
                "请设置为大厅网络中手机能访问的地址（如 http://192.168.1.10:8000）"
            )
        else:
            report.passed.append(f"号票二维码地址：{public}")
        return
    try:
        server = AppSettings.load().server
    except SettingsError:
        return
    if is_loopback_url(server):
        report.warnings.append(
            f"未设置 GOVQUEUE_PUBLIC_BASE_URL，号票二维码将用取号机连接服务器的地址；本机程序的服务器地址 "
            f"{server} 是本机地址，手机扫码打不开：请在服务器上设置 GOVQUEUE_PUBLIC_BASE_URL"
            "（大厅网络中手机能访问的地址）"
        )


CHECKS: list[Callable[[Report], None]] = [
    check_qt,
    check_speech,
    check_printing,
    check_programs,
    check_public_address,
]


def run_checks() -> Report:
    report = Report()
    if check_libraries(report):  # the Qt probe would only fail on the same missing library
        check_qt(report)
    for check in CHECKS[1:]:
        check(report)
    return report


def main(echo: Callable[[str], None] = print) -> int:
    report = run_checks()
    for line in report.passed:
        echo(f"  ✓ {line}")
    for line in report.warnings:
        echo(f"  ! {line}")
    for line in report.problems:
        echo(f"  ✗ {line}")
    if report.problems:
        fix = "再次运行 bash dev.sh setup"
        if report.packages:
            fix = f"sudo apt-get install {' '.join(sorted(report.packages))}，或{fix}"
        echo(f"运行环境不完整：{fix}")
        return 1
    return 0


def setup_check() -> None:
    """Check that Qt, the CJK font, speech (espeak-ng) and printing work here; name what is missing."""
    raise typer.Exit(main())


def register(app: typer.Typer) -> None:
    """`govqueue setup-check` (an entry point of the `govqueue.commands` group, pyproject.toml)."""
    app.command("setup-check")(setup_check)


if __name__ == "__main__":
    sys.exit(main())
