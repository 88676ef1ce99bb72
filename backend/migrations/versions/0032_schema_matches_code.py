"""Schema: what the code's table definitions and the migrations disagree on (slot).

Revision ID: 0032_schema_matches_code
Revises: 0031_outbox_deliveries
Create Date: 2026-12-07
"""

from __future__ import annotations

revision = "0032_schema_matches_code"
down_revision = "0031_outbox_deliveries"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
