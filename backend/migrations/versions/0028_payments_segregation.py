"""Payments: segregation of duties (slot; filled by the security fixes).

Revision ID: 0028_payments_segregation
Revises: 0027_risks_reports
Create Date: 2026-12-07
"""

from __future__ import annotations

revision = "0028_payments_segregation"
down_revision = "0027_risks_reports"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
