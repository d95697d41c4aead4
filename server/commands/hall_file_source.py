"""Reading a TOML or YAML file with the line of every key, for messages that point at it.

tomllib keeps no positions, so `toml_lines` finds where tables and keys start; PyYAML's node
graph has them. Syntax errors come back as a `Problem` with line, column and a Chinese reason.

What a hostile (or broken) file can cost is bounded before a parser sees it: at most
MAX_FILE_BYTES, brackets nested at most MAX_DEPTH deep (tomllib and PyYAML's composer recurse:
5,000 levels were a 1,103-line RecursionError; PyYAML's scanner took 60 s on them), YAML
nested at most as deep in any way, and no YAML aliases (`*name`: nine of them nine deep, a
"billion laughs", ran 60 s to 6.7 GB; a hall file has no use for them).
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import yaml

Path_ = tuple[str | int, ...]
LineOf = Callable[[Path_], int | None]


@dataclass(frozen=True)
class Problem:
    line: int | None
    where: str  # the key path as written in the file, e.g. services[2].hours
    message: str
    column: int | None = None

    def render(self, filename: str) -> str:
        at = f"{filename} 第 {self.line} 行" if self.line else filename
        if self.line and self.column:
            at += f"第 {self.column} 列"
        return f"{at}（{self.where}）：{self.message}" if self.where else f"{at}：{self.message}"


class HallFileError(Exception):
    def __init__(self, filename: str, problems: list[Problem]) -> None:
        self.filename = filename
        self.problems = sorted(problems, key=lambda p: (p.line or 0, p.where))
        super().__init__("\n".join(self.lines()))

    def lines(self) -> list[str]:
        return [p.render(self.filename) for p in self.problems]


def where(path: Path_) -> str:
    """A key path as written in the file: services[2].hours (entries counted from 1)."""
    out = ""
    for part in path:
        out += f"[{part + 1}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out


def line_lookup(lines: dict[Path_, int]) -> LineOf:
    def line_of(path: Path_) -> int | None:
        for end in range(len(path), -1, -1):  # the deepest part of the path with a known line
            if path[:end] in lines:
                return lines[path[:end]]
        return None

    return line_of


SYNTAX: list[tuple[str, str]] = [  # the parsers' messages, in Chinese (regex -> template)
    (
        r"Cannot overwrite a value|Cannot declare (.+) twice|Duplicate inline table key (.+)",
        "重复定义了同一项",
    ),
    (r"Cannot (mutate|redefine) .*", "与前面定义的表冲突"),
    (r"Expected '=' after a key.*", "键后面应有“=”"),
    (r"Expected '\]\]' .*", "表数组的标题应以“]]”结尾"),
    (r"Expected '\]' .*", "表的标题应以“]”结尾"),
    (r"Expected newline or end of document.*", "一行只能写一项（值后面多了内容）"),
    (r"Invalid value", "值的写法不对（文字要加引号，列表用 [ ]）"),
    (r"Invalid statement|Invalid initial character for a key part", "这一行不是“键 = 值”或 [表]"),
    (r"Unclosed array", "列表缺少“]”"),
    (r"Unclosed inline table", "内联表缺少“}”"),
    (r"Unterminated string", "引号没有闭合"),
    (r"Invalid date or datetime", "日期时间写法不对"),
    (r"Illegal character (.+)|Found invalid character (.+)", "有不允许的字符"),
    (
        r"mapping values are not allowed here",
        "这里不能写“键: 值”（缩进不对，或值里的冒号要加引号）",
    ),
    (r"could not find expected ':'", "缺少“:”"),
    (r"expected ',' or '\]'.*", "列表缺少“,”或“]”"),
    (r"expected ',' or '\}'.*", "映射缺少“,”或“}”"),
    (r"expected <block end>, but found .*", "缩进不对齐"),
    (r"found character '\\t' that cannot start any token", "不能用 Tab 缩进，请用空格"),
    (r"found undefined alias.*", "引用了未定义的锚点"),
    (
        r"found unexpected end of stream|found unexpected end of file",
        "文件意外结束（引号或括号没有闭合）",
    ),
]


def _syntax(kind: str, raw: str) -> str:
    for pattern, chinese in SYNTAX:
        if re.search(pattern, raw):
            return f"{kind} 语法错误：{chinese}"
    return f"{kind} 语法错误：{raw}"


MAX_FILE_BYTES = 2 * 1024 * 1024  # a hall with 2,000 staff is ~100 kB
MAX_DEPTH = 32  # a hall file nests 4 deep (hall file, services, an entry, its hours)


def too_large(size: int, filename: str) -> HallFileError:
    return HallFileError(
        filename,
        [Problem(None, "", f"文件过大（{size:,} 字节，上限 {MAX_FILE_BYTES // 1024 // 1024} MB）")],
    )


def _too_deep(line: int | None, filename: str) -> HallFileError:
    message = f"嵌套超过 {MAX_DEPTH} 层（大厅文件最多 4 层）：请检查括号和缩进"
    return HallFileError(filename, [Problem(line, "", message)])


def _bracket_depth(text: str, filename: str) -> None:
    """HallFileError when `[`/`{` nest deeper than MAX_DEPTH in `text` (quoted strings and
    comments already blanked out), before any parser recurses into them."""
    depth = 0
    for number, line in enumerate(text.splitlines(), start=1):
        for char in line:
            if char in "[{":
                depth += 1
                if depth > MAX_DEPTH:
                    raise _too_deep(number, filename)
            elif char in "]}":
                depth = max(depth - 1, 0)


_YAML_QUOTED = re.compile(r'"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\n]|\'\')*\'')
_YAML_COMMENT = re.compile(r"(?:^|\s)#.*$", re.M)


def _check_yaml_shape(source: str, filename: str) -> None:
    """Bracket depth (text), then the events: nesting of any kind, and aliases (refused)."""
    _bracket_depth(_YAML_COMMENT.sub("", _YAML_QUOTED.sub('""', source)), filename)
    depth = 0
    for event in yaml.parse(source, Loader=yaml.SafeLoader):
        if isinstance(event, yaml.AliasEvent):
            message = f"不支持 YAML 别名（*{event.anchor}）：请把内容直接写出来"
            raise HallFileError(filename, [Problem(event.start_mark.line + 1, "", message)])
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > MAX_DEPTH:
                raise _too_deep(event.start_mark.line + 1, filename)
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1


def parse_toml(source: str, filename: str) -> tuple[Any, LineOf]:
    blanked = _TOML_STRING.sub('""', _TOML_COMMENT.sub("", source))
    _bracket_depth(blanked, filename)
    for number, written in enumerate(blanked.splitlines(), start=1):  # a.b.c… keys nest too
        key = _TOML_HEADER.match(written.strip()) or _TOML_KEY.match(written)
        if key and key.group(key.lastindex or 0).count(".") >= MAX_DEPTH:
            raise _too_deep(number, filename)
    try:
        data = tomllib.loads(source)
    except RecursionError:  # nested deeper than the checks above could see
        raise _too_deep(None, filename) from None
    except tomllib.TOMLDecodeError as exc:
        found = re.search(r"\(at line (\d+), column (\d+)\)", str(exc))
        line = int(found.group(1)) if found else None
        reason = re.sub(r"\s*\(at .*\)$", "", str(exc))
        column = int(found.group(2)) if found else None
        problem = Problem(line, "", _syntax("TOML", reason), column)
        raise HallFileError(filename, [problem]) from None
    return data, line_lookup(toml_lines(source))


_TOML_STRING = re.compile(r'"""[\s\S]*?"""|\'\'\'[\s\S]*?\'\'\'|"(?:[^"\\\n]|\\.)*"|\'[^\'\n]*\'')
_TOML_COMMENT = re.compile(r"#[^\n\"']*$", re.M)  # a comment with no quote in it


def toml_lines(source: str) -> dict[Path_, int]:
    """Where each table and key starts (tomllib keeps no positions). Best effort: it knows
    tables, arrays of tables and `key = value` lines, which is how hall files are written."""
    lines: dict[Path_, int] = {}
    counts: dict[Path_, int] = {}
    prefix: Path_ = ()
    depth = 0  # open brackets/braces of a value that spans lines
    # Strings become placeholders of the same line count, so brackets inside them do not count.
    blanked = _TOML_STRING.sub(lambda m: '""' + "\n" * m.group(0).count("\n"), source)
    original = source.splitlines()
    for number, raw in enumerate(blanked.splitlines(), start=1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        if depth == 0:
            header = _TOML_HEADER.fullmatch(line) and _TOML_HEADER.match(
                original[number - 1].strip()
            )
            if header:
                if header.group(1):
                    table: Path_ = tuple(_key_parts(header.group(1)))
                    index = counts.get(table, -1) + 1
                    counts[table] = index
                    prefix = (*table, index)
                    lines.setdefault(table, number)
                else:
                    prefix = tuple(_key_parts(header.group(2)))
                lines[prefix] = number
                continue
            key = re.match(r"[\w\-.\s\"']+?\s*=", line) and _TOML_KEY.match(original[number - 1])
            if key:
                path = (*prefix, *_key_parts(key.group(1)))
                lines.setdefault(path, number)
        depth += line.count("[") + line.count("{") - line.count("]") - line.count("}")
        depth = max(depth, 0)
    return lines


_KEY_PART = r"""(?:"[^"]*"|'[^']*'|[A-Za-z0-9_\-]+)"""
_DOTTED = rf"{_KEY_PART}(?:\s*\.\s*{_KEY_PART})*"
_TOML_KEY = re.compile(rf"\s*({_DOTTED})\s*=")
_TOML_HEADER = re.compile(rf"\[\[\s*({_DOTTED})\s*\]\]|\[\s*({_DOTTED})\s*\]")


def _key_parts(key: str) -> list[str]:
    return [m.strip("\"'") for m in re.findall(_KEY_PART, key)]


def parse_yaml(source: str, filename: str) -> tuple[Any, LineOf, list[Problem]]:
    try:
        _check_yaml_shape(source, filename)
        root = yaml.compose(source, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        column = mark.column + 1 if mark else None
        message = _syntax("YAML", str(exc.problem or exc.context or exc))
        raise HallFileError(filename, [Problem(line, "", message, column)]) from None
    except yaml.YAMLError as exc:
        raise HallFileError(filename, [Problem(None, "", f"YAML 语法错误：{exc}")]) from None
    lines: dict[Path_, int] = {}
    problems: list[Problem] = []
    data = None if root is None else _yaml_value(root, (), lines, problems)
    return data, line_lookup(lines), problems


_YAML_NULL = {"", "~", "null", "Null", "NULL"}


def _yaml_value(
    node: yaml.Node, path: Path_, lines: dict[Path_, int], problems: list[Problem]
) -> Any:
    """Plain YAML values, keeping their text: `staff_no: 0001` stays "0001" and `09:00` stays a
    time (YAML 1.1 would read them as numbers); the checked model converts numbers and booleans."""
    lines[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        out: dict[str, Any] = {}
        for key_node, value_node in node.value:
            key = str(key_node.value)
            if key in out:
                problems.append(
                    Problem(key_node.start_mark.line + 1, where((*path, key)), "这一项重复写了两次")
                )
                continue
            out[key] = _yaml_value(value_node, (*path, key), lines, problems)
            lines[(*path, key)] = key_node.start_mark.line + 1
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_yaml_value(item, (*path, i), lines, problems) for i, item in enumerate(node.value)]
    if node.style is None and node.value in _YAML_NULL:
        return None
    return node.value
