"""Payments: gap-free document numbers (invoices, receipts, credit notes).

`document_counter` holds, per issuer, series and calendar year, the last number given.
A number is taken with one `INSERT ... ON CONFLICT DO UPDATE ... RETURNING` in the
transaction that issues the document: the counter row stays locked until that
transaction ends, so concurrent issuers of one series queue on it and get consecutive
numbers, and a transaction that rolls back gives its number back with it. PostgreSQL
sequences cannot do this: they never roll back, so they leave gaps.

Revision ID: 0014_document_counters
Revises: 0013_payments_ledger
Create Date: 2026-12-02
"""

from __future__ import annotations

from alembic import op

revision = "0014_document_counters"
down_revision = "0013_payments_ledger"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        """
        CREATE TABLE document_counter (
            issuer_id uuid NOT NULL,
            series text NOT NULL,
            year integer NOT NULL,
            last bigint NOT NULL,
            CONSTRAINT pk_document_counter PRIMARY KEY (issuer_id, series, year),
            CONSTRAINT ck_document_counter_series CHECK (series IN ('INV', 'RCT', 'CRN')),
            CONSTRAINT ck_document_counter_year CHECK (year BETWEEN 2000 AND 9999),
            CONSTRAINT ck_document_counter_last CHECK (last >= 1)
        );
        COMMENT ON TABLE document_counter IS
            'Payments: the last document number given per issuer, series and year (gap-free, never reused).';
        """
    )


def downgrade() -> None:
    op.execute("DROP TABLE IF EXISTS document_counter")
