"""Compliance operations: the risk register and the stored regulatory reports.

Revision ID: 0027_risks_reports
Revises: 0026_sla
Create Date: 2026-12-02
"""

from __future__ import annotations

revision = "0027_risks_reports"
down_revision = "0026_sla"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
