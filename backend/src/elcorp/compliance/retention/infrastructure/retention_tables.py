"""Tables of erasure, retention and legal holds (migration 0023_privacy_retention)."""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    DateTime,
    Index,
    Integer,
    Table,
    Text,
    UniqueConstraint,
    Uuid,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB

from elcorp.shared.domain.personal_data import Classification, Disposal, PersonalData, RetentionBasis
from elcorp.shared.infrastructure.db import metadata
from elcorp.shared.infrastructure.personal_data import declare
from elcorp.shared.security.encryption import EncryptedColumn, register_encrypted_column

retention_policy = Table(
    "retention_policy",
    metadata,
    Column("category", Text, primary_key=True),
    Column("description", Text, nullable=False),
    Column("period_days", Integer, nullable=False),
    Column("trigger", Text, nullable=False),
    Column("disposal", Text, nullable=False),
    Column("basis", Text, nullable=False),
    Column("legal_basis", Text, nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("updated_by", Uuid),
    comment="Retention policies per data category: period, trigger, disposal (compliance).",
)

legal_hold = Table(
    "legal_hold",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("subject_id", Uuid),
    Column("record_table", Text),
    Column("record_id", Text),
    Column("reason", Text, nullable=False),
    Column("placed_by", Uuid, nullable=False),
    Column("placed_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("released_at", DateTime(timezone=True)),
    Column("released_by", Uuid),
    Column("release_reason", Text),
    Index(
        "ix_legal_hold_active_record",
        "record_table",
        "record_id",
        postgresql_where=text("(released_at IS NULL) AND (record_table IS NOT NULL)"),
    ),
    Index(
        "ix_legal_hold_active_subject",
        "subject_id",
        postgresql_where=text("(released_at IS NULL) AND (subject_id IS NOT NULL)"),
    ),
    comment="Legal holds: an active hold blocks erasure and disposal of its subject or record.",
)

privacy_erasure = Table(
    "privacy_erasure",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("subject_id", Uuid, nullable=False, unique=True),
    Column("request_id", Uuid),
    Column("actor_id", Uuid, nullable=False),
    Column("erased_at", DateTime(timezone=True), nullable=False),
    Column("outcome", JSONB, nullable=False),
    comment="Erasures done (what was erased, what is kept and why; never personal values).",
)

# FIA 2012: what the Act requires to keep of an erased customer, encrypted (FieldCipher,
# rotated with the other encrypted columns) and read by no API; the row's deletion at its
# due date is the final disposal.
privacy_restricted_copy = Table(
    "privacy_restricted_copy",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("subject_id", Uuid, nullable=False),
    Column("basis", Text, nullable=False),
    Column("payload_encrypted", Text, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    UniqueConstraint("subject_id", "basis", name="uq_privacy_restricted_copy_subject_id_basis"),
    comment="FIA 2012: an erased customer's identification, encrypted and restricted; deleting the row is "
    "its final disposal.",
)
register_encrypted_column(EncryptedColumn("privacy_restricted_copy", "payload_encrypted"))
declare(
    "compliance",
    privacy_restricted_copy,
    "payload_encrypted",
    PersonalData(
        category="privacy.restricted_copy",
        purpose="Keep an erased customer's identification and transaction details for the "
        "Financial Intelligence Act 2012 (s26), restricted to that legal purpose",
        classification=Classification.RESTRICTED,
        retention=RetentionBasis.FIA_CUSTOMER,
        disposal=Disposal.CRYPTO_SHRED,
    ),
)

disposal_schedule = Table(
    "disposal_schedule",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("subject_id", Uuid, nullable=False),
    Column("category", Text, nullable=False),
    Column("basis", Text, nullable=False),
    Column("due_on", Date, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("disposed_at", DateTime(timezone=True)),
    Column("purge_run_id", Uuid),
    UniqueConstraint("subject_id", "category", name="uq_disposal_schedule_subject_id_category"),
    Index("ix_disposal_schedule_due", "due_on", postgresql_where=text("disposed_at IS NULL")),
    comment="Final disposal due per erased subject and data category.",
)

purge_run = Table(
    "purge_run",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("dry_run", Boolean, nullable=False),
    Column("triggered_by", Text, nullable=False),
    Column("started_at", DateTime(timezone=True), nullable=False),
    Column("finished_at", DateTime(timezone=True), nullable=False),
    Column("items", JSONB, nullable=False),
    Column("total", Integer, nullable=False),
    Index("ix_purge_run_started_at", "started_at"),
    comment="Evidence of each purge: per policy, what was (or would be) disposed of and how many.",
)
