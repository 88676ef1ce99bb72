"""The same behaviour, checked on the in-memory fake and on the real PostgreSQL adapter."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

import pytest
from sqlalchemy import select

from elcorp.shared.application.audit import Actor, Resource
from elcorp.shared.domain.events import DomainEvent
from elcorp.shared.infrastructure.tables import audit_log, outbox_message
from support.fakes import FakeUnitOfWork


@dataclass(frozen=True, kw_only=True)
class ContractProbe(DomainEvent):
    event_type = "tests.ContractProbe"
    probe_id: uuid.UUID


class FakeHarness:
    def __init__(self) -> None:
        self.uow = FakeUnitOfWork()

    def new_uow(self):
        return self.uow

    def durable_events(self) -> list[uuid.UUID]:
        return [e.event_id for e in self.uow.committed_events]

    def durable_audit_actions(self) -> list[str]:
        return [e.action for e in self.uow.committed_audit]


class SqlHarness:
    def __init__(self, container) -> None:
        self.container = container

    def new_uow(self):
        return self.container.uow()

    def durable_events(self) -> list[uuid.UUID]:
        with self.container.session_factory() as session:
            return list(
                session.execute(select(outbox_message.c.event_id).order_by(outbox_message.c.id)).scalars()
            )

    def durable_audit_actions(self) -> list[str]:
        with self.container.session_factory() as session:
            return list(
                session.execute(
                    select(audit_log.c.action).where(audit_log.c.action.like("contract.%"))
                ).scalars()
            )


@pytest.fixture(params=["fake", "sql"])
def harness(request):
    if request.param == "fake":
        return FakeHarness()
    return SqlHarness(request.getfixturevalue("container"))


def test_commit_makes_events_and_audit_durable(harness):
    event = ContractProbe(probe_id=uuid.uuid4())
    with harness.new_uow() as uow:
        uow.publish(event)
        uow.audit.record("contract.done", Actor(id="u1"), Resource("probe", "1"))
        uow.commit()
    assert event.event_id in harness.durable_events()
    assert harness.durable_audit_actions() == ["contract.done"]


def test_leaving_without_commit_keeps_nothing(harness):
    event = ContractProbe(probe_id=uuid.uuid4())
    with harness.new_uow() as uow:
        uow.publish(event)
        uow.audit.record("contract.abandoned", Actor(id="u1"), Resource("probe", "1"))
    assert event.event_id not in harness.durable_events()
    assert harness.durable_audit_actions() == []


def test_explicit_rollback_discards_pending_work_but_the_uow_stays_usable(harness):
    dropped, kept = ContractProbe(probe_id=uuid.uuid4()), ContractProbe(probe_id=uuid.uuid4())
    with harness.new_uow() as uow:
        uow.publish(dropped)
        uow.rollback()
        uow.publish(kept)
        uow.commit()
    events = harness.durable_events()
    assert kept.event_id in events
    assert dropped.event_id not in events
