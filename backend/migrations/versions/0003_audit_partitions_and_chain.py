"""Audit trail: audit_log partitioned by month (immutable, including each partition), the
append-only hash chain written by the sequencer, and signed checkpoints.

Revision ID: 0003_audit_chain
Revises: 0002_identity_rbac
Create Date: 2026-11-23
"""

from __future__ import annotations

from alembic import op

revision = "0003_audit_chain"
down_revision = "0002_identity_rbac"
branch_labels = None
depends_on = None

MONTHS_AHEAD = 3


def upgrade() -> None:
    op.execute("ALTER TABLE audit_log RENAME TO audit_log_unpartitioned")
    op.execute(
        "ALTER TABLE audit_log_unpartitioned RENAME CONSTRAINT pk_audit_log TO pk_audit_log_unpartitioned"
    )
    for index in ("ix_audit_log_occurred_at", "ix_audit_log_resource", "ix_audit_log_actor_id"):
        op.execute(f"ALTER INDEX {index} RENAME TO {index}_old")
    op.execute(
        """
        CREATE TABLE audit_log (
            id uuid NOT NULL DEFAULT gen_random_uuid(),
            occurred_at timestamptz NOT NULL DEFAULT now(),
            action text NOT NULL,
            actor_id text NOT NULL,
            actor_roles text[] NOT NULL DEFAULT '{}',
            resource_type text NOT NULL,
            resource_id text,
            changes jsonb NOT NULL DEFAULT '{}'::jsonb,
            reason text,
            ip text,
            user_agent text,
            request_id text,
            CONSTRAINT pk_audit_log PRIMARY KEY (id, occurred_at)
        ) PARTITION BY RANGE (occurred_at);
        COMMENT ON TABLE audit_log IS
            'Append-only audit trail, one partition per month; UPDATE, DELETE and TRUNCATE are refused.';
        CREATE INDEX ix_audit_log_occurred_at ON audit_log (occurred_at);
        CREATE INDEX ix_audit_log_resource ON audit_log (resource_type, resource_id);
        CREATE INDEX ix_audit_log_actor_id ON audit_log (actor_id);
        CREATE INDEX ix_audit_log_request_id ON audit_log (request_id);

        -- Row triggers on a partitioned table are cloned onto every partition; TRUNCATE
        -- triggers are not, so each partition gets its own (see audit_log_create_partition).
        CREATE TRIGGER audit_log_no_update_delete
            BEFORE UPDATE OR DELETE ON audit_log
            FOR EACH ROW EXECUTE FUNCTION audit_log_refuse_change();
        CREATE TRIGGER audit_log_no_truncate
            BEFORE TRUNCATE ON audit_log
            FOR EACH STATEMENT EXECUTE FUNCTION audit_log_refuse_change();

        CREATE FUNCTION audit_log_create_partition(month date) RETURNS text
        LANGUAGE plpgsql AS $$
        DECLARE
            first_day date := date_trunc('month', month)::date;
            name text := 'audit_log_' || to_char(first_day, 'YYYY_MM');
        BEGIN
            IF to_regclass(name) IS NULL THEN
                EXECUTE format(
                    'CREATE TABLE %I PARTITION OF audit_log FOR VALUES FROM (%L) TO (%L)',
                    name, first_day, (first_day + interval '1 month')::date);
                EXECUTE format(
                    'CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON %I '
                    'FOR EACH STATEMENT EXECUTE FUNCTION audit_log_refuse_change()', name);
            END IF;
            RETURN name;
        END;
        $$;
        """
    )
    # Partitions for every month that has rows, and for this month and the next few.
    op.execute(
        f"""
        SELECT audit_log_create_partition(m::date)
        FROM (
            SELECT DISTINCT date_trunc('month', occurred_at) AS m FROM audit_log_unpartitioned
            UNION
            SELECT date_trunc('month', now()) + make_interval(months => g)
            FROM generate_series(0, {MONTHS_AHEAD}) AS g
        ) months
        """  # noqa: S608 - a constant, no input
    )
    op.execute("INSERT INTO audit_log SELECT * FROM audit_log_unpartitioned")
    # The old table's own triggers refuse DROP of rows, not of the table.
    op.execute("DROP TABLE audit_log_unpartitioned")

    op.execute(
        """
        CREATE TABLE audit_chain (
            seq bigint NOT NULL,
            entry_id uuid NOT NULL,
            entry_occurred_at timestamptz NOT NULL,
            hash text NOT NULL,
            sequenced_at timestamptz NOT NULL DEFAULT now(),
            CONSTRAINT pk_audit_chain PRIMARY KEY (seq),
            CONSTRAINT uq_audit_chain_entry_id UNIQUE (entry_id),
            CONSTRAINT ck_audit_chain_seq CHECK (seq > 0),
            CONSTRAINT ck_audit_chain_hash CHECK (hash ~ '^[0-9a-f]{64}$')
        );
        COMMENT ON TABLE audit_chain IS
            'The sequencer''s record: gap-free sequence and SHA-256 chain over audit_log entries.';
        CREATE INDEX ix_audit_chain_entry_occurred_at ON audit_chain (entry_occurred_at);
        CREATE TRIGGER audit_chain_no_update_delete
            BEFORE UPDATE OR DELETE ON audit_chain
            FOR EACH ROW EXECUTE FUNCTION audit_log_refuse_change();
        CREATE TRIGGER audit_chain_no_truncate
            BEFORE TRUNCATE ON audit_chain
            FOR EACH STATEMENT EXECUTE FUNCTION audit_log_refuse_change();

        CREATE TABLE audit_checkpoint (
            size bigint NOT NULL,
            head_hash text NOT NULL,
            signed_at timestamptz NOT NULL,
            key_id text NOT NULL,
            signature text NOT NULL,
            CONSTRAINT pk_audit_checkpoint PRIMARY KEY (size),
            CONSTRAINT ck_audit_checkpoint_size CHECK (size > 0)
        );
        COMMENT ON TABLE audit_checkpoint IS
            'Ed25519-signed {size, head_hash, timestamp} statements over the audit chain.';
        CREATE TRIGGER audit_checkpoint_no_update_delete
            BEFORE UPDATE OR DELETE ON audit_checkpoint
            FOR EACH ROW EXECUTE FUNCTION audit_log_refuse_change();
        CREATE TRIGGER audit_checkpoint_no_truncate
            BEFORE TRUNCATE ON audit_checkpoint
            FOR EACH STATEMENT EXECUTE FUNCTION audit_log_refuse_change();
        """
    )
    # Least privilege where the deployment has separate roles (docs/SECURITY.md): the
    # application role may only read and append. Skipped when the role does not exist.
    op.execute(
        """
        DO $$
        BEGIN
            IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'elcorp_app') THEN
                REVOKE UPDATE, DELETE, TRUNCATE ON audit_log, audit_chain, audit_checkpoint FROM elcorp_app;
                GRANT SELECT, INSERT ON audit_log, audit_chain, audit_checkpoint TO elcorp_app;
            END IF;
        END;
        $$;
        """
    )


def downgrade() -> None:
    op.execute("DROP TABLE audit_checkpoint")
    op.execute("DROP TABLE audit_chain")
    op.execute(
        """
        CREATE TABLE audit_log_flat (LIKE audit_log INCLUDING DEFAULTS);
        INSERT INTO audit_log_flat SELECT * FROM audit_log;
        DROP TABLE audit_log;
        DROP FUNCTION audit_log_create_partition(date);
        ALTER TABLE audit_log_flat RENAME TO audit_log;
        ALTER TABLE audit_log ADD CONSTRAINT pk_audit_log PRIMARY KEY (id);
        CREATE INDEX ix_audit_log_occurred_at ON audit_log (occurred_at);
        CREATE INDEX ix_audit_log_resource ON audit_log (resource_type, resource_id);
        CREATE INDEX ix_audit_log_actor_id ON audit_log (actor_id);
        CREATE TRIGGER audit_log_no_update_delete
            BEFORE UPDATE OR DELETE ON audit_log
            FOR EACH ROW EXECUTE FUNCTION audit_log_refuse_change();
        CREATE TRIGGER audit_log_no_truncate
            BEFORE TRUNCATE ON audit_log
            FOR EACH STATEMENT EXECUTE FUNCTION audit_log_refuse_change();
        """
    )
