"""SQLAlchemy unit of work: one session, one transaction, events into the outbox on commit."""

from __future__ import annotations

from collections.abc import Callable
from types import TracebackType
from typing import Self

from sqlalchemy import insert
from sqlalchemy.orm import Session

from elcorp.shared.domain.events import DomainEvent
from elcorp.shared.infrastructure.audit import SqlAuditLog
from elcorp.shared.infrastructure.tables import outbox_message


class SqlAlchemyUnitOfWork:
    """`with uow: ...; uow.commit()` — anything not committed is rolled back on exit."""

    session: Session
    audit: SqlAuditLog

    def __init__(self, session_factory: Callable[[], Session]) -> None:
        self._session_factory = session_factory
        self._pending: list[DomainEvent] = []

    def __enter__(self) -> Self:
        self.session = self._session_factory()
        self.audit = SqlAuditLog(self.session)
        self._pending = []
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        try:
            self.rollback()
        finally:
            self.session.close()

    def publish(self, event: DomainEvent) -> None:
        self._pending.append(event)

    def commit(self) -> None:
        if self._pending:
            self.session.execute(
                insert(outbox_message),
                [
                    {
                        "event_id": event.event_id,
                        "event_type": event.event_type,
                        "payload": event.to_payload(),
                        "occurred_at": event.occurred_at,
                    }
                    for event in self._pending
                ],
            )
        self.session.commit()
        self._pending = []

    def rollback(self) -> None:
        self._pending = []
        self.session.rollback()
