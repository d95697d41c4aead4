"""`govqueue plan`, run as a real process on a database built by the migrations and filled
with two months of a hall's history (busier Mondays, a busier first day after 国庆)."""

from __future__ import annotations

import os
import pty
import re
import subprocess
from datetime import date, timedelta
from pathlib import Path

import pytest

from tests.helpers import migrated_database
from tests.planning_history import AFTER, MONDAY, write_history
from tests.test_cli import GOVQUEUE, run

openpyxl = pytest.importorskip("openpyxl")
FIRST, LAST = "2025-09-01", "2025-10-31"


@pytest.fixture(scope="module")
def history(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = migrated_database(tmp_path_factory.mktemp("plan"))
    write_history(url, date.fromisoformat(FIRST), date.fromisoformat(LAST))
    return url


def plan(url: str, day: str, *more: str) -> subprocess.CompletedProcess[str]:
    return run(
        "plan", "--db", url, "--hall", "PLAN", "--from", FIRST, "--to", LAST, "--day", day, *more
    )


HOUR_LINE = re.compile(
    r"^(\d\d):00–\d\d:00 预计取号 ([\d.]+) \| 建议 (\d+) 个窗口(（未达标）)?（([^）]*)）："
    r"平均等候 (\S+).*?超时等候率 ([\d.]+%|—).*\| 现行 ([\d.]+) 个：",
    re.M,
)


def day_total(out: str) -> tuple[float, int]:
    found = re.search(r"^全天 预计取号 ([\d.]+) \| 建议 (\d+) 窗口·时", out, re.M)
    assert found, out
    return float(found.group(1)), int(found.group(2))


def test_plain_lines_hour_by_hour_without_a_terminal(history: str) -> None:
    result = plan(history, "2025-11-03")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert out.startswith("新区政务服务中心（PLAN）2025-11-03（周一）开窗建议\n")
    hours = HOUR_LINE.findall(out)
    assert [h[0] for h in hours] == ["09", "10", "11", "12", "13", "14", "15", "16"]
    for hour, arrivals, windows, unmet, numbers, _, over, _current in hours:
        assert not unmet and (over == "—" or float(over[:-1]) <= 10.0)  # all meet the target
        assert int(windows) == (len(numbers.split("、")) if numbers != "—" else 0) <= 5
        if hour != "12":
            assert float(arrivals) > 0
    assert hours[3][1] == "0.0"  # nobody is issued a ticket 12:00–13:30 …
    assert float(hours[4][7]) == 2.5  # … and the current staffing reopens at 13:30
    assert "到达量按历史中 8 个“周一”的平均估计（2025-09-01 至 2025-10-27）" in out
    assert "“现行”为 2025-10-31 的实际开窗" in out
    assert "\x1b[" not in out and "┃" not in out  # no colours, no table


def test_arrivals_are_read_by_class_of_day(history: str) -> None:
    monday = plan(history, "2025-11-03")
    wednesday = plan(history, "2025-11-05")
    after_holiday = plan(history, "2025-10-09")
    for result in (monday, wednesday, after_holiday):
        assert result.returncode == 0, result.stderr
    (mon_n, mon_windows), (wed_n, wed_windows) = (
        day_total(monday.stdout),
        day_total(wednesday.stdout),
    )
    (after_n, _) = day_total(after_holiday.stdout)
    assert mon_n / wed_n == pytest.approx(MONDAY, rel=0.12)
    assert after_n / wed_n == pytest.approx(AFTER, rel=0.15)
    assert mon_windows > wed_windows
    assert "（周三）" in wednesday.stdout and "7 个“周三”" in wednesday.stdout
    assert "2025-10-09（节后第一个工作日）" in after_holiday.stdout
    assert "1 个“节后第一个工作日”" in after_holiday.stdout
    # a day inside the period plans with that day's own staffing as the current one
    assert "“现行”为 2025-10-09 的实际开窗" in after_holiday.stdout
    # a Saturday: closed in the whole history, so no window is needed
    saturday = plan(history, "2025-11-08")
    assert saturday.returncode == 0, saturday.stderr
    assert day_total(saturday.stdout) == (0.0, 0)


def test_a_seed_gives_the_same_plan(history: str) -> None:
    first = plan(history, "2025-11-05", "--runs", "8", "--seed", "7")
    again = plan(history, "2025-11-05", "--runs", "8", "--seed", "7")
    other = plan(history, "2025-11-05", "--runs", "8", "--seed", "8")
    assert first.returncode == again.returncode == other.returncode == 0
    assert first.stdout == again.stdout
    assert "模拟 8 天（种子 7）" in first.stdout
    assert first.stdout.replace("种子 7", "种子 8") != other.stdout


def test_a_rich_table_on_a_terminal(history: str) -> None:
    leader, follower = pty.openpty()
    proc = subprocess.Popen(
        [
            GOVQUEUE,
            "plan",
            "--db",
            history,
            "--hall",
            "PLAN",
            "--from",
            FIRST,
            "--to",
            LAST,
            "--day",
            "2025-11-03",
            "--runs",
            "5",
        ],
        stdin=follower,
        stdout=follower,
        stderr=follower,
        env={**os.environ, "COLUMNS": "170", "LINES": "50", "TERM": "xterm-256color"},
    )
    os.close(follower)
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the other end closed
            break
        if not chunk:
            break
        chunks.append(chunk)
    assert proc.wait(timeout=120) == 0
    os.close(leader)
    screen = re.sub(r"\x1b\[[0-9;?]*[a-zA-Z]", "", b"".join(chunks).decode())
    assert "┏" in screen and "┃ 时段" in screen
    for heading in ("预计取号", "建议窗口", "开哪些窗口", "现行窗口", "超时等候率", "全天"):
        assert heading in screen, heading
    assert re.search(r"│ 10:00–11:00 │\s+[\d.]+ │\s+\d+ │ [\d、]+\s+│", screen), screen


def test_the_xlsx_sheet(history: str, tmp_path: Path) -> None:
    out = tmp_path / "plan.xlsx"
    result = plan(history, "2025-11-03", "--xlsx", str(out))
    assert result.returncode == 0, result.stderr
    assert f"已写入 {out}" in result.stdout
    book = openpyxl.load_workbook(out)
    assert book.sheetnames == ["开窗建议", "业务与窗口"]
    sheet = book["开窗建议"]
    assert sheet["A1"].value == "新区政务服务中心（PLAN）2025-11-03（周一）开窗建议"
    header = [c.value for c in sheet[5]]
    assert header[:4] == ["时段", "预计取号", "建议·窗口数", "建议·开哪些窗口"]
    rows = {r[0].value: r for r in sheet.iter_rows(min_row=6) if r[0].value}
    printed = {h: (int(w), n) for h, _, w, _, n, *_ in HOUR_LINE.findall(result.stdout)}
    for hour, (windows, numbers) in printed.items():
        row = rows[f"{hour}:00–{int(hour) + 1:02d}:00"]
        assert row[2].value == windows and (row[3].value or "—") == numbers
    wait = header.index("建议·平均等候")
    assert timedelta(0) < rows["10:00–11:00"][wait].value < timedelta(minutes=20)  # [m]:ss
    assert rows["全天"][2].value == day_total(result.stdout)[1]
    assert sheet._charts  # windows per hour, plan and current side by side
    basis = book["业务与窗口"]
    assert [c.value for c in basis[3]][:4] == ["户籍办理", "A", 20, basis["D3"].value]
    assert basis["D3"].value > 1000  # history tickets of 户籍办理
    # the expected arrivals per hour and service, adding up to the day's
    cells = [[c.value for c in row] for row in basis.iter_rows()]
    start = next(i for i, r in enumerate(cells) if str(r[0]).startswith("预计取号（每小时"))
    assert cells[start + 1][:4] == ["时段", "户籍办理", "社保医保", "不动产登记"]
    per_hour = cells[start + 2 : start + 10]
    assert [r[0] for r in per_hour][:2] == ["09:00–10:00", "10:00–11:00"]
    total = sum(n for r in per_hour for n in r[1:4])
    assert total == pytest.approx(day_total(result.stdout)[0], abs=0.1)
    assert per_hour[1][1] > per_hour[1][3]  # 户籍办理 busier than 不动产登记 at 10:00


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--hall", "NOPE"], "大厅“NOPE”不存在"),
        (
            ["--from", "2025-10-31", "--to", "2025-09-01"],
            "开始日期 2025-10-31 晚于结束日期 2025-09-01",
        ),
        (
            ["--from", "2024-01-01", "--to", "2024-01-31"],
            "2024-01-01 至 2024-01-31 该大厅没有任何取号记录",
        ),
        (["--day", "2025-13-01"], "--day 应为日期 YYYY-MM-DD（收到“2025-13-01”）"),
        (["--runs", "0"], "模拟次数应在 1 至 200 之间"),
        (["--target-minutes", "0"], "目标等候时间应在 1 至 240 分钟之间"),
    ],
)
def test_bad_input_is_refused_in_chinese(
    history: str, tmp_path: Path, args: list[str], message: str
) -> None:
    base = {"--hall": "PLAN", "--from": FIRST, "--to": LAST, "--day": "2025-11-03"}
    flags = dict(base)
    i = 0
    extra = []
    while i < len(args):
        if args[i] in flags:
            flags[args[i]] = args[i + 1]
        else:
            extra += args[i : i + 2]
        i += 2
    out = tmp_path / "plan.xlsx"
    argv = [x for pair in flags.items() for x in pair]
    result = run("plan", "--db", history, *argv, *extra, "--xlsx", str(out))
    assert result.returncode == 2, result.stdout + result.stderr
    assert message in result.stderr
    assert "Traceback" not in result.stderr and not out.exists()


# The plan on the database `govqueue demo --days 2` leaves behind: tests/test_demo.py, on the
# two days that test simulates anyway.
