"""Governance tables: RBAC (the client's schema, with UUID keys and a grant scope) and the
stored PBAC policies."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    DateTime,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    Numeric,
    String,
    Table,
    Text,
    UniqueConstraint,
    Uuid,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB

from elcorp.shared.domain.personal_data import Classification, Disposal, PersonalData, RetentionBasis
from elcorp.shared.infrastructure.db import metadata
from elcorp.shared.infrastructure.personal_data import declare
from elcorp.shared.security.encryption import EncryptedColumn, register_encrypted_column

role = Table(
    "role",
    metadata,
    Column("id", Uuid, primary_key=True, server_default=text("gen_random_uuid()")),
    Column("name", Text, nullable=False, unique=True),
    Column("description", Text),
    Column("is_system_role", Boolean, nullable=False, server_default=text("false")),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)

permission = Table(
    "permission",
    metadata,
    Column("id", Uuid, primary_key=True, server_default=text("gen_random_uuid()")),
    Column("name", Text, nullable=False, unique=True),
    Column("description", Text),
    Column("category", Text, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)

role_permission = Table(
    "role_permission",
    metadata,
    Column("role_id", Uuid, ForeignKey("role.id", ondelete="CASCADE"), primary_key=True),
    Column("permission_id", Uuid, ForeignKey("permission.id", ondelete="CASCADE"), primary_key=True),
    Column("scope", Text, nullable=False, server_default=text("'all'")),
    CheckConstraint("scope IN ('own', 'organization', 'all')", name="scope"),
)

user_role = Table(
    "user_role",
    metadata,
    Column("user_id", Uuid, ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True),
    Column("role_id", Uuid, ForeignKey("role.id", ondelete="RESTRICT"), primary_key=True),
    Column("assigned_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("assigned_by", Uuid, ForeignKey("user_account.id", ondelete="SET NULL")),
    Index("ix_user_role_role_id", "role_id"),
)

access_policy = Table(
    "access_policy",
    metadata,
    Column("name", Text, primary_key=True),
    Column("kind", Text, nullable=False),
    Column("enabled", Boolean, nullable=False),
    Column("position", Integer, nullable=False, unique=True),
    Column("params", JSONB, nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("updated_by", Uuid, ForeignKey("user_account.id", ondelete="SET NULL")),
    CheckConstraint(
        "kind IN ('ownership', 'organization_scope', 'amount_threshold', "
        "'segregation_of_duties', 'business_hours', 'data_classification')",
        name="kind",
    ),
    comment="PBAC policies evaluated after RBAC, in position order (governance).",
)

# -- organizations and teams (0011) ---------------------------------------------------------
organization = Table(
    "organization",
    metadata,
    Column("id", Uuid, primary_key=True, server_default=text("gen_random_uuid()")),
    Column("name", Text, nullable=False),
    Column("registration_number", Text),
    Column("vat_number", Text),
    Column("status", Text, nullable=False, server_default=text("'active'")),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("created_by", Uuid, ForeignKey("user_account.id", ondelete="SET NULL")),
    CheckConstraint("status IN ('active', 'suspended', 'closed')", name="status"),
    Index("uq_organization_name", text("lower(name)"), unique=True),
    Index(
        "uq_organization_registration_number",
        "registration_number",
        unique=True,
        postgresql_where=text("registration_number IS NOT NULL"),
    ),
    comment="Organizations: businesses, banks, branches (governance). Closed, never deleted.",
)
# Personal information (POPIA s1 covers juristic persons too): a business customer's identity,
# kept for the FIA customer-identification record.
_ORGANIZATION_NAME = PersonalData(
    category="organization.identity.name",
    purpose="identify the business customer (FIA 2012) and show it to its members",
    classification=Classification.INTERNAL,
    retention=RetentionBasis.FIA_CUSTOMER,
    disposal=Disposal.PSEUDONYMISE,
)
_ORGANIZATION_REGISTRATION = PersonalData(
    category="organization.identity.registration_number",
    purpose="identify the business customer (FIA 2012)",
    classification=Classification.INTERNAL,
    retention=RetentionBasis.FIA_CUSTOMER,
    disposal=Disposal.PSEUDONYMISE,
)
_VAT_NUMBER = PersonalData(
    category="organization.tax.vat_number",
    purpose="identify the business for VAT (tax invoices)",
    classification=Classification.INTERNAL,
    retention=RetentionBasis.FIA_CUSTOMER,
    disposal=Disposal.PSEUDONYMISE,
)
declare("governance", organization, "name", _ORGANIZATION_NAME)
declare("governance", organization, "registration_number", _ORGANIZATION_REGISTRATION)
declare("governance", organization, "vat_number", _VAT_NUMBER)

organization_member = Table(
    "organization_member",
    metadata,
    Column(
        "organization_id",
        Uuid,
        ForeignKey("organization.id", ondelete="RESTRICT"),
        nullable=False,
        index=True,
    ),
    Column("user_id", Uuid, ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True),
    Column("org_role", Text, nullable=False, server_default=text("'member'")),
    Column("added_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("added_by", Uuid, ForeignKey("user_account.id", ondelete="SET NULL")),
    UniqueConstraint("organization_id", "user_id", name="uq_organization_member_organization_id_user_id"),
    CheckConstraint("org_role IN ('org_admin', 'member')", name="org_role"),
)
# Which organisation (and team) a person belongs to: the membership row itself.
_MEMBERSHIP = PersonalData(
    category="user.employment.membership",
    purpose="scope what the members of an organisation or team may see and do",
    classification=Classification.INTERNAL,
    retention=RetentionBasis.ACCOUNT,
    disposal=Disposal.DELETE,
)
declare("governance", organization_member, "user_id", _MEMBERSHIP)

team = Table(
    "team",
    metadata,
    Column("id", Uuid, primary_key=True, server_default=text("gen_random_uuid()")),
    Column("organization_id", Uuid, ForeignKey("organization.id", ondelete="RESTRICT"), nullable=False),
    Column("name", Text, nullable=False),
    Column("description", Text),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("created_by", Uuid, ForeignKey("user_account.id", ondelete="SET NULL")),
    UniqueConstraint("id", "organization_id", name="uq_team_id_organization_id"),
    Index("uq_team_organization_id_name", "organization_id", text("lower(name)"), unique=True),
)

team_member = Table(
    "team_member",
    metadata,
    Column("team_id", Uuid, primary_key=True),
    Column("organization_id", Uuid, nullable=False),
    Column("user_id", Uuid, primary_key=True, index=True),
    Column("added_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("added_by", Uuid, ForeignKey("user_account.id", ondelete="SET NULL")),
    ForeignKeyConstraint(
        ["team_id", "organization_id"],
        ["team.id", "team.organization_id"],
        name="fk_team_member_team",
        ondelete="CASCADE",
    ),
    ForeignKeyConstraint(
        ["organization_id", "user_id"],
        ["organization_member.organization_id", "organization_member.user_id"],
        name="fk_team_member_organization_member",
        ondelete="CASCADE",
    ),
)
declare("governance", team_member, "user_id", _MEMBERSHIP)

# -- organization invitations (0029) -----------------------------------------------------------
organization_invitation = Table(
    "organization_invitation",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("organization_id", Uuid, ForeignKey("organization.id", ondelete="RESTRICT"), nullable=False),
    Column("user_id", Uuid, ForeignKey("user_account.id", ondelete="CASCADE"), nullable=False),
    Column("org_role", Text, nullable=False),
    Column("status", Text, nullable=False, server_default=text("'pending'")),
    Column("invited_by", Uuid, ForeignKey("user_account.id", ondelete="SET NULL")),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("expires_at", DateTime(timezone=True), nullable=False),
    Column("decided_at", DateTime(timezone=True)),
    Column("decided_by", Uuid, ForeignKey("user_account.id", ondelete="SET NULL")),
    CheckConstraint("org_role IN ('org_admin', 'member')", name="org_role"),
    CheckConstraint("status IN ('pending', 'accepted', 'declined', 'cancelled', 'expired')", name="status"),
    CheckConstraint("expires_at > created_at", name="expiry"),
    CheckConstraint("(status = 'pending') = (decided_at IS NULL)", name="decided"),
    Index(
        "uq_organization_invitation_pending",
        "organization_id",
        "user_id",
        unique=True,
        postgresql_where=text("status = 'pending'"),
    ),
    Index("ix_organization_invitation_user_id", "user_id", "created_at"),
    Index("ix_organization_invitation_organization_id", "organization_id", "created_at"),
    comment="Invitations to join an organization (governance): membership only once the invitee accepts.",
)
# Who was asked to join which organisation: the same category as the membership it offers.
declare("governance", organization_invitation, "user_id", _MEMBERSHIP)

# -- service requests and approval chains (0012) ------------------------------------------
service_request_category = Table(
    "service_request_category",
    metadata,
    Column("name", Text, primary_key=True),
    Column("description", Text, nullable=False, server_default=text("''")),
    Column("active", Boolean, nullable=False, server_default=text("true")),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    comment="Configurable service-request categories (governance).",
)

approval_chain = Table(
    "approval_chain",
    metadata,
    Column(
        "category",
        Text,
        ForeignKey("service_request_category.name", ondelete="RESTRICT"),
        primary_key=True,
    ),
    Column("version", Integer, primary_key=True),
    Column("levels", JSONB, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("created_by", Uuid, ForeignKey("user_account.id", ondelete="SET NULL")),
    comment="Versioned approval chains: append-only, a change is a new version.",
)

service_request = Table(
    "service_request",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("requester_id", Uuid, ForeignKey("user_account.id", ondelete="RESTRICT"), nullable=False),
    Column("organization_id", Uuid, ForeignKey("organization.id", ondelete="RESTRICT")),
    Column(
        "category", Text, ForeignKey("service_request_category.name", ondelete="RESTRICT"), nullable=False
    ),
    Column("title", Text, nullable=False),
    Column("description", Text, nullable=False, server_default=text("''")),
    Column("priority", Text, nullable=False),
    Column("status", Text, nullable=False),
    Column("amount", Numeric(20, 8)),
    Column("currency", String(3), nullable=False),
    Column("assignee_kind", Text),
    Column("assignee_id", Uuid),
    Column("chain_version", Integer),
    Column("submitted_at", DateTime(timezone=True)),
    Column("due_at", DateTime(timezone=True)),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Column("completed_at", DateTime(timezone=True)),
    Index("ix_service_request_assignee", "assignee_kind", "assignee_id"),
    Index("ix_service_request_created_at", "created_at"),
    Index("ix_service_request_due_at", "due_at"),
    Index("ix_service_request_organization_id", "organization_id"),
    Index("ix_service_request_priority", "priority"),
    Index("ix_service_request_requester_id", "requester_id"),
    Index("ix_service_request_status", "status"),
    ForeignKeyConstraint(
        ["category", "chain_version"],
        ["approval_chain.category", "approval_chain.version"],
        name="fk_service_request_approval_chain",
    ),
)
# Free text the requester and the approvers write: it may say anything about anyone. The
# request stays as a workflow record; erasure replaces the text.
_REQUEST_TEXT = PersonalData(
    category="service_request.content",
    purpose="handle the service request the requester made",
    classification=Classification.CONFIDENTIAL,
    retention=RetentionBasis.ACCOUNT,
    disposal=Disposal.ANONYMISE,
)
_REQUEST_COMMENT = PersonalData(
    category="service_request.comment",
    purpose="handle and decide the service request",
    classification=Classification.CONFIDENTIAL,
    retention=RetentionBasis.ACCOUNT,
    disposal=Disposal.ANONYMISE,
)
declare("governance", service_request, "title", _REQUEST_TEXT)
declare("governance", service_request, "description", _REQUEST_TEXT)

service_request_approval = Table(
    "service_request_approval",
    metadata,
    Column("request_id", Uuid, ForeignKey("service_request.id", ondelete="CASCADE"), primary_key=True),
    Column("approver_id", Uuid, ForeignKey("user_account.id", ondelete="RESTRICT"), primary_key=True),
    Column("level", Integer, nullable=False),
    Column("approved_at", DateTime(timezone=True), nullable=False),
    Column("comment", Text, nullable=False, server_default=text("''")),
)
declare("governance", service_request_approval, "comment", _REQUEST_COMMENT)

service_request_transition = Table(
    "service_request_transition",
    metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=True),
    Column("request_id", Uuid, ForeignKey("service_request.id", ondelete="CASCADE"), nullable=False),
    Column("from_status", Text, nullable=False),
    Column("to_status", Text, nullable=False),
    Column("actor_id", Uuid, ForeignKey("user_account.id", ondelete="RESTRICT"), nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("comment", Text, nullable=False, server_default=text("''")),
    Index("ix_service_request_transition_request_id", "request_id"),
)
declare("governance", service_request_transition, "comment", _REQUEST_COMMENT)

service_request_comment = Table(
    "service_request_comment",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("request_id", Uuid, ForeignKey("service_request.id", ondelete="CASCADE"), nullable=False),
    Column("author_id", Uuid, ForeignKey("user_account.id", ondelete="RESTRICT"), nullable=False),
    Column("body", Text, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Index("ix_service_request_comment_request_id", "request_id"),
)
declare("governance", service_request_comment, "body", _REQUEST_COMMENT)

approval_reminder = Table(
    "approval_reminder",
    metadata,
    Column("request_id", Uuid, ForeignKey("service_request.id", ondelete="CASCADE"), primary_key=True),
    Column("approver_id", Uuid, ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True),
    Column("level", Integer, nullable=False),
    Column("sent_at", DateTime(timezone=True), nullable=False),
    Column("reminders", Integer, nullable=False, server_default=text("1")),
)

# -- event feed and organisation webhooks (0033) -----------------------------------------------
event_feed_entry = Table(
    "event_feed_entry",
    metadata,
    Column("user_id", Uuid, ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True),
    Column("event_id", Uuid, primary_key=True),
    Column("type", Text, nullable=False),
    Column("occurred_at", DateTime(timezone=True), nullable=False),
    Column("data", JSONB, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Index("ix_event_feed_entry_user_id_occurred_at", "user_id", "occurred_at", "event_id"),
    comment="Each user's copy of the events that concern them (GET /me/events), from the outbox.",
)

webhook_endpoint = Table(
    "webhook_endpoint",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("organization_id", Uuid, ForeignKey("organization.id", ondelete="RESTRICT"), nullable=False),
    Column("url", Text, nullable=False),
    Column("description", Text),
    Column("event_types", ARRAY(Text), nullable=False, server_default=text("'{}'::text[]")),
    Column("signing_key_encrypted", Text, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("created_by", Uuid, ForeignKey("user_account.id", ondelete="SET NULL")),
    Index("ix_webhook_endpoint_organization_id", "organization_id"),
    comment="Organisations' webhook endpoints; the signing secret is field-encrypted.",
)
register_encrypted_column(EncryptedColumn("webhook_endpoint", "signing_key_encrypted"))

webhook_delivery = Table(
    "webhook_delivery",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("endpoint_id", Uuid, ForeignKey("webhook_endpoint.id", ondelete="CASCADE"), nullable=False),
    Column("event_id", Uuid, nullable=False),
    Column("event_type", Text, nullable=False),
    Column("body", Text, nullable=False),
    Column("status", Text, nullable=False),
    Column("attempts", Integer, nullable=False, server_default=text("0")),
    Column("next_attempt_at", DateTime(timezone=True)),
    Column("locked_until", DateTime(timezone=True)),
    Column("last_attempt_at", DateTime(timezone=True)),
    Column("last_status_code", Integer),
    Column("last_error", Text),
    Column("response_excerpt", Text),
    Column("delivered_at", DateTime(timezone=True)),
    Column("created_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("endpoint_id", "event_id", name="uq_webhook_delivery_endpoint_id_event_id"),
    CheckConstraint("status IN ('pending', 'delivered', 'failed')", name="status"),
    Index("ix_webhook_delivery_endpoint_id", "endpoint_id", "created_at"),
    Index("ix_webhook_delivery_due", "next_attempt_at", postgresql_where=text("status = 'pending'")),
    comment="One event for one webhook endpoint: its attempts and last outcome (the delivery log).",
)
