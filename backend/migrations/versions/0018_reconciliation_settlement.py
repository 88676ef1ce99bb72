"""Payments II: reconciliation runs and settlement batches.

`reconciliation_run` is one bank statement matched against the ledger: its period, the
file's SHA-256, who ran it and the counts; `reconciliation_item` holds every outcome
(matched, unmatched in the bank, unmatched in the ledger). Both are evidence for an
auditor: rows are written once, never changed or deleted.

`settlement_batch` is one business day (Africa/Windhoek) and currency, `open` while its
closing transaction gathers the day's deposits and withdrawals, then `closed` with its
counts and totals, frozen from then on. `settlement_item` links a transaction to its
batch: the transaction id is unique there, so a transaction is settled in at most one
batch; an item carries the batch's currency (composite foreign key) and can only join a
batch that is still open.

A partial index on the ledger's deposits and withdrawals by completion time serves both
(the day's movements, a statement's period).

Revision ID: 0018_reconciliation_settlement
Revises: 0017_invoices
Create Date: 2026-12-02
"""

from __future__ import annotations

from alembic import op

revision = "0018_reconciliation_settlement"
down_revision = "0017_invoices"
branch_labels = None
depends_on = None

SCHEMA = r"""
CREATE INDEX ix_payment_transaction_external_completed ON payment_transaction (completed_at)
    WHERE type IN ('deposit', 'withdrawal') AND completed_at IS NOT NULL;

CREATE TABLE reconciliation_run (
    id uuid PRIMARY KEY,
    status text NOT NULL,
    statement_from date NOT NULL,
    statement_to date NOT NULL,
    file_name text,
    file_sha256 char(64) NOT NULL,
    statement_lines integer NOT NULL,
    matched_count integer NOT NULL,
    unmatched_in_bank_count integer NOT NULL,
    unmatched_in_ledger_count integer NOT NULL,
    created_by uuid NOT NULL REFERENCES user_account (id),
    created_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT ck_reconciliation_run_status CHECK (status IN ('completed')),
    CONSTRAINT ck_reconciliation_run_period CHECK (statement_from <= statement_to),
    CONSTRAINT ck_reconciliation_run_sha256 CHECK (file_sha256 ~ '^[0-9a-f]{64}$'),
    CONSTRAINT ck_reconciliation_run_counts CHECK (
        matched_count >= 0 AND unmatched_in_bank_count >= 0 AND unmatched_in_ledger_count >= 0
        AND statement_lines = matched_count + unmatched_in_bank_count)
);
COMMENT ON TABLE reconciliation_run IS
    'Payments: one bank statement reconciled against the ledger (append-only).';
CREATE INDEX ix_reconciliation_run_created_at ON reconciliation_run (created_at DESC, id DESC);

CREATE TABLE reconciliation_item (
    id bigserial PRIMARY KEY,
    run_id uuid NOT NULL REFERENCES reconciliation_run (id),
    outcome text NOT NULL,
    statement_line integer,
    statement_date date,
    reference text,
    amount numeric(20, 8) NOT NULL,
    currency char(3) NOT NULL,
    transaction_id uuid REFERENCES payment_transaction (id),
    transaction_type text,
    ledger_date date,
    CONSTRAINT ck_reconciliation_item_outcome CHECK (
        outcome IN ('matched', 'unmatched_in_bank', 'unmatched_in_ledger')),
    CONSTRAINT ck_reconciliation_item_sides CHECK (
        (outcome = 'matched' AND statement_line IS NOT NULL AND transaction_id IS NOT NULL)
        OR (outcome = 'unmatched_in_bank' AND statement_line IS NOT NULL AND transaction_id IS NULL)
        OR (outcome = 'unmatched_in_ledger' AND statement_line IS NULL AND transaction_id IS NOT NULL)),
    CONSTRAINT ck_reconciliation_item_statement CHECK (
        (statement_line IS NULL) = (statement_date IS NULL)),
    CONSTRAINT ck_reconciliation_item_ledger CHECK (
        (transaction_id IS NULL) = (ledger_date IS NULL)
        AND (transaction_id IS NULL) = (transaction_type IS NULL)),
    CONSTRAINT ck_reconciliation_item_amount CHECK (amount <> 0)
);
CREATE INDEX ix_reconciliation_item_run_id ON reconciliation_item (run_id, id);

CREATE TABLE settlement_batch (
    id uuid PRIMARY KEY,
    business_date date NOT NULL,
    currency char(3) NOT NULL,
    status text NOT NULL DEFAULT 'open',
    deposits_count integer NOT NULL DEFAULT 0,
    deposits_total numeric(20, 8) NOT NULL DEFAULT 0,
    withdrawals_count integer NOT NULL DEFAULT 0,
    withdrawals_total numeric(20, 8) NOT NULL DEFAULT 0,
    net numeric(20, 8) NOT NULL DEFAULT 0,
    created_at timestamptz NOT NULL DEFAULT now(),
    closed_at timestamptz,
    closed_by uuid REFERENCES user_account (id),
    CONSTRAINT uq_settlement_batch_business_date UNIQUE (business_date, currency),
    CONSTRAINT uq_settlement_batch_id_currency UNIQUE (id, currency),
    CONSTRAINT ck_settlement_batch_status CHECK (status IN ('open', 'closed')),
    CONSTRAINT ck_settlement_batch_closed CHECK ((status = 'closed') = (closed_at IS NOT NULL)),
    CONSTRAINT ck_settlement_batch_totals CHECK (
        deposits_count >= 0 AND withdrawals_count >= 0 AND deposits_total >= 0
        AND withdrawals_total >= 0 AND net = deposits_total - withdrawals_total)
);
COMMENT ON TABLE settlement_batch IS
    'Payments: the deposits and withdrawals of one business day (Africa/Windhoek) and currency.';
COMMENT ON COLUMN settlement_batch.closed_by IS 'Who closed it; NULL: the nightly job.';
CREATE INDEX ix_settlement_batch_listing ON settlement_batch (business_date DESC, currency);

CREATE TABLE settlement_item (
    batch_id uuid NOT NULL,
    transaction_id uuid NOT NULL REFERENCES payment_transaction (id),
    type text NOT NULL,
    amount numeric(20, 8) NOT NULL,
    currency char(3) NOT NULL,
    completed_at timestamptz NOT NULL,
    reference text,
    CONSTRAINT pk_settlement_item PRIMARY KEY (batch_id, transaction_id),
    CONSTRAINT uq_settlement_item_transaction_id UNIQUE (transaction_id),
    CONSTRAINT fk_settlement_item_batch_id_settlement_batch FOREIGN KEY (batch_id, currency)
        REFERENCES settlement_batch (id, currency),
    CONSTRAINT ck_settlement_item_type CHECK (type IN ('deposit', 'withdrawal')),
    CONSTRAINT ck_settlement_item_amount CHECK (amount > 0)
);
COMMENT ON TABLE settlement_item IS 'Payments: a transaction settled in a batch (at most one).';

CREATE FUNCTION reconciliation_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% rows are append-only', TG_TABLE_NAME USING ERRCODE = 'raise_exception';
END $$;
CREATE TRIGGER reconciliation_run_immutable BEFORE UPDATE OR DELETE ON reconciliation_run
    FOR EACH ROW EXECUTE FUNCTION reconciliation_refuse_change();
CREATE TRIGGER reconciliation_item_immutable BEFORE UPDATE OR DELETE ON reconciliation_item
    FOR EACH ROW EXECUTE FUNCTION reconciliation_refuse_change();
CREATE TRIGGER settlement_item_immutable BEFORE UPDATE OR DELETE ON settlement_item
    FOR EACH ROW EXECUTE FUNCTION reconciliation_refuse_change();

-- A batch changes only while open (its closing transaction), and only to close it.
CREATE FUNCTION settlement_batch_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' OR OLD.status = 'closed' THEN
        RAISE EXCEPTION 'a closed settlement batch cannot change' USING ERRCODE = 'raise_exception';
    END IF;
    IF NEW.id <> OLD.id OR NEW.business_date <> OLD.business_date OR NEW.currency <> OLD.currency THEN
        RAISE EXCEPTION 'a settlement batch keeps its day and currency' USING ERRCODE = 'raise_exception';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER settlement_batch_guard BEFORE UPDATE OR DELETE ON settlement_batch
    FOR EACH ROW EXECUTE FUNCTION settlement_batch_guard();

CREATE FUNCTION settlement_item_batch_open() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM settlement_batch WHERE id = NEW.batch_id AND status = 'open') THEN
        RAISE EXCEPTION 'settlement batch % is closed', NEW.batch_id USING ERRCODE = 'raise_exception';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER settlement_item_batch_open BEFORE INSERT ON settlement_item
    FOR EACH ROW EXECUTE FUNCTION settlement_item_batch_open();

DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'elcorp_app') THEN
        REVOKE UPDATE, DELETE, TRUNCATE ON reconciliation_run, reconciliation_item, settlement_item
            FROM elcorp_app;
        GRANT SELECT, INSERT ON reconciliation_run, reconciliation_item, settlement_item TO elcorp_app;
        GRANT SELECT, INSERT, UPDATE ON settlement_batch TO elcorp_app;
        GRANT USAGE ON SEQUENCE reconciliation_item_id_seq TO elcorp_app;
    END IF;
END $$;
"""

DOWNGRADE = """
DROP TABLE IF EXISTS settlement_item;
DROP TABLE IF EXISTS settlement_batch;
DROP TABLE IF EXISTS reconciliation_item;
DROP TABLE IF EXISTS reconciliation_run;
DROP FUNCTION IF EXISTS settlement_item_batch_open();
DROP FUNCTION IF EXISTS settlement_batch_guard();
DROP FUNCTION IF EXISTS reconciliation_refuse_change();
DROP INDEX IF EXISTS ix_payment_transaction_external_completed;
"""


def upgrade() -> None:
    op.execute(SCHEMA)


def downgrade() -> None:
    op.execute(DOWNGRADE)
