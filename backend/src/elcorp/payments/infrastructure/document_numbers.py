"""Gap-free document numbers from the `document_counter` row of the series (migration 0014)."""

from __future__ import annotations

import uuid

from sqlalchemy import text
from sqlalchemy.orm import Session

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
