"""Governance: organization invitations (slot; filled by the security fixes).

Revision ID: 0029_organization_invitations
Revises: 0028_payments_segregation
Create Date: 2026-12-07
"""

from __future__ import annotations

revision = "0029_organization_invitations"
down_revision = "0028_payments_segregation"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
