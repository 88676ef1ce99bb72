"""Privacy (POPIA): data-subject requests (access, correction, erasure, objection, marketing opt-out) and their lifecycle.

`privacy_request` is one request of a data subject (POPIA s23-s25, s11(3), s69) with its
state (received -> verifying -> in_progress [-> extended] -> completed | refused), its
identity checks, assignee, due date (30 days, one extension of at most 30, PAIA s25-s26),
and its answer: resolution, refusal ground, dispute annotation (s24(3)), outcome notice
and who was notified. A subject has at most one open access, erasure or objection
request at a time (partial unique index).

`privacy_access_bundle` holds the access bundle of an access request: the exact bytes
served to the subject, their SHA-256 and when the purge may remove them.

Revision ID: 0022_privacy_requests
Revises: 0021_privacy_consent
Create Date: 2026-12-02
"""

from __future__ import annotations

from alembic import op

revision = "0022_privacy_requests"
down_revision = "0021_privacy_consent"
branch_labels = None
depends_on = None

SCHEMA = r"""
CREATE TABLE privacy_request (
    id uuid NOT NULL,
    subject_id uuid NOT NULL,
    type text NOT NULL,
    status text NOT NULL,
    details text,
    correction_field text,
    correction_value text,
    verifications jsonb NOT NULL DEFAULT '[]'::jsonb,
    assignee_id uuid,
    received_at timestamptz NOT NULL,
    due_at timestamptz NOT NULL,
    started_at timestamptz,
    extension_days integer,
    extension_reason text,
    extended_at timestamptz,
    closed_at timestamptz,
    closed_by uuid,
    resolution text,
    legal_ground text,
    dispute jsonb,
    outcome jsonb,
    notifications jsonb NOT NULL DEFAULT '[]'::jsonb,
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT pk_privacy_request PRIMARY KEY (id),
    CONSTRAINT fk_privacy_request_subject_id_user_account
        FOREIGN KEY (subject_id) REFERENCES user_account (id) ON DELETE RESTRICT,
    CONSTRAINT fk_privacy_request_assignee_id_user_account
        FOREIGN KEY (assignee_id) REFERENCES user_account (id) ON DELETE SET NULL,
    CONSTRAINT ck_privacy_request_type CHECK (
        type IN ('access', 'correction', 'erasure', 'objection', 'marketing_opt_out')),
    CONSTRAINT ck_privacy_request_status CHECK (
        status IN ('received', 'verifying', 'in_progress', 'extended', 'completed', 'refused')),
    CONSTRAINT ck_privacy_request_extension_days CHECK (
        extension_days IS NULL OR extension_days BETWEEN 1 AND 30),
    CONSTRAINT ck_privacy_request_correction CHECK (
        (type = 'correction') = (correction_field IS NOT NULL AND correction_value IS NOT NULL)),
    CONSTRAINT ck_privacy_request_refusal CHECK (
        status <> 'refused' OR (resolution IS NOT NULL AND legal_ground IS NOT NULL))
);
COMMENT ON TABLE privacy_request IS
    'Data-subject requests (POPIA s23-s25, s11(3), s69) and how each was answered.';
CREATE INDEX ix_privacy_request_subject_id ON privacy_request (subject_id, received_at);
CREATE INDEX ix_privacy_request_queue ON privacy_request (status, due_at);
CREATE UNIQUE INDEX uq_privacy_request_open ON privacy_request (subject_id, type)
    WHERE status IN ('received', 'verifying', 'in_progress', 'extended')
      AND type IN ('access', 'erasure', 'objection');

CREATE TABLE privacy_access_bundle (
    request_id uuid NOT NULL,
    subject_id uuid NOT NULL,
    status text NOT NULL,
    requested_at timestamptz NOT NULL,
    content bytea,
    sha256 text,
    size integer,
    built_at timestamptz,
    expires_at timestamptz,
    CONSTRAINT pk_privacy_access_bundle PRIMARY KEY (request_id),
    CONSTRAINT fk_privacy_access_bundle_request_id_privacy_request
        FOREIGN KEY (request_id) REFERENCES privacy_request (id) ON DELETE CASCADE,
    CONSTRAINT ck_privacy_access_bundle_status CHECK (status IN ('pending', 'ready')),
    CONSTRAINT ck_privacy_access_bundle_ready CHECK (
        (status = 'ready') = (content IS NOT NULL AND sha256 IS NOT NULL AND built_at IS NOT NULL))
);
COMMENT ON TABLE privacy_access_bundle IS
    'Access bundles (POPIA s23): everything held about a subject, as served to them.';
CREATE INDEX ix_privacy_access_bundle_pending ON privacy_access_bundle (requested_at)
    WHERE status = 'pending';
"""

DOWNGRADE = r"""
DROP TABLE privacy_access_bundle;
DROP TABLE privacy_request;
"""


def upgrade() -> None:
    op.execute(SCHEMA)


def downgrade() -> None:
    op.execute(DOWNGRADE)
