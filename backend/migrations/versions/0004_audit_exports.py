"""Audit exports: the manifest of every export made through the API, kept append-only.

Revision ID: 0004_audit_exports
Revises: 0003_audit_chain
Create Date: 2026-11-23
"""

from __future__ import annotations

from alembic import op

revision = "0004_audit_exports"
down_revision = "0003_audit_chain"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        """
        CREATE TABLE audit_export (
            id uuid NOT NULL,
            requested_by text NOT NULL,
            format text NOT NULL,
            manifest jsonb NOT NULL,
            completed_at timestamptz NOT NULL DEFAULT now(),
            CONSTRAINT pk_audit_export PRIMARY KEY (id),
            CONSTRAINT ck_audit_export_format CHECK (format IN ('jsonl', 'csv'))
        );
        COMMENT ON TABLE audit_export IS 'Manifests of completed audit exports (append-only).';
        CREATE TRIGGER audit_export_no_update_delete
            BEFORE UPDATE OR DELETE ON audit_export
            FOR EACH ROW EXECUTE FUNCTION audit_log_refuse_change();
        """
    )


def downgrade() -> None:
    op.execute("DROP TABLE audit_export")
