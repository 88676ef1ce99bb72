"""Audit archives: each archived run of the chain (file, digest, manifest, detached
partitions), append-only.

Revision ID: 0005_audit_archives
Revises: 0004_audit_exports
Create Date: 2026-11-23
"""

from __future__ import annotations

from alembic import op

revision = "0005_audit_archives"
down_revision = "0004_audit_exports"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        """
        CREATE TABLE audit_archive (
            first_seq bigint NOT NULL,
            last_seq bigint NOT NULL,
            before_month date NOT NULL,
            file_name text NOT NULL,
            data_sha256 text NOT NULL,
            manifest jsonb NOT NULL,
            detached_partitions text[] NOT NULL DEFAULT '{}',
            archived_at timestamptz NOT NULL DEFAULT now(),
            CONSTRAINT pk_audit_archive PRIMARY KEY (first_seq),
            CONSTRAINT ck_audit_archive_range CHECK (last_seq >= first_seq)
        );
        COMMENT ON TABLE audit_archive IS 'Archived runs of the audit chain (append-only).';
        CREATE TRIGGER audit_archive_no_update_delete
            BEFORE UPDATE OR DELETE ON audit_archive
            FOR EACH ROW EXECUTE FUNCTION audit_log_refuse_change();
        """
    )


def downgrade() -> None:
    op.execute("DROP TABLE audit_archive")
