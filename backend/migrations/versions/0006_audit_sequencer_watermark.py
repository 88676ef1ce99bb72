"""Audit sequencer watermark: each entry records its inserting transaction (xid8), and the
sequencer keeps the transaction-id low-water mark below which every entry is chained.

Every transaction older than the snapshot's xmin has finished (committed or rolled back),
so after chaining everything visible from the mark onwards the mark can move to that
xmin: exactly once, no time window, and each run scans only recent transactions' entries.

Revision ID: 0006_audit_watermark
Revises: 0005_audit_archives
Create Date: 2026-11-23
"""

from __future__ import annotations

from alembic import op

revision = "0006_audit_watermark"
down_revision = "0005_audit_archives"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        """
        ALTER TABLE audit_log ADD COLUMN txid xid8 NOT NULL DEFAULT pg_current_xact_id();
        CREATE INDEX ix_audit_log_txid ON audit_log (txid);
        CREATE TABLE audit_sequencer_state (
            id smallint NOT NULL,
            low_xid xid8 NOT NULL,
            CONSTRAINT pk_audit_sequencer_state PRIMARY KEY (id),
            CONSTRAINT ck_audit_sequencer_state_single CHECK (id = 1)
        );
        INSERT INTO audit_sequencer_state (id, low_xid) VALUES (1, '0'::xid8);
        """
    )


def downgrade() -> None:
    op.execute(
        """
        DROP TABLE audit_sequencer_state;
        DROP INDEX ix_audit_log_txid;
        ALTER TABLE audit_log DROP COLUMN txid;
        """
    )
