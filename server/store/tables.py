"""SQLModel tables. Every change here is an Alembic migration in migrations/versions."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Column, Index, LargeBinary, UniqueConstraint
from sqlalchemy import text as sql_text
from sqlmodel import Field, SQLModel

from server.store.types import UTCDateTime


def _utc(nullable: bool = False, index: bool = False) -> Column[datetime]:
    return Column(UTCDateTime(), nullable=nullable, index=index)


class Hall(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(unique=True, max_length=32)
    name: str = Field(max_length=100)
    timezone: str = Field(default="Asia/Shanghai", max_length=64)
    last_seq: int = Field(default=0)
    created_at: datetime = Field(sa_column=_utc())
    notice: str = Field(default="", max_length=500)
    notice_updated_at: datetime | None = Field(default=None, sa_column=_utc(nullable=True))
    notice_updated_by: str | None = Field(default=None, max_length=50)
    rating_window_days: int = 7  # the QR page rates a finished ticket this many days
    pause_alert_minutes: int = 15  # a window paused longer raises an alert
    no_show_requeue: bool = True  # 过号重排: a window may put a no-show back in the queue
    # the 差评 loop (issue 25): 办件编号 at 办结 (off | optional | required); deadlines in
    # working days (None: the deployment's GOVQUEUE_RECTIFICATION_WORKING_DAYS /
    # GOVQUEUE_FOLLOWUP_WORKING_DAYS); how long before a deadline 超期预警 warns; 追评 allowed
    case_numbers: str = Field(default="off", max_length=16)
    rectification_working_days: int | None = None
    followup_working_days: int | None = None
    rectification_warn_days: int = 3
    followup_warn_hours: int = 4
    re_rating: bool = True
    # 适老化 (issue 29): kiosks start in 长辈版; calls of 绿色通道 and 长辈 tickets are said a
    # second time on the hall screens; the window whose client shows 呼叫帮办 (the 导办 desk)
    kiosk_elderly: bool = False
    repeat_priority_calls: bool = False
    guide_window_id: int | None = None
    # the applicant's phone (issue 27): 到号提醒 this many ahead (0: none); 扫码过号重排: a
    # no-show may rejoin from the ticket's page within rejoin_minutes, once, behind the next
    # rejoin_behind waiting (rejoin_position "behind") or at the end ("end")
    notify_ahead: int = 3
    rejoin_allowed: bool = True
    rejoin_minutes: int = 10
    rejoin_position: str = Field(default="behind", max_length=8)
    rejoin_behind: int = 3


class Service(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("hall_id", "prefix"),)
    id: int | None = Field(default=None, primary_key=True)
    hall_id: int = Field(foreign_key="hall.id", index=True)
    name: str = Field(max_length=100)
    prefix: str = Field(max_length=4)
    daily_limit: int | None = None
    hours: list[list[str]] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    target_wait_minutes: int = 20
    target_handle_minutes: int = 15
    enabled: bool = True
    item_code: str | None = Field(default=None, max_length=64)  # 事项编码, for the 好差评 platform
    # appointments (预约): slots of this length within the hours, this many people a slot
    # (0: none), this many working days ahead (server/domain/appointments.py)
    appointment_slot_minutes: int = 30
    appointment_quota: int = 0
    appointment_days_ahead: int = 5
    common: bool = False  # 常用业务: what the kiosk's 长辈版 offers first (issue 29)


class Window(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("hall_id", "number"),)
    id: int | None = Field(default=None, primary_key=True)
    hall_id: int = Field(foreign_key="hall.id", index=True)
    number: str = Field(max_length=16)
    state: str = Field(default="closed", max_length=16)
    pause_reason: str | None = Field(default=None, max_length=100)
    staff_id: int | None = Field(default=None, foreign_key="staff.id")
    state_since: datetime | None = Field(default=None, sa_column=_utc(nullable=True))


class WindowService(SQLModel, table=True):
    window_id: int = Field(foreign_key="window.id", primary_key=True)
    service_id: int = Field(foreign_key="service.id", primary_key=True)
    rank: int = 0


class Staff(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    staff_no: str = Field(unique=True, max_length=32)
    name: str = Field(max_length=50)
    role: str = Field(max_length=16)
    password_hash: str
    hall_id: int | None = Field(default=None, foreign_key="hall.id")
    active: bool = True
    token_version: int = 0  # raised to end every session issued before (see server/access.py)
    # a password someone else chose (a first one, an admin's reset): changed at the next sign-in
    must_change_password: bool = False


class Device(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    hall_id: int = Field(foreign_key="hall.id", index=True)
    kind: str = Field(max_length=16)
    window_id: int | None = Field(default=None, foreign_key="window.id")
    label: str = Field(max_length=100)
    token_hash: str = Field(unique=True, max_length=64)
    created_at: datetime = Field(sa_column=_utc())
    revoked_at: datetime | None = Field(default=None, sa_column=_utc(nullable=True))
    # what the device last reported (POST /devices/me/status) and when it was last heard of
    last_seen_at: datetime | None = Field(default=None, sa_column=_utc(nullable=True))
    version: str | None = Field(default=None, max_length=32)
    health: str | None = Field(default=None, max_length=16)  # ok / warning / error
    printer: str | None = Field(default=None, max_length=32)
    detail: str | None = Field(default=None, max_length=200)
    health_at: datetime | None = Field(default=None, sa_column=_utc(nullable=True))
    offline_since: datetime | None = Field(default=None, sa_column=_utc(nullable=True))


class Alert(SQLModel, table=True):
    """Something a supervisor must see (server/commands/alerts.py): raised once per episode
    of a (hall, kind, subject), resolved when its cause goes away, acknowledged once for
    everyone."""

    __table_args__ = (
        Index("ix_alert_hall_kind_subject", "hall_id", "kind", "subject"),
        Index("ix_alert_hall_acknowledged", "hall_id", "acknowledged_at"),
        Index("ix_alert_hall_resolved", "hall_id", "resolved_at"),
    )
    id: int | None = Field(default=None, primary_key=True)
    hall_id: int = Field(foreign_key="hall.id")
    kind: str = Field(max_length=32)
    subject: str = Field(max_length=64)
    level: str = Field(max_length=8)  # bad / warn
    text: str = Field(max_length=300)
    data: dict[str, object] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    raised_at: datetime = Field(sa_column=_utc())
    resolved_at: datetime | None = Field(default=None, sa_column=_utc(nullable=True))
    acknowledged_at: datetime | None = Field(default=None, sa_column=_utc(nullable=True))
    acknowledged_by: int | None = Field(default=None, foreign_key="staff.id")
    acknowledged_by_no: str | None = Field(default=None, max_length=32)
    acknowledged_by_name: str | None = Field(default=None, max_length=50)

    def subject_ids(self) -> dict[str, int]:
        """The ids its data names (device, ticket, window, service): what its events and the
        consoles' list of alerts carry."""
        return {k: v for k, v in self.data.items() if k in ALERT_SUBJECT_IDS and isinstance(v, int)}


ALERT_SUBJECT_IDS = ("device_id", "ticket_id", "window_id", "service_id")


class ConsoleSession(SQLModel, table=True):
    """A web console sign-in (server/auth/console_session.py): the cookie holds a random token,
    only its hash is kept; signing out or expiry ends it at once in every process."""

    __tablename__ = "console_session"
    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(unique=True, max_length=64)
    staff_id: int = Field(foreign_key="staff.id", index=True)
    created_at: datetime = Field(sa_column=_utc())
    expires_at: datetime = Field(sa_column=_utc())
    ended_at: datetime | None = Field(default=None, sa_column=_utc(nullable=True))


class TicketCounter(SQLModel, table=True):
    service_id: int = Field(foreign_key="service.id", primary_key=True)
    business_day: date = Field(primary_key=True)
    last_number: int = 0  # the day's last ticket number, transfers included
    issued: int = 0  # tickets counted against the daily limit: transfers in are not
    waiting: int = 0  # tickets of the day waiting now (moved by every change in or out)
    priority_waiting: int = 0  # of which green channel


class Ticket(SQLModel, table=True):
    __table_args__ = (
        UniqueConstraint("service_id", "business_day", "sequence"),
        Index(
            "ix_ticket_queue",
            "service_id",
            "business_day",
            "status",
            "priority",
            "entered_queue_at",
            "id",
        ),
        # hall + period scans of the statistics, and the 明细 pages in issue order
        Index("ix_ticket_hall_day_issued", "hall_id", "business_day", "issued_at", "id"),
        Index("ux_ticket_device_request", "device_id", "request_id", unique=True),
        # a ticket still called or served at a window (call-next, live snapshot, desk)
        Index("ix_ticket_window_status", "window_id", "status"),
        # appointment tickets waiting, in slot order (call-next's appointment lane); partial:
        # a walk-in ticket is never written to it
        Index(
            "ix_ticket_appointment_queue",
            "service_id",
            "business_day",
            "status",
            "slot_start",
            "id",
            sqlite_where=sql_text("slot_start IS NOT NULL"),
            postgresql_where=sql_text("slot_start IS NOT NULL"),
        ),
    )
    id: int | None = Field(default=None, primary_key=True)
    hall_id: int = Field(foreign_key="hall.id")
    service_id: int = Field(foreign_key="service.id")
    business_day: date
    sequence: int
    number: str = Field(max_length=12)
    priority: str = Field(default="normal", max_length=16)
    source: str = Field(default="kiosk", max_length=16)
    status: str = Field(default="waiting", max_length=16)
    outcome: str | None = Field(default=None, max_length=16)
    public_token: str = Field(unique=True, max_length=43)
    issued_at: datetime = Field(sa_column=_utc())
    entered_queue_at: datetime = Field(sa_column=_utc())
    called_at: datetime | None = Field(default=None, sa_column=_utc(nullable=True))
    last_called_at: datetime | None = Field(default=None, sa_column=_utc(nullable=True))
    recall_count: int = 0
    serving_started_at: datetime | None = Field(default=None, sa_column=_utc(nullable=True))
    finished_at: datetime | None = Field(default=None, sa_column=_utc(nullable=True))
    no_show_count: int = 0
    window_id: int | None = Field(default=None, foreign_key="window.id")
    staff_id: int | None = Field(default=None, foreign_key="staff.id")
    origin_ticket_id: int | None = Field(default=None, foreign_key="ticket.id")
    transferred_to_id: int | None = Field(default=None, foreign_key="ticket.id")
    device_id: int | None = Field(default=None, foreign_key="device.id")
    request_id: str | None = Field(default=None, max_length=64)
    # an appointment's ticket (预约): the appointment and its slot, which orders it in the queue
    appointment_id: int | None = Field(default=None)
    slot_start: datetime | None = Field(default=None, sa_column=_utc(nullable=True))
    slot_end: datetime | None = Field(default=None, sa_column=_utc(nullable=True))
    elderly: bool = False  # taken in the kiosk's 长辈版 (issue 29)
    # 扫码过号重排 (issue 27): when the applicant put it back in the queue from its page (once),
    # and when it first joined the queue (its wait counts from there; entered_queue_at is its
    # place in the queue now). Not on the hot paths' TicketRow: only that rare change writes them.
    rejoined_at: datetime | None = Field(default=None, sa_column=_utc(nullable=True))
    first_entered_queue_at: datetime | None = Field(default=None, sa_column=_utc(nullable=True))


class TicketPhone(SQLModel, table=True):
    """短信提醒 (issue 27): the mobile number an applicant left at the kiosk for one ticket.
    Personal data: shown masked (138****1234) everywhere, in full only in the message to the
    gateway; deleted by the nightly retention (server/commands/sms.py)."""

    __tablename__ = "ticket_phone"
    __table_args__ = (Index("ix_ticket_phone_hall_created", "hall_id", "created_at"),)
    ticket_id: int = Field(foreign_key="ticket.id", primary_key=True)
    hall_id: int = Field(foreign_key="hall.id")
    phone: str = Field(max_length=20)
    created_at: datetime = Field(sa_column=_utc())


class Evaluation(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    ticket_id: int = Field(foreign_key="ticket.id", unique=True)
    hall_id: int = Field(foreign_key="hall.id", index=True)
    level: int
    reasons: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    comment: str | None = Field(default=None, max_length=500)
    channel: str = Field(max_length=16)
    created_at: datetime = Field(sa_column=_utc())


class TicketCase(SQLModel, table=True):
    """办件编号: a case of the hall's case system (办件系统) handled on a ticket; a ticket may
    have several. The 好差评 record of the ticket's rating carries them."""

    __tablename__ = "ticket_case"
    __table_args__ = (UniqueConstraint("ticket_id", "case_no"),)
    id: int | None = Field(default=None, primary_key=True)
    ticket_id: int = Field(foreign_key="ticket.id")
    case_no: str = Field(max_length=50)
    added_at: datetime = Field(sa_column=_utc())
    added_by: int | None = Field(default=None, foreign_key="staff.id")
    integration_id: int | None = Field(default=None, foreign_key="integration.id")  # the 办件系统


class Rectification(SQLModel, table=True):
    __table_args__ = (Index("ix_rectification_opened_at", "opened_at"),)
    id: int | None = Field(default=None, primary_key=True)
    evaluation_id: int = Field(foreign_key="evaluation.id", unique=True)
    ticket_id: int = Field(foreign_key="ticket.id", index=True)
    opened_at: datetime = Field(sa_column=_utc())
    deadline: datetime = Field(sa_column=_utc())
    closed_at: datetime | None = Field(default=None, sa_column=_utc(nullable=True))
    note: str | None = Field(default=None, max_length=1000)
    followup_at: datetime | None = Field(default=None, sa_column=_utc(nullable=True))
    followup_note: str | None = Field(default=None, max_length=1000)
    rectified_by: int | None = Field(default=None, foreign_key="staff.id")
    followup_way: str | None = Field(default=None, max_length=16)
    followup_satisfied: bool | None = None
    followup_by: int | None = Field(default=None, foreign_key="staff.id")
    followup_deadline: datetime | None = Field(default=None, sa_column=_utc(nullable=True))


class Appeal(SQLModel, table=True):
    """申诉: the hall asks that a 差评 (malicious or mistaken) not count; an admin decides.
    An upheld appeal excludes the rating from 满意率 (docs/indicators.md)."""

    id: int | None = Field(default=None, primary_key=True)
    evaluation_id: int = Field(foreign_key="evaluation.id", unique=True)
    hall_id: int = Field(foreign_key="hall.id", index=True)
    reason: str = Field(max_length=500)
    evidence: str = Field(default="", max_length=2000)
    state: str = Field(default="pending", max_length=16)  # pending | upheld | rejected
    filed_at: datetime = Field(sa_column=_utc())
    filed_by: int | None = Field(default=None, foreign_key="staff.id")
    decided_at: datetime | None = Field(default=None, sa_column=_utc(nullable=True))
    decided_by: int | None = Field(default=None, foreign_key="staff.id")
    decision: str | None = Field(default=None, max_length=500)


class ReRating(SQLModel, table=True):
    """追评: the applicant's second rating of a 差评's ticket after its 整改 (评价次数 = 2), from
    the ticket's page. The first rating stays what the statistics count."""

    __tablename__ = "re_rating"
    id: int | None = Field(default=None, primary_key=True)
    evaluation_id: int = Field(foreign_key="evaluation.id", unique=True)
    hall_id: int = Field(foreign_key="hall.id")
    level: int
    reasons: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    comment: str | None = Field(default=None, max_length=500)
    channel: str = Field(max_length=16)
    created_at: datetime = Field(sa_column=_utc())


class Complaint(SQLModel, table=True):
    """投诉: received through a channel, handled (已受理 → 已办结) before its deadline."""

    __table_args__ = (Index("ix_complaint_hall_received", "hall_id", "received_at"),)
    id: int | None = Field(default=None, primary_key=True)
    hall_id: int = Field(foreign_key="hall.id")
    channel: str = Field(max_length=16)
    content: str = Field(max_length=2000)
    complainant_name: str | None = Field(default=None, max_length=50)
    complainant_phone: str | None = Field(default=None, max_length=32)
    ticket_id: int | None = Field(default=None, foreign_key="ticket.id")
    window_id: int | None = Field(default=None, foreign_key="window.id")
    staff_id: int | None = Field(default=None, foreign_key="staff.id")
    service_id: int | None = Field(default=None, foreign_key="service.id")
    state: str = Field(default="accepted", max_length=16)
    received_at: datetime = Field(sa_column=_utc())
    deadline: datetime = Field(sa_column=_utc())
    result: str | None = Field(default=None, max_length=2000)
    handled_at: datetime | None = Field(default=None, sa_column=_utc(nullable=True))
    closed_at: datetime | None = Field(default=None, sa_column=_utc(nullable=True))
    handled_by: int | None = Field(default=None, foreign_key="staff.id")
    created_by: int | None = Field(default=None, foreign_key="staff.id")


class Integration(SQLModel, table=True):
    """An outside system that calls the API (the 政务服务网 booking appointments): OAuth2 client
    credentials, per hall or for the deployment (hall_id None). Only the secret's hash is kept;
    revoking it refuses its tokens at once (server/access.py)."""

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=100)
    hall_id: int | None = Field(default=None, foreign_key="hall.id", index=True)
    client_id: str = Field(unique=True, max_length=40)
    secret_hash: str = Field(max_length=64)
    requests_per_minute: int = 600
    created_at: datetime = Field(sa_column=_utc())
    created_by: int | None = Field(default=None, foreign_key="staff.id")
    revoked_at: datetime | None = Field(default=None, sa_column=_utc(nullable=True))
    revoked_by: int | None = Field(default=None, foreign_key="staff.id")


class AppointmentRules(SQLModel, table=True):
    """A hall's appointment rules (the hall file's `[appointments]`); no row: the defaults."""

    __tablename__ = "appointment_rules"
    hall_id: int = Field(foreign_key="hall.id", primary_key=True)
    same_day: bool = False
    book_before_minutes: int = 120
    cancel_before_minutes: int = 120
    early_minutes: int = 30
    grace_minutes: int = 15
    no_show_limit: int = 3
    no_show_days: int = 30
    ban_days: int = 30
    retention_days: int = 90
    on_time_minutes: int = 15


class Appointment(SQLModel, table=True):
    """A booked slot (预约). The ID number is never stored: its keyed hash (to match it at
    check-in) and its last 4 digits (to show). Name and phone are kept for the clerk who
    serves the person and shown masked everywhere else; all four are emptied
    `retention_days` after the day (the row stays, for the counts)."""

    __table_args__ = (
        UniqueConstraint("hall_id", "business_day", "code"),
        Index("ix_appointment_slot", "service_id", "slot_start", "status"),
        Index("ix_appointment_person", "hall_id", "id_hash", "business_day"),
        Index("ix_appointment_hall_day", "hall_id", "business_day", "slot_start"),
        Index("ux_appointment_request", "integration_id", "request_id", unique=True),
        # the booked ones past their slot (失约 to mark), the ones still holding personal data
        Index("ix_appointment_status_end", "status", "slot_end"),
        Index("ix_appointment_purge", "purged_at", "business_day"),
    )
    id: int | None = Field(default=None, primary_key=True)
    hall_id: int = Field(foreign_key="hall.id")
    service_id: int = Field(foreign_key="service.id")
    business_day: date
    slot_start: datetime = Field(sa_column=_utc())
    slot_end: datetime = Field(sa_column=_utc())
    code: str = Field(max_length=6)
    status: str = Field(default="booked", max_length=16)
    id_type: str = Field(max_length=24)
    id_hash: str | None = Field(default=None, max_length=64)
    id_last4: str | None = Field(default=None, max_length=4)
    name: str | None = Field(default=None, max_length=50)
    phone: str | None = Field(default=None, max_length=32)
    created_at: datetime = Field(sa_column=_utc())
    cancelled_at: datetime | None = Field(default=None, sa_column=_utc(nullable=True))
    checked_in_at: datetime | None = Field(default=None, sa_column=_utc(nullable=True))
    missed_at: datetime | None = Field(default=None, sa_column=_utc(nullable=True))
    purged_at: datetime | None = Field(default=None, sa_column=_utc(nullable=True))
    ticket_id: int | None = Field(default=None, foreign_key="ticket.id")
    integration_id: int | None = Field(default=None, foreign_key="integration.id")
    request_id: str | None = Field(default=None, max_length=64)


class AppointmentLift(SQLModel, table=True):
    """A supervisor lifted a person's no-show bar: their misses before it no longer count."""

    __tablename__ = "appointment_lift"
    __table_args__ = (Index("ix_appointment_lift_person", "hall_id", "id_hash"),)
    id: int | None = Field(default=None, primary_key=True)
    hall_id: int = Field(foreign_key="hall.id")
    id_hash: str = Field(max_length=64)
    lifted_at: datetime = Field(sa_column=_utc())
    staff_id: int | None = Field(default=None, foreign_key="staff.id")


class Event(SQLModel, table=True):
    __table_args__ = (
        UniqueConstraint("hall_id", "seq"),
        # window intervals of a period: one hall's window.status events between two instants
        Index("ix_event_hall_type_at", "hall_id", "type", "at"),
    )
    id: int | None = Field(default=None, primary_key=True)
    hall_id: int = Field(foreign_key="hall.id")
    seq: int
    type: str = Field(max_length=32)
    at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False, index=True))
    data: dict[str, object] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))


class Receiver(SQLModel, table=True):
    """Where a hall's messages of one channel go ("platform": the 好差评 platform; later
    "sms"): the profile (server/outbox/profiles/<channel>/<profile>.toml), the address, the
    name of the environment variable that holds the key (never the key itself), the
    channel's own settings (`params`, e.g. the platform's region_code) and after how many
    minutes a message still pending raises an alert."""

    __table_args__ = (UniqueConstraint("hall_id", "channel"),)
    id: int | None = Field(default=None, primary_key=True)
    hall_id: int = Field(foreign_key="hall.id")
    channel: str = Field(max_length=16)
    profile: str = Field(max_length=64)
    url: str = Field(max_length=500)
    key_env: str = Field(max_length=128)
    params: dict[str, object] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    alert_minutes: int = 10


class OutboxMessage(SQLModel, table=True):
    """A message leaving the hall (server/outbox/): written in the transaction of the change
    that causes it, sent until acknowledged, with `key` as its idempotency key. Messages of
    one `subject` (a ticket's rating loop) are sent in id order."""

    __tablename__ = "outbox"
    __table_args__ = (
        UniqueConstraint("channel", "key"),
        Index("ix_outbox_due", "state", "next_attempt_at"),
        Index("ix_outbox_subject", "channel", "subject", "id"),
        Index("ix_outbox_hall", "hall_id", "channel", "state", "created_at"),
        Index("ix_outbox_hall_sent", "hall_id", "sent_at"),
    )
    id: int | None = Field(default=None, primary_key=True)
    channel: str = Field(max_length=16)
    hall_id: int = Field(foreign_key="hall.id")
    subject: str = Field(max_length=64)
    kind: str = Field(max_length=32)
    key: str = Field(max_length=128)
    payload: dict[str, object] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    created_at: datetime = Field(sa_column=_utc())
    state: str = Field(default="pending", max_length=16)
    attempts: int = 0
    next_attempt_at: datetime = Field(sa_column=_utc())
    claimed_by: str | None = Field(default=None, max_length=32)
    claimed_until: datetime | None = Field(default=None, sa_column=_utc(nullable=True))
    last_attempt_at: datetime | None = Field(default=None, sa_column=_utc(nullable=True))
    last_status: int | None = None
    last_answer: str | None = Field(default=None, max_length=1000)
    sent_at: datetime | None = Field(default=None, sa_column=_utc(nullable=True))
    handled_by: int | None = Field(default=None, foreign_key="staff.id")
    handled_note: str | None = Field(default=None, max_length=500)


class StatsDay(SQLModel, table=True):
    """The statistics rollup of one hall's closed business day (server/queries/stats/rollup.py):
    the day's ticket facts and window time, packed. `changes` counts late writes to the day
    (a rating the next day, a rectification, a ticket finished after midnight); the rollup is
    valid while `built_changes` equals it."""

    __tablename__ = "stats_day"
    hall_id: int = Field(foreign_key="hall.id", primary_key=True)
    business_day: date = Field(primary_key=True)
    changes: int = 0
    built_changes: int | None = None
    format: int | None = None
    zone: str | None = Field(default=None, max_length=64)
    built_at: datetime | None = Field(default=None, sa_column=_utc(nullable=True))
    tickets: int = 0
    facts: bytes | None = Field(default=None, sa_column=Column(LargeBinary, nullable=True))


class DevicePairing(SQLModel, table=True):
    """A one-time pairing code for a device (server/commands/pairing.py): only its SHA-256
    is kept; it is good until `expires_at`, once."""

    __tablename__ = "device_pairing"
    id: int | None = Field(default=None, primary_key=True)
    device_id: int = Field(foreign_key="device.id", index=True)
    code_hash: str = Field(unique=True, max_length=64)
    created_at: datetime = Field(sa_column=_utc())
    expires_at: datetime = Field(sa_column=_utc())
    used_at: datetime | None = Field(default=None, sa_column=_utc(nullable=True))


class MaintenanceRun(SQLModel, table=True):
    """One night's maintenance (server/maintenance/nightly.py): claimed by inserting the row
    (one per night, whichever process or command gets there first), finished with each
    step's result."""

    __tablename__ = "maintenance_run"
    id: int | None = Field(default=None, primary_key=True)
    night: date = Field(unique=True)  # the local date whose night it is (the day that closed)
    started_at: datetime = Field(sa_column=_utc())
    finished_at: datetime | None = Field(default=None, sa_column=_utc(nullable=True))
    ok: bool | None = None  # None: still running (or the runner died)
    steps: list[dict[str, object]] = Field(
        default_factory=list, sa_column=Column(JSON, nullable=False)
    )
    runner: str = Field(max_length=32)


__all__ = [
    "Alert",
    "Appeal",
    "Appointment",
    "AppointmentLift",
    "AppointmentRules",
    "Complaint",
    "ConsoleSession",
    "Device",
    "DevicePairing",
    "Evaluation",
    "Event",
    "Hall",
    "Integration",
    "MaintenanceRun",
    "OutboxMessage",
    "ReRating",
    "Receiver",
    "Rectification",
    "Service",
    "Staff",
    "StatsDay",
    "Ticket",
    "TicketCase",
    "TicketCounter",
    "Window",
    "WindowService",
]


class HealthProbe(SQLModel, table=True):
    """The row readiness writes (server/commands/health.py): one commit proves the store takes
    writes (a full disk, a read-only file, a lost database server fail it)."""

    __tablename__ = "health_probe"
    id: int | None = Field(default=None, primary_key=True)
    checked_at: datetime = Field(sa_column=_utc())
