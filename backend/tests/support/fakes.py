"""In-memory fakes of the kernel's ports, for unit tests of application services.

`tests/integration/test_port_contracts.py` runs the same behaviour tests against these
fakes and the real adapters, so a fake cannot drift from what production does.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import TracebackType
from typing import Self

from elcorp.shared.application.audit import Actor, Changes, Resource
from elcorp.shared.domain.events import DomainEvent


@dataclass(frozen=True)
class RecordedEntry:
    action: str
    actor: Actor
    resource: Resource
    changes: Changes | None
    reason: str | None


class FakeAuditLog:
    def __init__(self) -> None:
        self.pending: list[RecordedEntry] = []

    def record(
        self,
        action: str,
        actor: Actor,
        resource: Resource,
        changes: Changes | None = None,
        reason: str | None = None,
    ) -> None:
        self.pending.append(RecordedEntry(action, actor, resource, changes, reason))


class FakeUnitOfWork:
    """Keeps what a commit would make durable in `committed_events` / `committed_audit`."""

    def __init__(self) -> None:
        self.audit = FakeAuditLog()
        self.committed_events: list[DomainEvent] = []
        self.committed_audit: list[RecordedEntry] = []
        self._pending: list[DomainEvent] = []
        self.commits = 0

    def __enter__(self) -> Self:
        self._pending = []
        self.audit.pending = []
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.rollback()

    def publish(self, event: DomainEvent) -> None:
        self._pending.append(event)

    def commit(self) -> None:
        self.committed_events.extend(self._pending)
        self.committed_audit.extend(self.audit.pending)
        self._pending = []
        self.audit.pending = []
        self.commits += 1

    def rollback(self) -> None:
        self._pending = []
        self.audit.pending = []
