"""Payments II: the VIN registry, vehicle ownership periods and ownership transfers.

Revision ID: 0016_vehicles
Revises: 0015_payments_ii_permissions
Create Date: 2026-12-02
"""

from __future__ import annotations

revision = "0016_vehicles"
down_revision = "0015_payments_ii_permissions"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
