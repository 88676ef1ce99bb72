"""PostgreSQL adapter of the audit port: one INSERT in the caller's transaction.

The entry is serialised once, here, to the canonical JSON that the audit chain hashes
(`entry`); the searchable columns are copied from the same values.
"""

from __future__ import annotations

import math
import uuid
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from elcorp.shared.application import context
from elcorp.shared.application.audit import Actor, Changes, Resource
from elcorp.shared.domain.audit_entry import canonical, entry_timestamp
from elcorp.shared.domain.clock import utc_now

MAX_USER_AGENT = 512
# Sent straight to the driver: an audited write is on every business transaction's path,
# and SQLAlchemy's statement machinery cost more CPU than the INSERT itself (benchmark:
# backend/benchmarks/audit.py). The columns are those of `tables.audit_log`.
ENTRY_COLUMNS = (
    "id",
    "occurred_at",
    "action",
    "actor_id",
    "resource_type",
    "resource_id",
    "request_id",
    "entry",
)
INSERT_ENTRY = (
    "INSERT INTO audit_log (id, occurred_at, action, actor_id, resource_type, resource_id, "
    "request_id, entry) VALUES (%s, %s, %s, %s, %s, %s, %s, %s)"
)


def audit_row(
    action: str,
    actor: Actor,
    resource: Resource,
    changes: Changes | None = None,
    reason: str | None = None,
) -> dict[str, Any]:
    """The row an audited action appends (ENTRY_COLUMNS; `entry` the canonical JSON), for
    this adapter or for a store that writes it in the same statement as the change."""
    ctx = context.current()
    diff = changes or Changes()
    entry_id, occurred_at = uuid.uuid4(), utc_now()
    entry = {
        "id": str(entry_id),
        "occurred_at": entry_timestamp(occurred_at),
        "action": action,
        "actor_id": actor.id,
        "actor_roles": list(actor.roles),
        "resource_type": resource.type,
        "resource_id": resource.id,
        "changes": json_safe({"before": diff.before, "after": diff.after}),
        "reason": reason,
        "ip": ctx.ip,
        "user_agent": (ctx.user_agent or "")[:MAX_USER_AGENT] or None,
        "request_id": ctx.request_id,
    }
    return {
        "id": str(entry_id),
        "occurred_at": occurred_at,
        "action": action,
        "actor_id": actor.id,
        "resource_type": resource.type,
        "resource_id": resource.id,
        "request_id": ctx.request_id,
        "entry": canonical(entry).decode("utf-8"),
    }


class SqlAuditLog:
    """Appends to `audit_log` through the unit of work's session; never commits itself."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def record(
        self,
        action: str,
        actor: Actor,
        resource: Resource,
        changes: Changes | None = None,
        reason: str | None = None,
    ) -> None:
        row = audit_row(action, actor, resource, changes, reason)
        cursor = self._session.connection().connection.cursor()  # the unit of work's transaction
        try:
            cursor.execute(INSERT_ENTRY, tuple(row[column] for column in ENTRY_COLUMNS))
        finally:
            cursor.close()


MAX_SAFE_INTEGER = 2**53 - 1


def json_safe(value: Any) -> Any:
    """What audit entries may hold: JSON that every verifier reads the same way (RFC 8785 /
    I-JSON). Integers beyond 2^53, non-finite floats, Decimals, UUIDs and times become
    strings, so one odd value can never stop the sequencer."""
    if value is None or isinstance(value, bool | str):
        return value
    if isinstance(value, int):
        return value if -MAX_SAFE_INTEGER <= value <= MAX_SAFE_INTEGER else str(value)
    if isinstance(value, float):
        return value if math.isfinite(value) else str(value)
    if isinstance(value, dict):
        return {str(k): json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [json_safe(v) for v in value]
    if isinstance(value, datetime):
        return value.isoformat()
    return str(value)  # Decimal, UUID, enums ...
