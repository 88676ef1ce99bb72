"""Data-subject requests in PostgreSQL: the `privacy_request` table (migration 0022), its
mapper and store, and the unit of work of the request use cases."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime
from typing import Any, Self

from sqlalchemy import (
    CheckConstraint,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    Table,
    Text,
    Uuid,
    case,
    delete,
    func,
    insert,
    select,
    text,
    update,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from elcorp.compliance.privacy.application.privacy_requests import RequestQuery
from elcorp.compliance.privacy.domain.privacy_requests import (
    OPEN,
    CorrectableField,
    Correction,
    PrivacyRequest,
    RequestAlreadyOpen,
    RequestStatus,
    RequestType,
    Verification,
    VerificationMethod,
)
from elcorp.compliance.privacy.infrastructure.access_bundle import SqlAccessBundleStore, privacy_access_bundle
from elcorp.compliance.privacy.infrastructure.privacy_register import processing_activity
from elcorp.shared.domain.personal_data import Classification, Disposal, PersonalData, RetentionBasis
from elcorp.shared.infrastructure.db import metadata
from elcorp.shared.infrastructure.personal_data import INFO_KEY, declare
from elcorp.shared.infrastructure.unit_of_work import SqlAlchemyUnitOfWork

privacy_request = Table(
    "privacy_request",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("subject_id", Uuid, ForeignKey("user_account.id", ondelete="RESTRICT"), nullable=False),
    Column("type", Text, nullable=False),
    Column("status", Text, nullable=False),
    Column("details", Text),
    Column("correction_field", Text),
    Column("correction_value", Text),
    # [{method, passed, verified_by, verified_at, note}], oldest first.
    Column("verifications", JSONB, nullable=False, server_default=text("'[]'::jsonb")),
    Column("assignee_id", Uuid, ForeignKey("user_account.id", ondelete="SET NULL")),
    Column("received_at", DateTime(timezone=True), nullable=False),
    Column("due_at", DateTime(timezone=True), nullable=False),
    Column("started_at", DateTime(timezone=True)),
    Column("extension_days", Integer),
    Column("extension_reason", Text),
    Column("extended_at", DateTime(timezone=True)),
    Column("closed_at", DateTime(timezone=True)),
    Column("closed_by", Uuid),
    Column("resolution", Text),
    Column("legal_ground", Text),
    Column("dispute", JSONB),
    Column("outcome", JSONB),
    Column("notifications", JSONB, nullable=False, server_default=text("'[]'::jsonb")),
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    CheckConstraint(
        "type IN ('access', 'correction', 'erasure', 'objection', 'marketing_opt_out')", name="type"
    ),
    CheckConstraint(
        "status IN ('received', 'verifying', 'in_progress', 'extended', 'completed', 'refused')",
        name="status",
    ),
    CheckConstraint("extension_days IS NULL OR extension_days BETWEEN 1 AND 30", name="extension_days"),
    CheckConstraint(
        "(type = 'correction') = (correction_field IS NOT NULL AND correction_value IS NOT NULL)",
        name="correction",
    ),
    CheckConstraint(
        "status <> 'refused' OR (resolution IS NOT NULL AND legal_ground IS NOT NULL)", name="refusal"
    ),
    Index("ix_privacy_request_subject_id", "subject_id", "received_at"),
    Index("ix_privacy_request_queue", "status", "due_at"),
    # One open access, erasure or objection request per subject at a time.
    Index(
        "uq_privacy_request_open",
        "subject_id",
        "type",
        unique=True,
        postgresql_where=text(
            "status IN ('received', 'verifying', 'in_progress', 'extended') "
            "AND type IN ('access', 'erasure', 'objection')"
        ),
    ),
    comment="Data-subject requests (POPIA s23-s25, s11(3), s69) and how each was answered.",
)
ERASED = "[erased]"
_REQUEST_HANDLING = "Answering the data subject's own request (POPIA s23-s25)"
declare(
    "compliance",
    privacy_request,
    "details",
    PersonalData(
        "privacy_request.details",
        _REQUEST_HANDLING,
        Classification.CONFIDENTIAL,
        RetentionBasis.ACCOUNT,
        Disposal.ANONYMISE,
    ),
)
declare(
    "compliance",
    privacy_request,
    "correction_value",
    PersonalData(
        "privacy_request.correction",
        _REQUEST_HANDLING,
        Classification.CONFIDENTIAL,
        RetentionBasis.ACCOUNT,
        Disposal.ANONYMISE,
    ),
)
declare(
    "compliance",
    privacy_request,
    "dispute",
    PersonalData(
        "privacy_request.correction",
        "Indicating that a correction was requested but not made (POPIA s24(3))",
        Classification.CONFIDENTIAL,
        RetentionBasis.ACCOUNT,
        Disposal.ANONYMISE,
    ),
)

_FIELDS = (
    "id",
    "subject_id",
    "type",
    "status",
    "details",
    "assignee_id",
    "received_at",
    "due_at",
    "started_at",
    "extension_days",
    "extension_reason",
    "extended_at",
    "closed_at",
    "closed_by",
    "resolution",
    "legal_ground",
    "dispute",
    "outcome",
    "notifications",
)


def _verification_json(v: Verification) -> dict[str, Any]:
    return {
        "method": v.method.value,
        "passed": v.passed,
        "verified_by": str(v.verified_by),
        "verified_at": v.verified_at.isoformat(),
        "note": v.note,
    }


def _verification(raw: dict[str, Any]) -> Verification:
    return Verification(
        VerificationMethod(raw["method"]),
        bool(raw["passed"]),
        uuid.UUID(raw["verified_by"]),
        datetime.fromisoformat(raw["verified_at"]),
        raw.get("note"),
    )


def to_request(row: Any) -> PrivacyRequest:
    values = {name: getattr(row, name) for name in _FIELDS}
    values["type"] = RequestType(row.type)
    values["status"] = RequestStatus(row.status)
    values["notifications"] = list(row.notifications or [])
    correction = (
        Correction(CorrectableField(row.correction_field), row.correction_value)
        if row.correction_field is not None
        else None
    )
    return PrivacyRequest(
        **values, correction=correction, verifications=[_verification(v) for v in row.verifications]
    )


def to_row(request: PrivacyRequest) -> dict[str, Any]:
    values: dict[str, Any] = {name: getattr(request, name) for name in _FIELDS}
    values["type"] = request.type.value
    values["status"] = request.status.value
    values["correction_field"] = request.correction.field.value if request.correction else None
    values["correction_value"] = request.correction.value if request.correction else None
    values["verifications"] = [_verification_json(v) for v in request.verifications]
    return values


class SqlPrivacyRequestStore:
    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, request: PrivacyRequest) -> None:
        try:
            with self._session.begin_nested():
                self._session.execute(insert(privacy_request).values(**to_row(request)))
        except IntegrityError as exc:
            if "uq_privacy_request_open" in str(exc.orig):
                raise RequestAlreadyOpen(details={"type": request.type.value}) from None
            raise

    def save(self, request: PrivacyRequest) -> None:
        values = to_row(request)
        values.pop("id")
        self._session.execute(
            update(privacy_request)
            .where(privacy_request.c.id == request.id)
            .values(**values, updated_at=func.now())
        )

    def get(self, request_id: uuid.UUID, *, for_update: bool = False) -> PrivacyRequest | None:
        query = select(privacy_request).where(privacy_request.c.id == request_id)
        if for_update:
            query = query.with_for_update()
        row = self._session.execute(query).one_or_none()
        return None if row is None else to_request(row)

    def open_of(self, subject_id: uuid.UUID, type: RequestType) -> PrivacyRequest | None:
        row = self._session.execute(
            select(privacy_request)
            .where(
                privacy_request.c.subject_id == subject_id,
                privacy_request.c.type == type.value,
                privacy_request.c.status.in_([s.value for s in OPEN]),
            )
            .limit(1)
        ).one_or_none()
        return None if row is None else to_request(row)

    def of_subject(self, subject_id: uuid.UUID) -> list[PrivacyRequest]:
        rows = self._session.execute(
            select(privacy_request)
            .where(privacy_request.c.subject_id == subject_id)
            .order_by(privacy_request.c.received_at.desc(), privacy_request.c.id)
        ).all()
        return [to_request(r) for r in rows]

    def erase_personal_data(self, subject_id: uuid.UUID) -> dict[str, int]:
        """The erasure of the subject's own request records: their words, corrected values
        and dispute values anonymised, their access bundles deleted. The requests stay (the
        record of how each was answered, POPIA s8), by id and state only."""
        bundles = self._session.execute(
            delete(privacy_access_bundle).where(privacy_access_bundle.c.subject_id == subject_id)
        ).rowcount  # type: ignore[attr-defined]
        mine = privacy_request.c.subject_id == subject_id
        details = self._session.execute(
            update(privacy_request)
            .where(mine, privacy_request.c.details.is_not(None))
            .values(details=None, updated_at=func.now())
        ).rowcount  # type: ignore[attr-defined]
        corrections = self._session.execute(
            update(privacy_request)
            .where(mine, privacy_request.c.correction_value.is_not(None))
            .values(
                correction_value=ERASED,
                dispute=case(
                    (
                        privacy_request.c.dispute.is_not(None),
                        privacy_request.c.dispute.op("||")(
                            func.jsonb_build_object("requested_value", ERASED)
                        ),
                    ),
                    else_=None,
                ),
                updated_at=func.now(),
            )
        ).rowcount  # type: ignore[attr-defined]
        return {
            "privacy_request.access_bundle": int(bundles),
            "privacy_request.details": int(details),
            "privacy_request.correction": int(corrections),
        }

    def search(self, query: RequestQuery, now: datetime) -> tuple[list[PrivacyRequest], int]:
        conditions: list[Any] = []
        if query.status is not None:
            conditions.append(privacy_request.c.status == query.status.value)
        if query.type is not None:
            conditions.append(privacy_request.c.type == query.type.value)
        if query.assignee_id is not None:
            conditions.append(privacy_request.c.assignee_id == query.assignee_id)
        if query.overdue is not None:
            late = privacy_request.c.status.in_([s.value for s in OPEN]) & (privacy_request.c.due_at < now)
            conditions.append(late if query.overdue else ~late)
        total = self._session.execute(
            select(func.count()).select_from(privacy_request).where(*conditions)
        ).scalar_one()
        rows = self._session.execute(
            select(privacy_request)
            .where(*conditions)
            .order_by(privacy_request.c.due_at, privacy_request.c.id)
            .offset(query.page.offset)
            .limit(query.page.per_page)
        ).all()
        return [to_request(r) for r in rows], int(total)


class SqlPrivacyRequestsUnitOfWork(SqlAlchemyUnitOfWork):
    requests: SqlPrivacyRequestStore
    bundles: SqlAccessBundleStore

    def __enter__(self) -> Self:
        super().__enter__()
        self.requests = SqlPrivacyRequestStore(self.session)
        self.bundles = SqlAccessBundleStore(self.session)
        return self


# The identity column behind each correctable field (its declaration names the category).
CORRECTED_COLUMNS = {
    "full_name": ("user_account", "full_name"),
    "email": ("user_account", "email"),
    "phone": ("user_account", "phone_encrypted"),
    "organization": ("user_account", "organization"),
}


class SqlCorrectionRecipients:
    """POPIA s24(4): the recipients and operators the processing register lists for the
    category of a corrected field (active activities only), by name and role."""

    def __init__(self, session_factory: Callable[[], Session]) -> None:
        self._sessions = session_factory

    @staticmethod
    def category_of(field: str) -> str | None:
        if field not in CORRECTED_COLUMNS:
            return None
        table, column = CORRECTED_COLUMNS[field]
        found = metadata.tables.get(table)
        if found is None or column not in found.c:
            return None
        declared = found.c[column].info.get(INFO_KEY)
        return None if declared is None else str(declared.data.category)

    def recipients_of(self, field: str) -> list[str]:
        category = self.category_of(field)
        if category is None:
            return []
        with self._sessions() as session:
            rows: list[list[dict[str, Any]]] = list(
                session.execute(
                    select(processing_activity.c.recipients).where(
                        processing_activity.c.categories.contains([category]),
                        processing_activity.c.status == "active",
                    )
                ).scalars()
            )
            names = {f"{r['name']} ({r.get('role', 'recipient')})" for recipients in rows for r in recipients}
        return sorted(names)
