"""A hall's appointment rules (the hall file's `[appointments]`, the console's 设置, the admin
API): one row per hall, absent = the defaults of server/domain/appointments.py."""

from __future__ import annotations

from dataclasses import asdict, fields
from typing import Any

from server.domain.appointments import AppointmentPolicy
from server.store import lookups
from server.store.catalog import rules_of
from server.store.tables import AppointmentRules
from server.store.transaction import Tx

RULE_FIELDS = tuple(f.name for f in fields(AppointmentPolicy))


def set_rules(tx: Tx, hall_id: int, changes: dict[str, Any]) -> AppointmentPolicy:
    """Change the given rules (the others stay as they are); the new rules."""
    lookups.hall(tx.session, hall_id)
    tx.lock_hall(hall_id)
    row = tx.session.get(AppointmentRules, hall_id)
    if row is None:
        row = AppointmentRules(hall_id=hall_id, **asdict(AppointmentPolicy()))
    for name in RULE_FIELDS:
        if name in changes and changes[name] is not None:
            setattr(row, name, changes[name])
    tx.session.add(row)
    tx.session.flush()
    tx.catalog.rules_changed(hall_id)
    return rules_of(row)
