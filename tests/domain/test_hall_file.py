"""Reading and checking hall files (no database): formats, normalisation, line numbers."""

from __future__ import annotations

from pathlib import Path

import pytest

from server.commands.hall_file import HallFileError, read_hall_file
from server.commands.hall_file_source import toml_lines

DOCS = Path(__file__).resolve().parents[2] / "docs"


def test_the_toml_and_yaml_examples_say_the_same() -> None:
    toml = read_hall_file(DOCS / "hall.example.toml")
    assert toml == read_hall_file(DOCS / "hall.example.yaml")
    assert (len(toml.services), len(toml.windows), len(toml.staff), len(toml.devices)) == (
        6,
        8,
        10,
        10,
    )
    kinds = [d.kind for d in toml.devices]
    assert kinds.count("kiosk") == 1 and kinds.count("display") == 1
    assert kinds.count("window") == 8


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def test_values_are_read_as_written_and_normalised(tmp_path: Path) -> None:
    spec = read_hall_file(
        write(
            tmp_path,
            "h.yaml",
            "hall: {code: ' HQ ', name: 中心}\n"
            "services:\n"
            "  - {prefix: A, name: 户籍, hours: [09:00-12:00, '13:30 – 17:00', [18:00, '19:00']],"
            " daily_limit: '50', enabled: no}\n"
            "windows:\n  - {number: 1, services: [A]}\n"
            "staff:\n  - {staff_no: 0001, name: 张}\n  - {staff_no: １００２, name: 李}\n",
        )
    )
    assert spec.hall.code == "HQ"
    service = spec.services[0]
    assert service.hours == [["09:00", "12:00"], ["13:30", "17:00"], ["18:00", "19:00"]]
    assert service.daily_limit == 50 and service.enabled is False
    assert spec.windows[0].number == "1"
    assert [s.staff_no for s in spec.staff] == ["0001", "1002"]


def test_control_characters_and_overlapping_hours_are_refused(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "h.toml",
        '[hall]\ncode = "HQ"\nname = "中心\\u202e"\n\n[[services]]\nprefix = "A"\n'
        'name = "户籍"\nhours = ["09:00-12:00", "11:00-13:00"]\n',
    )
    with pytest.raises(HallFileError) as caught:
        read_hall_file(path)
    assert [p.line for p in caught.value.problems] == [3, 8]
    assert "控制字符" in caught.value.problems[0].message
    assert "重叠" in caught.value.problems[1].message


def test_toml_lines_know_tables_arrays_and_multiline_values() -> None:
    source = (
        "# comment [not a table]\n"  # 1
        "[hall]\n"  # 2
        'code = "HQ"  # [x]\n'  # 3
        'name = "a = [b"\n'  # 4
        "\n"  # 5
        "[[windows]]\n"  # 6
        'number = "1"\n'  # 7
        "services = [\n"  # 8
        '  "A",\n'  # 9
        '  "x = 1",\n'  # 10
        "]\n"  # 11
        "[[windows]]\n"  # 12
        '"number" = """two\n'  # 13
        'lines = [ """\n'  # 14
        "services = []\n"  # 15
    )
    lines = toml_lines(source)
    assert lines[("hall",)] == 2
    assert lines[("hall", "code")] == 3 and lines[("hall", "name")] == 4
    assert lines[("windows", 0)] == 6 and lines[("windows", 0, "services")] == 8
    assert lines[("windows", 1)] == 12 and lines[("windows", 1, "number")] == 13
    assert lines[("windows", 1, "services")] == 15
    assert ("windows", 0, "x") not in lines and ("windows", 1, "lines") not in lines
