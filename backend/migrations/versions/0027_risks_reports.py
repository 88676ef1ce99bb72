"""Compliance operations: the risk register and the stored regulatory reports.

Risk register (POPIA s19: identify, maintain, verify and update safeguards):
`risk` is one risk to an asset (asset, threat, vulnerability, category) rated on the
5 x 5 matrix before (`inherent_*`) and after its controls (`residual_*`); the scores are
generated columns and the residual score can never exceed the inherent one. `risk_control`
is a safeguard (type, status, where it is specified); `risk_control_link` and
`risk_incident_link` link risks to controls and to incidents (0025's `incident`, by
foreign key; the application checks the ids first, for a 422); `risk_review` is the append-only
review history; `risk_review_reminder` records each overdue-review reminder. The platform's
main risks and their controls are seeded, without owner.

Regulatory reports: `regulatory_report` records every generated report (type, month in
Africa/Windhoek, format, the SHA-256 and size of the file, who generated it and when); the
file itself is not stored, a period regenerates the same bytes while its data stands.

Revision ID: 0027_risks_reports
Revises: 0026_sla
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0027_risks_reports"
down_revision = "0026_sla"
branch_labels = None
depends_on = None


# -- risk register ---------------------------------------------------------------------------
RISK_SCHEMA = r"""
CREATE TABLE risk_control (
    id uuid NOT NULL DEFAULT gen_random_uuid(),
    title text NOT NULL,
    description text NOT NULL,
    type text NOT NULL,
    status text NOT NULL,
    reference text,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT pk_risk_control PRIMARY KEY (id),
    CONSTRAINT uq_risk_control_title UNIQUE (title),
    CONSTRAINT ck_risk_control_type CHECK (
        type IN ('preventive', 'detective', 'corrective', 'deterrent', 'compensating')),
    CONSTRAINT ck_risk_control_status CHECK (
        status IN ('planned', 'in_progress', 'active', 'deprecated'))
);
COMMENT ON TABLE risk_control IS
    'Compliance: safeguards of the risk register (POPIA s19(1)), with where each is specified.';

CREATE TABLE risk (
    id uuid NOT NULL DEFAULT gen_random_uuid(),
    title text NOT NULL,
    description text NOT NULL,
    asset text NOT NULL,
    threat text NOT NULL,
    vulnerability text,
    category text NOT NULL,
    inherent_likelihood integer NOT NULL,
    inherent_impact integer NOT NULL,
    inherent_score integer GENERATED ALWAYS AS (inherent_likelihood * inherent_impact) STORED,
    residual_likelihood integer,
    residual_impact integer,
    residual_score integer GENERATED ALWAYS AS (residual_likelihood * residual_impact) STORED,
    treatment text,
    treatment_plan text,
    owner_id uuid,
    status text NOT NULL,
    review_interval_days integer NOT NULL,
    review_date date NOT NULL,
    last_reviewed_at timestamptz,
    created_by uuid,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    closed_at timestamptz,
    CONSTRAINT pk_risk PRIMARY KEY (id),
    CONSTRAINT fk_risk_owner_id_user_account
        FOREIGN KEY (owner_id) REFERENCES user_account (id) ON DELETE SET NULL,
    CONSTRAINT ck_risk_category CHECK (category IN (
        'security', 'privacy', 'availability', 'fraud', 'operational', 'compliance', 'financial')),
    CONSTRAINT ck_risk_inherent CHECK (
        inherent_likelihood BETWEEN 1 AND 5 AND inherent_impact BETWEEN 1 AND 5),
    CONSTRAINT ck_risk_residual CHECK (
        (residual_likelihood IS NULL) = (residual_impact IS NULL)
        AND (residual_likelihood IS NULL OR (
            residual_likelihood BETWEEN 1 AND 5 AND residual_impact BETWEEN 1 AND 5
            AND residual_likelihood * residual_impact <= inherent_likelihood * inherent_impact))),
    CONSTRAINT ck_risk_treatment CHECK (
        treatment IS NULL OR treatment IN ('mitigate', 'accept', 'transfer', 'avoid')),
    CONSTRAINT ck_risk_status CHECK (status IN ('open', 'treated', 'accepted', 'closed')),
    CONSTRAINT ck_risk_treated CHECK (
        status <> 'treated' OR (treatment IN ('mitigate', 'transfer', 'avoid')
            AND treatment_plan IS NOT NULL AND residual_likelihood IS NOT NULL)),
    CONSTRAINT ck_risk_accepted CHECK (
        status <> 'accepted' OR (treatment = 'accept' AND residual_likelihood IS NOT NULL)),
    CONSTRAINT ck_risk_review_interval_days CHECK (review_interval_days BETWEEN 1 AND 730)
);
COMMENT ON TABLE risk IS
    'Compliance: the risk register (POPIA s19), rated inherent and residual on a 5 x 5 matrix.';
CREATE INDEX ix_risk_review ON risk (review_date) WHERE status <> 'closed';
CREATE INDEX ix_risk_status ON risk (status);
CREATE INDEX ix_risk_owner_id ON risk (owner_id);

CREATE TABLE risk_control_link (
    risk_id uuid NOT NULL,
    control_id uuid NOT NULL,
    CONSTRAINT pk_risk_control_link PRIMARY KEY (risk_id, control_id),
    CONSTRAINT fk_risk_control_link_risk_id_risk
        FOREIGN KEY (risk_id) REFERENCES risk (id) ON DELETE CASCADE,
    CONSTRAINT fk_risk_control_link_control_id_risk_control
        FOREIGN KEY (control_id) REFERENCES risk_control (id) ON DELETE RESTRICT
);
CREATE INDEX ix_risk_control_link_control_id ON risk_control_link (control_id);

CREATE TABLE risk_incident_link (
    risk_id uuid NOT NULL,
    incident_id uuid NOT NULL,
    CONSTRAINT pk_risk_incident_link PRIMARY KEY (risk_id, incident_id),
    CONSTRAINT fk_risk_incident_link_risk_id_risk
        FOREIGN KEY (risk_id) REFERENCES risk (id) ON DELETE CASCADE,
    CONSTRAINT fk_risk_incident_link_incident_id_incident
        FOREIGN KEY (incident_id) REFERENCES incident (id) ON DELETE RESTRICT
);
CREATE INDEX ix_risk_incident_link_incident_id ON risk_incident_link (incident_id);

CREATE TABLE risk_review (
    id uuid NOT NULL,
    risk_id uuid NOT NULL,
    reviewed_by uuid NOT NULL,
    reviewed_at timestamptz NOT NULL,
    summary text NOT NULL,
    before jsonb NOT NULL,
    after jsonb NOT NULL,
    review_date_before date NOT NULL,
    review_date_after date NOT NULL,
    CONSTRAINT pk_risk_review PRIMARY KEY (id),
    CONSTRAINT fk_risk_review_risk_id_risk
        FOREIGN KEY (risk_id) REFERENCES risk (id) ON DELETE RESTRICT,
    CONSTRAINT fk_risk_review_reviewed_by_user_account
        FOREIGN KEY (reviewed_by) REFERENCES user_account (id) ON DELETE RESTRICT
);
COMMENT ON TABLE risk_review IS
    'Compliance: the append-only review history of each risk (POPIA s19(2)(c)-(d)).';
CREATE INDEX ix_risk_review_risk_id ON risk_review (risk_id, reviewed_at);
CREATE FUNCTION risk_review_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'a risk review is never changed: % is not allowed (record a new review)', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END $$;
CREATE TRIGGER risk_review_append_only BEFORE UPDATE OR DELETE ON risk_review
    FOR EACH ROW EXECUTE FUNCTION risk_review_refuse_change();
CREATE TRIGGER risk_review_no_truncate BEFORE TRUNCATE ON risk_review
    FOR EACH STATEMENT EXECUTE FUNCTION risk_review_refuse_change();

CREATE TABLE risk_review_reminder (
    id uuid NOT NULL DEFAULT gen_random_uuid(),
    risk_id uuid NOT NULL,
    owner_id uuid,
    review_date date NOT NULL,
    sent_at timestamptz NOT NULL,
    CONSTRAINT pk_risk_review_reminder PRIMARY KEY (id),
    CONSTRAINT fk_risk_review_reminder_risk_id_risk
        FOREIGN KEY (risk_id) REFERENCES risk (id) ON DELETE CASCADE
);
CREATE INDEX ix_risk_review_reminder_risk_id ON risk_review_reminder (risk_id, sent_at);
"""

RISK_DOWNGRADE = r"""
DROP TABLE IF EXISTS risk_review_reminder;
DROP TABLE IF EXISTS risk_review;
DROP FUNCTION IF EXISTS risk_review_refuse_change();
DROP TABLE IF EXISTS risk_incident_link;
DROP TABLE IF EXISTS risk_control_link;
DROP TABLE IF EXISTS risk;
DROP TABLE IF EXISTS risk_control;
"""

SECURITY_MD = "docs/SECURITY.md"
# (name, description, type, status, reference)
SEED_CONTROLS = (
    (
        "Login throttling",
        "Failed sign-ins counted per account and per IP in Redis; growing temporary locks and a per-IP limit against password spraying.",
        "preventive",
        "active",
        f"{SECURITY_MD} Login throttling; ASVS V6 Authentication",
    ),
    (
        "MFA for staff and admin",
        "TOTP multi-factor authentication is mandatory for privileged roles; codes are single-use.",
        "preventive",
        "active",
        f"{SECURITY_MD} Multi-factor authentication; ASVS V6 Authentication",
    ),
    (
        "Password strength check",
        "Passwords of 12-128 characters checked against common and guessable passwords (zxcvbn score >= 3); no reuse of the last 5.",
        "preventive",
        "active",
        f"{SECURITY_MD} Passwords; NIST SP 800-63B-4",
    ),
    (
        "Refresh-token rotation and reuse detection",
        "Single-use refresh tokens; reuse of a spent one revokes the whole token family and raises an alarm.",
        "detective",
        "active",
        f"{SECURITY_MD} Tokens; RFC 9700 s4.14.2",
    ),
    (
        "Double-entry ledger enforced by the database",
        "Every transfer is a journal entry whose postings sum to zero per currency, enforced by constraints; postings are immutable.",
        "preventive",
        "active",
        f"{SECURITY_MD} Payments; DESIGN s7",
    ),
    (
        "Ledger hash chain and nightly integrity check",
        "Postings are hash-chained per account; a nightly trial balance and chain check raises an alarm on any mismatch.",
        "detective",
        "active",
        f"{SECURITY_MD} Payments; job elcorp.payments.check_integrity",
    ),
    (
        "Chained audit log with signed checkpoints",
        "Append-only audit entries chained by SHA-256 and sealed into Ed25519-signed checkpoints, verified daily.",
        "detective",
        "active",
        f"{SECURITY_MD} Audit trail; ASVS V16 Security logging",
    ),
    (
        "Maker-checker approval of large movements",
        "Movements above the approval threshold wait for a second person; the initiator cannot approve their own.",
        "preventive",
        "active",
        f"{SECURITY_MD} Payments",
    ),
    (
        "Field-level encryption of personal data",
        "National ID, phone and TOTP secrets encrypted at rest with rotatable keys (MultiFernet).",
        "preventive",
        "active",
        f"{SECURITY_MD} Data protection; POPIA s19",
    ),
    (
        "Role-based access with least privilege",
        "Deny by default; permissions per role from the database, object-level checks on every read.",
        "preventive",
        "active",
        f"{SECURITY_MD} Authorisation; ASVS V8 Authorization",
    ),
    (
        "Processing register and operator agreements",
        "Every operator that processes personal information is listed in the processing register under a written agreement (POPIA s20-s21).",
        "preventive",
        "in_progress",
        "docs/POPIA_COMPLIANCE.md; POPIA s20-s21",
    ),
    (
        "Fail closed without the token denylist",
        "When Redis cannot be reached, authenticated requests are refused with 503 instead of skipping the revocation check.",
        "preventive",
        "active",
        f"{SECURITY_MD} Tokens",
    ),
    (
        "Transactional outbox",
        "Events are stored in the same transaction as the change and dispatched later, so nothing is lost while Redis or a worker is down.",
        "corrective",
        "active",
        "DESIGN s3; docs/OPERATIONS.md",
    ),
    (
        "Key rotation by key id",
        "Signing and encryption keys carry a key id and can be rotated without downtime; retired keys only verify or decrypt.",
        "corrective",
        "active",
        f"{SECURITY_MD} Tokens; {SECURITY_MD} Data protection",
    ),
    (
        "Secrets outside the repository",
        "Key material comes from the environment or a vault; production refuses to start with development defaults.",
        "preventive",
        "active",
        f"{SECURITY_MD} Configuration safety",
    ),
)
# (title, description, asset, threat, vulnerability, category, inherent L, I, residual L, I,
#  treatment, plan, review interval days, controls)
SEED_RISKS = (
    (
        "Credential stuffing against customer accounts",
        "Attackers replay credentials leaked from other services to take over wallets.",
        "customer accounts and wallets",
        "automated sign-in attempts with leaked credentials",
        "customers reuse passwords across services",
        "security",
        4,
        4,
        2,
        3,
        "mitigate",
        "Throttle sign-ins per account and IP, refuse guessable passwords, MFA for privileged roles, detect refresh-token reuse.",
        180,
        (
            "Login throttling",
            "MFA for staff and admin",
            "Password strength check",
            "Refresh-token rotation and reuse detection",
        ),
    ),
    (
        "Ledger tampering",
        "An insider or an attacker with database access alters postings or balances to move money unseen.",
        "ledger",
        "direct alteration of postings or balances",
        "write access to the database outside the application",
        "fraud",
        3,
        5,
        1,
        5,
        "mitigate",
        "Database-enforced double entry and immutable postings, hash chains checked nightly, audited maker-checker approvals.",
        90,
        (
            "Double-entry ledger enforced by the database",
            "Ledger hash chain and nightly integrity check",
            "Chained audit log with signed checkpoints",
            "Maker-checker approval of large movements",
        ),
    ),
    (
        "Personal-data breach via an operator or staff member",
        "An operator (hosting, email) or a staff member with broad access discloses customers' personal information.",
        "customer personal information",
        "disclosure by an operator or an insider",
        "operators and staff can see more than their task needs",
        "privacy",
        3,
        5,
        2,
        4,
        "mitigate",
        "Encrypt identifying fields, least-privilege roles with MFA, audit every staff access, operator agreements in the processing register.",
        90,
        (
            "Field-level encryption of personal data",
            "Role-based access with least privilege",
            "Chained audit log with signed checkpoints",
            "Processing register and operator agreements",
        ),
    ),
    (
        "Redis outage",
        "Redis becomes unreachable: the token denylist, rate limits and the job queue stop.",
        "token denylist, rate limits and the job queue",
        "loss of the Redis service",
        "a single Redis instance",
        "availability",
        3,
        3,
        2,
        3,
        "mitigate",
        "Fail closed on the denylist, keep events in the transactional outbox until workers are back.",
        180,
        ("Fail closed without the token denylist", "Transactional outbox"),
    ),
    (
        "Signing or encryption key compromise",
        "Key material leaks from the environment, a backup or a workstation: tokens could be forged or fields decrypted.",
        "JWT signing, field-encryption and audit signing keys",
        "theft of key material",
        "long-lived keys",
        "security",
        2,
        5,
        2,
        4,
        "mitigate",
        "Keys only from the environment or a vault, rotation by key id, checkpoints verifiable with retired public keys.",
        180,
        (
            "Key rotation by key id",
            "Secrets outside the repository",
            "Chained audit log with signed checkpoints",
        ),
    ),
)


def _seed_risks() -> None:
    bind = op.get_bind()
    bind.execute(
        sa.text(
            "INSERT INTO risk_control (title, description, type, status, reference) "
            "VALUES (:name, :description, :type, :status, :reference)"
        ),
        [
            {"name": n, "description": d, "type": t, "status": s, "reference": r}
            for n, d, t, s, r in SEED_CONTROLS
        ],
    )
    for (
        title,
        description,
        asset,
        threat,
        vulnerability,
        category,
        il,
        ii,
        rl,
        ri,
        treatment,
        plan,
        days,
        controls,
    ) in SEED_RISKS:
        risk_id = bind.execute(
            sa.text(
                "INSERT INTO risk (title, description, asset, threat, vulnerability, category, "
                "inherent_likelihood, inherent_impact, residual_likelihood, residual_impact, treatment, "
                "treatment_plan, status, review_interval_days, review_date) VALUES (:title, :description, "
                ":asset, :threat, :vulnerability, :category, :il, :ii, :rl, :ri, :treatment, :plan, "
                "'treated', :days, (now() AT TIME ZONE 'Africa/Windhoek')::date + :days) RETURNING id"
            ),
            {
                "title": title,
                "description": description,
                "asset": asset,
                "threat": threat,
                "vulnerability": vulnerability,
                "category": category,
                "il": il,
                "ii": ii,
                "rl": rl,
                "ri": ri,
                "treatment": treatment,
                "plan": plan,
                "days": days,
            },
        ).scalar_one()
        bind.execute(
            sa.text(
                "INSERT INTO risk_control_link (risk_id, control_id) "
                "SELECT :risk_id, id FROM risk_control WHERE title = ANY(:names)"
            ),
            {"risk_id": risk_id, "names": list(controls)},
        )


def _upgrade_risks() -> None:
    op.execute(RISK_SCHEMA)
    _seed_risks()


def _downgrade_risks() -> None:
    op.execute(RISK_DOWNGRADE)


# -- regulatory reports ----------------------------------------------------------------------
REPORT_SCHEMA = r"""
CREATE TABLE regulatory_report (
    id uuid NOT NULL,
    report_type text NOT NULL,
    period char(7) NOT NULL,
    format text NOT NULL,
    sha256 char(64) NOT NULL,
    size_bytes integer NOT NULL,
    row_count integer NOT NULL,
    generated_by text NOT NULL,
    generated_at timestamptz NOT NULL,
    CONSTRAINT pk_regulatory_report PRIMARY KEY (id),
    CONSTRAINT ck_regulatory_report_report_type CHECK (report_type IN (
        'transactions', 'large-transactions', 'sla', 'incidents', 'privacy-requests', 'audit')),
    CONSTRAINT ck_regulatory_report_period CHECK (period ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'),
    CONSTRAINT ck_regulatory_report_format CHECK (format IN ('csv', 'pdf')),
    CONSTRAINT ck_regulatory_report_sha256 CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    CONSTRAINT ck_regulatory_report_size_bytes CHECK (size_bytes > 0),
    CONSTRAINT ck_regulatory_report_row_count CHECK (row_count >= 0)
);
COMMENT ON TABLE regulatory_report IS
    'Every generated regulatory report: type, month, format and the SHA-256 of the file.';
CREATE INDEX ix_regulatory_report_period ON regulatory_report (report_type, period, format);
CREATE INDEX ix_regulatory_report_generated_at ON regulatory_report (generated_at, id);
"""


def _upgrade_reports() -> None:
    op.execute(REPORT_SCHEMA)


def _downgrade_reports() -> None:
    op.execute("DROP TABLE IF EXISTS regulatory_report")


def upgrade() -> None:
    _upgrade_risks()
    _upgrade_reports()


def downgrade() -> None:
    _downgrade_reports()
    _downgrade_risks()
