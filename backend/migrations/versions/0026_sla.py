"""Compliance operations: SLA policies, tracked cases and their events.

Revision ID: 0026_sla
Revises: 0025_incidents
Create Date: 2026-12-02
"""

from __future__ import annotations

revision = "0026_sla"
down_revision = "0025_incidents"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
