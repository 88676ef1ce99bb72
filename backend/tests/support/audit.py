"""Raw audit rows for tests that need what the audit port never writes: an entry stamped
long ago, or one committed in an unusual order."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import text
from sqlalchemy.orm import Session

from elcorp.shared.domain.audit_entry import canonical_json, entry_timestamp


def insert_entry(
    session: Session,
    occurred_at: datetime,
    action: str,
    *,
    actor_id: str = "user-x",
    resource_type: str = "thing",
    resource_id: str | None = None,
) -> uuid.UUID:
    entry_id = uuid.uuid4()
    entry = {
        "id": str(entry_id),
        "occurred_at": entry_timestamp(occurred_at),
        "action": action,
        "actor_id": actor_id,
        "actor_roles": [],
        "resource_type": resource_type,
        "resource_id": resource_id,
        "changes": {"after": {}, "before": {}},
        "reason": None,
        "ip": None,
        "user_agent": None,
        "request_id": None,
    }
    session.execute(
        text(
            "INSERT INTO audit_log (id, occurred_at, action, actor_id, resource_type, resource_id, entry) "
            "VALUES (:id, :at, :action, :actor, :type, :rid, :entry)"
        ),
        {
            "id": entry_id,
            "at": occurred_at,
            "action": action,
            "actor": actor_id,
            "type": resource_type,
            "rid": resource_id,
            "entry": canonical_json(entry).decode(),
        },
    )
    return entry_id


def audit_entries(container, action: str) -> list[dict]:
    """The committed entries of one action, oldest first, as JSON objects."""
    with container.session_factory() as session:
        return list(
            session.execute(
                text("SELECT entry::jsonb FROM audit_log WHERE action = :action ORDER BY occurred_at"),
                {"action": action},
            ).scalars()
        )
