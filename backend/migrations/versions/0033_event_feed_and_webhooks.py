"""Governance: the event feed (`GET /me/events`) and organisation webhooks.

- `event_feed_entry`: one row per (user, event) the user is concerned by, written from the
  outbox (the primary key makes a redelivered event add nothing); newest first by
  (occurred_at, event_id). Goes with the user's account.
- `webhook_endpoint`: an organisation's endpoint, its subscribed event types (empty: all)
  and its signing secret, field-encrypted.
- `webhook_delivery`: one event for one endpoint (unique), the exact body sent, its
  attempts, next attempt, last status code, error and a short response excerpt; goes with
  its endpoint.
- The `webhook:manage` permission: `admin` at scope `all`, `staff` at scope `organization`
  (their own organisation's webhooks).

Revision ID: 0033_event_feed_and_webhooks
Revises: 0032_ledger_sql_files
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0033_event_feed_and_webhooks"
down_revision = "0032_ledger_sql_files"
branch_labels = None
depends_on = None

SCHEMA = r"""
CREATE TABLE event_feed_entry (
    user_id uuid NOT NULL,
    event_id uuid NOT NULL,
    type text NOT NULL,
    occurred_at timestamptz NOT NULL,
    data jsonb NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT pk_event_feed_entry PRIMARY KEY (user_id, event_id),
    CONSTRAINT fk_event_feed_entry_user_id_user_account
        FOREIGN KEY (user_id) REFERENCES user_account (id) ON DELETE CASCADE
);
COMMENT ON TABLE event_feed_entry IS
    'Each user''s copy of the events that concern them (GET /me/events), from the outbox.';
CREATE INDEX ix_event_feed_entry_user_id_occurred_at ON event_feed_entry (user_id, occurred_at, event_id);

CREATE TABLE webhook_endpoint (
    id uuid NOT NULL,
    organization_id uuid NOT NULL,
    url text NOT NULL,
    description text,
    event_types text[] NOT NULL DEFAULT '{}'::text[],
    signing_key_encrypted text NOT NULL,
    created_at timestamptz NOT NULL,
    created_by uuid,
    CONSTRAINT pk_webhook_endpoint PRIMARY KEY (id),
    CONSTRAINT fk_webhook_endpoint_organization_id_organization
        FOREIGN KEY (organization_id) REFERENCES organization (id) ON DELETE RESTRICT,
    CONSTRAINT fk_webhook_endpoint_created_by_user_account
        FOREIGN KEY (created_by) REFERENCES user_account (id) ON DELETE SET NULL
);
COMMENT ON TABLE webhook_endpoint IS
    'Organisations'' webhook endpoints; the signing secret is field-encrypted.';
CREATE INDEX ix_webhook_endpoint_organization_id ON webhook_endpoint (organization_id);

CREATE TABLE webhook_delivery (
    id uuid NOT NULL,
    endpoint_id uuid NOT NULL,
    event_id uuid NOT NULL,
    event_type text NOT NULL,
    body text NOT NULL,
    status text NOT NULL,
    attempts integer NOT NULL DEFAULT 0,
    next_attempt_at timestamptz,
    locked_until timestamptz,
    last_attempt_at timestamptz,
    last_status_code integer,
    last_error text,
    response_excerpt text,
    delivered_at timestamptz,
    created_at timestamptz NOT NULL,
    CONSTRAINT pk_webhook_delivery PRIMARY KEY (id),
    CONSTRAINT fk_webhook_delivery_endpoint_id_webhook_endpoint
        FOREIGN KEY (endpoint_id) REFERENCES webhook_endpoint (id) ON DELETE CASCADE,
    CONSTRAINT uq_webhook_delivery_endpoint_id_event_id UNIQUE (endpoint_id, event_id),
    CONSTRAINT ck_webhook_delivery_status CHECK (status IN ('pending', 'delivered', 'failed'))
);
COMMENT ON TABLE webhook_delivery IS
    'One event for one webhook endpoint: its attempts and last outcome (the delivery log).';
CREATE INDEX ix_webhook_delivery_endpoint_id ON webhook_delivery (endpoint_id, created_at);
CREATE INDEX ix_webhook_delivery_due ON webhook_delivery (next_attempt_at) WHERE status = 'pending';
"""

PERMISSION = ("webhook:manage", "governance", "Register and manage organisations' webhook endpoints")
GRANTS = {"admin": "all", "staff": "organization"}


def upgrade() -> None:
    op.execute(SCHEMA)
    bind = op.get_bind()
    name, category, description = PERMISSION
    bind.execute(
        sa.text("INSERT INTO permission (name, category, description) VALUES (:n, :c, :d)"),
        {"n": name, "c": category, "d": description},
    )
    bind.execute(
        sa.text(
            "INSERT INTO role_permission (role_id, permission_id, scope) "
            "SELECT r.id, p.id, :scope FROM role r, permission p WHERE r.name = :role AND p.name = :permission"
        ),
        [{"role": role, "permission": name, "scope": scope} for role, scope in GRANTS.items()],
    )


def downgrade() -> None:
    bind = op.get_bind()
    bind.execute(
        sa.text(
            "DELETE FROM role_permission WHERE permission_id IN "
            "(SELECT id FROM permission WHERE name = :name)"
        ),
        {"name": PERMISSION[0]},
    )
    bind.execute(sa.text("DELETE FROM permission WHERE name = :name"), {"name": PERMISSION[0]})
    op.execute("DROP TABLE webhook_delivery")
    op.execute("DROP TABLE webhook_endpoint")
    op.execute("DROP TABLE event_feed_entry")
