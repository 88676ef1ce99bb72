"""In-memory fakes shared by the unit tests of several contexts: the kernel's audit log and
unit of work, a clock the test moves, the access-control grants cache.

`tests/integration/test_port_contracts.py` runs the same behaviour tests against the audit
log and unit-of-work fakes and the real adapters, so those cannot drift from production.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from types import TracebackType
from typing import Self

from elcorp.governance.application.api import Grants
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


class FakeClock:
    """A clock the test moves: `advance` takes a timedelta or seconds."""

    def __init__(self, at: datetime) -> None:
        self.at = at

    def now(self) -> datetime:
        return self.at

    def advance(self, by: timedelta | float) -> None:
        self.at += by if isinstance(by, timedelta) else timedelta(seconds=by)


class FakeGrantsCache:
    """The access-control cache in memory; remembers whom it was told to forget."""

    def __init__(self) -> None:
        self.entries: dict[uuid.UUID, Grants] = {}
        self.invalidated: list[uuid.UUID] = []

    def get(self, user_id: uuid.UUID) -> Grants | None:
        return self.entries.get(user_id)

    def put(self, user_id: uuid.UUID, grants: Grants) -> None:
        self.entries[user_id] = grants

    def invalidate(self, user_id: uuid.UUID) -> None:
        self.entries.pop(user_id, None)
        self.invalidated.append(user_id)
