"""Integrations: outside systems (the 政务服务网 booking appointments) registered with OAuth2
client credentials, and revoked at once. Each change is recorded in the hall's log (audit);
a deployment-wide integration's in the audit log."""

from __future__ import annotations

import logging

from client.events import IntegrationCreated, IntegrationRevoked
from server.commands.admin import ensure_deployment_admin
from server.domain.actor import StaffActor, ensure_hall
from server.domain.errors import InvalidInput
from server.domain.names import clean_name
from server.domain.texts import text
from server.security import hash_client_secret, new_client_credentials
from server.store import lookups
from server.store.statements import NOTIFY_REVOCATION
from server.store.tables import Integration
from server.store.transaction import Tx

audit = logging.getLogger("govqueue.audit")


def create_integration(
    tx: Tx, actor: StaffActor, name: str, hall_id: int | None, requests_per_minute: int
) -> tuple[Integration, str]:
    """The integration and its client secret (shown this once; only its hash is kept)."""
    if hall_id is None:
        ensure_deployment_admin(actor, text("action.create_global_integration"))
    else:
        ensure_hall(actor, hall_id)
        lookups.hall(tx.session, hall_id)
    try:
        name = clean_name(name)
    except ValueError as exc:
        raise InvalidInput(f"对接系统名称{exc}。") from exc
    client_id, secret = new_client_credentials()
    integration = Integration(
        name=name,
        hall_id=hall_id,
        client_id=client_id,
        secret_hash=hash_client_secret(secret),
        requests_per_minute=requests_per_minute,
        created_at=tx.now,
        created_by=actor.staff_id,
    )
    if hall_id is not None:
        tx.lock_hall(hall_id)
    tx.session.add(integration)
    tx.session.flush()
    event = IntegrationCreated(
        integration_id=integration.id or 0,
        name=integration.name,
        client_id=client_id,
        by_staff_id=actor.staff_id,
        by_staff_no=actor.staff_no,
    )
    if hall_id is not None:
        tx.emit(hall_id, event)
    else:
        audit.info("integration.created %s", event.model_dump_json())
    return integration, secret


def revoke_integration(tx: Tx, actor: StaffActor, integration_id: int) -> tuple[Integration, bool]:
    """(the integration, whether it was revoked now): its tokens are refused from the next
    request on, in every server process; revoking again changes nothing."""
    integration = lookups.get_or_404(
        tx.session,
        Integration,
        integration_id,
        "integration.not_found",
        integration_id=integration_id,
    )
    if integration.hall_id is None:
        ensure_deployment_admin(actor, text("action.manage_global_integration"))
    else:
        ensure_hall(actor, integration.hall_id)
    if integration.revoked_at is not None:
        return integration, False
    if integration.hall_id is not None:
        tx.lock_hall(integration.hall_id)
    integration.revoked_at = tx.now
    integration.revoked_by = actor.staff_id
    tx.session.add(integration)
    tx.session.flush()
    if tx.conn.dialect.name == "postgresql":  # every server process hears of it at commit
        tx.conn.execute(NOTIFY_REVOCATION, {"payload": f"integration:{integration.id}"})
    event = IntegrationRevoked(
        integration_id=integration.id or 0,
        name=integration.name,
        by_staff_id=actor.staff_id,
        by_staff_no=actor.staff_no,
    )
    if integration.hall_id is not None:
        tx.emit(integration.hall_id, event)
    else:
        audit.info("integration.revoked %s", event.model_dump_json())
    return integration, True
