"""Privacy (POPIA): the processing register (processing activities, operators) behind the data inventory and the PAIA manual.

`processing_activity` is the register POPIA s17 asks for: one row per activity with its
purpose, lawful basis (s11(1)(a)-(f)), the data categories it processes (names the data
inventory declares next to the tables: the application refuses others), the categories of
data subjects, its recipients and operators (JSON: name, role, contract/DPA reference,
country), its cross-border transfers (JSON: recipient, country, s72 ground, safeguards) and
its retention. Names are unique whatever their case. The platform's own activities are
seeded here; operators' contract references are left empty (the PAIA manual says "not
recorded") until the compliance officer records the signed agreements.
The marketing email provider is planned in South Africa (a cross-border transfer on the
s72(1)(a) ground); the register is edited through the API when another provider is chosen.

Revision ID: 0020_privacy_inventory_register
Revises: 0019_privacy_permissions
Create Date: 2026-12-02
"""

from __future__ import annotations

import json
import uuid

import sqlalchemy as sa
from alembic import op

revision = "0020_privacy_inventory_register"
down_revision = "0019_privacy_permissions"
branch_labels = None
depends_on = None

SCHEMA = r"""
CREATE TABLE processing_activity (
    id uuid NOT NULL,
    name text NOT NULL,
    purpose text NOT NULL,
    lawful_basis text NOT NULL,
    categories text[] NOT NULL,
    data_subjects text[] NOT NULL,
    recipients jsonb NOT NULL DEFAULT '[]'::jsonb,
    transfers jsonb NOT NULL DEFAULT '[]'::jsonb,
    retention text NOT NULL DEFAULT '',
    retention_basis text NOT NULL,
    status text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    created_by uuid REFERENCES user_account (id) ON DELETE SET NULL,
    updated_by uuid REFERENCES user_account (id) ON DELETE SET NULL,
    CONSTRAINT pk_processing_activity PRIMARY KEY (id),
    CONSTRAINT ck_processing_activity_name CHECK (length(btrim(name)) > 0),
    CONSTRAINT ck_processing_activity_lawful_basis CHECK (lawful_basis IN (
        'consent', 'contract', 'legal_obligation', 'subject_interest', 'public_duty',
        'legitimate_interest')),
    CONSTRAINT ck_processing_activity_retention_basis CHECK (retention_basis IN (
        'account', 'fia_customer', 'fia_transaction', 'security', 'consent', 'audit')),
    CONSTRAINT ck_processing_activity_status CHECK (status IN ('active', 'planned', 'retired')),
    CONSTRAINT ck_processing_activity_categories CHECK (cardinality(categories) > 0),
    CONSTRAINT ck_processing_activity_data_subjects CHECK (cardinality(data_subjects) > 0),
    CONSTRAINT ck_processing_activity_recipients CHECK (jsonb_typeof(recipients) = 'array'),
    CONSTRAINT ck_processing_activity_transfers CHECK (jsonb_typeof(transfers) = 'array')
);
CREATE UNIQUE INDEX uq_processing_activity_name ON processing_activity (lower(name));
COMMENT ON TABLE processing_activity IS
    'The processing register (POPIA s17): what is processed, why, on which basis, shared with whom (compliance).';
"""

EMAIL = {"name": "Transactional email provider (SMTP relay)", "role": "operator", "contract_reference": None}
FIC = {"name": "Financial Intelligence Centre (Namibia)", "role": "regulator", "contract_reference": None}
BANK = {"name": "Settlement bank", "role": "third_party", "contract_reference": None}
NAMRA = {"name": "Namibia Revenue Agency", "role": "regulator", "contract_reference": None}
AUDITORS = {"name": "External auditors", "role": "third_party", "contract_reference": None}
MARKETING_MAIL = {
    "name": "Marketing email provider",
    "role": "operator",
    "contract_reference": None,
    "country": "ZA",
}

FIA_CUSTOMER = "Customer identification: 5 years after the business relationship ends (FIA 2012, s26)"
FIA_TRANSACTION = "Transaction records: 5 years after the transaction (FIA 2012, s26)"

ACTIVITIES: list[dict[str, object]] = [
    {
        "name": "Customer accounts",
        "purpose": "Open and keep customers' accounts: registration, sign-in, profile, organisation "
        "membership, and notices about the account.",
        "lawful_basis": "contract",
        "categories": [
            "user.identity.username",
            "user.identity.name",
            "user.contact.email",
            "user.contact.phone",
            "user.contact.phone_lookup",
            "user.employment.organization",
            "user.employment.membership",
            "user.identity.wallet_address",
            "user.credential.password_hash",
            "user.credential.mfa_secret",
            "user.credential.mfa_backup_code",
            "user.credential.one_time_token",
            "organization.identity.name",
            "organization.identity.registration_number",
            "organization.tax.vat_number",
        ],
        "data_subjects": ["customers", "business_customers", "staff"],
        "recipients": [EMAIL],
        "transfers": [],
        "retention": "While the account is open; the identification record as the FIA requires: "
        + FIA_CUSTOMER,
        "retention_basis": "account",
    },
    {
        "name": "Payments and ledger",
        "purpose": "Hold wallets, move money between them, keep the double-entry ledger, and keep the "
        "customer identification and transaction records the Financial Intelligence Act 2012 requires.",
        "lawful_basis": "legal_obligation",
        "categories": [
            "user.identity.name",
            "user.contact.email",
            "user.identity.wallet_address",
            "financial.account.balance",
            "financial.transaction.amount",
            "financial.transaction.description",
            "financial.transaction.reference",
        ],
        "data_subjects": ["customers", "business_customers"],
        "recipients": [BANK, FIC],
        "transfers": [],
        "retention": FIA_TRANSACTION + "; " + FIA_CUSTOMER,
        "retention_basis": "fia_transaction",
    },
    {
        "name": "Invoices and receipts",
        "purpose": "Issue tax invoices, credit notes and receipts with the particulars the VAT Act 10 of "
        "2000 asks for, and collect their payment.",
        "lawful_basis": "legal_obligation",
        "categories": [
            "financial.invoice.party_name",
            "financial.invoice.party_address",
            "financial.invoice.party_vat_number",
            "organization.identity.name",
            "organization.contact.address",
            "organization.tax.vat_number",
            "financial.transaction.amount",
        ],
        "data_subjects": ["invoice_parties", "customers", "business_customers"],
        "recipients": [EMAIL, NAMRA],
        "transfers": [],
        "retention": FIA_TRANSACTION,
        "retention_basis": "fia_transaction",
    },
    {
        "name": "Vehicle registry",
        "purpose": "Register vehicles by VIN or chassis number, record their owners and ownership "
        "transfers, and keep each vehicle's token account.",
        "lawful_basis": "contract",
        "categories": ["vehicle.registration_number", "vehicle.ownership", "user.identity.wallet_address"],
        "data_subjects": ["vehicle_owners", "customers"],
        "recipients": [],
        "transfers": [],
        "retention": "The ownership history with the token account's transaction records: " + FIA_TRANSACTION,
        "retention_basis": "fia_transaction",
    },
    {
        "name": "Service requests and approvals",
        "purpose": "Receive customers' and staff's service requests, route them through their approval "
        "chains and keep the decisions.",
        "lawful_basis": "contract",
        "categories": ["service_request.content", "service_request.comment"],
        "data_subjects": ["customers", "business_customers", "staff"],
        "recipients": [EMAIL],
        "transfers": [],
        "retention": "While the requester's account is open; the text is erased with the account.",
        "retention_basis": "account",
    },
    {
        "name": "Security logging",
        "purpose": "Protect accounts and the platform: sessions and devices, sign-in evidence, throttling "
        "of failed sign-ins, password history.",
        "lawful_basis": "legitimate_interest",
        "categories": [
            "user.device.identifier",
            "user.device.name",
            "user.device.user_agent",
            "user.device.ip_address",
            "user.credential.session_token",
            "user.credential.password_history",
            "user.credential.one_time_token",
        ],
        "data_subjects": ["customers", "business_customers", "staff"],
        "recipients": [],
        "transfers": [],
        "retention": "Sessions and devices until they expire or are revoked, then purged; one-time codes "
        "until used or expired.",
        "retention_basis": "security",
    },
    {
        "name": "Audit trail",
        "purpose": "Accountability: an append-only, hash-chained and signed record of who did what, when "
        "and from where, which auditors and the regulator can verify.",
        "lawful_basis": "legal_obligation",
        "categories": ["audit.trail.actor", "audit.trail.entry"],
        "data_subjects": ["customers", "business_customers", "staff"],
        "recipients": [AUDITORS, FIC],
        "transfers": [],
        "retention": "As long as the records it vouches for; archived by month, never altered. People are "
        "referenced by identifier only.",
        "retention_basis": "audit",
    },
    {
        "name": "Marketing",
        "purpose": "Send product news and offers by email to customers who opted in; withdrawal stops it "
        "at once.",
        "lawful_basis": "consent",
        "categories": ["user.identity.name", "user.contact.email"],
        "data_subjects": ["customers", "prospects"],
        "recipients": [MARKETING_MAIL],
        "transfers": [
            {
                "recipient": "Marketing email provider",
                "country": "ZA",
                "ground": "adequate_protection",
                "safeguards": "The provider is bound by POPIA in South Africa and by an operator agreement "
                "(POPIA s21).",
            }
        ],
        "retention": "While the consent stands; the address is no longer used for marketing from the moment "
        "consent is withdrawn.",
        "retention_basis": "consent",
    },
]


def _recipient(value: dict[str, object]) -> dict[str, object]:
    return {"country": "NA", **value}


def upgrade() -> None:
    op.execute(SCHEMA)
    insert = sa.text(
        "INSERT INTO processing_activity (id, name, purpose, lawful_basis, categories, data_subjects, "
        "recipients, transfers, retention, retention_basis, status) VALUES (:id, :name, :purpose, "
        ":lawful_basis, :categories, :data_subjects, CAST(:recipients AS jsonb), CAST(:transfers AS jsonb), "
        ":retention, :retention_basis, 'active')"
    )
    op.get_bind().execute(
        insert,
        [
            {
                **activity,
                "id": uuid.uuid4(),
                "recipients": json.dumps([_recipient(r) for r in activity["recipients"]]),  # type: ignore[attr-defined]
                "transfers": json.dumps(activity["transfers"]),
            }
            for activity in ACTIVITIES
        ],
    )


def downgrade() -> None:
    op.execute("DROP TABLE processing_activity")
