"""Opening the database from the command line: create what is missing, explain what fails.

Every command that opens the database goes through `opened(url)`: the folder of a SQLite file
is created, and any failure to open, migrate or use the database becomes one Chinese line on
stderr saying what to do, with exit code 1 — never a traceback.
"""

from __future__ import annotations

import errno
import getpass
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from server.cli.common import fail
from server.settings import Settings

if TYPE_CHECKING:
    from sqlalchemy import Engine

# SQLAlchemy (and SQLModel) are imported where a database is opened, not when the program
# starts: every `govqueue` command loads this module, the apps' commands (kiosk, display,
# window) and --help included, and those imports were ~70 % of the program's start.

EXAMPLE_URLS = "sqlite:///data/govqueue.db 或 postgresql+psycopg://用户@主机:5432/库名"


class DatabaseUnavailable(Exception):
    """The database cannot be opened or used; `message` says what to do (one line)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def shown(url: str) -> str:
    """The URL without its password, as it may appear in a message."""
    from sqlalchemy.engine import make_url

    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:
        return url


def sqlite_file(url: str) -> Path | None:
    """The file of a SQLite URL (None for other databases and in-memory SQLite)."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        parsed = make_url(url)
    except ArgumentError:
        return None
    if not parsed.drivername.startswith("sqlite"):
        return None
    name = parsed.database or ""
    if name in ("", ":memory:") or name.startswith("file:"):
        return None
    return Path(name)


def ensure_parent(url: str) -> None:
    """Create the folder of a SQLite file (a fresh clone has no data/)."""
    path = sqlite_file(url)
    if path is None or path.parent.is_dir():
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DatabaseUnavailable(
            f"无法创建数据库所在的目录 {path.parent}：{_os_reason(exc)}。"
            "请换一个位置（--db 或 GOVQUEUE_DATABASE_URL）或调整权限。"
        ) from exc


def explain(url: str, exc: BaseException) -> str:
    """One Chinese line: what went wrong opening `url`, and what to do."""
    from sqlalchemy.exc import ArgumentError, NoSuchModuleError

    raw = str(getattr(exc, "orig", None) or exc)
    low = raw.lower()
    where = shown(url)
    if isinstance(exc, NoSuchModuleError):
        return f"不支持的数据库地址 “{where}”：请使用 {EXAMPLE_URLS}。"
    if isinstance(exc, ArgumentError):
        return f"数据库地址 “{where}” 无法解析：应形如 {EXAMPLE_URLS}。"
    if isinstance(exc, ModuleNotFoundError):
        if "psycopg" in raw:
            return "缺少 PostgreSQL 驱动 psycopg：请运行 bash dev.sh setup（或 pip install 'psycopg[binary]'）。"
        return f"不支持的数据库地址 “{where}”（缺少驱动 {exc.name}）：请使用 {EXAMPLE_URLS}。"
    if "can't locate revision" in low:
        found = re.search(r"identified by '([^']+)'", raw)
        revision = found.group(1) if found else "?"
        return (
            f"数据库 {where} 的结构版本 {revision} 不是本程序认识的版本"
            "（它来自更新的 govqueue，或 --revision 写错了）：请升级 govqueue 或改正版本号。"
        )
    path = sqlite_file(url)
    if path is not None:
        return _explain_sqlite(path, low, raw)
    if url.startswith("postgresql"):
        return _explain_postgres(url, low, raw)
    return f"无法打开数据库 {where}：{_first_line(raw)}"


def _explain_sqlite(path: Path, low: str, raw: str) -> str:
    user = _user()
    if "readonly" in low or "read-only" in low:
        return (
            f"SQLite 数据库 {path} 只读：请让运行 govqueue 的用户（{user}）"
            "可以写这个文件和它所在的目录。"
        )
    if "not a database" in low or "malformed" in low or "file is encrypted" in low:
        return (
            f"{path} 不是有效的 SQLite 数据库（文件已损坏或不是数据库）："
            "请从备份恢复，或用 --db 指定另一个文件。"
        )
    if "locked" in low or "busy" in low:
        return f"SQLite 数据库 {path} 被另一个进程占用，30 秒内没有释放：请稍后再试。"
    if "disk is full" in low or "disk i/o" in low:
        return f"写入 {path} 失败（磁盘已满或读写出错）：请检查磁盘空间和文件系统。"
    if "unable to open" in low or "permission" in low:
        if path.is_dir():
            return f"{path} 是一个目录，不是数据库文件：--db 请写到文件名，如 sqlite:///{path / 'govqueue.db'}。"
        if not path.parent.is_dir():
            return f"数据库所在的目录 {path.parent} 不存在或不是目录：请改正 --db 或 GOVQUEUE_DATABASE_URL。"
        if not os.access(path.parent, os.W_OK | os.X_OK) or (
            path.exists() and not os.access(path, os.R_OK | os.W_OK)
        ):
            return (
                f"没有权限读写 SQLite 数据库 {path}（当前用户 {user}）："
                "请换一个有写权限的位置，或调整文件和目录的权限。"
            )
        return f"无法打开 SQLite 数据库 {path}：请检查路径和权限。"
    return f"无法使用 SQLite 数据库 {path}：{_first_line(raw)}"


def _explain_postgres(url: str, low: str, raw: str) -> str:
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    server = f"{parsed.host or 'localhost'}:{parsed.port or 5432}"
    if "does not exist" in low and "database" in low:
        return (
            f"PostgreSQL 服务器 {server} 上没有数据库 “{parsed.database}”："
            f"请先创建（createdb {parsed.database}）或改正数据库地址。"
        )
    if "role" in low and "does not exist" in low:
        return (
            f"PostgreSQL 服务器 {server} 上没有用户 “{parsed.username}”：请先创建或改正数据库地址。"
        )
    if "password authentication failed" in low or "no password supplied" in low:
        return f"PostgreSQL 用户 “{parsed.username}” 登录 {server} 失败（密码错误或未提供）：请改正数据库地址中的密码。"
    if "resolve host" in low or "translate host name" in low or "name or service not known" in low:
        return f"找不到 PostgreSQL 主机 “{parsed.host}”：请改正数据库地址。"
    if "refused" in low:
        return (
            f"无法连接 PostgreSQL {server}（连接被拒绝）：请确认数据库服务已启动，地址和端口正确。"
        )
    if "timeout" in low or "timed out" in low:
        return f"连接 PostgreSQL {server} 超时：请检查网络和防火墙。"
    if "permission denied" in low:
        return f"PostgreSQL 用户 “{parsed.username}” 没有所需的权限：{_first_line(raw)}"
    return f"无法使用 PostgreSQL 数据库 {shown(url)}：{_first_line(raw)}"


def _first_line(raw: str) -> str:
    text = re.sub(r"^\([\w.]+\)\s*", "", raw.strip())
    return (text.splitlines() or ["未知错误"])[0]


def _os_reason(exc: OSError) -> str:
    if isinstance(exc, PermissionError):
        return f"权限不足（当前用户 {_user()}）"
    if isinstance(exc, (NotADirectoryError, FileExistsError)):
        return "路径中有一段是文件而不是目录"
    reasons = {
        errno.ENOENT: "路径不存在，也无法创建",
        errno.EROFS: "文件系统是只读的",
        errno.ENOSPC: "磁盘已满",
        errno.EDQUOT: "超出磁盘配额",
    }
    return reasons.get(exc.errno or 0, exc.strerror or str(exc))


def _user() -> str:
    try:
        return getpass.getuser()
    except Exception:
        return str(os.getuid())


def database_url(settings: Settings) -> str:
    """The settings' database URL (creating the data folder when it is the default)."""
    try:
        return settings.resolved_database_url()
    except OSError as exc:
        raise fail(_data_dir_problem(exc)) from None


@contextmanager
def opened(url: str) -> Iterator[None]:
    """Around everything a command does with the database: failures become one line, exit 1."""
    try:
        ensure_parent(url)
        yield
    except DatabaseUnavailable as exc:
        raise fail(exc.message) from None
    except OSError as exc:  # e.g. the data folder or the secret key file cannot be written
        raise fail(_data_dir_problem(exc)) from None
    except Exception as exc:
        if _database_failure(exc):
            raise fail(explain(url, exc)) from None
        raise


def _database_failure(exc: Exception) -> bool:
    """Whether `exc` says the database could not be opened or used (not a bug of ours)."""
    if isinstance(exc, ModuleNotFoundError):  # a driver; one of our modules missing is a bug
        return not (exc.name or "").startswith(_OURS)
    if type(exc).__module__.startswith("alembic"):
        return True
    from sqlalchemy.exc import SQLAlchemyError  # imported by whatever raised one

    return isinstance(exc, SQLAlchemyError)


def too_new(url: str, exc: Exception) -> str:
    """One Chinese line: the database is newer than this program (migrate.DatabaseTooNew)."""
    revision, head = getattr(exc, "revision", "?"), getattr(exc, "head", "?")
    return (
        f"数据库 {shown(url)} 的结构版本 {revision} 比本程序认识的最新版本 {head} 新："
        "它已被更新的 govqueue 升级过，本程序不会使用或改动它。请安装那个版本或更新的 govqueue；"
        "要回到本版本，请从升级前的备份恢复（govqueue restore）。"
    )


def migrated_writer(url: str) -> Engine:
    """A write engine on a database brought up to the newest schema (call inside `opened`)."""
    from server.store import migrate
    from server.store.engine import make_engine

    try:
        migrate.refuse_newer(url)
    except migrate.DatabaseTooNew as exc:
        raise fail(too_new(url, exc), 2) from None
    if not migrate.is_up_to_date(url):
        migrate.upgrade(url)
    return make_engine(url, writer=True)


_OURS = ("server", "client", "migrations")


def _data_dir_problem(exc: OSError) -> str:
    where = getattr(exc, "filename", None) or ""
    return (
        f"无法使用数据目录 {where}：{_os_reason(exc)}。"
        "请用 --data-dir 或 GOVQUEUE_DATA_DIR 指定一个可写的目录。"
    )
