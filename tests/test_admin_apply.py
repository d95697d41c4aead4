"""`govqueue admin apply FILE`: a hall from a TOML/YAML file, through the real CLI and database."""

from __future__ import annotations

import asyncio
import hashlib
import re
import sqlite3
import subprocess
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from client.errors import ApiError
from client.rest import ApiClient
from server.cli.main import app
from server.security import verify_password
from tests.processes import start_server_process
from tests.test_cli import run

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "docs" / "hall.example.toml"
TOKEN = re.compile(r"^  (取号机|显示屏|窗口评价器)“(.+?)”(?:（(\S+) 号窗口）)?：(gqd_\S+)$", re.M)
ACCOUNT = re.compile(r"^  (\S+) (\S+)（(\S+)）：(\S+)$", re.M)
TABLES = ["hall", "service", "window", "windowservice", "staff", "device"]


@pytest.fixture
def db(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path}/hall.db"
    assert invoke("db", "upgrade", "--db", url).returncode == 0
    return url


def invoke(
    *args: str, env: dict[str, str] | None = None, stdin: str = ""
) -> subprocess.CompletedProcess[str]:
    result = CliRunner().invoke(app, list(args), env=env, input=stdin)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return subprocess.CompletedProcess(args, result.exit_code, result.stdout, result.stderr)


def apply(file: Path, db: str, *extra: str, **kw: Any) -> subprocess.CompletedProcess[str]:
    return invoke("admin", "apply", str(file), "--db", db, *extra, **kw)


def dump(url: str) -> dict[str, list[tuple[Any, ...]]]:
    con = sqlite3.connect(url.removeprefix("sqlite:///"))
    try:
        return {t: sorted(con.execute(f"select * from {t}").fetchall(), key=repr) for t in TABLES}
    finally:
        con.close()


def rows(url: str, sql: str) -> list[tuple[Any, ...]]:
    con = sqlite3.connect(url.removeprefix("sqlite:///"))
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def test_the_example_sets_up_a_hall_once(db: str, tmp_path: Path) -> None:
    first = apply(EXAMPLE, db)
    assert first.returncode == 0, first.stdout + first.stderr
    out = first.stdout
    assert "已新建业务 6 项" in out and "已新建窗口 8 项" in out and "已新建设备 10 项" in out
    (hall_id,) = rows(db, "select id from hall where code = 'HQ'")[0]
    assert len(rows(db, "select * from service")) == 6
    assert rows(db, "select hours, daily_limit from service where prefix = 'E'") == [
        ('[["09:00", "12:00"], ["13:30", "16:30"]]', None)
    ]
    assert rows(db, "select daily_limit from service where prefix = 'D'") == [(40,)]
    order = rows(
        db,
        "select s.prefix from windowservice ws join window w on w.id = ws.window_id "
        "join service s on s.id = ws.service_id where w.number = '3' order by ws.rank",
    )
    assert order == [("B",), ("A",)]

    # Each printed token is a device of the hall, of the kind, label and window printed.
    tokens = TOKEN.findall(out)
    assert len(tokens) == 10
    kinds = {"取号机": "kiosk", "显示屏": "display", "窗口评价器": "window"}
    for kind, label, window, token in tokens:
        digest = hashlib.sha256(token.encode()).hexdigest()
        device = rows(
            db,
            "select d.kind, d.label, w.number, d.hall_id from device d "
            f"left join window w on w.id = d.window_id where d.token_hash = '{digest}'",
        )
        assert device == [(kinds[kind], label, window or None, hall_id)]
    # Each printed password opens its account; accounts belong to the hall.
    accounts = ACCOUNT.findall(out.split("新账号的初始密码", 1)[1])
    assert len(accounts) == 10
    for staff_no, _name, _role, password in accounts:
        stored, staff_hall = rows(
            db, f"select password_hash, hall_id from staff where staff_no = '{staff_no}'"
        )[0]
        assert verify_password(stored, password) and staff_hall == hall_id
    assert rows(db, "select role from staff where staff_no = '2001'") == [("supervisor",)]

    before = dump(db)
    for twin in (EXAMPLE, ROOT / "docs" / "hall.example.yaml"):
        again = apply(twin, db)
        assert again.returncode == 0, again.stderr
        assert "无变更" in again.stdout and "gqd_" not in again.stdout
        assert "初始密码" not in again.stdout
    assert dump(db) == before


def test_changes_are_applied_and_reported(db: str, tmp_path: Path) -> None:
    assert apply(EXAMPLE, db).returncode == 0
    text = EXAMPLE.read_text()
    text = text.replace(
        'name = "户籍办理"\nhours = ["09:00-12:00", "13:30-17:00"]',
        'name = "户籍办理"\nhours = ["08:30-12:00", "13:30-17:00"]',
    )
    text = text.replace('number = "3"\nservices = ["B", "A"]', 'number = "3"\nservices = ["A"]')
    text = text.replace('name = "王强"', 'name = "王大强"')
    text = text.replace('[[staff]]\nstaff_no = "1008"\nname = "周敏"\nrole = "window"\n', "")
    text = text.replace(
        'label = "8号窗口评价器"\nwindow = "8"', 'label = "8号窗口评价器"\nwindow = "7"'
    )
    text += '\n[[services]]\nprefix = "G"\nname = "出入境"\nhours = ["09:00-12:00"]\n'
    text += '\n[[windows]]\nnumber = "9"\nservices = ["G"]\n'
    text += '\n[[devices]]\nkind = "window"\nlabel = "9号窗口评价器"\nwindow = "9"\n'
    changed = tmp_path / "hall.toml"
    changed.write_text(text)
    before = dump(db)

    result = apply(changed, db)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "已新建业务 1 项：G 出入境" in out
    assert "已修改业务 1 项：A 户籍办理：取号时段" in out
    assert "已修改窗口 1 项：3 号窗口：业务及顺序" in out
    assert "已修改工作人员 1 项：1002 王大强：姓名" in out
    assert "已修改设备 1 项：窗口评价器“8号窗口评价器”：绑定窗口" in out
    assert "保持不变：工作人员 1008 周敏" in out
    assert [t[1] for t in TOKEN.findall(out)] == ["9号窗口评价器"]  # only the new device
    assert "初始密码" not in out

    assert rows(db, "select hours from service where prefix = 'A'") == [
        ('[["08:30", "12:00"], ["13:30", "17:00"]]',)
    ]
    assert rows(
        db,
        "select count(*) from windowservice ws join window w on w.id = ws.window_id "
        "where w.number = '3'",
    ) == [(1,)]
    assert rows(
        db,
        "select w.number from device d join window w on w.id = d.window_id "
        "where d.label = '8号窗口评价器'",
    ) == [("7",)]
    assert rows(db, "select name from staff where staff_no = '1008'") == [("周敏",)]
    # Untouched rows really are untouched (same token hash, same password hash).
    after = dump(db)
    assert after["staff"][0] == before["staff"][0]
    assert {r[5] for r in before["device"]} <= {r[5] for r in after["device"]}


TOML_BAD = """\
[hall]
code = "HQ"
name = "示范区政务服务中心"
timezone = "Mars/Base"

[[services]]
prefix = "a"
name = "户籍办理"
hours = ["09:00-25:00"]

[[services]]
prefix = "B"
name = ""
daily_limit = 0
colour = "red"

[[windows]]
number = "1"
services = [
  "B",
  "Z",
]

[[staff]]
staff_no = "1001"
name = "张丽"
role = "boss"

[[devices]]
kind = "kiosk"
label = "取号机 [大厅]"   # brackets in a string do not confuse the line finder
window = "1"
"""

TOML_EXPECTED = [
    "第 4 行（hall.timezone）：时区“Mars/Base”无法识别",
    "第 7 行（services[1].prefix）：前缀应为 1–4 个大写字母，如 A",
    "第 9 行（services[1].hours）：取号时间格式不正确：“25:00” 不是 HH:MM",
    "第 13 行（services[2].name）：不能为空",
    "第 14 行（services[2].daily_limit）：不能小于 1",
    "第 15 行（services[2].colour）：未知的项“colour”",
    "第 19 行（windows[1].services[2]）：业务前缀 Z 没有在 services 中定义",
    "第 27 行（staff[1].role）：应为 window、supervisor、admin 之一",
    '第 32 行（devices[1].window）：只有 kind = "window" 的设备绑定窗口',
]

YAML_BAD = """\
hall:
  code: HQ
  name: 示范区政务服务中心
services:
  - prefix: A
    name: 户籍办理
    hours: [09:00-12:00, 13:30-17:00]
    target_wait_minutes: 二十
  - prefix: A
    name: 又一个
staff:
  - staff_no: 0001
    name: 张丽
    name: 李娜
devices:
  - kind: window
    label: 1号窗口评价器
"""

YAML_EXPECTED = [
    "第 8 行（services[1].target_wait_minutes）：应为整数",
    "第 9 行（services[2]）：业务前缀 A 重复（第 1 项已写过）",
    "第 14 行（staff[1].name）：这一项重复写了两次",
    '第 16 行（devices[1].kind）：窗口评价器（kind = "window"）需要写 window',
]


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("fields.toml", TOML_BAD, TOML_EXPECTED),
        ("fields.yaml", YAML_BAD, YAML_EXPECTED),
        (
            "syntax.toml",
            '[hall]\ncode = "HQ"\nname = 示范\n',
            ["第 3 行第 8 列：TOML 语法错误：值的写法不对"],
        ),
        (
            "syntax.yaml",
            "hall:\n  code: HQ\n  name: [x\nservices: 1\n",
            ["第 4 行第 9 列：YAML 语法错误"],
        ),
        ("tab.yml", "hall:\n\tcode: HQ\n", ["第 2 行第 1 列：YAML 语法错误：不能用 Tab 缩进"]),
        ("empty.toml", "", ["（hall）：缺少必填项"]),
        ("hall.json", "{}", ["：文件名应以 .toml、.yaml 或 .yml 结尾"]),
    ],
)
def test_bad_files_get_line_numbers_and_change_nothing(
    db: str, tmp_path: Path, name: str, content: str, expected: list[str]
) -> None:
    assert apply(EXAMPLE, db).returncode == 0
    before = dump(db)
    bad = tmp_path / name
    bad.write_text(content)
    result = apply(bad, db)
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    found = [line.removeprefix(str(bad)).lstrip() for line in lines[:-1]]
    assert len(found) == len(expected), lines
    for line, wanted in zip(found, expected, strict=True):
        assert line.startswith(wanted), (line, wanted)
    assert lines[-1] == f"{bad} 有 {len(expected)} 处错误，未做任何修改。"
    assert "Traceback" not in result.stdout + result.stderr
    assert dump(db) == before


def test_a_conflict_in_the_database_changes_nothing(db: str, tmp_path: Path) -> None:
    # 9001 is already a deployment-wide admin: the file may not take it over, and the new
    # hall, services, windows … written before that point in the transaction are rolled back.
    created = invoke(
        "admin",
        "create-staff",
        "--db",
        db,
        "--staff-no",
        "9001",
        "--name",
        "总管理员",
        stdin="a-long-password\n",
    )
    assert created.returncode == 0
    before = dump(db)
    result = apply(EXAMPLE, db)
    assert result.returncode == 1
    assert result.stderr.strip() == (
        f"{EXAMPLE}：工号 9001 已是全局管理员（总管理员），不能在大厅 HQ 中设置；请换一个工号；"
        "未做任何修改。"
    )
    assert "gqd_" not in result.stdout + result.stderr
    assert dump(db) == before


def test_dry_run_and_passwords_from_the_environment(db: str, tmp_path: Path) -> None:
    dry = apply(EXAMPLE, db, "--dry-run")
    assert dry.returncode == 0 and "将新建业务 6 项" in dry.stdout and "试运行" in dry.stdout
    assert "gqd_" not in dry.stdout and rows(db, "select count(*) from hall") == [(0,)]

    short = apply(EXAMPLE, db, "--password-env", "GQ_FIRST", env={"GQ_FIRST": "short"})
    assert short.returncode == 1 and "GQ_FIRST" in short.stderr
    assert rows(db, "select count(*) from staff") == [(0,)]

    shared = "first-login-pass"
    ok = apply(EXAMPLE, db, "--password-env", "GQ_FIRST", env={"GQ_FIRST": shared})
    assert ok.returncode == 0 and "环境变量 GQ_FIRST" in ok.stdout
    assert "初始密码（只显示这一次" not in ok.stdout
    hashes = rows(db, "select password_hash from staff")
    assert len(hashes) == 10 and all(verify_password(h, shared) for (h,) in hashes)


SMALL_HALL = """\
[hall]
code = "LIVE"
name = "不停机大厅"

[[services]]
prefix = "A"
name = "综合受理"

[[windows]]
number = "1"
services = ["A"]

[[staff]]
staff_no = "L001"
name = "值班员"

[[devices]]
kind = "kiosk"
label = "取号机"
"""


@pytest.mark.slow
async def test_apply_while_the_server_runs_on_the_same_file(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/live.db"
    proc, base = await start_server_process(url, tmp_path)
    try:
        hall_file = tmp_path / "hall.toml"
        hall_file.write_text(SMALL_HALL)
        result = run("admin", "apply", str(hall_file), "--db", url)
        assert result.returncode == 0, result.stdout + result.stderr
        ((_, _, _, kiosk_token),) = TOKEN.findall(result.stdout)
        ((_, _, _, password),) = ACCOUNT.findall(result.stdout.split("初始密码", 1)[1])
        (service_id,) = rows(url, "select id from service where prefix = 'A'")[0]
        (window_id,) = rows(url, "select id from window where number = '1'")[0]
        # The running server sees the new hall at once: a ticket, a login, a call.
        async with ApiClient(base, kiosk_token) as kiosk, ApiClient(base) as clerk:
            ticket = await kiosk.issue_ticket(service_id)
            assert ticket["number"] == "A001"
            signed_in = await clerk.login("L001", password)
            assert signed_in["must_change_password"]  # a first password: changed before work
            await clerk.change_password(password, "L001-own-password")
            await clerk.window_action(window_id, "open")
            called = await clerk.call_next(window_id)
            assert called is not None and called["id"] == ticket["id"]
            # A second apply with a change, still while the server runs.
            hall_file.write_text(SMALL_HALL.replace('name = "综合受理"', 'name = "综合受理窗口"'))
            again = run("admin", "apply", str(hall_file), "--db", url)
            assert again.returncode == 0 and "已修改业务 1 项" in again.stdout
            with pytest.raises(ApiError):
                await kiosk.issue_ticket(service_id + 100)
    finally:
        proc.terminate()
        proc.wait(10)


class LockProbingHasher:
    """The test's argon2 hasher, which at every hash takes the database file's write lock
    (waiting at most 2 s: a running server's writer holds it for a few milliseconds per
    batch): apply must never hash while its transaction holds it (each hash takes ~0.15 s in
    production; inside the transaction a running server's kiosks waited)."""

    def __init__(self, inner: Any, database: Path) -> None:
        self._inner = inner
        self._database = database
        self.hashed = 0
        self.locked_while_hashing = 0

    def hash(self, password: str) -> str:
        conn = sqlite3.connect(self._database, timeout=2, isolation_level=None)
        try:
            conn.execute("BEGIN IMMEDIATE")
            conn.execute("ROLLBACK")
        except sqlite3.OperationalError:
            self.locked_while_hashing += 1
            raise AssertionError("apply hashes a password while the file is write-locked") from None
        finally:
            conn.close()
        self.hashed += 1
        return str(self._inner.hash(password))

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)


def many_staff(code: str, count: int) -> str:
    entries = "".join(
        f'\n[[staff]]\nstaff_no = "{code}{n:04d}"\nname = "工作人员{n}"\n' for n in range(count)
    )
    return f'[hall]\ncode = "{code}"\nname = "{code} 大厅"\n{entries}'


def test_apply_hashes_new_passwords_before_it_takes_the_write_lock(
    db: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from server import security

    prober = LockProbingHasher(security._hasher, Path(db.removeprefix("sqlite:///")))
    monkeypatch.setattr(security, "_hasher", prober)
    hall_file = tmp_path / "many.toml"
    hall_file.write_text(many_staff("M", 30), encoding="utf-8")
    result = apply(hall_file, db)
    assert result.returncode == 0, result.stdout + result.stderr
    assert prober.hashed == 30 and prober.locked_while_hashing == 0
    accounts = ACCOUNT.findall(result.stdout.split("新账号的初始密码", 1)[1])
    assert len(accounts) == 30
    for staff_no, _name, _role, password in accounts:
        (stored,) = rows(db, f"select password_hash from staff where staff_no = '{staff_no}'")[0]
        assert verify_password(stored, password)
    # a file whose last 工号 belongs to another hall is refused before any password is hashed
    conflicting = tmp_path / "conflict.toml"
    conflicting.write_text(many_staff("N", 30).replace('"N0029"', '"M0000"'), encoding="utf-8")
    before = dump(db)
    refused = apply(conflicting, db)
    assert refused.returncode == 1 and "工号 M0000 已是另一个大厅的工作人员" in refused.stderr
    assert prober.hashed == 30 and dump(db) == before


@pytest.mark.slow
async def test_kiosks_keep_taking_tickets_while_apply_adds_many_staff(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from server import security

    url = f"sqlite:///{tmp_path}/live.db"
    proc, base = await start_server_process(url, tmp_path)
    try:
        hall_file = tmp_path / "hall.toml"
        hall_file.write_text(SMALL_HALL)
        first = await asyncio.to_thread(apply, hall_file, url)
        assert first.returncode == 0, first.stdout + first.stderr
        ((_, _, _, kiosk_token),) = TOKEN.findall(first.stdout)
        (service_id,) = rows(url, "select id from service where prefix = 'A'")[0]

        prober = LockProbingHasher(security._hasher, tmp_path / "live.db")
        monkeypatch.setattr(security, "_hasher", prober)
        many = tmp_path / "many.toml"
        many.write_text(many_staff("P", 200), encoding="utf-8")
        applying = asyncio.create_task(asyncio.to_thread(apply, many, url))
        answers: list[tuple[int, str]] = []

        async def kiosk() -> None:
            async with ApiClient(base, kiosk_token) as client:
                while not applying.done():
                    try:
                        ticket = await client.issue_ticket(service_id)
                        answers.append((201, ticket["number"]))
                    except ApiError as exc:
                        answers.append((exc.status, exc.code))

        await asyncio.gather(*(kiosk() for _ in range(4)))
        result = await applying
        assert result.returncode == 0, result.stdout + result.stderr
        assert prober.hashed == 200 and prober.locked_while_hashing == 0
        assert rows(url, "select count(*) from staff where staff_no like 'P%'") == [(200,)]
        # every kiosk got its ticket; numbers contiguous, none twice
        assert answers and {status for status, _ in answers} == {201}
        numbers = sorted(int(number[1:]) for _, number in answers)
        assert numbers == list(range(1, len(numbers) + 1))
    finally:
        proc.terminate()
        proc.wait(10)


def test_the_halls_rules_from_the_file_and_a_loopback_public_address(
    db: str, tmp_path: Path
) -> None:
    """扫码评价期限, the pause threshold and 过号重排 come from the file when it names them (and
    stay as they are when it does not); a loopback GOVQUEUE_PUBLIC_BASE_URL is warned about."""
    assert apply(EXAMPLE, db).returncode == 0
    assert rows(
        db, "select rating_window_days, pause_alert_minutes, no_show_requeue from hall"
    ) == [(7, 15, 1)]
    text = EXAMPLE.read_text().replace(
        'timezone = "Asia/Shanghai"',
        'timezone = "Asia/Shanghai"\nrating_window_days = 3\npause_alert_minutes = 20\n'
        "no_show_requeue = false",
    )
    changed = tmp_path / "hall.toml"
    changed.write_text(text)
    result = apply(changed, db, env={"GOVQUEUE_PUBLIC_BASE_URL": "http://127.0.0.1:8000"})
    assert result.returncode == 0, result.stderr
    assert "扫码评价期限、暂停提醒阈值、过号重排" in result.stdout
    assert "是本机地址" in result.stderr and "手机扫码打不开" in result.stderr
    assert rows(
        db, "select rating_window_days, pause_alert_minutes, no_show_requeue from hall"
    ) == [(3, 20, 0)]
    again = apply(EXAMPLE, db)  # a file without them leaves them as they are
    assert again.returncode == 0 and "是本机地址" not in again.stderr
    assert rows(
        db, "select rating_window_days, pause_alert_minutes, no_show_requeue from hall"
    ) == [(3, 20, 0)]


BILLION_LAUGHS = "hall: {code: B, name: 炸弹}\n" + "\n".join(
    f"l{i}: &l{i} [" + ", ".join([f"*l{i - 1}"] * 9 if i else ["哈"] * 9) + "]" for i in range(10)
)
HOSTILE_FILES = {
    "bomb.yaml": (BILLION_LAUGHS, "第 3 行：不支持 YAML 别名（*l0）"),
    "flow.yaml": ("hall: " + "[" * 5000 + "]" * 5000, "第 1 行：嵌套超过 32 层"),
    "block.yaml": ("".join(" " * i + f"k{i}:\n" for i in range(1000)), "第 33 行：嵌套超过 32 层"),
    "array.toml": ("x = " + "[" * 5000 + "]" * 5000, "第 1 行：嵌套超过 32 层"),
    "table.toml": ("x = " + "{y = " * 5000 + "1" + "}" * 5000, "第 1 行：嵌套超过 32 层"),
    "dotted.toml": ("a." * 5000 + "b = 1\n", "第 1 行：嵌套超过 32 层"),
    "huge.toml": ("# " + "长" * 1_000_000 + "\n", "文件过大（3,000,003 字节，上限 2 MB）"),
}


@pytest.mark.parametrize("name", list(HOSTILE_FILES))
def test_hostile_hall_files_are_refused_in_bounded_time_with_a_clear_line(
    db: str, tmp_path: Path, name: str
) -> None:
    """A YAML alias bomb ran 60 s to 6.7 GB; 5,000 levels of nesting printed a 1,103-line
    RecursionError. Each is one Chinese line naming the file and where, exit code 1, and
    nothing written."""
    source, expected = HOSTILE_FILES[name]
    hall_file = tmp_path / name
    hall_file.write_text(source, encoding="utf-8")
    before = dump(db)
    result = apply(hall_file, db)
    assert result.returncode == 1
    assert f"{hall_file}" in result.stderr and expected in result.stderr, result.stderr[-500:]
    assert "Traceback" not in result.stderr and "RecursionError" not in result.stderr
    assert len(result.stderr.splitlines()) == 2  # the problem, then 未做任何修改
    assert dump(db) == before
