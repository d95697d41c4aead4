"""What time does to appointments: 失约 once check-in has closed without one (the server's
upkeep, server/appointment_upkeep.py, finds what is due and hands it here, one hall at a
time under the hall's lock), and personal data deleted `retention_days` after the day (the
nightly maintenance's retention step, server/commands/maintenance.py; the appointment stays,
without it, for the counts)."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import delete, update
from sqlmodel import col, select

from client.events import AppointmentBarLifted, AppointmentMissed
from server.commands.appointments import appointment_to_change
from server.domain.actor import StaffActor, ensure_hall
from server.domain.appointments import AppointmentStatus, Slot, check_in_closes
from server.domain.calendar import business_day, day_bounds, hall_zone
from server.domain.enums import Role
from server.domain.errors import Conflict, PermissionDenied
from server.domain.texts import text
from server.store.tables import Appointment, AppointmentLift, Hall
from server.store.transaction import Tx


def mark_missed(tx: Tx, hall_id: int, appointment_ids: list[int]) -> int:
    """Mark the given appointments 失约 if they are still only booked once check-in closed;
    the number marked."""
    tx.lock_hall(hall_id)
    policy = tx.catalog.rules(tx.open_session, hall_id)
    rows = tx.session.exec(
        select(Appointment).where(
            col(Appointment.id).in_(appointment_ids),
            Appointment.hall_id == hall_id,
            Appointment.status == AppointmentStatus.booked.value,
        )
    ).all()
    marked = 0
    for row in rows:
        closes = check_in_closes(Slot(row.slot_start, row.slot_end), policy)
        if tx.now <= closes:
            continue
        row.status = AppointmentStatus.missed.value
        row.missed_at = closes
        tx.session.add(row)
        tx.emit(
            hall_id,
            AppointmentMissed(
                appointment_id=row.id or 0,
                service_id=row.service_id,
                slot_start=row.slot_start,
                slot_end=row.slot_end,
            ),
        )
        marked += 1
    tx.session.flush()
    return marked


def purge_personal_data(tx: Tx, hall_id: int, before: date) -> int:
    """Delete the name, phone and ID hash and digits of the hall's appointments of days
    before `before` (and the no-show lifts of then); the number of appointments emptied."""
    tx.lock_hall(hall_id)
    emptied = tx.conn.execute(
        update(Appointment)
        .where(
            col(Appointment.hall_id) == hall_id,
            col(Appointment.business_day) < before,
            col(Appointment.purged_at).is_(None),
        )
        .values(name=None, phone=None, id_hash=None, id_last4=None, purged_at=tx.now)
    ).rowcount
    hall = tx.session.get(Hall, hall_id)
    zone = hall_zone(hall.timezone if hall else "Asia/Shanghai")
    start, _ = day_bounds(before, zone)
    tx.conn.execute(
        delete(AppointmentLift).where(
            col(AppointmentLift.hall_id) == hall_id, col(AppointmentLift.lifted_at) < start
        )
    )
    return int(emptied or 0)


def purge_past_retention(tx: Tx) -> int:
    """Every hall's appointments past its `retention_days` emptied of personal data (halls
    locked in ascending id); the number emptied."""
    halls = tx.session.exec(
        select(Appointment.hall_id)
        .where(col(Appointment.purged_at).is_(None))
        .group_by(col(Appointment.hall_id))
        .order_by(col(Appointment.hall_id))
    ).all()
    emptied = 0
    for hall_id in halls:
        hall = tx.session.get(Hall, hall_id)
        zone = hall_zone(hall.timezone if hall else "Asia/Shanghai")
        days = tx.catalog.rules(tx.open_session, hall_id).retention_days
        emptied += purge_personal_data(tx, hall_id, business_day(tx.now, zone) - timedelta(days))
    return emptied


def lift_bar(tx: Tx, actor: StaffActor, appointment_id: int) -> int:
    """A supervisor lifts the no-show bar of the person of this appointment: their misses so
    far no longer count. The lift's id."""
    row = appointment_to_change(tx, appointment_id)
    ensure_hall(actor, row.hall_id)
    if actor.role == Role.window:
        raise PermissionDenied(text("auth.role", roles="supervisor、admin"))
    if row.id_hash is None:
        raise Conflict(text("appointment.purged"), code="purged")
    lift = AppointmentLift(
        hall_id=row.hall_id, id_hash=row.id_hash, lifted_at=tx.now, staff_id=actor.staff_id
    )
    tx.session.add(lift)
    tx.session.flush()
    tx.emit(
        row.hall_id,
        AppointmentBarLifted(
            appointment_id=row.id or 0, by_staff_id=actor.staff_id, by_staff_no=actor.staff_no
        ),
    )
    return lift.id or 0
