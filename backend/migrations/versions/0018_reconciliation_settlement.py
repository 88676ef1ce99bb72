"""Payments II: reconciliation runs and settlement batches.

Revision ID: 0018_reconciliation_settlement
Revises: 0017_invoices
Create Date: 2026-12-02
"""

from __future__ import annotations

revision = "0018_reconciliation_settlement"
down_revision = "0017_invoices"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
