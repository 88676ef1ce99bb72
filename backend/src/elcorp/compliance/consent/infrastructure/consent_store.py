"""PostgreSQL adapter of the consent ledger (migration 0021_privacy_consent: records are
append-only, a trigger refuses UPDATE and DELETE; the one change allowed is clearing a
record's network evidence, ip and user agent, when it falls due for disposal)."""

from __future__ import annotations

import uuid
from typing import Any, Self

from sqlalchemy import (
    BigInteger,
    Column,
    DateTime,
    ForeignKey,
    Identity,
    Index,
    Integer,
    Row,
    Table,
    Text,
    UniqueConstraint,
    Uuid,
    func,
    or_,
    select,
    text,
    update,
)
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.orm import Session

from elcorp.compliance.consent.application.consent_ports import NewConsentRecord
from elcorp.compliance.consent.domain.consent import Channel, ConsentAction, ConsentRecord, Purpose
from elcorp.compliance.consent.infrastructure.notices_store import SqlNotices
from elcorp.shared.domain.personal_data import Classification, Disposal, PersonalData, RetentionBasis
from elcorp.shared.infrastructure.db import metadata
from elcorp.shared.infrastructure.personal_data import declare
from elcorp.shared.infrastructure.unit_of_work import SqlAlchemyUnitOfWork

CONTEXT = "compliance"
PROOF = "proof of consent given or withdrawn (POPIA s11(1)(a), s11(2)(a)), ISO/IEC TS 27560 record"

consent_record = Table(
    "consent_record",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("seq", BigInteger, Identity(always=True), nullable=False, unique=True),
    Column("subject_id", Uuid, ForeignKey("user_account.id", ondelete="RESTRICT"), nullable=False),
    Column("purpose", Text, nullable=False),
    Column(
        "notice_version", Integer, ForeignKey("privacy_notice.version", ondelete="RESTRICT"), nullable=False
    ),
    Column("action", Text, nullable=False),
    Column("channel", Text, nullable=False),
    Column("recorded_at", DateTime(timezone=True), nullable=False, server_default=text("clock_timestamp()")),
    Column("actor_id", Uuid, ForeignKey("user_account.id", ondelete="RESTRICT")),
    Column("ip", Text),
    Column("user_agent", Text),
    Column("source_event_id", Uuid),
    UniqueConstraint("source_event_id", "purpose", name="uq_consent_record_source_event_id"),
    Index("ix_consent_record_purpose", "purpose", "subject_id", text("recorded_at DESC"), text("seq DESC")),
    Index("ix_consent_record_subject", "subject_id", "purpose", "recorded_at", "seq"),
    comment="Compliance: the append-only consent ledger (POPIA s11(1)(a), ISO/IEC TS 27560); latest record "
    "per subject and purpose is its state.",
)
declare(
    CONTEXT,
    consent_record,
    "subject_id",
    PersonalData(
        "user.consent.subject",
        PROOF,
        Classification.CONFIDENTIAL,
        RetentionBasis.CONSENT,
        # The record is kept as the proof s11(2)(a) asks of the responsible party; once the
        # account is erased the id points at no readable person (a pseudonym).
        Disposal.PSEUDONYMISE,
    ),
)
declare(
    CONTEXT,
    consent_record,
    "ip",
    PersonalData(
        "user.consent.ip_address",
        PROOF + ": where the consent came from",
        Classification.CONFIDENTIAL,
        RetentionBasis.CONSENT,
        Disposal.DELETE,
    ),
)
declare(
    CONTEXT,
    consent_record,
    "user_agent",
    PersonalData(
        "user.consent.user_agent",
        PROOF + ": the device it came from",
        Classification.INTERNAL,
        RetentionBasis.CONSENT,
        Disposal.DELETE,
    ),
)

_COLUMNS = [c for c in consent_record.c if c.name not in ("seq", "source_event_id")]


def _record(row: Row[Any]) -> ConsentRecord:
    return ConsentRecord(
        id=row.id,
        subject_id=row.subject_id,
        purpose=Purpose(row.purpose),
        notice_version=row.notice_version,
        action=ConsentAction(row.action),
        channel=Channel(row.channel),
        recorded_at=row.recorded_at,
        actor_id=row.actor_id,
        ip=row.ip,
        user_agent=row.user_agent,
    )


class SqlConsentRecords:
    def __init__(self, session: Session) -> None:
        self._session = session

    def append(self, record: NewConsentRecord) -> ConsentRecord | None:
        row = self._session.execute(
            pg_insert(consent_record)
            .values(
                id=record.id,
                subject_id=record.subject_id,
                purpose=record.purpose.value,
                notice_version=record.notice_version,
                action=record.action.value,
                channel=record.channel.value,
                recorded_at=record.recorded_at or func.clock_timestamp(),
                actor_id=record.actor_id,
                ip=record.ip,
                user_agent=record.user_agent,
                source_event_id=record.source_event_id,
            )
            .on_conflict_do_nothing(index_elements=["source_event_id", "purpose"])
            .returning(*_COLUMNS)
        ).first()
        return None if row is None else _record(row)

    def of_subject(self, subject_id: uuid.UUID, *, lock: bool = False) -> list[ConsentRecord]:
        if lock:
            self._session.execute(
                text("SELECT pg_advisory_xact_lock(hashtextextended('consent:' || :subject, 0))"),
                {"subject": str(subject_id)},
            )
        rows = self._session.execute(
            select(*_COLUMNS)
            .where(consent_record.c.subject_id == subject_id)
            .order_by(consent_record.c.recorded_at, consent_record.c.seq)
        ).all()
        return [_record(r) for r in rows]

    def record(self, record_id: uuid.UUID) -> ConsentRecord | None:
        row = self._session.execute(select(*_COLUMNS).where(consent_record.c.id == record_id)).first()
        return None if row is None else _record(row)

    def clear_evidence(self, subject_id: uuid.UUID) -> int:
        # The one UPDATE the append-only trigger lets through.
        cleared = self._session.execute(
            update(consent_record)
            .where(
                consent_record.c.subject_id == subject_id,
                or_(consent_record.c.ip.is_not(None), consent_record.c.user_agent.is_not(None)),
            )
            .values(ip=None, user_agent=None)
        )
        return int(cleared.rowcount)  # type: ignore[attr-defined]

    def granted_now(self, purpose: Purpose, *, after: uuid.UUID | None, limit: int) -> list[uuid.UUID]:
        rows: list[uuid.UUID] = list(
            self._session.execute(
                text(
                    """
                SELECT subject_id FROM (
                    SELECT DISTINCT ON (subject_id) subject_id, action
                    FROM consent_record
                    WHERE purpose = :purpose AND (CAST(:after AS uuid) IS NULL OR subject_id > :after)
                    ORDER BY subject_id, recorded_at DESC, seq DESC
                ) latest
                WHERE action = 'granted'
                ORDER BY subject_id
                LIMIT :limit
                """
                ),
                {"purpose": purpose.value, "after": None if after is None else str(after), "limit": limit},
            ).scalars()
        )
        return rows


class SqlConsentUnitOfWork(SqlAlchemyUnitOfWork):
    notices: SqlNotices
    consents: SqlConsentRecords

    def __enter__(self) -> Self:
        super().__enter__()
        self.notices = SqlNotices(self.session)
        self.consents = SqlConsentRecords(self.session)
        return self
