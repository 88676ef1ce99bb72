"""Outbox: one delivery per event and subscriber.

Until this release the dispatcher ran every subscriber of an event and retried them all
when one failed (a failing subscriber of `UserRegistered` re-sent the verification mail on
each retry). From now on the dispatcher fans each message out into `outbox_delivery` rows,
one per subscriber of the running code, and retries and parks each row on its own.
`outbox_message.dispatched_at` now means "fanned out"; its `attempts` count fan-out tries.

Upgrade: creates the table only. Messages not yet dispatched keep `dispatched_at IS NULL`,
so the new dispatcher fans them out and delivers them (to every subscriber, as before).
Messages parked by the old dispatcher stay parked; `elcorp outbox-retry` requeues them.

Downgrade: a message with a delivery still pending goes back to "not dispatched" (the old
dispatcher runs all its subscribers again: handlers are idempotent); one whose only
undelivered deliveries are parked becomes a parked message with their last error. Then the
table is dropped.

Revision ID: 0031_outbox_deliveries
Revises: 0030_permission_scopes
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0031_outbox_deliveries"
down_revision = "0030_permission_scopes"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "outbox_delivery",
        sa.Column("message_id", sa.BigInteger(), nullable=False),
        sa.Column("subscriber", sa.Text(), nullable=False),
        sa.Column("attempts", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column(
            "next_attempt_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.Column("locked_until", sa.DateTime(timezone=True)),
        sa.Column("delivered_at", sa.DateTime(timezone=True)),
        sa.Column("failed_at", sa.DateTime(timezone=True)),
        sa.Column("last_error", sa.Text()),
        sa.PrimaryKeyConstraint("message_id", "subscriber", name=op.f("pk_outbox_delivery")),
        sa.ForeignKeyConstraint(
            ["message_id"],
            ["outbox_message.id"],
            name=op.f("fk_outbox_delivery_message_id_outbox_message"),
            ondelete="CASCADE",
        ),
        comment="One delivery of an outbox event to one subscriber, retried and parked on its own.",
    )
    op.create_index(
        "ix_outbox_delivery_due",
        "outbox_delivery",
        ["next_attempt_at", "message_id"],
        postgresql_where=sa.text("delivered_at IS NULL AND failed_at IS NULL"),
    )
    op.create_index(
        "ix_outbox_delivery_parked",
        "outbox_delivery",
        ["failed_at"],
        postgresql_where=sa.text("failed_at IS NOT NULL"),
    )


def downgrade() -> None:
    op.execute(
        """
        UPDATE outbox_message m
           SET dispatched_at = NULL, failed_at = NULL, available_at = now()
         WHERE EXISTS (SELECT 1 FROM outbox_delivery d
                        WHERE d.message_id = m.id AND d.delivered_at IS NULL AND d.failed_at IS NULL)
        """
    )
    op.execute(
        """
        UPDATE outbox_message m
           SET dispatched_at = NULL, failed_at = parked.failed_at, last_error = parked.last_error
          FROM (SELECT DISTINCT ON (message_id) message_id, failed_at, last_error
                  FROM outbox_delivery WHERE failed_at IS NOT NULL
                 ORDER BY message_id, failed_at DESC) AS parked
         WHERE parked.message_id = m.id AND m.dispatched_at IS NOT NULL
        """
    )
    op.drop_index("ix_outbox_delivery_parked", table_name="outbox_delivery")
    op.drop_index("ix_outbox_delivery_due", table_name="outbox_delivery")
    op.drop_table("outbox_delivery")
