"""Governance: organization invitations. Nobody is made a member of an organization without
their consent: an org admin invites, the invitee accepts (or declines).

- `organization_invitation`: one invitation of one user to one organization with the
  `org_role` they would get; `pending` until the invitee accepts or declines, an admin
  cancels it, or it lapses (`expires_at`, `ORGANIZATION_INVITATION_TTL_DAYS` after it was
  sent; stored as `expired` when a new invitation replaces it). A decided invitation keeps
  who decided and when. At most one pending invitation per user and organization (a unique
  partial index), so two concurrent invitations cannot both be made.
- The invitee's account deleted: their invitations go with it (as their memberships do).

Revision ID: 0029_organization_invitations
Revises: 0028_payments_segregation
Create Date: 2026-12-07
"""

from __future__ import annotations

from alembic import op

revision = "0029_organization_invitations"
down_revision = "0028_payments_segregation"
branch_labels = None
depends_on = None

SCHEMA = r"""
CREATE TABLE organization_invitation (
    id uuid NOT NULL,
    organization_id uuid NOT NULL,
    user_id uuid NOT NULL,
    org_role text NOT NULL,
    status text NOT NULL DEFAULT 'pending',
    invited_by uuid,
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL,
    decided_at timestamptz,
    decided_by uuid,
    CONSTRAINT pk_organization_invitation PRIMARY KEY (id),
    CONSTRAINT fk_organization_invitation_organization_id_organization
        FOREIGN KEY (organization_id) REFERENCES organization (id) ON DELETE RESTRICT,
    CONSTRAINT fk_organization_invitation_user_id_user_account
        FOREIGN KEY (user_id) REFERENCES user_account (id) ON DELETE CASCADE,
    CONSTRAINT fk_organization_invitation_invited_by_user_account
        FOREIGN KEY (invited_by) REFERENCES user_account (id) ON DELETE SET NULL,
    CONSTRAINT fk_organization_invitation_decided_by_user_account
        FOREIGN KEY (decided_by) REFERENCES user_account (id) ON DELETE SET NULL,
    CONSTRAINT ck_organization_invitation_org_role CHECK (org_role IN ('org_admin', 'member')),
    CONSTRAINT ck_organization_invitation_status
        CHECK (status IN ('pending', 'accepted', 'declined', 'cancelled', 'expired')),
    CONSTRAINT ck_organization_invitation_expiry CHECK (expires_at > created_at),
    CONSTRAINT ck_organization_invitation_decided CHECK ((status = 'pending') = (decided_at IS NULL))
);
COMMENT ON TABLE organization_invitation IS
    'Invitations to join an organization (governance): membership only once the invitee accepts.';
CREATE UNIQUE INDEX uq_organization_invitation_pending
    ON organization_invitation (organization_id, user_id) WHERE status = 'pending';
CREATE INDEX ix_organization_invitation_user_id ON organization_invitation (user_id, created_at);
CREATE INDEX ix_organization_invitation_organization_id
    ON organization_invitation (organization_id, created_at);
"""


def upgrade() -> None:
    op.execute(SCHEMA)


def downgrade() -> None:
    op.execute("DROP TABLE organization_invitation")
