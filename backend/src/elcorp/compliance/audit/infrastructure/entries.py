"""Reading stored audit entries: their canonical JSON, and their join to the chain."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import ColumnElement

from elcorp.compliance.audit.infrastructure.tables import audit_chain
from elcorp.shared.domain.audit_entry import entry_timestamp as timestamp
from elcorp.shared.infrastructure.tables import audit_log

__all__ = ["entry_from_row", "joins_log", "timestamp"]


def joins_log() -> ColumnElement[bool]:
    """The join of chain links to their audit_log rows, on the whole primary key so that
    PostgreSQL prunes partitions."""
    return (audit_log.c.id == audit_chain.c.entry_id) & (
        audit_log.c.occurred_at == audit_chain.c.entry_occurred_at
    )


def entry_from_row(row: Any) -> dict[str, Any]:
    """The entry as a JSON object (from its stored canonical form)."""
    entry: dict[str, Any] = json.loads(row.entry)
    return entry
