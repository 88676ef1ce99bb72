"""Privacy (POPIA): retention policies, legal holds, erasure outcomes and purge evidence.

- `retention_policy`: one row per data category the purge disposes of (period, trigger,
  disposal method, retention basis and its legal basis in words), seeded here, editable by
  staff (never below the legal minimum for FIA categories, checked by the service).
- `legal_hold`: subject-level (subject_id) or record-level (record_table + record_id)
  holds; an active hold (released_at IS NULL) blocks erasure and disposal.
- `privacy_erasure`: one row per erased subject, with the outcome (categories only, never
  personal values).
- `privacy_restricted_copy`: what the Financial Intelligence Act 2012 obliges us to keep of
  an erased customer (identification), encrypted, readable by no API; deleting the row is
  the final disposal (crypto-shred).
- `disposal_schedule`: the final disposal due per subject and category.
- `purge_run`: the evidence of each purge (dry run or real): per policy, what and how many.
- `user_account.status` gains `erased` (closed, restricted, pseudonymised).
- `invoice_frozen()` lets an erasure, and only an erasure (transaction-local setting
  `elcorp.erasure = on`), replace the payer/issuer name and address snapshots of an issued
  invoice by pseudonyms; every amount, number and date stays frozen.

Revision ID: 0023_privacy_retention
Revises: 0022_privacy_requests
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0023_privacy_retention"
down_revision = "0022_privacy_requests"
branch_labels = None
depends_on = None

FIA_DAYS = 5 * 365 + 1  # Financial Intelligence Act 2012: at least 5 years (one leap day)

POLICIES = (
    # category, description, period_days, trigger, disposal, basis, legal_basis
    (
        "customer.identification",
        "Identification of an erased customer (restricted copy)",
        FIA_DAYS,
        "relationship_end",
        "crypto_shred",
        "fia_customer",
        "Financial Intelligence Act 2012, s26: customer identification kept 5 years after the "
        "business relationship ends",
    ),
    (
        "transaction.records",
        "Personal details attached to an erased customer's transaction records",
        FIA_DAYS,
        "transaction_date",
        "crypto_shred",
        "fia_transaction",
        "Financial Intelligence Act 2012, s26: transaction records kept 5 years after the transaction",
    ),
    (
        "security.sessions",
        "Device sessions (refresh-token families) after they expired or were revoked",
        30,
        "expiry",
        "delete",
        "security",
        "POPIA s11(1)(d)/(f) and s14: security records kept only as long as needed",
    ),
    (
        "security.one_time_tokens",
        "Email-verification and password-reset tokens after use or expiry",
        7,
        "expiry",
        "delete",
        "security",
        "POPIA s14: no longer needed once spent or expired",
    ),
    (
        "payments.idempotency_keys",
        "Idempotency keys and their stored responses after their replay window",
        0,
        "expiry",
        "delete",
        "security",
        "POPIA s14: kept only for the replay window (PAYMENT_IDEMPOTENCY_TTL_HOURS)",
    ),
    (
        "operations.mail_spool",
        "Messages written by the file email backend (VAR_DIR/mail)",
        30,
        "created",
        "delete",
        "account",
        "POPIA s14: copies of sent messages are not records the platform needs",
    ),
    (
        "operations.exports",
        "Export files left in the exports directory (audit exports and reports)",
        30,
        "created",
        "delete",
        "audit",
        "POPIA s14: an export is a copy; the audit trail itself is the record",
    ),
)

INVOICE_FROZEN_ORIGINAL = """
CREATE OR REPLACE FUNCTION invoice_frozen() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'INV_002' USING DETAIL = 'invoices are never deleted; void a draft instead';
    END IF;
    IF OLD.status <> 'draft' AND (
        NEW.number IS DISTINCT FROM OLD.number OR NEW.issuer_id <> OLD.issuer_id
        OR NEW.payer_id <> OLD.payer_id OR NEW.currency <> OLD.currency OR NEW.vat_rate <> OLD.vat_rate
        OR NEW.subtotal <> OLD.subtotal OR NEW.vat <> OLD.vat OR NEW.total <> OLD.total
        OR NEW.issued_at IS DISTINCT FROM OLD.issued_at OR NEW.due_date IS DISTINCT FROM OLD.due_date
        OR NEW.payer_name <> OLD.payer_name OR NEW.payer_address IS DISTINCT FROM OLD.payer_address
        OR NEW.payer_vat_number IS DISTINCT FROM OLD.payer_vat_number
        OR NEW.issuer_name IS DISTINCT FROM OLD.issuer_name
        OR NEW.issuer_address IS DISTINCT FROM OLD.issuer_address
        OR NEW.issuer_vat_number IS DISTINCT FROM OLD.issuer_vat_number
    ) THEN
        RAISE EXCEPTION 'INV_002' USING DETAIL = 'an issued invoice is never edited; issue a credit note';
    END IF;
    IF OLD.status IN ('paid', 'void') AND NEW.status <> OLD.status THEN
        RAISE EXCEPTION 'INV_002' USING DETAIL = format('a %s invoice stays %s', OLD.status, OLD.status);
    END IF;
    RETURN NEW;
END;
$$;
"""

# An erasure (SET LOCAL elcorp.erasure = 'on', in the erasure's own transaction) may
# replace the name/address snapshots by pseudonyms; nothing else about an issued invoice.
INVOICE_FROZEN_WITH_ERASURE = """
CREATE OR REPLACE FUNCTION invoice_frozen() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    erasing boolean := coalesce(current_setting('elcorp.erasure', true), '') = 'on';
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'INV_002' USING DETAIL = 'invoices are never deleted; void a draft instead';
    END IF;
    IF OLD.status <> 'draft' AND (
        NEW.number IS DISTINCT FROM OLD.number OR NEW.issuer_id <> OLD.issuer_id
        OR NEW.payer_id <> OLD.payer_id OR NEW.currency <> OLD.currency OR NEW.vat_rate <> OLD.vat_rate
        OR NEW.subtotal <> OLD.subtotal OR NEW.vat <> OLD.vat OR NEW.total <> OLD.total
        OR NEW.issued_at IS DISTINCT FROM OLD.issued_at OR NEW.due_date IS DISTINCT FROM OLD.due_date
        OR (NOT erasing AND (
            NEW.payer_name <> OLD.payer_name OR NEW.payer_address IS DISTINCT FROM OLD.payer_address
            OR NEW.payer_vat_number IS DISTINCT FROM OLD.payer_vat_number
            OR NEW.issuer_name IS DISTINCT FROM OLD.issuer_name
            OR NEW.issuer_address IS DISTINCT FROM OLD.issuer_address
            OR NEW.issuer_vat_number IS DISTINCT FROM OLD.issuer_vat_number
        ))
    ) THEN
        RAISE EXCEPTION 'INV_002' USING DETAIL = 'an issued invoice is never edited; issue a credit note';
    END IF;
    IF OLD.status IN ('paid', 'void') AND NEW.status <> OLD.status THEN
        RAISE EXCEPTION 'INV_002' USING DETAIL = format('a %s invoice stays %s', OLD.status, OLD.status);
    END IF;
    RETURN NEW;
END;
$$;
"""


def upgrade() -> None:
    op.create_table(
        "retention_policy",
        sa.Column("category", sa.Text, primary_key=True),
        sa.Column("description", sa.Text, nullable=False),
        sa.Column("period_days", sa.Integer, nullable=False),
        sa.Column("trigger", sa.Text, nullable=False),
        sa.Column("disposal", sa.Text, nullable=False),
        sa.Column("basis", sa.Text, nullable=False),
        sa.Column("legal_basis", sa.Text, nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.Column("updated_by", sa.Uuid),
        sa.CheckConstraint("period_days >= 0", name="period_days"),
        sa.CheckConstraint(
            "trigger IN ('created', 'relationship_end', 'transaction_date', 'expiry')", name="trigger"
        ),
        sa.CheckConstraint("disposal IN ('delete', 'anonymise', 'crypto_shred')", name="disposal"),
        comment="Retention policies per data category: period, trigger, disposal (compliance).",
    )
    op.bulk_insert(
        sa.table(
            "retention_policy",
            sa.column("category", sa.Text),
            sa.column("description", sa.Text),
            sa.column("period_days", sa.Integer),
            sa.column("trigger", sa.Text),
            sa.column("disposal", sa.Text),
            sa.column("basis", sa.Text),
            sa.column("legal_basis", sa.Text),
        ),
        [
            dict(
                zip(
                    ("category", "description", "period_days", "trigger", "disposal", "basis", "legal_basis"),
                    p,
                    strict=True,
                )
            )
            for p in POLICIES
        ],
    )
    op.create_table(
        "legal_hold",
        sa.Column("id", sa.Uuid, primary_key=True),
        sa.Column("subject_id", sa.Uuid),
        sa.Column("record_table", sa.Text),
        sa.Column("record_id", sa.Text),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("placed_by", sa.Uuid, nullable=False),
        sa.Column("placed_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.Column("released_at", sa.DateTime(timezone=True)),
        sa.Column("released_by", sa.Uuid),
        sa.Column("release_reason", sa.Text),
        sa.CheckConstraint(
            "(subject_id IS NOT NULL AND record_table IS NULL AND record_id IS NULL) OR "
            "(subject_id IS NULL AND record_table IS NOT NULL AND record_id IS NOT NULL)",
            name="target",
        ),
        sa.CheckConstraint("length(reason) BETWEEN 1 AND 1000", name="reason"),
        comment="Legal holds: an active hold blocks erasure and disposal of its subject or record.",
    )
    op.create_index(
        "ix_legal_hold_active_subject",
        "legal_hold",
        ["subject_id"],
        postgresql_where=sa.text("released_at IS NULL AND subject_id IS NOT NULL"),
    )
    op.create_index(
        "ix_legal_hold_active_record",
        "legal_hold",
        ["record_table", "record_id"],
        postgresql_where=sa.text("released_at IS NULL AND record_table IS NOT NULL"),
    )
    op.create_table(
        "privacy_erasure",
        sa.Column("id", sa.Uuid, primary_key=True),
        sa.Column("subject_id", sa.Uuid, nullable=False, unique=True),
        sa.Column("request_id", sa.Uuid),
        sa.Column("actor_id", sa.Uuid, nullable=False),
        sa.Column("erased_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("outcome", postgresql.JSONB, nullable=False),
        comment="Erasures done (what was erased, what is kept and why; never personal values).",
    )
    op.create_table(
        "privacy_restricted_copy",
        sa.Column("id", sa.Uuid, primary_key=True),
        sa.Column("subject_id", sa.Uuid, nullable=False),
        sa.Column("basis", sa.Text, nullable=False),
        sa.Column("payload_encrypted", sa.Text, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.UniqueConstraint("subject_id", "basis", name="uq_privacy_restricted_copy_subject_id_basis"),
        comment="FIA 2012: an erased customer's identification, encrypted and restricted; "
        "deleting the row is its final disposal.",
    )
    op.create_table(
        "disposal_schedule",
        sa.Column("id", sa.Uuid, primary_key=True),
        sa.Column("subject_id", sa.Uuid, nullable=False),
        sa.Column("category", sa.Text, nullable=False),
        sa.Column("basis", sa.Text, nullable=False),
        sa.Column("due_on", sa.Date, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.Column("disposed_at", sa.DateTime(timezone=True)),
        sa.Column("purge_run_id", sa.Uuid),
        sa.UniqueConstraint("subject_id", "category", name="uq_disposal_schedule_subject_id_category"),
        comment="Final disposal due per erased subject and data category.",
    )
    op.create_index(
        "ix_disposal_schedule_due",
        "disposal_schedule",
        ["due_on"],
        postgresql_where=sa.text("disposed_at IS NULL"),
    )
    op.create_table(
        "purge_run",
        sa.Column("id", sa.Uuid, primary_key=True),
        sa.Column("dry_run", sa.Boolean, nullable=False),
        sa.Column("triggered_by", sa.Text, nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("items", postgresql.JSONB, nullable=False),
        sa.Column("total", sa.Integer, nullable=False),
        comment="Evidence of each purge: per policy, what was (or would be) disposed of and how many.",
    )
    op.create_index("ix_purge_run_started_at", "purge_run", ["started_at"])
    op.execute(
        "ALTER TABLE user_account DROP CONSTRAINT ck_user_account_status, ADD CONSTRAINT "
        "ck_user_account_status CHECK (status IN ('active', 'locked', 'deleted', 'erased'))"
    )
    op.execute(INVOICE_FROZEN_WITH_ERASURE)


def downgrade() -> None:
    op.execute(INVOICE_FROZEN_ORIGINAL)
    # Erased accounts stay closed: they become soft-deleted ones.
    op.execute("UPDATE user_account SET status = 'deleted' WHERE status = 'erased'")
    op.execute(
        "ALTER TABLE user_account DROP CONSTRAINT ck_user_account_status, ADD CONSTRAINT "
        "ck_user_account_status CHECK (status IN ('active', 'locked', 'deleted'))"
    )
    op.drop_index("ix_purge_run_started_at", table_name="purge_run")
    op.drop_table("purge_run")
    op.drop_index("ix_disposal_schedule_due", table_name="disposal_schedule")
    op.drop_table("disposal_schedule")
    op.drop_table("privacy_restricted_copy")
    op.drop_table("privacy_erasure")
    op.drop_index("ix_legal_hold_active_record", table_name="legal_hold")
    op.drop_index("ix_legal_hold_active_subject", table_name="legal_hold")
    op.drop_table("legal_hold")
    op.drop_table("retention_policy")
