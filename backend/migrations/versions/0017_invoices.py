"""Payments II: invoice issuers, tax invoices, credit notes and receipts.

- `invoice_issuer`: who issues invoices: the platform's own business (one row, its
  particulars kept in step with the settings) or a business whose payments go to its
  owner's wallet.
- `invoice` and `invoice_line`: a draft has no number; issuing allocates the next number of
  the issuer's `INV` series for the year (`document_counter`, 0014) and freezes the
  document: the particulars printed on it (supplier, recipient) are copied onto the row,
  and the `invoice_frozen` / `invoice_line_frozen` triggers refuse any later change to what
  an issued invoice says (a correction is a credit note). Only the status moves on: issued
  -> paid or void, and the payment and credit columns that record it.
- `credit_note` (+ lines): numbered in the `CRN` series when created; never more than the
  invoice's total in all (checked under the invoice's row lock).
- `receipt`: one per paid invoice, numbered in the `RCT` series, naming the transaction.
- A `revenue` system account (NAD) receives payments of the platform's own invoices.

Revision ID: 0017_invoices
Revises: 0016_vehicles
Create Date: 2026-12-02
"""

from __future__ import annotations

from alembic import op

revision = "0017_invoices"
down_revision = "0016_vehicles"
branch_labels = None
depends_on = None

SCHEMA = r"""
ALTER TABLE account DROP CONSTRAINT ck_account_kind;
ALTER TABLE account ADD CONSTRAINT ck_account_kind
    CHECK (kind IN ('wallet', 'clearing', 'fees', 'suspense', 'vehicle', 'revenue'));
INSERT INTO account (kind, currency) VALUES ('revenue', 'NAD');

CREATE TABLE invoice_issuer (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    name text NOT NULL,
    address text NOT NULL,
    vat_number text,
    owner_id uuid REFERENCES user_account (id) ON DELETE RESTRICT,
    is_platform boolean NOT NULL DEFAULT false,
    created_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT ck_invoice_issuer_owner CHECK (is_platform = (owner_id IS NULL)),
    CONSTRAINT ck_invoice_issuer_name CHECK (length(name) BETWEEN 1 AND 200),
    CONSTRAINT ck_invoice_issuer_address CHECK (length(address) BETWEEN 1 AND 500)
);
CREATE UNIQUE INDEX uq_invoice_issuer_platform ON invoice_issuer (is_platform) WHERE is_platform;
COMMENT ON TABLE invoice_issuer IS
    'Payments: businesses that issue invoices (the platform itself, or one paid into its owner''s wallet).';

CREATE TABLE invoice (
    id uuid PRIMARY KEY,
    issuer_id uuid NOT NULL REFERENCES invoice_issuer (id) ON DELETE RESTRICT,
    payer_id uuid NOT NULL REFERENCES user_account (id) ON DELETE RESTRICT,
    currency char(3) NOT NULL,
    status text NOT NULL DEFAULT 'draft',
    number text,
    vat_rate numeric(5, 2) NOT NULL,
    subtotal numeric(20, 8) NOT NULL,
    vat numeric(20, 8) NOT NULL,
    total numeric(20, 8) NOT NULL,
    credited numeric(20, 8) NOT NULL DEFAULT 0,
    due_date date,
    payer_name text NOT NULL,
    payer_address text,
    payer_vat_number text,
    issuer_name text,
    issuer_address text,
    issuer_vat_number text,
    created_by uuid NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    issued_at timestamptz,
    paid_at timestamptz,
    voided_at timestamptz,
    void_reason text,
    payment_transaction_id uuid REFERENCES payment_transaction (id) ON DELETE RESTRICT,
    payment_key text,
    reminded_at timestamptz,
    CONSTRAINT ck_invoice_status CHECK (status IN ('draft', 'issued', 'paid', 'void')),
    CONSTRAINT ck_invoice_number CHECK ((number IS NULL) = (issued_at IS NULL)),
    CONSTRAINT ck_invoice_issued CHECK (status = 'draft' OR status = 'void' OR issued_at IS NOT NULL),
    CONSTRAINT ck_invoice_paid CHECK ((status = 'paid') = (paid_at IS NOT NULL)),
    CONSTRAINT ck_invoice_paid_by CHECK (status <> 'paid' OR payment_transaction_id IS NOT NULL),
    CONSTRAINT ck_invoice_amounts CHECK (subtotal >= 0 AND vat >= 0 AND total = subtotal + vat),
    CONSTRAINT ck_invoice_credited CHECK (credited >= 0 AND credited <= total)
);
CREATE UNIQUE INDEX uq_invoice_issuer_number ON invoice (issuer_id, number) WHERE number IS NOT NULL;
CREATE UNIQUE INDEX uq_invoice_payment_transaction ON invoice (payment_transaction_id)
    WHERE payment_transaction_id IS NOT NULL;
CREATE INDEX ix_invoice_payer ON invoice (payer_id, created_at DESC);
CREATE INDEX ix_invoice_created ON invoice (created_at DESC, id DESC);
CREATE INDEX ix_invoice_overdue ON invoice (due_date) WHERE status = 'issued';
COMMENT ON TABLE invoice IS
    'Payments: tax invoices. Numbered and frozen when issued (invoice_frozen); corrected by credit notes.';

CREATE TABLE invoice_line (
    invoice_id uuid NOT NULL REFERENCES invoice (id) ON DELETE RESTRICT,
    position integer NOT NULL,
    description text NOT NULL,
    quantity numeric(20, 4) NOT NULL,
    unit_price numeric(20, 8) NOT NULL,
    net numeric(20, 8) NOT NULL,
    CONSTRAINT pk_invoice_line PRIMARY KEY (invoice_id, position),
    CONSTRAINT ck_invoice_line_amounts CHECK (quantity > 0 AND unit_price >= 0 AND net >= 0)
);
COMMENT ON TABLE invoice_line IS 'Payments: invoice lines (quantity x unit price excluding VAT, net rounded per line).';

CREATE TABLE credit_note (
    id uuid PRIMARY KEY,
    invoice_id uuid NOT NULL REFERENCES invoice (id) ON DELETE RESTRICT,
    number text NOT NULL,
    reason text NOT NULL,
    subtotal numeric(20, 8) NOT NULL,
    vat numeric(20, 8) NOT NULL,
    total numeric(20, 8) NOT NULL,
    refund_transaction_id uuid REFERENCES payment_transaction (id) ON DELETE RESTRICT,
    refund_key text,
    created_by uuid NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT ck_credit_note_amounts CHECK (subtotal >= 0 AND vat >= 0 AND total = subtotal + vat AND total > 0)
);
CREATE INDEX ix_credit_note_invoice ON credit_note (invoice_id, created_at);
-- The Idempotency-Key of a refunding credit note: the same key answers the same note.
CREATE UNIQUE INDEX uq_credit_note_refund_key ON credit_note (invoice_id, refund_key)
    WHERE refund_key IS NOT NULL;
COMMENT ON TABLE credit_note IS 'Payments: credit notes correcting issued invoices (CRN series); rows never change.';

CREATE TABLE credit_note_line (
    credit_note_id uuid NOT NULL REFERENCES credit_note (id) ON DELETE RESTRICT,
    position integer NOT NULL,
    description text NOT NULL,
    quantity numeric(20, 4) NOT NULL,
    unit_price numeric(20, 8) NOT NULL,
    net numeric(20, 8) NOT NULL,
    CONSTRAINT pk_credit_note_line PRIMARY KEY (credit_note_id, position)
);
COMMENT ON TABLE credit_note_line IS 'Payments: credit note lines.';

CREATE TABLE receipt (
    id uuid PRIMARY KEY,
    invoice_id uuid NOT NULL UNIQUE REFERENCES invoice (id) ON DELETE RESTRICT,
    transaction_id uuid NOT NULL UNIQUE REFERENCES payment_transaction (id) ON DELETE RESTRICT,
    number text NOT NULL,
    amount numeric(20, 8) NOT NULL,
    currency char(3) NOT NULL,
    issued_at timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE receipt IS 'Payments: receipts of paid invoices (RCT series); rows never change.';

-- What an issued invoice says never changes: only its status, payment and credit move on.
CREATE FUNCTION invoice_frozen() RETURNS trigger LANGUAGE plpgsql AS $$
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
CREATE TRIGGER invoice_frozen BEFORE UPDATE OR DELETE ON invoice FOR EACH ROW EXECUTE FUNCTION invoice_frozen();

CREATE FUNCTION invoice_line_frozen() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    state text;
BEGIN
    SELECT status INTO state FROM invoice WHERE id = coalesce(NEW.invoice_id, OLD.invoice_id);
    IF state IS DISTINCT FROM 'draft' THEN
        RAISE EXCEPTION 'INV_002' USING DETAIL = 'the lines of an issued invoice never change';
    END IF;
    RETURN coalesce(NEW, OLD);
END;
$$;
CREATE TRIGGER invoice_line_frozen BEFORE INSERT OR UPDATE OR DELETE ON invoice_line
    FOR EACH ROW EXECUTE FUNCTION invoice_line_frozen();

-- Credit notes, their lines and receipts are written once.
CREATE FUNCTION payments_document_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'INV_002' USING DETAIL = format('%s rows are never changed or deleted', TG_TABLE_NAME);
END;
$$;
CREATE TRIGGER credit_note_immutable BEFORE UPDATE OR DELETE ON credit_note
    FOR EACH ROW EXECUTE FUNCTION payments_document_immutable();
CREATE TRIGGER credit_note_line_immutable BEFORE UPDATE OR DELETE ON credit_note_line
    FOR EACH ROW EXECUTE FUNCTION payments_document_immutable();
CREATE TRIGGER receipt_immutable BEFORE UPDATE OR DELETE ON receipt
    FOR EACH ROW EXECUTE FUNCTION payments_document_immutable();
"""

DOWNGRADE = r"""
DROP TABLE IF EXISTS receipt;
DROP TABLE IF EXISTS credit_note_line;
DROP TABLE IF EXISTS credit_note;
DROP TABLE IF EXISTS invoice_line;
DROP TABLE IF EXISTS invoice;
DROP TABLE IF EXISTS invoice_issuer;
DROP FUNCTION IF EXISTS payments_document_immutable();
DROP FUNCTION IF EXISTS invoice_line_frozen();
DROP FUNCTION IF EXISTS invoice_frozen();
ALTER TABLE account DROP CONSTRAINT ck_account_kind;
ALTER TABLE account ADD CONSTRAINT ck_account_kind
    CHECK (kind IN ('wallet', 'clearing', 'fees', 'suspense', 'vehicle'));
"""


def upgrade() -> None:
    op.execute(SCHEMA)


def downgrade() -> None:
    # The revenue account goes only if nothing was ever posted to it (postings are kept).
    op.execute("DELETE FROM account WHERE kind = 'revenue' AND postings = 0")
    op.execute(DOWNGRADE)
