"""The sequencer reads unchained entries in (txid, occurred_at, id) order: index exactly
that, so a keyed batch reads its rows in order instead of sorting a whole backlog.

Revision ID: 0008_audit_seq_index
Revises: 0007_audit_guards
Create Date: 2026-11-23
"""

from __future__ import annotations

from alembic import op

revision = "0008_audit_seq_index"
down_revision = "0007_audit_guards"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("CREATE INDEX ix_audit_log_sequencer_order ON audit_log (txid, occurred_at, id)")
    op.execute("DROP INDEX ix_audit_log_txid")


def downgrade() -> None:
    op.execute("CREATE INDEX ix_audit_log_txid ON audit_log (txid)")
    op.execute("DROP INDEX ix_audit_log_sequencer_order")
