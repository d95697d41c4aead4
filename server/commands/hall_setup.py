"""`govqueue admin apply`: bring one hall in the database to what a checked hall file says.

Everything happens in the caller's one transaction: a conflict found half-way (a 工号 that
belongs to another hall, …) raises a DomainError and nothing is written. Things are matched by
their natural keys: the hall by code, services by prefix, windows by number, staff by 工号,
devices by kind and label (revoked devices do not count). What the file does not mention is
left as it is. Creating and updating reuse server/commands/admin.py and hall_edit.py.

New accounts' passwords are hashed before the transaction (`new_accounts` reads which 工号 are
new, outside it; `FirstPassword`): argon2 takes ~0.15 s an account, and on SQLite the
transaction holds the file's write lock, so hashing inside it held a running server's
kiosks for as long (11.6 s for 100 new staff). The transaction itself reads and writes the
staff in bulk (a query per 500 工号, one flush), so it stays short however long the file.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

from sqlalchemy import Connection, insert, update
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from server.commands import admin, appointment_rules, hall_edit
from server.commands.hall_file import (
    DeviceEntry,
    HallFile,
    PlatformSpec,
    ServiceEntry,
    SmsSpec,
    StaffEntry,
)
from server.domain.calendar import ServiceHours
from server.domain.enums import DeviceKind, Role
from server.domain.errors import Conflict
from server.security import HashedPassword
from server.store.tables import Device, Hall, Receiver, Service, Staff, Window, WindowService
from server.store.transaction import Tx

KIND_LABELS = {"kiosk": "取号机", "display": "显示屏", "window": "窗口评价器"}
ROLE_LABELS = {"window": "窗口人员", "supervisor": "主管", "admin": "管理员"}
SERVICE_FIELDS = {
    "name": "名称",
    "hours": "取号时段",
    "daily_limit": "每日限额",
    "target_wait_minutes": "等候目标",
    "target_handle_minutes": "办理目标",
    "enabled": "启用",
    "item_code": "事项编码",
    "appointment_slot_minutes": "预约时段长度",
    "appointment_quota": "每时段预约名额",
    "appointment_days_ahead": "可预约天数",
    "common": "常用业务",
}
LOOP_LABELS = {
    "case_numbers": "办件编号",
    "rectification_working_days": "整改时限",
    "followup_working_days": "回访时限",
    "rectification_warn_days": "整改预警",
    "followup_warn_hours": "回访预警",
    "re_rating": "追评",
    # the applicant's phone (issue 27)
    "notify_ahead": "到号提醒人数",
    "rejoin_allowed": "扫码过号重排",
    "rejoin_minutes": "重排时限",
    "rejoin_position": "重排位置",
    "rejoin_behind": "重排顺延人数",
}
PLATFORM_FIELDS = {
    "profile": "对接配置",
    "url": "地址",
    "key_env": "密钥变量",
    "region_code": "行政区划代码",
    "alert_minutes": "积压提醒",
}
RULE_LABELS = {
    "same_day": "当天预约",
    "book_before_minutes": "预约截止",
    "cancel_before_minutes": "取消截止",
    "early_minutes": "提前签到",
    "grace_minutes": "迟到宽限",
    "no_show_limit": "失约次数限制",
    "no_show_days": "失约统计天数",
    "ban_days": "限制预约天数",
    "retention_days": "个人信息保存天数",
    "on_time_minutes": "准时标准",
}
SECTIONS = {
    "hall": "大厅",
    "platform": "好差评平台",
    "sms": "短信网关",
    "appointments": "预约规则",
    "services": "业务",
    "windows": "窗口",
    "staff": "工作人员",
    "devices": "设备",
}


PASSWORD_ALPHABET = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/l/I


def new_password(length: int = 12) -> str:
    """A first password for a new account (about 70 bits), easy to read out and type."""
    return "".join(secrets.choice(PASSWORD_ALPHABET) for _ in range(length))


@dataclass(frozen=True)
class NewDevice:
    kind: str
    label: str
    window: str | None
    token: str


@dataclass(frozen=True)
class NewAccount:
    staff_no: str
    name: str
    role: str
    password: str


@dataclass(frozen=True)
class FirstPassword:
    """A new account's first password (printed once) and its hash, made before the
    transaction."""

    password: str
    hashed: HashedPassword


class PasswordsNeeded(Exception):
    """New accounts without a prepared password: the 工号 were free when `new_accounts` read
    them outside the transaction, but not listed then (another program changed the staff
    meanwhile). The caller hashes them and runs the transaction again."""

    def __init__(self, staff_nos: list[str]) -> None:
        super().__init__(", ".join(staff_nos))
        self.staff_nos = staff_nos


@dataclass
class ApplyResult:
    hall_id: int = 0
    hall_code: str = ""
    hall_name: str = ""
    created: dict[str, list[str]] = field(default_factory=dict)  # section -> what
    updated: dict[str, list[str]] = field(default_factory=dict)  # section -> what: fields
    untouched: dict[str, list[str]] = field(default_factory=dict)  # in the hall, not in the file
    devices: list[NewDevice] = field(default_factory=list)
    accounts: list[NewAccount] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # nothing wrong with the file, but look

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated)

    def _add(self, book: dict[str, list[str]], section: str, what: str) -> None:
        book.setdefault(section, []).append(what)


def apply_hall(tx: Tx, spec: HallFile, passwords: Mapping[str, FirstPassword]) -> ApplyResult:
    """Create or update the hall of `spec`. `passwords`: the first password of each new
    account by 工号, hashed before the transaction (`new_accounts` says which are new);
    PasswordsNeeded when one is missing."""
    result = ApplyResult()
    hall = _hall(tx, spec, result)
    if spec.platform is not None:
        _platform(tx, hall, spec.platform, result)
    if spec.sms is not None:
        _sms(tx, hall, spec.sms, result)
    _rules(tx, hall, spec, result)
    services = _services(tx, hall, spec.services, result)
    windows = _windows(tx, hall, spec, services, result)
    _staff(tx, hall, spec.staff, passwords, result)
    _devices(tx, hall, spec.devices, windows, result)
    return result


def new_accounts(session: Session, spec: HallFile) -> list[StaffEntry]:
    """The file's staff that have no account yet, in the file's order (read outside the
    transaction: their passwords are hashed before it). Conflict when a 工号 of the file
    belongs to another hall or to a deployment-wide admin: nothing needs hashing then."""
    hall = session.exec(select(Hall).where(Hall.code == spec.hall.code)).first()
    existing = _accounts(session.connection(), [e.staff_no for e in spec.staff])
    _refuse_foreign(existing, hall.id if hall is not None else None, spec.hall.code)
    return [e for e in spec.staff if e.staff_no not in existing]


def first_passwords(
    entries: list[StaffEntry], make_password: Callable[[], str], hash_all: HashAll
) -> dict[str, FirstPassword]:
    """A first password for each entry, hashed by `hash_all` (many at once)."""
    plain = [make_password() for _ in entries]
    hashed = hash_all(plain)
    return {e.staff_no: FirstPassword(p, h) for e, p, h in zip(entries, plain, hashed, strict=True)}


HashAll = Callable[[list[str]], list[HashedPassword]]
LOOKUP_CHUNK = 500  # 工号 per query (SQLite allows 32,766 parameters; PostgreSQL 65,535)


STAFF = Staff.__table__  # type: ignore[attr-defined]  # the staff in bulk: Core, not the ORM


@dataclass(frozen=True)
class _Account:
    id: int
    staff_no: str
    name: str
    role: str
    active: bool
    hall_id: int | None


def _accounts(conn: Connection, staff_nos: list[str]) -> dict[str, _Account]:
    """The accounts of these 工号 that exist, by 工号 in the order given (a query per
    LOOKUP_CHUNK)."""
    found: dict[str, _Account] = {}
    columns = (STAFF.c.id, STAFF.c.staff_no, STAFF.c.name, STAFF.c.role, STAFF.c.active)
    for start in range(0, len(staff_nos), LOOKUP_CHUNK):
        chunk = staff_nos[start : start + LOOKUP_CHUNK]
        query = sa_select(*columns, STAFF.c.hall_id).where(STAFF.c.staff_no.in_(chunk))
        for row in conn.execute(query):
            found[row.staff_no] = _Account(*row)
    return {no: found[no] for no in staff_nos if no in found}


def _refuse_foreign(existing: dict[str, _Account], hall_id: int | None, hall_code: str) -> None:
    """Conflict for the first 工号 (in the file's order) that belongs elsewhere."""
    for staff_no, staff in existing.items():
        if hall_id is None or staff.hall_id != hall_id:
            where = "全局管理员" if staff.hall_id is None else "另一个大厅的工作人员"
            raise Conflict(
                f"工号 {staff_no} 已是{where}（{staff.name}），不能在大厅 {hall_code} 中设置；"
                "请换一个工号"
            )


def _hall(tx: Tx, spec: HallFile, result: ApplyResult) -> Hall:
    wanted = spec.hall
    hall = tx.session.exec(select(Hall).where(Hall.code == wanted.code)).first()
    rules = {
        k: getattr(wanted, k)
        for k in (
            "rating_window_days",
            "pause_alert_minutes",
            "no_show_requeue",
            "kiosk_elderly",
            "repeat_priority_calls",
        )
        if getattr(wanted, k) is not None
    }
    if hall is None:
        hall = admin.create_hall(tx, wanted.code, wanted.name, wanted.timezone)
        if rules:
            hall = hall_edit.update_hall(tx, hall.id or 0, rules)
        result._add(result.created, "hall", f"{wanted.code} {wanted.name}")
        given = {k: getattr(wanted, k) for k in LOOP_LABELS if getattr(wanted, k) is not None}
        if given:
            hall = hall_edit.update_hall(tx, hall.id or 0, given)
    else:
        labels = {
            "name": "名称",
            "timezone": "时区",
            "rating_window_days": "扫码评价期限",
            "pause_alert_minutes": "暂停提醒阈值",
            "no_show_requeue": "过号重排",
            "kiosk_elderly": "取号机默认长辈版",
            "repeat_priority_calls": "优先号重复叫号",
            **LOOP_LABELS,
        }
        loop = {k: getattr(wanted, k) for k in LOOP_LABELS if getattr(wanted, k) is not None}
        wanted_values = {"name": wanted.name, "timezone": wanted.timezone, **rules, **loop}
        changes = {k: v for k, v in wanted_values.items() if getattr(hall, k) != v}
        if changes:
            hall = hall_edit.update_hall(tx, hall.id or 0, changes)
            what = "、".join(labels[k] for k in changes)
            result._add(result.updated, "hall", f"{wanted.code}：{what}")
    result.hall_id, result.hall_code, result.hall_name = hall.id or 0, hall.code, hall.name
    return hall


def _platform(tx: Tx, hall: Hall, spec: PlatformSpec, result: ApplyResult) -> None:
    """The hall's 好差评 platform (a receiver of the "platform" channel)."""
    wanted = {
        "profile": spec.profile,
        "url": spec.url,
        "key_env": spec.api_key_env,
        "region_code": spec.region_code,
        "alert_minutes": spec.alert_minutes,
    }
    receiver = tx.session.exec(
        select(Receiver).where(Receiver.hall_id == hall.id, Receiver.channel == "platform")
    ).first()
    if receiver is None:
        receiver = Receiver(
            hall_id=hall.id or 0, channel="platform", profile="", url="", key_env=""
        )
        changed = list(PLATFORM_FIELDS)
        result._add(result.created, "platform", f"{spec.profile} {spec.url}")
    else:
        current = {
            "profile": receiver.profile,
            "url": receiver.url,
            "key_env": receiver.key_env,
            "region_code": receiver.params.get("region_code"),
            "alert_minutes": receiver.alert_minutes,
        }
        changed = [k for k in PLATFORM_FIELDS if current[k] != wanted[k]]
        if changed:
            what = "、".join(PLATFORM_FIELDS[k] for k in changed)
            result._add(result.updated, "platform", f"{spec.profile}：{what}")
    if changed:
        receiver.profile, receiver.url = spec.profile, spec.url
        receiver.key_env, receiver.alert_minutes = spec.api_key_env, spec.alert_minutes
        receiver.params = {**receiver.params, "region_code": spec.region_code}
        tx.session.add(receiver)


def _sms(tx: Tx, hall: Hall, spec: SmsSpec, result: ApplyResult) -> None:
    """The hall's SMS gateway (a receiver of the "sms" channel, as the platform's)."""
    receiver = tx.session.exec(
        select(Receiver).where(Receiver.hall_id == hall.id, Receiver.channel == "sms")
    ).first()
    wanted = (spec.profile, spec.url, spec.api_key_env, spec.alert_minutes)
    if receiver is None:
        receiver = Receiver(hall_id=hall.id or 0, channel="sms", profile="", url="", key_env="")
        result._add(result.created, "sms", f"{spec.profile} {spec.url}")
    elif (receiver.profile, receiver.url, receiver.key_env, receiver.alert_minutes) != wanted:
        result._add(result.updated, "sms", f"{spec.profile} {spec.url}")
    else:
        return
    receiver.profile, receiver.url, receiver.key_env, receiver.alert_minutes = wanted
    tx.session.add(receiver)


def _rules(tx: Tx, hall: Hall, spec: HallFile, result: ApplyResult) -> None:
    if spec.appointments is None:
        return
    wanted = spec.appointments.model_dump(exclude_none=True)
    current = asdict(tx.catalog.rules(tx.open_session, hall.id or 0))
    changes = {k: v for k, v in wanted.items() if current[k] != v}
    if changes:
        appointment_rules.set_rules(tx, hall.id or 0, changes)
        what = "、".join(RULE_LABELS[k] for k in changes)
        result._add(result.updated, "appointments", f"{hall.code}：{what}")


def _services(
    tx: Tx, hall: Hall, entries: list[ServiceEntry], result: ApplyResult
) -> dict[str, int]:
    existing = {
        s.prefix: s for s in tx.session.exec(select(Service).where(Service.hall_id == hall.id))
    }
    ids: dict[str, int] = {}
    for entry in entries:
        service = existing.pop(entry.prefix, None)
        if service is None:
            service = admin.create_service(
                tx,
                admin.ServiceSpec(
                    hall_id=hall.id or 0,
                    name=entry.name,
                    prefix=entry.prefix,
                    daily_limit=entry.daily_limit,
                    target_wait_minutes=entry.target_wait_minutes,
                    target_handle_minutes=entry.target_handle_minutes,
                    hours=entry.hours,
                    enabled=entry.enabled,
                    item_code=entry.item_code,
                    appointment_slot_minutes=entry.appointment_slot_minutes,
                    appointment_quota=entry.appointment_quota,
                    appointment_days_ahead=entry.appointment_days_ahead,
                    common=entry.common,
                ),
            )
            result._add(result.created, "services", f"{entry.prefix} {entry.name}")
        else:
            current = {
                "name": service.name,
                "hours": ServiceHours.parse(service.hours).to_json(),
                "daily_limit": service.daily_limit,
                "target_wait_minutes": service.target_wait_minutes,
                "target_handle_minutes": service.target_handle_minutes,
                "enabled": service.enabled,
                "item_code": service.item_code,
                "appointment_slot_minutes": service.appointment_slot_minutes,
                "appointment_quota": service.appointment_quota,
                "appointment_days_ahead": service.appointment_days_ahead,
                "common": service.common,
            }
            changes = {
                name: getattr(entry, name)
                for name in SERVICE_FIELDS
                if current[name] != getattr(entry, name)
            }
            if changes:
                service = hall_edit.update_service(tx, service.id or 0, changes)
                what = "、".join(SERVICE_FIELDS[k] for k in changes)
                result._add(result.updated, "services", f"{entry.prefix} {entry.name}：{what}")
        ids[entry.prefix] = service.id or 0
    for prefix, service in existing.items():
        result._add(result.untouched, "services", f"{prefix} {service.name}")
        ids[prefix] = service.id or 0
    tx.session.flush()
    return ids


def _windows(
    tx: Tx, hall: Hall, spec: HallFile, services: dict[str, int], result: ApplyResult
) -> dict[str, int]:
    existing = {
        w.number: w for w in tx.session.exec(select(Window).where(Window.hall_id == hall.id))
    }
    ids: dict[str, int] = {}
    for entry in spec.windows:
        wanted = [services[p] for p in entry.services]
        window = existing.pop(entry.number, None)
        if window is None:
            window, _ = admin.create_window(tx, hall.id or 0, entry.number, wanted)
            result._add(result.created, "windows", f"{entry.number} 号窗口")
        else:
            current = list(
                tx.session.exec(
                    select(WindowService.service_id)
                    .where(WindowService.window_id == window.id)
                    .order_by(col(WindowService.rank))
                )
            )
            if current != wanted:
                hall_edit.update_window(tx, window.id or 0, None, wanted)
                result._add(result.updated, "windows", f"{entry.number} 号窗口：业务及顺序")
        ids[entry.number] = window.id or 0
    for number, window in existing.items():
        result._add(result.untouched, "windows", f"{number} 号窗口")
        ids[number] = window.id or 0
    return ids


def _staff(
    tx: Tx,
    hall: Hall,
    entries: list[StaffEntry],
    passwords: Mapping[str, FirstPassword],
    result: ApplyResult,
) -> None:
    """The file's staff, in bulk (Core statements: a file may list thousands, and this runs
    in the transaction). A change of role or of `active` ends the account's sessions, as
    through the admin API (token_version)."""
    conn = tx.conn
    listed = {e.staff_no for e in entries}
    existing = _accounts(conn, [e.staff_no for e in entries])
    _refuse_foreign(existing, hall.id, hall.code)  # before anything of the staff is written
    missing = [
        e.staff_no for e in entries if e.staff_no not in existing and e.staff_no not in passwords
    ]
    if missing:
        raise PasswordsNeeded(missing)
    new_rows: list[dict[str, Any]] = []
    for entry in entries:
        staff = existing.get(entry.staff_no)
        if staff is None:
            first = passwords[entry.staff_no]
            new_rows.append(
                admin.new_staff_row(
                    entry.staff_no,
                    entry.name,
                    Role(entry.role),
                    first.hashed,
                    hall.id,
                    must_change_password=True,  # printed once, handed over: changed at sign-in
                )
            )
            result._add(result.created, "staff", f"{entry.staff_no} {entry.name}")
            result.accounts.append(
                NewAccount(entry.staff_no, entry.name, entry.role, first.password)
            )
            continue
        values: dict[str, Any] = {}
        changes = []
        if staff.name != entry.name:
            values["name"] = entry.name
            changes.append("姓名")
        if staff.role != entry.role:
            values["role"] = entry.role
            changes.append("角色")
        if entry.active is not None and staff.active != entry.active:
            values["active"] = entry.active
            changes.append("启用" if entry.active else "停用")
        if changes:
            if "role" in values or "active" in values:
                values["token_version"] = STAFF.c.token_version + 1
            conn.execute(update(STAFF).where(STAFF.c.id == staff.id).values(**values))
            result._add(
                result.updated, "staff", f"{entry.staff_no} {entry.name}：{'、'.join(changes)}"
            )
    if new_rows:
        conn.execute(insert(STAFF), new_rows)  # one executemany
    others = conn.execute(
        sa_select(STAFF.c.staff_no, STAFF.c.name)
        .where(STAFF.c.hall_id == hall.id)
        .order_by(STAFF.c.staff_no)
    )
    for staff_no, name in others:
        if staff_no not in listed:
            result._add(result.untouched, "staff", f"{staff_no} {name}")


def _devices(
    tx: Tx, hall: Hall, entries: list[DeviceEntry], windows: dict[str, int], result: ApplyResult
) -> None:
    existing = {
        (d.kind, d.label): d
        for d in tx.session.exec(
            select(Device)
            .where(Device.hall_id == hall.id, col(Device.revoked_at).is_(None))
            .order_by(col(Device.id))
        )
    }
    for entry in entries:
        window_id = windows[entry.window] if entry.window is not None else None
        device = existing.pop((entry.kind, entry.label), None)
        if device is None:
            _, token = admin.create_device(
                tx, hall.id or 0, DeviceKind(entry.kind), entry.label, window_id
            )
            result._add(result.created, "devices", f"{KIND_LABELS[entry.kind]}“{entry.label}”")
            result.devices.append(NewDevice(entry.kind, entry.label, entry.window, token))
        elif device.window_id != window_id:
            device.window_id = window_id
            tx.session.add(device)
            result._add(
                result.updated, "devices", f"{KIND_LABELS[entry.kind]}“{entry.label}”：绑定窗口"
            )
    for (kind, label), _device in existing.items():
        result._add(result.untouched, "devices", f"{KIND_LABELS.get(kind, kind)}“{label}”")
    tx.session.flush()
