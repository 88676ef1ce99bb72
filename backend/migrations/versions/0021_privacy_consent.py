"""Privacy (POPIA): versioned privacy notices and the append-only consent ledger.

Revision ID: 0021_privacy_consent
Revises: 0020_privacy_inventory_register
Create Date: 2026-12-02
"""

from __future__ import annotations

revision = "0021_privacy_consent"
down_revision = "0020_privacy_inventory_register"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
