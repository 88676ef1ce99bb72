"""Turning stored audit rows into the exact JSON objects that are hashed and exported."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Select, select

from elcorp.compliance.infrastructure.tables import audit_chain
from elcorp.shared.infrastructure.tables import audit_log


def timestamp(moment: datetime) -> str:
    """UTC, microseconds, `Z`: the one spelling of a time inside a hashed entry."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def entry_from_row(row: Any) -> dict[str, Any]:
    return {
        "id": str(row.id),
        "occurred_at": timestamp(row.occurred_at),
        "action": row.action,
        "actor_id": row.actor_id,
        "actor_roles": list(row.actor_roles or []),
        "resource_type": row.resource_type,
        "resource_id": row.resource_id,
        "changes": row.changes,
        "reason": row.reason,
        "ip": row.ip,
        "user_agent": row.user_agent,
        "request_id": row.request_id,
    }


def chained_entries(first_seq: int = 1, last_seq: int | None = None) -> Select[Any]:
    """Chain rows joined to their entries, in sequence order (partition-pruned join)."""
    query = (
        select(audit_chain.c.seq, audit_chain.c.hash, audit_log)
        .join(
            audit_log,
            (audit_log.c.id == audit_chain.c.entry_id)
            & (audit_log.c.occurred_at == audit_chain.c.entry_occurred_at),
        )
        .where(audit_chain.c.seq >= first_seq)
        .order_by(audit_chain.c.seq)
    )
    if last_seq is not None:
        query = query.where(audit_chain.c.seq <= last_seq)
    return query
