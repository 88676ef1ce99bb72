"""Payments II: invoice issuers, invoices, credit notes and receipts.

Revision ID: 0017_invoices
Revises: 0016_vehicles
Create Date: 2026-12-02
"""

from __future__ import annotations

revision = "0017_invoices"
down_revision = "0016_vehicles"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
