"""Gap-free document numbers from the `document_counter` row of the series (migration 0014)."""

from __future__ import annotations

import uuid

from sqlalchemy import BigInteger, CheckConstraint, Column, Integer, Table, Text, Uuid, text
from sqlalchemy.orm import Session

from elcorp.shared.infrastructure.db import metadata

document_counter = Table(
    "document_counter",
    metadata,
    Column("issuer_id", Uuid, primary_key=True),
    Column("series", Text, primary_key=True),
    Column("year", Integer, primary_key=True),
    Column("last", BigInteger, nullable=False),
    CheckConstraint("series IN ('INV', 'RCT', 'CRN')", name="series"),
    CheckConstraint("year BETWEEN 2000 AND 9999", name="year"),
    CheckConstraint("last >= 1", name="last"),
    comment="Payments: the last document number given per issuer, series and year (gap-free, never reused).",
)

NEXT = text(
    """
    INSERT INTO document_counter (issuer_id, series, year, last) VALUES (:issuer, :series, :year, 1)
    ON CONFLICT (issuer_id, series, year) DO UPDATE SET last = document_counter.last + 1
    RETURNING last
    """
)


class SqlDocumentNumbers:
    """In the unit of work's transaction: the counter row stays locked until it ends."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def next(self, issuer_id: uuid.UUID, series: str, year: int) -> int:
        number: int = self._session.execute(
            NEXT, {"issuer": issuer_id, "series": series, "year": year}
        ).scalar_one()
        return number
