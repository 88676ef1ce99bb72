"""Privacy (POPIA): retention policies, legal holds, erasure outcomes and purge evidence.

Revision ID: 0023_privacy_retention
Revises: 0022_privacy_requests
Create Date: 2026-12-02
"""

from __future__ import annotations

revision = "0023_privacy_retention"
down_revision = "0022_privacy_requests"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
