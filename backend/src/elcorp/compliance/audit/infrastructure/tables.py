"""Compliance tables: the audit chain and its signed checkpoints (audit_log itself is the
kernel's, written through the audit port)."""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, Date, DateTime, Index, SmallInteger, Table, Text, Uuid, func, text
from sqlalchemy.dialects.postgresql import ARRAY, JSONB

from elcorp.shared.domain.personal_data import Classification, Disposal, PersonalData, RetentionBasis
from elcorp.shared.infrastructure.db import metadata
from elcorp.shared.infrastructure.personal_data import declare

audit_chain = Table(
    "audit_chain",
    metadata,
    Column("seq", BigInteger, primary_key=True, autoincrement=False),
    Column("entry_id", Uuid, nullable=False, unique=True),
    Column("entry_occurred_at", DateTime(timezone=True), nullable=False),
    Column("hash", Text, nullable=False),
    Column("sequenced_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Index("ix_audit_chain_entry_occurred_at", "entry_occurred_at"),
    comment="The sequencer's record: gap-free sequence and SHA-256 chain over audit_log entries.",
)

# One row: every audit entry inserted by a transaction below low_xid is chained (or was
# rolled back). Updated by the sequencer only.
audit_sequencer_state = Table(
    "audit_sequencer_state",
    metadata,
    Column("id", SmallInteger, primary_key=True, autoincrement=False),
    Column("low_xid", Text, nullable=False),  # xid8, read and written as text
)

audit_checkpoint = Table(
    "audit_checkpoint",
    metadata,
    Column("size", BigInteger, primary_key=True, autoincrement=False),
    Column("head_hash", Text, nullable=False),
    Column("signed_at", DateTime(timezone=True), nullable=False),
    Column("key_id", Text, nullable=False),
    Column("signature", Text, nullable=False),
    comment="Ed25519-signed {size, head_hash, timestamp} statements over the audit chain.",
)

audit_export = Table(
    "audit_export",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("requested_by", Text, nullable=False),
    Column("format", Text, nullable=False),
    Column("manifest", JSONB, nullable=False),
    Column("completed_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    comment="Manifests of completed audit exports (append-only).",
)
# Who exported the audit trail (a user id): part of the audit trail.
declare(
    "compliance",
    audit_export,
    "requested_by",
    PersonalData(
        category="audit.trail.actor",
        purpose="accountability: who did what (POPIA s8, s19; FIA 2012)",
        classification=Classification.INTERNAL,
        retention=RetentionBasis.AUDIT,
        disposal=Disposal.PSEUDONYMISE,
    ),
)

audit_archive = Table(
    "audit_archive",
    metadata,
    Column("first_seq", BigInteger, primary_key=True, autoincrement=False),
    Column("last_seq", BigInteger, nullable=False),
    Column("before_month", Date, nullable=False),
    Column("file_name", Text, nullable=False),
    Column("data_sha256", Text, nullable=False),
    Column("manifest", JSONB, nullable=False),
    Column("detached_partitions", ARRAY(Text), nullable=False, server_default=text("'{}'")),
    Column("archived_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    comment="Archived runs of the audit chain (append-only).",
)
