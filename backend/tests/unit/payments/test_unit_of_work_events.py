"""Events recorded by aggregates reach the outbox through the unit of work's commit
(shared/application/unit_of_work.py): once each, in the order they happened."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

from elcorp.shared.application.unit_of_work import SeenAggregates, collect_new_events, publish_new_events
from elcorp.shared.domain.events import DomainEvent
from support.fakes import FakeUnitOfWork


@dataclass(frozen=True, kw_only=True)
class Happened(DomainEvent):
    event_type = "payments.TestHappened"
    what: str


@dataclass(eq=False)
class Thing:
    events: list[DomainEvent] = field(default_factory=list)

    def act(self, what: str) -> None:
        self.events.append(Happened(what=what, occurred_at=datetime(2027, 1, 1, tzinfo=UTC)))


def test_an_aggregate_seen_twice_is_kept_once_in_the_order_first_seen():
    seen: SeenAggregates[Thing] = SeenAggregates()
    first, second = Thing(), Thing()
    assert seen.add(first) is first
    seen.add(second)
    seen.add(first)
    assert list(seen) == [first, second] and len(seen) == 2


def test_new_events_are_collected_in_order_and_taken_off_their_aggregates():
    seen: SeenAggregates[Thing] = SeenAggregates()
    first, second = seen.add(Thing()), seen.add(Thing())
    first.act("a")
    second.act("b")
    first.act("c")
    assert [e.what for e in collect_new_events(seen)] == ["a", "c", "b"]
    assert first.events == [] and second.events == []
    assert list(collect_new_events(seen)) == []


def test_published_events_are_committed_once_and_dropped_on_rollback():
    uow, seen = FakeUnitOfWork(), SeenAggregates[Thing]()
    thing = seen.add(Thing())
    with uow:
        thing.act("kept")
        publish_new_events(uow, seen)
        uow.commit()
        publish_new_events(uow, seen)
        uow.commit()
    with uow:
        thing.act("dropped")
        publish_new_events(uow, seen)
    assert [e.what for e in uow.committed_events] == ["kept"]
