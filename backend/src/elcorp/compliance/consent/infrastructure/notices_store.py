"""PostgreSQL adapter of the privacy notices (migration 0021_privacy_consent: a published
version is refused any UPDATE or DELETE by a trigger)."""

from __future__ import annotations

import json
import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import Column, DateTime, ForeignKey, Integer, Row, Table, Text, Uuid, func, select, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Session

from elcorp.compliance.consent.domain.notices import NoticeContent, PrivacyNotice
from elcorp.shared.infrastructure.db import metadata

# The s18 fields live in `content` (JSON): a notice is read and cited whole, never queried
# by its parts, and no column holds anyone's personal information.
privacy_notice = Table(
    "privacy_notice",
    metadata,
    Column("version", Integer, primary_key=True, autoincrement=False),
    Column("language", Text, nullable=False),
    Column("content", JSONB, nullable=False),
    Column("sha256", Text, nullable=False),
    Column("published_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("published_by", Uuid, ForeignKey("user_account.id", ondelete="RESTRICT")),
    comment="Compliance: published privacy notices (POPIA s18), one row per version; never changed.",
)


def _notice(row: Row[Any]) -> PrivacyNotice:
    return PrivacyNotice(
        version=row.version,
        content=NoticeContent.from_json(row.content),
        published_at=row.published_at,
        published_by=row.published_by,
        sha256=row.sha256,
    )


class SqlNotices:
    def __init__(self, session: Session) -> None:
        self._session = session

    def current(self) -> PrivacyNotice | None:
        row = self._session.execute(
            select(privacy_notice).order_by(privacy_notice.c.version.desc()).limit(1)
        ).first()
        return None if row is None else _notice(row)

    def version(self, version: int) -> PrivacyNotice | None:
        row = self._session.execute(select(privacy_notice).where(privacy_notice.c.version == version)).first()
        return None if row is None else _notice(row)

    def all(self) -> list[PrivacyNotice]:
        rows = self._session.execute(select(privacy_notice).order_by(privacy_notice.c.version.desc())).all()
        return [_notice(r) for r in rows]

    def in_force_at(self, moment: datetime) -> PrivacyNotice | None:
        row = self._session.execute(
            select(privacy_notice)
            .where(privacy_notice.c.published_at <= moment)
            .order_by(privacy_notice.c.version.desc())
            .limit(1)
        ).first()
        return None if row is None else _notice(row)

    def publish(self, content: NoticeContent, sha256: str, published_by: uuid.UUID) -> PrivacyNotice:
        # Publications are serialised (the lock conflicts with itself, not with readers), so
        # two at once get versions n+1 and n+2, never the same number.
        self._session.execute(text("LOCK TABLE privacy_notice IN SHARE ROW EXCLUSIVE MODE"))
        row = self._session.execute(
            text(
                "INSERT INTO privacy_notice (version, language, content, sha256, published_at, published_by) "
                "SELECT coalesce(max(version), 0) + 1, :language, CAST(:content AS jsonb), :sha256, "
                "clock_timestamp(), :by FROM privacy_notice "
                "RETURNING version, language, content, sha256, published_at, published_by"
            ),
            {
                "language": content.language,
                "content": json.dumps(content.as_json(), ensure_ascii=False),
                "sha256": sha256,
                "by": published_by,
            },
        ).one()
        return _notice(row)
