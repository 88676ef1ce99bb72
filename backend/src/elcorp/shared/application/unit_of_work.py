"""The unit-of-work port: one transaction per command.

Leaving the `with` block without `commit()` rolls back. Events handed to `publish()` are
written to the transactional outbox by `commit()`, in the same transaction as the change
that raised them, so they are dispatched if and only if the change is durable. Aggregates
record their own events (`events`); a unit of work whose repositories track the aggregates
they load or add publishes those at commit (`publish_new_events`, cosmicpython's
`collect_new_events`).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from types import TracebackType
from typing import Generic, Protocol, Self, TypeVar

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


class Aggregate(Protocol):
    """An aggregate that records what happened to it, for the unit of work to publish."""

    @property
    def events(self) -> list[DomainEvent]: ...


A = TypeVar("A", bound=Aggregate)


class SeenAggregates(Generic[A]):
    """The aggregates a repository handed out or took in during one unit of work, in the
    order it first saw them: the unit of work publishes their events at commit, so a use
    case never builds an event by hand and none is lost when it forgets to."""

    def __init__(self) -> None:
        self._seen: dict[int, A] = {}

    def add(self, aggregate: A) -> A:
        self._seen.setdefault(id(aggregate), aggregate)
        return aggregate

    def __iter__(self) -> Iterator[A]:
        return iter(list(self._seen.values()))

    def __len__(self) -> int:
        return len(self._seen)


def collect_new_events(*seen: Iterable[Aggregate]) -> Iterator[DomainEvent]:
    """The events the seen aggregates recorded, oldest first per aggregate, each taken off
    its aggregate so a second commit of the same unit of work does not publish it again."""
    for aggregates in seen:
        for aggregate in aggregates:
            while aggregate.events:
                yield aggregate.events.pop(0)


def publish_new_events(uow: UnitOfWork, *seen: Iterable[Aggregate]) -> None:
    """Hand the seen aggregates' new events to `uow.publish` (called by a unit of work's
    `commit()` before it writes the outbox)."""
    for event in collect_new_events(*seen):
        uow.publish(event)
