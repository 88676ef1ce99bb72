"""Audit tables added after 0003 get the same guards: TRUNCATE refused on audit_export and
audit_archive, and least-privilege grants for an `elcorp_app` role where one exists.

Revision ID: 0007_audit_guards
Revises: 0006_audit_watermark
Create Date: 2026-11-23
"""

from __future__ import annotations

from alembic import op

revision = "0007_audit_guards"
down_revision = "0006_audit_watermark"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        """
        CREATE TRIGGER audit_export_no_truncate BEFORE TRUNCATE ON audit_export
            FOR EACH STATEMENT EXECUTE FUNCTION audit_log_refuse_change();
        CREATE TRIGGER audit_archive_no_truncate BEFORE TRUNCATE ON audit_archive
            FOR EACH STATEMENT EXECUTE FUNCTION audit_log_refuse_change();
        DO $$
        BEGIN
            IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'elcorp_app') THEN
                REVOKE UPDATE, DELETE, TRUNCATE ON audit_export, audit_archive FROM elcorp_app;
                GRANT SELECT, INSERT ON audit_export, audit_archive TO elcorp_app;
                GRANT SELECT, UPDATE ON audit_sequencer_state TO elcorp_app;
            END IF;
        END;
        $$;
        """
    )


def downgrade() -> None:
    op.execute("DROP TRIGGER IF EXISTS audit_archive_no_truncate ON audit_archive")
    op.execute("DROP TRIGGER IF EXISTS audit_export_no_truncate ON audit_export")
