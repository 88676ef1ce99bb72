"""audit_log stores each entry once, as the canonical JSON that the chain hashes.

Until now every reader (sequencer, verification, export) rebuilt the entry from columns
and serialised it again, per row, in Python. The audit port now writes the entry's RFC 8785
bytes in `entry`; the columns that remain (id, occurred_at, action, actor, resource,
request id) repeat fields of it for search. actor_roles, changes, reason, ip and
user_agent live only in `entry`. Existing rows get exactly the bytes that were hashed
when they were chained, so the chain still verifies.

The primary key becomes (occurred_at, id): it then serves time ranges and the newest-first
listing too, and the separate occurred_at index goes - one index fewer on every audited
write.

The backfill needs UPDATE on the immutable table: the migration (run by the owner) turns
the row guard off for its own transaction and back on before it ends.

Revision ID: 0009_audit_stored_entry
Revises: 0008_audit_seq_index
Create Date: 2026-11-23
"""

from __future__ import annotations

from datetime import UTC

import rfc8785
import sqlalchemy as sa
from alembic import op

revision = "0009_audit_stored_entry"
down_revision = "0008_audit_seq_index"
branch_labels = None
depends_on = None

MOVED = ("actor_roles", "changes", "reason", "ip", "user_agent")
BATCH = 5000


def _entry(row: sa.Row) -> str:
    """The entry as it was hashed (docs/AUDIT_FORMAT.md, format version 1)."""
    return rfc8785.dumps(
        {
            "id": str(row.id),
            "occurred_at": row.occurred_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
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
    ).decode("utf-8")


def upgrade() -> None:
    bind = op.get_bind()
    op.execute("ALTER TABLE audit_log ADD COLUMN entry text")
    op.execute("ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update_delete")
    select = "SELECT * FROM audit_log WHERE entry IS NULL ORDER BY occurred_at, id LIMIT :n"
    while rows := bind.execute(sa.text(select), {"n": BATCH}).all():  # batches: bounded memory
        bind.execute(
            sa.text("UPDATE audit_log SET entry = :entry WHERE id = :id AND occurred_at = :at"),
            [{"entry": _entry(r), "id": r.id, "at": r.occurred_at} for r in rows],
        )
    op.execute("ALTER TABLE audit_log ENABLE TRIGGER audit_log_no_update_delete")
    op.execute(
        """
        ALTER TABLE audit_log ALTER COLUMN entry SET NOT NULL;
        ALTER TABLE audit_log ALTER COLUMN id DROP DEFAULT;
        ALTER TABLE audit_log ALTER COLUMN occurred_at DROP DEFAULT;
        ALTER TABLE audit_log DROP COLUMN actor_roles, DROP COLUMN changes, DROP COLUMN reason,
            DROP COLUMN ip, DROP COLUMN user_agent;
        COMMENT ON COLUMN audit_log.entry IS
            'The whole entry as RFC 8785 canonical JSON: the bytes the audit chain hashes.';
        ALTER TABLE audit_log DROP CONSTRAINT pk_audit_log;
        ALTER TABLE audit_log ADD CONSTRAINT pk_audit_log PRIMARY KEY (occurred_at, id);
        DROP INDEX ix_audit_log_occurred_at;
        """
    )


def downgrade() -> None:
    op.execute(
        """
        CREATE INDEX ix_audit_log_occurred_at ON audit_log (occurred_at);
        ALTER TABLE audit_log DROP CONSTRAINT pk_audit_log;
        ALTER TABLE audit_log ADD CONSTRAINT pk_audit_log PRIMARY KEY (id, occurred_at);
        ALTER TABLE audit_log
            ADD COLUMN actor_roles text[] NOT NULL DEFAULT '{}',
            ADD COLUMN changes jsonb NOT NULL DEFAULT '{}'::jsonb,
            ADD COLUMN reason text,
            ADD COLUMN ip text,
            ADD COLUMN user_agent text;
        ALTER TABLE audit_log ALTER COLUMN id SET DEFAULT gen_random_uuid();
        ALTER TABLE audit_log ALTER COLUMN occurred_at SET DEFAULT now();
        ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update_delete;
        UPDATE audit_log SET
            actor_roles = ARRAY(SELECT jsonb_array_elements_text(entry::jsonb -> 'actor_roles')),
            changes = entry::jsonb -> 'changes',
            reason = entry::jsonb ->> 'reason',
            ip = entry::jsonb ->> 'ip',
            user_agent = entry::jsonb ->> 'user_agent';
        ALTER TABLE audit_log ENABLE TRIGGER audit_log_no_update_delete;
        ALTER TABLE audit_log DROP COLUMN entry;
        """
    )
