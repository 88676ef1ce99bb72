"""Compliance operations: incidents, their timelines and POPIA s22 breach notifications.

Revision ID: 0025_incidents
Revises: 0024_operations_permissions
Create Date: 2026-12-02
"""

from __future__ import annotations

revision = "0025_incidents"
down_revision = "0024_operations_permissions"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
