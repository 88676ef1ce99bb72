"""Privacy (POPIA): versioned privacy notices and the append-only consent ledger.

- `privacy_notice`: one row per published version (1, 2, ...); the POPIA s18 fields are in
  `content` (JSON), `sha256` is the SHA-256 of its RFC 8785 canonical form. A published
  notice never changes: UPDATE, DELETE and TRUNCATE are refused by triggers. Version 1 is
  seeded here, so consent can be recorded from the first registration.
- `consent_record`: the consent ledger (ISO/IEC TS 27560-style records): subject, purpose,
  notice version, action (granted | withdrawn), channel, time, actor, optional ip and user
  agent. Append-only: DELETE and TRUNCATE are refused, and UPDATE too, except the one
  change disposal needs - clearing `ip` and/or `user_agent` while every other column
  stays as it was. The current state of a (subject, purpose) is its latest record
  (`recorded_at`, then `seq`). `source_event_id` makes the records of a redelivered
  registration event collide (unique with `purpose`) instead of repeating.

Revision ID: 0021_privacy_consent
Revises: 0020_privacy_inventory_register
Create Date: 2026-12-02
"""

from __future__ import annotations

import hashlib
import json

import sqlalchemy as sa
from alembic import op

revision = "0021_privacy_consent"
down_revision = "0020_privacy_inventory_register"
branch_labels = None
depends_on = None

SCHEMA = r"""
CREATE TABLE privacy_notice (
    version integer NOT NULL,
    language text NOT NULL,
    content jsonb NOT NULL,
    sha256 text NOT NULL,
    published_at timestamptz NOT NULL DEFAULT now(),
    published_by uuid REFERENCES user_account (id) ON DELETE RESTRICT,
    CONSTRAINT pk_privacy_notice PRIMARY KEY (version),
    CONSTRAINT ck_privacy_notice_version CHECK (version >= 1),
    CONSTRAINT ck_privacy_notice_sha256 CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    CONSTRAINT ck_privacy_notice_language CHECK (language ~ '^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$'),
    CONSTRAINT ck_privacy_notice_content CHECK (jsonb_typeof(content) = 'object')
);
COMMENT ON TABLE privacy_notice IS
    'Compliance: published privacy notices (POPIA s18), one row per version; never changed.';

CREATE FUNCTION privacy_notice_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'a published privacy notice never changes: % is not allowed (publish a new version)', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END $$;
CREATE TRIGGER privacy_notice_immutable BEFORE UPDATE OR DELETE ON privacy_notice
    FOR EACH ROW EXECUTE FUNCTION privacy_notice_refuse_change();
CREATE TRIGGER privacy_notice_no_truncate BEFORE TRUNCATE ON privacy_notice
    FOR EACH STATEMENT EXECUTE FUNCTION privacy_notice_refuse_change();

CREATE TABLE consent_record (
    id uuid NOT NULL,
    seq bigint GENERATED ALWAYS AS IDENTITY,
    subject_id uuid NOT NULL REFERENCES user_account (id) ON DELETE RESTRICT,
    purpose text NOT NULL,
    notice_version integer NOT NULL REFERENCES privacy_notice (version) ON DELETE RESTRICT,
    action text NOT NULL,
    channel text NOT NULL,
    recorded_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    actor_id uuid REFERENCES user_account (id) ON DELETE RESTRICT,
    ip text,
    user_agent text,
    source_event_id uuid,
    CONSTRAINT pk_consent_record PRIMARY KEY (id),
    CONSTRAINT uq_consent_record_seq UNIQUE (seq),
    CONSTRAINT uq_consent_record_source_event_id UNIQUE (source_event_id, purpose),
    CONSTRAINT ck_consent_record_purpose CHECK (purpose IN ('marketing', 'analytics', 'third_party_sharing')),
    CONSTRAINT ck_consent_record_action CHECK (action IN ('granted', 'withdrawn')),
    CONSTRAINT ck_consent_record_channel
        CHECK (channel IN ('web', 'mobile', 'registration', 'privacy_request', 'staff')),
    CONSTRAINT ck_consent_record_evidence
        CHECK (coalesce(length(ip), 0) <= 64 AND coalesce(length(user_agent), 0) <= 512)
);
CREATE INDEX ix_consent_record_subject ON consent_record (subject_id, purpose, recorded_at, seq);
CREATE INDEX ix_consent_record_purpose ON consent_record (purpose, subject_id, recorded_at DESC, seq DESC);
COMMENT ON TABLE consent_record IS
    'Compliance: the append-only consent ledger (POPIA s11(1)(a), ISO/IEC TS 27560); latest record per subject and purpose is its state.';

CREATE FUNCTION consent_record_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- Disposal of the network evidence is the one change allowed: ip and user agent
    -- each kept or cleared, every other column as it was.
    IF TG_OP = 'UPDATE'
        AND (NEW.ip IS NULL OR NEW.ip IS NOT DISTINCT FROM OLD.ip)
        AND (NEW.user_agent IS NULL OR NEW.user_agent IS NOT DISTINCT FROM OLD.user_agent)
        AND (NEW.id, NEW.seq, NEW.subject_id, NEW.purpose, NEW.notice_version, NEW.action, NEW.channel,
             NEW.recorded_at, NEW.actor_id, NEW.source_event_id)
            IS NOT DISTINCT FROM
            (OLD.id, OLD.seq, OLD.subject_id, OLD.purpose, OLD.notice_version, OLD.action, OLD.channel,
             OLD.recorded_at, OLD.actor_id, OLD.source_event_id)
    THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'consent_record is append-only: % is not allowed (record a new grant or withdrawal)', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END $$;
CREATE TRIGGER consent_record_append_only BEFORE UPDATE OR DELETE ON consent_record
    FOR EACH ROW EXECUTE FUNCTION consent_record_refuse_change();
CREATE TRIGGER consent_record_no_truncate BEFORE TRUNCATE ON consent_record
    FOR EACH STATEMENT EXECUTE FUNCTION consent_record_refuse_change();
"""

DOWNGRADE = """
DROP TABLE IF EXISTS consent_record;
DROP FUNCTION IF EXISTS consent_record_refuse_change();
DROP TABLE IF EXISTS privacy_notice;
DROP FUNCTION IF EXISTS privacy_notice_refuse_change();
"""

# Version 1, as the platform starts. Compliance staff publish its successors through
# POST /api/v1/privacy/notices; this text is never changed in place.
FIRST_NOTICE = {
    "language": "en",
    "title": "Elcorp Namibia privacy notice",
    "responsible_party": {
        "name": "Elcorp Namibia (Pty) Ltd",
        "address": "Windhoek, Namibia",
        "email": "privacy@elcorp.na",
        "phone": None,
        "website": "https://elcorp.na",
    },
    "information_collected": [
        "Identity and contact details: full name, username, email address, phone number, organisation",
        "Account and security records: password hash, devices, sign-in history, multi-factor settings",
        "Financial records: wallets, transfers, deposits, invoices and their counterparties",
        "Vehicle records you register: VIN or chassis number, ownership history",
        "Network evidence of your requests: IP address and browser or app (user agent)",
    ],
    "source": "From you, when you register and use the platform; transaction details also from "
    "the people who pay you or whom you pay.",
    "purposes": [
        "To open and run your account and wallet and to carry out your payments (the contract with you)",
        "To identify customers and keep customer and transaction records as the Financial "
        "Intelligence Act 2012 requires, and to detect and report suspicious transactions",
        "To secure the platform and your account (fraud and abuse prevention)",
        "With your consent only, and only while it stands: direct marketing, product "
        "analytics, sharing your contact details with partners",
    ],
    "supply": "mixed",
    "consequences_of_not_supplying": "Identity, contact and transaction information is mandatory: "
    "without it we cannot open an account or move money, and the law does not allow us to. "
    "Consent for marketing, analytics and partner sharing is voluntary: refusing or withdrawing "
    "it changes nothing else about your account.",
    "laws": [
        "Financial Intelligence Act 2012 (Namibia), ss 21-26: customer identification and record keeping "
        "for at least 5 years",
        "Protection of Personal Information Act 4 of 2013 (South Africa), followed as the platform's "
        "privacy standard",
    ],
    "recipients": [
        "The Financial Intelligence Centre (Namibia) and other authorities where the law requires",
        "Banks and payment operators that settle your payments",
        "Service providers (operators) that host and run the platform under written contracts",
        "Partners, only if you consent to third-party sharing",
    ],
    "cross_border_transfers": "The platform is hosted in Namibia and South Africa. Personal "
    "information sent outside Namibia goes only to countries or operators bound by law or "
    "contract to protection comparable to POPIA (POPIA s72).",
    "rights": {
        "access": "Ask what we hold about you: POST /api/v1/me/privacy-requests {type: access}",
        "correction": "Ask us to correct it: POST /api/v1/me/privacy-requests {type: correction}",
        "deletion": "Ask us to delete what we no longer need or may not keep: "
        "POST /api/v1/me/privacy-requests {type: erasure}",
        "objection": "Object to processing, or to direct marketing at any time: "
        "POST /api/v1/me/privacy-requests {type: objection | marketing_opt_out}",
        "withdraw_consent": "Withdraw a consent at once: POST /api/v1/me/consents {purpose, granted: false}",
        "complaint": "Complain to the Information Regulator (contact below)",
    },
    "regulator": {
        "name": "Information Regulator",
        "address": "JD House, 27 Stiemens Street, Braamfontein, Johannesburg, 2001, South Africa",
        "email": "POPIAComplaints@inforegulator.org.za",
        "phone": "+27 10 023 5200",
        "website": "https://inforegulator.org.za",
    },
    "consent_purposes": {
        "marketing": "News and offers about Elcorp products by email (direct marketing, POPIA s69)",
        "analytics": "Use of how you use the platform for product research and analytics",
        "third_party_sharing": "Sharing your contact details with selected partners for their offers",
    },
    "summary_of_changes": None,
}


def canonical_sha256(content: dict[str, object]) -> str:
    """SHA-256 of the RFC 8785 form (for these plain values, sorted compact JSON)."""
    return hashlib.sha256(
        json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
    ).hexdigest()


def upgrade() -> None:
    op.execute(SCHEMA)
    op.get_bind().execute(
        sa.text(
            "INSERT INTO privacy_notice (version, language, content, sha256) "
            "VALUES (1, :language, CAST(:content AS jsonb), :sha256)"
        ),
        {
            "language": FIRST_NOTICE["language"],
            "content": json.dumps(FIRST_NOTICE, ensure_ascii=False),
            "sha256": canonical_sha256(FIRST_NOTICE),
        },
    )


def downgrade() -> None:
    op.execute(DOWNGRADE)
