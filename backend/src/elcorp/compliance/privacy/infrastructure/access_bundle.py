"""Access bundles in PostgreSQL (migration 0022): one per access request, the exact bytes
served to the subject and their SHA-256."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import (
    CheckConstraint,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    Table,
    Text,
    Uuid,
    delete,
    select,
    text,
    update,
)
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.orm import Session

from elcorp.compliance.privacy.application.access_bundle import BundleState, StoredBundle
from elcorp.shared.domain.personal_data import Classification, Disposal, PersonalData, RetentionBasis
from elcorp.shared.infrastructure.db import metadata
from elcorp.shared.infrastructure.personal_data import declare

privacy_access_bundle = Table(
    "privacy_access_bundle",
    metadata,
    Column("request_id", Uuid, ForeignKey("privacy_request.id", ondelete="CASCADE"), primary_key=True),
    Column("subject_id", Uuid, nullable=False),
    Column("status", Text, nullable=False),  # pending | ready
    Column("requested_at", DateTime(timezone=True), nullable=False),
    Column("content", LargeBinary),  # UTF-8 JSON, exactly as served
    Column("sha256", Text),  # hex of the SHA-256 of content
    Column("size", Integer),
    Column("built_at", DateTime(timezone=True)),
    Column("expires_at", DateTime(timezone=True)),  # the purge removes it afterwards
    CheckConstraint("status IN ('pending', 'ready')", name="status"),
    CheckConstraint(
        "(status = 'ready') = (content IS NOT NULL AND sha256 IS NOT NULL AND built_at IS NOT NULL)",
        name="ready",
    ),
    Index("ix_privacy_access_bundle_pending", "requested_at", postgresql_where=text("status = 'pending'")),
    comment="Access bundles (POPIA s23): everything held about a subject, as served to them.",
)
declare(
    "compliance",
    privacy_access_bundle,
    "content",
    PersonalData(
        "privacy_request.access_bundle",
        "Giving the data subject a copy of their personal information (POPIA s23)",
        Classification.RESTRICTED,
        RetentionBasis.ACCOUNT,
        Disposal.DELETE,
    ),
)


def _stored(row: Any) -> StoredBundle:
    return StoredBundle(
        request_id=row.request_id,
        subject_id=row.subject_id,
        status=row.status,
        requested_at=row.requested_at,
        content=None if row.content is None else bytes(row.content),
        sha256=row.sha256,
        built_at=row.built_at,
        expires_at=row.expires_at,
    )


class SqlAccessBundleStore:
    def __init__(self, session: Session) -> None:
        self._session = session

    def request(self, request_id: uuid.UUID, subject_id: uuid.UUID, at: datetime) -> None:
        """Ask for a (re)build: pending again, the previous content dropped."""
        statement = pg_insert(privacy_access_bundle).values(
            request_id=request_id, subject_id=subject_id, status="pending", requested_at=at
        )
        self._session.execute(
            statement.on_conflict_do_update(
                index_elements=[privacy_access_bundle.c.request_id],
                set_={
                    "status": "pending",
                    "requested_at": at,
                    "content": None,
                    "sha256": None,
                    "size": None,
                    "built_at": None,
                    "expires_at": None,
                },
            )
        )

    def get(self, request_id: uuid.UUID, *, for_update: bool = False) -> StoredBundle | None:
        query = select(privacy_access_bundle).where(privacy_access_bundle.c.request_id == request_id)
        if for_update:
            query = query.with_for_update()
        row = self._session.execute(query).one_or_none()
        return None if row is None else _stored(row)

    def states(self, request_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, BundleState]:
        if not request_ids:
            return {}
        t = privacy_access_bundle
        rows = self._session.execute(
            select(t.c.request_id, t.c.status, t.c.expires_at).where(t.c.request_id.in_(list(request_ids)))
        ).all()
        return {r.request_id: BundleState(r.status, r.expires_at) for r in rows}

    def pending(self, limit: int) -> list[uuid.UUID]:
        return list(
            self._session.execute(
                select(privacy_access_bundle.c.request_id)
                .where(privacy_access_bundle.c.status == "pending")
                .order_by(privacy_access_bundle.c.requested_at)
                .limit(limit)
            ).scalars()
        )

    def delete_expired(self, now: datetime) -> int:
        result = self._session.execute(
            delete(privacy_access_bundle).where(
                privacy_access_bundle.c.status == "ready", privacy_access_bundle.c.expires_at <= now
            )
        )
        return int(result.rowcount)  # type: ignore[attr-defined]

    def store(
        self, request_id: uuid.UUID, content: bytes, sha256: str, built_at: datetime, expires_at: datetime
    ) -> None:
        self._session.execute(
            update(privacy_access_bundle)
            .where(privacy_access_bundle.c.request_id == request_id)
            .values(
                status="ready",
                content=content,
                sha256=sha256,
                size=len(content),
                built_at=built_at,
                expires_at=expires_at,
            )
        )
