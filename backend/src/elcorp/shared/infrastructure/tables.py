"""Kernel tables: the transactional outbox and the append-only audit log."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    Table,
    Text,
    Uuid,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB

from elcorp.shared.domain.personal_data import Classification, Disposal, PersonalData, RetentionBasis
from elcorp.shared.infrastructure.db import metadata
from elcorp.shared.infrastructure.personal_data import declare

outbox_message = Table(
    "outbox_message",
    metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=True),
    Column("event_id", Uuid, nullable=False, unique=True),
    Column("event_type", Text, nullable=False),
    Column("payload", JSONB, nullable=False),
    Column("occurred_at", DateTime(timezone=True), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("available_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("attempts", Integer, nullable=False, server_default=text("0")),
    Column("last_error", Text),
    Column("dispatched_at", DateTime(timezone=True)),
    Column("failed_at", DateTime(timezone=True)),
    Index(
        "ix_outbox_message_pending",
        "available_at",
        "id",
        postgresql_where=text("dispatched_at IS NULL AND failed_at IS NULL"),
    ),
    comment="Transactional outbox: events stored with the change that raised them.",
)

# One row per (message, subscriber), written when the dispatcher fans a message out (its
# `dispatched_at` then means "fanned out"). Each delivery is retried and parked on its own;
# `locked_until` is the lease of the dispatcher running it (no row lock is held meanwhile).
outbox_delivery = Table(
    "outbox_delivery",
    metadata,
    Column(
        "message_id",
        BigInteger,
        ForeignKey("outbox_message.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("subscriber", Text, primary_key=True),
    Column("attempts", Integer, nullable=False, server_default=text("0")),
    Column("next_attempt_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("locked_until", DateTime(timezone=True)),
    Column("delivered_at", DateTime(timezone=True)),
    Column("failed_at", DateTime(timezone=True)),
    Column("last_error", Text),
    Index(
        "ix_outbox_delivery_due",
        "next_attempt_at",
        "message_id",
        postgresql_where=text("delivered_at IS NULL AND failed_at IS NULL"),
    ),
    Index(
        "ix_outbox_delivery_parked",
        "failed_at",
        postgresql_where=text("failed_at IS NOT NULL"),
    ),
    comment="One delivery of an outbox event to one subscriber, retried and parked on its own.",
)

# Partitioned by month on occurred_at (migration 0003), hence the two-column primary key,
# which also serves time ranges and the newest-first listing (migration 0009).
# `entry` is the whole entry as RFC 8785 canonical JSON, the bytes the chain hashes
# (migration 0009); the other columns repeat some of its fields so they can be searched.
audit_log = Table(
    "audit_log",
    metadata,
    Column("occurred_at", DateTime(timezone=True), primary_key=True),  # primary key (occurred_at, id)
    Column("id", Uuid, primary_key=True),
    Column("action", Text, nullable=False),
    Column("actor_id", Text, nullable=False),
    Column("resource_type", Text, nullable=False),
    Column("resource_id", Text),
    Column("request_id", Text),
    Column(
        "entry",
        Text,
        nullable=False,
        comment="The whole entry as RFC 8785 canonical JSON: the bytes the audit chain hashes.",
    ),
    # The inserting transaction (xid8): the audit sequencer's watermark (migration 0006).
    Column("txid", Text, nullable=False, server_default=text("pg_current_xact_id()")),
    Index("ix_audit_log_resource", "resource_type", "resource_id"),
    Index("ix_audit_log_actor_id", "actor_id"),
    Index("ix_audit_log_request_id", "request_id"),
    Index("ix_audit_log_sequencer_order", "txid", "occurred_at", "id"),
    comment="Append-only audit trail, one partition per month; UPDATE, DELETE and TRUNCATE are refused.",
    postgresql_partition_by="RANGE (occurred_at)",
)
# Personal information (POPIA s17): the audit trail says who did what, from where (the entry
# holds the actor's IP address and user agent). It must stay verifiable, so it is never
# altered: it references people by id only, which erasure turns into a pseudonym.
AUDIT_ACTOR = PersonalData(
    category="audit.trail.actor",
    purpose="accountability: who did what (POPIA s8, s19; FIA 2012)",
    classification=Classification.INTERNAL,
    retention=RetentionBasis.AUDIT,
    disposal=Disposal.PSEUDONYMISE,
)
_AUDIT_ENTRY = PersonalData(
    category="audit.trail.entry",
    purpose="accountability: what was done, when and from where (IP address, user agent)",
    classification=Classification.CONFIDENTIAL,
    retention=RetentionBasis.AUDIT,
    disposal=Disposal.PSEUDONYMISE,
)
declare("shared", audit_log, "actor_id", AUDIT_ACTOR)
declare("shared", audit_log, "entry", _AUDIT_ENTRY)
