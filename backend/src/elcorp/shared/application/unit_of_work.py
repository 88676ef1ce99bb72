"""The unit-of-work port: one transaction per command.

Leaving the `with` block without `commit()` rolls back. Events handed to `publish()` are
written to the transactional outbox by `commit()`, in the same transaction as the change
that raised them, so they are dispatched if and only if the change is durable.
"""

from __future__ import annotations

from types import TracebackType
from typing import Protocol, Self

from elcorp.shared.application.audit import AuditLog
from elcorp.shared.domain.events import DomainEvent


class UnitOfWork(Protocol):
    @property
    def audit(self) -> AuditLog: ...

    def __enter__(self) -> Self: ...

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...

    def publish(self, event: DomainEvent) -> None:
        """Queue an event for the outbox; it is stored by `commit()`."""
        ...

    def commit(self) -> None: ...

    def rollback(self) -> None: ...
