"""Privacy (POPIA): the processing register (processing activities, operators) behind the data inventory and the PAIA manual.

Revision ID: 0020_privacy_inventory_register
Revises: 0019_privacy_permissions
Create Date: 2026-12-02
"""

from __future__ import annotations

revision = "0020_privacy_inventory_register"
down_revision = "0019_privacy_permissions"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
