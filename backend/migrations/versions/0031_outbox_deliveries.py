"""Outbox: one delivery per event and subscriber (slot).

Revision ID: 0031_outbox_deliveries
Revises: 0030_permission_scopes
Create Date: 2026-12-07
"""

from __future__ import annotations

revision = "0031_outbox_deliveries"
down_revision = "0030_permission_scopes"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
