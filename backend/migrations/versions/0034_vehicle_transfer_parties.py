"""Payments: indexes for a party's vehicle ownership offers (`GET /me/vehicle-transfers`).

The list reads a user's incoming offers (`to_user_id`) and outgoing ones (`from_owner_id`),
newest first; without these indexes each call scanned every offer ever made.

Revision ID: 0034_vehicle_transfer_parties
Revises: 0033_event_feed_and_webhooks
Create Date: 2026-12-07
"""

from __future__ import annotations

from alembic import op

revision = "0034_vehicle_transfer_parties"
down_revision = "0033_event_feed_and_webhooks"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("CREATE INDEX ix_vehicle_transfer_to_user ON vehicle_transfer (to_user_id, created_at)")
    op.execute("CREATE INDEX ix_vehicle_transfer_from_owner ON vehicle_transfer (from_owner_id, created_at)")


def downgrade() -> None:
    op.execute("DROP INDEX ix_vehicle_transfer_from_owner")
    op.execute("DROP INDEX ix_vehicle_transfer_to_user")
