"""Governance: privileged permissions and the scopes each permission supports (slot).

Revision ID: 0030_permission_scopes
Revises: 0029_organization_invitations
Create Date: 2026-12-07
"""

from __future__ import annotations

revision = "0030_permission_scopes"
down_revision = "0029_organization_invitations"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
